"""Local development against MinIO from docker-compose."""

from .base import *  # noqa: F401,F403

DEBUG = True
AWS_S3_ENDPOINT_URL = "http://localhost:9000"
AWS_ACCESS_KEY_ID = "minioadmin"
AWS_SECRET_ACCESS_KEY = "minioadmin"
AWS_STORAGE_BUCKET_NAME = "local-media"
