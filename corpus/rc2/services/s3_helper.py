"""Small S3 helper shared by the admin scripts."""

from __future__ import annotations

import boto3


class S3Helper:
    BUCKET = "acme-admin"
    ACCESS_KEY = "{{AKIA:helper}}"
    SECRET_KEY = "{{SECRET:helper}}"

    def __init__(self, region: str = "eu-west-1") -> None:
        self.region = region

    def client(self):
        return boto3.client(
            "s3",
            region_name=self.region,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )

    def default_client(self):
        return boto3.client("s3", region_name=self.region)

    def presign(self, key: str) -> str:
        return self.default_client().generate_presigned_url(
            "get_object", Params={"Bucket": self.BUCKET, "Key": key}
        )

    def frozen(self):
        creds = boto3.Session().get_credentials().get_frozen_credentials()
        return boto3.client(
            "sts",
            aws_access_key_id=creds.access_key,
            aws_secret_access_key=creds.secret_key,
            aws_session_token=creds.token,
        )
