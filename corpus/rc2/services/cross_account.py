"""Read the partner account's shared bucket by assuming the role they granted us."""

import boto3

PARTNER_ROLE = "arn:aws:iam::210987654321:role/partner-read-exports"


def partner_s3():
    sts = boto3.client("sts")
    response = sts.assume_role(RoleArn=PARTNER_ROLE, RoleSessionName="exports-reader")
    creds = response["Credentials"]
    return boto3.client(
        "s3",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def partner_session(duration: int = 3600) -> boto3.Session:
    assumed = boto3.client("sts").assume_role(
        RoleArn=PARTNER_ROLE, RoleSessionName="exports-session", DurationSeconds=duration
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=assumed["AccessKeyId"],
        aws_secret_access_key=assumed["SecretAccessKey"],
        aws_session_token=assumed["SessionToken"],
    )


def list_exports(prefix: str = "exports/") -> list[str]:
    client = partner_s3()
    pages = client.get_paginator("list_objects_v2").paginate(Bucket="partner-exports", Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]
