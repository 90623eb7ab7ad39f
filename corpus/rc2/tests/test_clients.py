"""Unit tests for services.clients using moto."""

import os

import boto3
from moto import mock_aws

from services import clients


@mock_aws
def test_client_uses_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "fake-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    c = clients.client("s3", "us-east-1")
    c.create_bucket(Bucket="b")
    assert boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]


def test_placeholder_session():
    session = boto3.Session(aws_access_key_id="YOUR_ACCESS_KEY_ID", aws_secret_access_key="<secret>")
    assert session is not None
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
