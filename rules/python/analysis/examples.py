"""VALID and INVALID examples of the Python rules taken from code nobody on the team
wrote: the shapes ``scripts/realworld.py`` found in the SDKs' and emulators' own code
and tests (plumbing, temporary credentials, test values, restored variables).

Kept here so the rule modules stay short; each rule spreads its tuple into its own
``VALID``/``INVALID``.
"""

from __future__ import annotations

from rolecall import Example, Severity
from rolecall.rules.python.analysis.text import KEY_ID, SECRET

_EMULATOR_CALL = (
    "import boto3\nfrom localstack import config\n"
    "from localstack.constants import INTERNAL_AWS_SECRET_ACCESS_KEY\n"
    "def presign(endpoint_url):\n"
    '    return boto3.client("s3", aws_access_key_id=config.INTERNAL_RESOURCE_ACCOUNT,\n'
    "        aws_secret_access_key=INTERNAL_AWS_SECRET_ACCESS_KEY, endpoint_url=endpoint_url)\n"
)


#: RC201: plumbing, temporary credentials, test values, an emulator's own source.
BOTO3_VALID: tuple[Example, ...] = (
    # A wrapper that re-exposes the SDK's own optional credential parameters passes
    # the caller's choice on: the static key, if any, is at the caller.
    Example(
        "import boto3\n"
        "def make_client(service, aws_access_key_id=None, aws_secret_access_key=None):\n"
        "    return boto3.client(service, aws_access_key_id=aws_access_key_id,\n"
        "                        aws_secret_access_key=aws_secret_access_key)\n"
    ),
    # Keys that travel with a session token are temporary credentials (from STS).
    Example(
        "import boto3\n"
        "def client_for(access_key, secret_key, token):\n"
        '    return boto3.client("s3", aws_access_key_id=access_key,\n'
        "        aws_secret_access_key=secret_key, aws_session_token=token)\n"
    ),
    Example(
        "import boto3\n"
        "class Assumed:\n"
        "    def __init__(self, response):\n"
        "        self.key_id = response.key_id\n        self.secret = response.secret\n"
        "        self.token = response.token\n"
        "    def session(self):\n"
        "        return boto3.Session(aws_access_key_id=self.key_id,\n"
        "            aws_secret_access_key=self.secret, aws_session_token=self.token)\n"
    ),
    # Test values that spell out what they are, reached through a name or attribute.
    Example(
        "import boto3, unittest\n"
        'SECRET = "mock-aws-secret-access-key"\n'
        "class T(unittest.TestCase):\n"
        "    def setUp(self):\n"
        '        self.key = "testing"\n'
        "    def test_it(self):\n"
        '        boto3.client("s3", aws_access_key_id=self.key,'
        " aws_secret_access_key=SECRET)\n"
    ),
    # Credentials an emulator defines for itself (LocalStack signing requests to itself).
    Example(_EMULATOR_CALL, filename="localstack/services/lambda_/models.py"),
    Example(_EMULATOR_CALL, filename="tests/aws/services/s3/test_presign.py"),
)


#: RC201: what stays reported beside them.
BOTO3_INVALID: tuple[Example, ...] = (
    # A committed key stays a finding whatever token travels with it.
    Example(
        "import boto3\n"
        "def client_for(token):\n"
        f'    return boto3.client("s3", aws_access_key_id="{KEY_ID}",\n'
        f'        aws_secret_access_key="{SECRET}", aws_session_token=token)\n',
        line=3,
        severity=Severity.ERROR,
    ),
    # Another name than the SDK's own: the function chose to take keys.
    Example(
        "import boto3\n"
        "def reader(key, secret):\n"
        '    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)\n',
        line=3,
        severity=Severity.WARNING,
    ),
    # A literal key next to an emulator's value stays a finding.
    Example(
        "import boto3\nfrom localstack import config\n"
        f'boto3.client("s3", aws_access_key_id="{KEY_ID}",\n'
        f'    aws_secret_access_key="{SECRET}", endpoint_url=config.EXTERNAL_URL)\n',
        line=3,
        severity=Severity.ERROR,
    ),
)


#: RC202: credential providers, signers and their tests.
BOTOCORE_VALID: tuple[Example, ...] = (
    # Values an f-string builds from run-time parts and words (a fake profile provider).
    Example(
        "from botocore.credentials import Credentials\n"
        "class ProfileProvider:\n"
        "    def __init__(self, profile_name):\n"
        "        self._profile_name = profile_name\n"
        "    def load(self):\n"
        "        return Credentials(\n"
        "            f'{self._profile_name}-access-key', f'{self._profile_name}-secret-key'\n"
        "        )\n"
    ),
    # Keys typed as the alphabet, forwards and backwards (the AWS CLI's EKS token tests).
    Example(
        "import botocore.session\n"
        "session = botocore.session.get_session()\n"
        "session.set_credentials('ABCDEFGHIJKLMNOPQRST', 'TSRQPONMLKJUHGFEDCBA')\n"
    ),
    # A credential provider building Credentials from what its caller gave it.
    Example(
        "from botocore.credentials import Credentials\n"
        "class RequestCredentials:\n"
        "    def __init__(self, access_key_id, user):\n"
        "        self._key = access_key_id\n"
        "        self._secret = user.secret_access_key\n"
        "    def create_credentials(self):\n"
        "        return Credentials(self._key, self._secret)\n"
    ),
    Example(
        "from botocore.session import get_session\n"
        "def new_session(access_key, secret_key):\n"
        "    session = get_session()\n"
        "    session.set_credentials(access_key, secret_key)\n"
        "    return session\n"
    ),
    # Test values: spelled-out words through self, generated values with a token,
    # a deliberately bad token beside credentials the chain resolved.
    Example(
        "import unittest\nimport botocore.credentials\n"
        "class TestSigner(unittest.TestCase):\n"
        "    def setUp(self):\n"
        "        self.access_key = 'access_key'\n        self.secret_key = 'secret_key'\n"
        "        self.credentials = botocore.credentials.Credentials(\n"
        "            self.access_key, self.secret_key)\n"
    ),
    Example(
        "from botocore.credentials import Credentials\n"
        "def random_credentials(rand):\n"
        "    return Credentials(f'fake-{rand(15)}', f'fake-{rand(35)}', f'fake-{rand(45)}')\n"
    ),
    Example(
        "import botocore.session\n"
        "session = botocore.session.get_session()\n"
        "creds = session.get_credentials()\n"
        "client = session.create_client('s3', aws_access_key_id=creds.access_key,\n"
        "    aws_secret_access_key=creds.secret_key,"
        " aws_session_token='bad-token-causes-400')\n"
    ),
)


#: RC207: a tearDown or finally putting back what was saved.
ENVIRON_VALID: tuple[Example, ...] = (
    # Restoring what the variables held before: no credential comes from the code.
    Example(
        "import os, unittest\n"
        "class CredentialTest(unittest.TestCase):\n"
        "    def setUp(self):\n"
        '        self.saved_key = os.environ.get("AWS_ACCESS_KEY_ID")\n'
        "        self.saved_env = os.environ.copy()\n"
        "    def tearDown(self):\n"
        '        os.environ["AWS_ACCESS_KEY_ID"] = self.saved_key\n'
        '        os.environ["AWS_SECRET_ACCESS_KEY"] = (\n'
        '            self.saved_env["AWS_SECRET_ACCESS_KEY"])\n'
    ),
    Example(
        "import os\n"
        "def run_isolated(job):\n"
        '    original = os.environ.get("AWS_SECRET_ACCESS_KEY")\n'
        "    try:\n        job()\n    finally:\n"
        "        if original is not None:\n"
        '            os.environ["AWS_SECRET_ACCESS_KEY"] = original\n'
    ),
)


#: RC207: copying another variable is not a restore.
ENVIRON_INVALID: tuple[Example, ...] = (
    # Another variable's key copied into the standard one is not a restore.
    Example(
        'import os\nos.environ["AWS_ACCESS_KEY_ID"] = os.environ["DEPLOY_KEY_ID"]\n',
        severity=Severity.WARNING,
    ),
)
