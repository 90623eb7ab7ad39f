"""Django settings for the payments service."""

from pathlib import Path
import os

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "{{DJANGO_SECRET_KEY}}"

DEBUG = False
ALLOWED_HOSTS = ["payments.internal"]

DATABASES = {
    "default": dj_database_url.parse(
        "postgresql://payments:{{PASSWORD}}@payments.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432/payments"
    ),
    "reporting": dj_database_url.parse(os.environ["REPORTING_DATABASE_URL"]),
}

EMAIL_HOST = "email-smtp.eu-west-1.amazonaws.com"
EMAIL_HOST_USER = os.environ.get("SES_SMTP_USER")
EMAIL_HOST_PASSWORD = "{{SES_SMTP_PASSWORD}}"

GOOGLE_MAPS_API_KEY = "{{GOOGLE_API_KEY}}"

# Hashes, not secrets:
STATIC_MANIFEST_HASH = "{{HEX32}}"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
