"""Shared wording and example values of the Python rules (no heavy imports here)."""

from __future__ import annotations

from rolecall import DocKind
from rolecall.rules.aws.examples import AKIA, EXAMPLE_ID

PYTHON_KINDS = frozenset({DocKind.PYTHON, DocKind.NOTEBOOK})
BOTO_KEYWORDS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")

CHAIN = (
    "the default credential provider chain finds role credentials on its own (instance "
    "profile, ECS task role, EKS Pod Identity or IRSA, Lambda execution role; an IAM "
    "Identity Center (SSO) profile on a laptop)"
)
CROSS_ACCOUNT = (
    "For another account, assume a role instead of holding its keys: a profile in "
    "~/.aws/config with role_arn and credential_source (or source_profile), used as "
    'boto3.Session(profile_name="..."), or sts.assume_role(RoleArn=..., '
    'RoleSessionName=...)["Credentials"] passed on.'
)

# Fake key material, built by concatenation so this repository holds no key-shaped text.
KEY_ID = AKIA  # the RC1xx examples' fake id: one definition for every rule folder
SECRET = "q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK"
EXAMPLE_KEY_ID = EXAMPLE_ID
