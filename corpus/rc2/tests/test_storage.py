"""Storage tests against LocalStack (started by docker-compose in CI)."""

import boto3
import pytest
import s3fs

LOCALSTACK = "http://localhost:4566"


@pytest.fixture
def s3():
    client = boto3.client(
        "s3",
        endpoint_url=LOCALSTACK,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="media")
    return client


@pytest.fixture
def fs():
    return s3fs.S3FileSystem(key="testing", secret="testing", client_kwargs={"endpoint_url": LOCALSTACK})


def test_upload_roundtrip(s3, fs):
    s3.put_object(Bucket="media", Key="a.txt", Body=b"hello")
    assert fs.cat("media/a.txt") == b"hello"


def test_docs_example_keys_are_ignored():
    session = boto3.Session(
        aws_access_key_id="{{EXAMPLE_ID}}",
        aws_secret_access_key="{{EXAMPLE_SECRET}}",
    )
    assert session.region_name is None or session.region_name
