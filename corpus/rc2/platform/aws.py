"""Thin wrappers around boto3 shared by the platform's services.

Every wrapper takes the SDK's own optional credential arguments and passes them on, so
callers can run with the task role (nothing passed) or with temporary credentials from
an assumed role.
"""

from __future__ import annotations

import boto3
from botocore.credentials import Credentials


def make_client(service, region_name=None, aws_access_key_id=None,
                aws_secret_access_key=None, aws_session_token=None):
    return boto3.client(
        service,
        region_name=region_name,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
    )


class AssumedRoleSession:
    """Clients for another account, from the credentials of an assume_role call."""

    def __init__(self, response):
        creds = response.credentials
        self.access_key_id = creds.access_key_id
        self.secret_access_key = creds.secret_access_key
        self.session_token = creds.session_token

    def client(self, service):
        return boto3.client(
            service,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            aws_session_token=self.session_token,
        )

    def signing_credentials(self):
        return Credentials(self.access_key_id, self.secret_access_key, self.session_token)


def reports_bucket_client():
    # The reporting account was never moved to roles.
    return boto3.client(
        "s3",
        aws_access_key_id="{{AKIA:r}}",
        aws_secret_access_key="{{SECRET:r}}",
    )
