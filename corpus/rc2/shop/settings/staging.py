"""Staging: same as production but a separate bucket, keys pinned for the demo box."""

from .base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["staging.shop.example.com"]

AWS_STORAGE_BUCKET_NAME = "shop-media-staging"
AWS_ACCESS_KEY_ID = "{{AKIA:staging}}"
AWS_SECRET_ACCESS_KEY = "{{SECRET:staging}}"
AWS_S3_CUSTOM_DOMAIN = "media-staging.shop.example.com"

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
