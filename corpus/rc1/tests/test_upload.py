import boto3
import pytest
from moto import mock_aws


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch):
    """Mocked AWS credentials for moto: fake values, never real ones."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@mock_aws
def test_upload_creates_object():
    s3 = boto3.client("s3", aws_access_key_id="{{EXAMPLE_ID}}",
                      aws_secret_access_key="{{EXAMPLE_SECRET}}")
    s3.create_bucket(Bucket="b")
    s3.put_object(Bucket="b", Key="k", Body=b"x")
    assert s3.list_objects_v2(Bucket="b")["KeyCount"] == 1


def test_localstack_endpoint():
    client = boto3.client("sqs", endpoint_url="http://localhost:4566",
                          aws_access_key_id="test", aws_secret_access_key="test")
    assert client.meta.region_name
