"""Credential resolution tests: each test sets the environment it needs and puts the
developer's own variables back afterwards."""

import os
import unittest

import boto3
import botocore.session
from botocore.credentials import Credentials


class EnvironmentCredentialsTest(unittest.TestCase):
    def setUp(self):
        self.saved_key_id = os.environ.get("AWS_ACCESS_KEY_ID")
        self.saved_env = os.environ.copy()
        os.environ["AWS_ACCESS_KEY_ID"] = "testing"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"

    def tearDown(self):
        if self.saved_key_id is None:
            os.environ.pop("AWS_ACCESS_KEY_ID", None)
        else:
            os.environ["AWS_ACCESS_KEY_ID"] = self.saved_key_id
        os.environ["AWS_SECRET_ACCESS_KEY"] = self.saved_env.get("AWS_SECRET_ACCESS_KEY", "")

    def test_client_uses_environment(self):
        session = botocore.session.get_session()
        self.assertEqual(session.get_credentials().access_key, "testing")


class SignerTest(unittest.TestCase):
    def setUp(self):
        self.access_key = "access_key"
        self.secret_key = "secret_key"
        self.credentials = Credentials(self.access_key, self.secret_key)

    def test_temporary_credentials(self):
        token = self.id()
        creds = Credentials(f"fake-{self.id()}", f"fake-secret-{self.id()}", token)
        self.assertEqual(creds.token, token)

    def test_alphabet_keys(self):
        session = botocore.session.get_session()
        session.set_credentials("ABCDEFGHIJKLMNOPQRST", "TSRQPONMLKJIHGFEDCBA")

    def test_mock_values(self):
        client = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key="mock-aws-secret-access-key",
        )
        self.assertIsNotNone(client)


def test_with_integration_key():
    # Someone's real key pasted into a test to debug CI; it must be reported.
    os.environ["AWS_SECRET_ACCESS_KEY"] = "{{SECRET:i}}"
    assert boto3.client("sts").get_caller_identity()
