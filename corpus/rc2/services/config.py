"""Flask configuration classes."""

import os


class BaseConfig:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///app.db")
    UPLOAD_BUCKET = os.environ.get("UPLOAD_BUCKET", "uploads")


class ProductionConfig(BaseConfig):
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY")


class DemoConfig(BaseConfig):
    AWS_ACCESS_KEY_ID = "{{AKIA:demo}}"
    AWS_SECRET_ACCESS_KEY = "{{SECRET:demo}}"


class TestConfig(BaseConfig):
    AWS_ACCESS_KEY_ID = "testing"
    AWS_SECRET_ACCESS_KEY = "testing"
