#!/usr/bin/env python3
"""Copy every object of one bucket to another, possibly in another account."""

import argparse
import os

import boto3
from pyarrow import fs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--access-key", help="key id for the target account")
    parser.add_argument("--secret-key", help="secret key for the target account")
    parser.add_argument("--profile", default=None)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.profile:
        os.environ["AWS_PROFILE"] = args.profile
    source = boto3.client("s3")
    target = boto3.Session(
        aws_access_key_id=args.access_key,
        aws_secret_access_key=args.secret_key,
    ).client("s3")
    arrow = fs.S3FileSystem(role_arn="arn:aws:iam::123456789012:role/migrator", session_name="migrate")
    for page in source.get_paginator("list_objects_v2").paginate(Bucket=args.source):
        for item in page.get("Contents", []):
            body = source.get_object(Bucket=args.source, Key=item["Key"])["Body"].read()
            target.put_object(Bucket=args.target, Key=item["Key"], Body=body)
    print(arrow.get_file_info(args.target))


if __name__ == "__main__":
    main()
