"""The APIs the Python rules know: which calls take AWS credentials, under which names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

BOTO_KW = {
    "aws_access_key_id": "key_id",
    "aws_secret_access_key": "secret",
    "aws_session_token": "token",
}
SET_KW = {"access_key": "key_id", "secret_key": "secret", "token": "token"}
S3FS_KW = {"key": "key_id", "secret": "secret", "token": "token"}
ARROW_KW = {"access_key": "key_id", "secret_key": "secret", "session_token": "token"}
STORAGE_KEYS = {
    **S3FS_KW,
    **BOTO_KW,
    "access_key_id": "key_id",
    "secret_access_key": "secret",
    "session_token": "token",
}
#: The environment variables the default chain reads, by credential role.
ENV_VARS = {
    "AWS_ACCESS_KEY_ID": "key_id",
    "AWS_SECRET_ACCESS_KEY": "secret",
    "AWS_SESSION_TOKEN": "token",
    "AWS_SECURITY_TOKEN": "token",
}
STANDARD_ENV = {
    "key_id": "AWS_ACCESS_KEY_ID",
    "secret": "AWS_SECRET_ACCESS_KEY",
    "token": "AWS_SESSION_TOKEN",
}
SETTINGS_NAMES = {
    **ENV_VARS,
    "AWS_S3_ACCESS_KEY_ID": "key_id",
    "AWS_S3_SECRET_ACCESS_KEY": "secret",
    "AWS_S3_SESSION_TOKEN": "token",
}


@dataclass(frozen=True)
class Api:
    family: str
    keywords: Mapping[str, str]
    positional: int = 0  # leading positional parameters that are key id, secret, token
    s3_arg: bool = False  # the first argument must be an s3:// URL or the "s3" protocol


_B, _BC, _AIO = Api("boto3", BOTO_KW), Api("botocore", BOTO_KW), Api("aio", BOTO_KW)
_B3, _AIO3 = Api("boto3", BOTO_KW, 3), Api("aio", BOTO_KW, 3)
_FS_URL = Api("s3fs", S3FS_KW, s3_arg=True)
APIS: dict[str, Api] = {
    "boto3.client": _B,
    "boto3.resource": _B,
    "boto3.Session.client": _B,
    "boto3.Session.resource": _B,
    "boto3.Session": _B3,
    "boto3.session.Session": _B3,
    "boto3.setup_default_session": _B3,
    "botocore.Session.create_client": _BC,
    "botocore.Session.set_credentials": Api("botocore", SET_KW, 3),
    "botocore.credentials.Credentials": Api("botocore", SET_KW, 3),
    "botocore.credentials.ReadOnlyCredentials": Api("botocore", SET_KW, 3),
    "aiobotocore.Session.create_client": _AIO,
    "aiobotocore.Session.set_credentials": Api("aio", SET_KW, 3),
    "aiobotocore.credentials.AioCredentials": Api("aio", SET_KW, 3),
    "aioboto3.Session": _AIO3,
    "aioboto3.session.Session": _AIO3,
    "aioboto3.Session.client": _AIO,
    "aioboto3.Session.resource": _AIO,
    "s3fs.S3FileSystem": Api("s3fs", S3FS_KW),
    "s3fs.core.S3FileSystem": Api("s3fs", S3FS_KW),
    "fsspec.filesystem": _FS_URL,
    "fsspec.open": _FS_URL,
    "fsspec.open_files": _FS_URL,
    "fsspec.core.open": _FS_URL,
    "fsspec.core.open_files": _FS_URL,
    "fsspec.core.url_to_fs": _FS_URL,
    "fsspec.url_to_fs": _FS_URL,
    "pyarrow.fs.S3FileSystem": Api("pyarrow", ARROW_KW),
    "pyarrow._s3fs.S3FileSystem": Api("pyarrow", ARROW_KW),
}
#: Constructors and factories whose result is a session object, by the session's type.
TYPES = {
    "boto3.Session": "boto3.Session",
    "boto3.session.Session": "boto3.Session",
    "botocore.session.Session": "botocore.Session",
    "botocore.session.get_session": "botocore.Session",
    "aiobotocore.session.AioSession": "aiobotocore.Session",
    "aiobotocore.session.get_session": "aiobotocore.Session",
    "aiobotocore.get_session": "aiobotocore.Session",
    "aioboto3.Session": "aioboto3.Session",
    "aioboto3.session.Session": "aioboto3.Session",
}
#: Method names that, with AWS credential keywords, are an SDK call whatever the receiver.
BY_NAME = {"client": _B, "resource": _B, "Session": _B3, "create_client": _BC}
WATCHED_NAMES = frozenset(
    {
        "set_credentials",
        "Credentials",
        "ReadOnlyCredentials",
        "AioCredentials",
        "S3FileSystem",
        "filesystem",
        "open",
        "open_files",
        "url_to_fs",
        "putenv",
        "update",
        "setdefault",
    }
)
ALL_KEYWORDS = frozenset({*BOTO_KW, *SET_KW, *S3FS_KW, *ARROW_KW, "storage_options"})
