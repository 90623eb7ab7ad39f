"""Factory for AWS clients used across the billing service."""

from __future__ import annotations

import functools
import os

import boto3
from botocore.config import Config
from botocore.session import get_session

RETRIES = Config(retries={"max_attempts": 10, "mode": "adaptive"})


@functools.lru_cache(maxsize=None)
def client(service: str, region: str | None = None):
    """Clients pick up credentials from the environment in CI and the task role in ECS."""
    return boto3.client(
        service,
        region_name=region or os.environ.get("AWS_REGION", "eu-west-1"),
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),
        config=RETRIES,
    )


def legacy_billing_client(key_id: str, secret: str):
    """The old billing account still uses an IAM user; callers pass its keys."""
    session = get_session()
    return session.create_client(
        "dynamodb",
        region_name="us-west-2",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def events_client():
    return boto3.client("events", config=RETRIES)
