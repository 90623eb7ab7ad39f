"""Django settings for the reporting service."""

import os

KEY_ID = "{{AKIA:a}}"
REGION = "eu-west-1"

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = "django-insecure-7#k!p2v@q9x^m3&z_w8(r)t$y+u-n=b4c6d"
DEBUG = False
ALLOWED_HOSTS = ["reports.internal"]

# Static files go to S3 through django-storages.
STORAGES = {
    "staticfiles": {"BACKEND": "storages.backends.s3boto3.S3Boto3Storage"},
}
AWS_STORAGE_BUCKET_NAME = "reports-static"
AWS_S3_REGION_NAME = REGION
AWS_ACCESS_KEY_ID = "{{AKIA:b}}"
AWS_SECRET_ACCESS_KEY = "{{SECRET:b}}"
AWS_S3_CUSTOM_DOMAIN = f"{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
AWS_DEFAULT_ACL = None

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "reports",
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
    }
}
STATIC_CACHE_BUST = "{{HEX40}}"
