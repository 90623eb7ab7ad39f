"""Local development overrides."""

from .settings import *  # noqa

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key")
DEBUG = True
DATABASES = {
    "default": dj_database_url.parse("postgresql://postgres:postgres@localhost:5432/payments"),
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
