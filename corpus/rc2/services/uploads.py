"""Flask blueprint for user uploads; credentials come from the app config."""

import uuid

import fsspec
import s3fs
from botocore.session import get_session
from flask import Blueprint, current_app, request

bp = Blueprint("uploads", __name__)


def _fs() -> s3fs.S3FileSystem:
    cfg = current_app.config
    return s3fs.S3FileSystem(key=cfg["AWS_ACCESS_KEY_ID"], secret=cfg["AWS_SECRET_ACCESS_KEY"])


@bp.post("/uploads")
def upload():
    name = f"{uuid.uuid4()}.bin"
    with _fs().open(f"{current_app.config['UPLOAD_BUCKET']}/{name}", "wb") as out:
        out.write(request.get_data())
    return {"name": name}, 201


@bp.get("/uploads/<name>/size")
def size(name: str):
    bucket = current_app.config["UPLOAD_BUCKET"]
    with fsspec.open(f"s3://{bucket}/{name}", "rb") as handle:
        return {"size": len(handle.read())}


def refresh_botocore_session(token_response: dict):
    session = get_session()
    creds = token_response["Credentials"]
    session.set_credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    return session
