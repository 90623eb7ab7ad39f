import os

import boto3


def client():
    return boto3.client(
        "kinesis",
        region_name="eu-west-1",
        aws_access_key_id="{{AKIA:py}}",
        aws_secret_access_key=os.environ.get(
            "AWS_SECRET_ACCESS_KEY", "{{SECRET:py}}"
        ),
    )


def archive_client():
    # Falls back to a hard-coded key for the archive account.
    secret = os.getenv("ARCHIVE_SECRET") or "{{SECRET:arch}}"
    return boto3.client("s3", aws_secret_access_key=secret)
