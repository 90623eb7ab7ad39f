"""Django settings for the shop project (shared by every environment)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env(DEBUG=(bool, False))
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "storages",
    "shop.catalog",
    "shop.orders",
]

ROOT_URLCONF = "shop.urls"

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}

# Media files go to S3 through django-storages.
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env("MEDIA_BUCKET", default="shop-media")
AWS_S3_REGION_NAME = "eu-west-1"
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY")
AWS_QUERYSTRING_AUTH = True
AWS_DEFAULT_ACL = None

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
