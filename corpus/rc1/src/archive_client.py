"""Archive client for the reporting jobs.

Local testing used the ``archive-dev`` user:

    key    {{AKIA:doc}}
    secret {{SECRET:doc}}
"""

from dataclasses import dataclass

import boto3


@dataclass
class ArchiveSettings:
    bucket: str = "acme-archive"
    access_key: str = "{{AKIA:dc}}"
    secret: str = "{{SECRET:dc}}"


def connect(key=b"{{AKIA:fn}}", secret=b"{{SECRET:fn}}", region="eu-west-1"):
    return boto3.client(
        "s3",
        aws_access_key_id=key.decode(),
        aws_secret_access_key=secret.decode(),
        region_name=region,
    )
