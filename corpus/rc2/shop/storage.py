"""Signed download links for order invoices."""

from __future__ import annotations

import logging

import boto3
from botocore.config import Config
from django.conf import settings

log = logging.getLogger(__name__)

_session = boto3.session.Session()


def _client():
    return _session.client(
        "s3",
        region_name=settings.AWS_S3_REGION_NAME,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        config=Config(signature_version="s3v4"),
    )


def invoice_url(order_id: int, expires: int = 900) -> str:
    key = f"invoices/{order_id}.pdf"
    url = _client().generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.AWS_STORAGE_BUCKET_NAME, "Key": key},
        ExpiresIn=expires,
    )
    log.info("issued invoice link for order %s", order_id)
    return url


def purge_invoices(prefix: str = "invoices/") -> int:
    bucket = boto3.resource("s3").Bucket(settings.AWS_STORAGE_BUCKET_NAME)
    deleted = 0
    for obj in bucket.objects.filter(Prefix=prefix):
        obj.delete()
        deleted += 1
    return deleted
