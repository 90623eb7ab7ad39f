"""Archive closed tickets to Glacier-class storage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3

CONFIG_FILE = Path(os.environ.get("ARCHIVE_CONFIG", "/etc/archive/config.json"))


def _aws_kwargs() -> dict:
    conf = json.loads(CONFIG_FILE.read_text())
    return {
        "region_name": conf.get("region", "eu-west-1"),
        "aws_access_key_id": conf["aws"]["access_key_id"],
        "aws_secret_access_key": conf["aws"]["secret_access_key"],
    }


def archive_client():
    kwargs = _aws_kwargs()
    return boto3.client("s3", **kwargs)


def restore_client():
    creds = {
        "aws_access_key_id": os.getenv("ARCHIVE_KEY_ID", "{{AKIA:archive}}"),
        "aws_secret_access_key": os.getenv("ARCHIVE_SECRET", "{{SECRET:archive}}"),
    }
    return boto3.client("s3", region_name="eu-west-1", **creds)


def archive(ticket_id: int, body: bytes) -> None:
    archive_client().put_object(
        Bucket="tickets-archive",
        Key=f"closed/{ticket_id}.json",
        Body=body,
        StorageClass="DEEP_ARCHIVE",
    )
