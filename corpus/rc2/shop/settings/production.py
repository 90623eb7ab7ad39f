"""Production settings: secrets come from Secrets Manager at start-up."""

import json

import boto3

from .base import *  # noqa: F401,F403


def _secret(name: str) -> dict:
    client = boto3.client("secretsmanager", region_name="eu-west-1")
    return json.loads(client.get_secret_value(SecretId=name)["SecretString"])


_aws = _secret("shop/prod/aws")
AWS_ACCESS_KEY_ID = _aws["access_key_id"]
AWS_SECRET_ACCESS_KEY = _aws["secret_access_key"]
AWS_STORAGE_BUCKET_NAME = "shop-media-prod"
DEBUG = False
