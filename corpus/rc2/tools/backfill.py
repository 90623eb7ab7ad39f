#!/usr/bin/env python3
"""One-off backfill of thumbnails for images uploaded before the service existed.

Usage: backfill.py BUCKET [PREFIX]
"""

import os
import subprocess
import sys

from boto3 import client as make_client

# The backfill box has no instance profile, so hand the CLI and SDK the ops keys.
os.environ["AWS_ACCESS_KEY_ID"] = "{{AKIA:ops}}"
os.environ["AWS_SECRET_ACCESS_KEY"] = "{{SECRET:ops}}"
os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"


def keys(bucket: str, prefix: str):
    s3 = make_client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def main(argv: list[str]) -> int:
    bucket = argv[1]
    prefix = argv[2] if len(argv) > 2 else ""
    sqs = make_client("sqs", aws_access_key_id="{{AKIA:ops}}", aws_secret_access_key="{{SECRET:ops}}")
    queue = os.environ.get("THUMB_QUEUE_URL")
    for key in keys(bucket, prefix):
        sqs.send_message(QueueUrl=queue, MessageBody=key)
    subprocess.run(["aws", "s3", "ls", f"s3://{bucket}/{prefix}"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
