"""boto3 clients, resources and sessions given static credentials (RC201)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.python.analysis import (
    BOTO3_INVALID,
    BOTO3_VALID,
    BOTO_KEYWORDS,
    CHAIN,
    CROSS_ACCOUNT,
    EXAMPLE_KEY_ID,
    KEY_ID,
    PYTHON_KINDS,
    SECRET,
    findings,
)

_ENV = (
    'aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
    '    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],\n'
)


class Boto3StaticCredentials(Rule):
    """A boto3 client, resource or session is given static AWS credentials.

    ## What it finds
    ``aws_access_key_id``, ``aws_secret_access_key`` or ``aws_session_token`` passed to
    ``boto3.client``, ``boto3.resource``, ``boto3.Session`` / ``boto3.session.Session``,
    ``boto3.setup_default_session``, or to ``client``/``resource`` of a session (also a
    session kept in a variable or on ``self``). Imports and aliases are followed
    (``import boto3 as b``, ``from boto3 import client as mk``). A string literal, or a
    name bound to one, is an error; a value read from the environment, configuration or
    a parameter is a warning. Credentials taken from an STS response
    (``assume_role(...)["Credentials"]``) are the recommended pattern and not reported;
    neither are keys passed with a session token from a run-time value (temporary
    credentials) nor a wrapper's own ``aws_*`` parameters passed on under the same name.

    ## Why it is risky
    Explicit keys switch off the default credential provider chain: the code then needs
    a long-lived IAM user key wherever it runs, and a literal key is readable by anyone
    with the repository, forever, through its history.

    ## Use instead
    Drop the credential arguments. The default chain then finds role credentials on its
    own: an instance profile, an ECS task role, EKS Pod Identity or IRSA, a Lambda
    execution role, or an IAM Identity Center (SSO) profile on a developer machine. For
    another account, assume a role through a profile (``role_arn`` with
    ``credential_source`` or ``source_profile``) or with ``sts.assume_role``.

    ## Example
    Before: ``boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)``
    After: ``boto3.client("s3")``

    ## Fix safety
    The fix removes every credential argument of the call together. It is safe when each
    one reads the standard variable for its role (``os.environ["AWS_ACCESS_KEY_ID"]``,
    ``os.getenv("AWS_SECRET_ACCESS_KEY")``...) and no ``profile_name`` is given: the
    default chain reads the same variables, so behaviour does not change. Removing
    literal keys or other lookups changes which credentials are used: that fix is unsafe
    and applied only with ``--unsafe-fixes``. Values from parameters or other run-time
    sources get no fix: the key must be removed where it comes from.
    It also deletes what only the removed arguments used: constants holding the literal
    key (function-local, ``_private`` or in a script; others are named in the fix) and
    an ``import os`` left unused.
    """

    id = "RC201"
    name = "boto3-static-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "{api}() is given static AWS credentials from {source}: {evidence}"
    recommendation = (
        f"Drop {{dropped}}: {CHAIN}. Resulting code: {{after}}. {CROSS_ACCOUNT}{{rotate}}"
    )
    kinds = PYTHON_KINDS
    keywords = BOTO_KEYWORDS
    fixable = True
    tags = ("aws", "python")
    VALID = (
        Example('import boto3\ns3 = boto3.client("s3", region_name="eu-west-1")\n'),
        Example(
            "import boto3\n"
            'sts = boto3.client("sts")\n'
            'creds = sts.assume_role(RoleArn=ARN, RoleSessionName="etl")["Credentials"]\n'
            's3 = boto3.client(\n    "s3",\n    aws_access_key_id=creds["AccessKeyId"],\n'
            '    aws_secret_access_key=creds["SecretAccessKey"],\n'
            '    aws_session_token=creds["SessionToken"],\n)\n'
        ),
        Example(
            "import boto3\n"
            "frozen = boto3.Session().get_credentials().get_frozen_credentials()\n"
            'boto3.client("s3", aws_access_key_id=frozen.access_key,'
            " aws_secret_access_key=frozen.secret_key)\n"
        ),
        Example(
            "import boto3\n"
            'boto3.client("s3", aws_access_key_id="YOUR_ACCESS_KEY_ID",'
            ' aws_secret_access_key="<secret>")\n'
        ),
        Example(f'import boto3\nboto3.client("s3", aws_access_key_id="{EXAMPLE_KEY_ID}")\n'),
        Example("import boto3\nsession = boto3.Session(aws_access_key_id=None)\n"),
        Example("import mylib\nmylib.connect(aws_access_key_id=KEY)\n"),
        Example(
            "import boto3\n"
            's3 = boto3.client("s3", endpoint_url="http://localhost:4566",\n'
            f'                  aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
        ),
        Example(
            'import boto3\nboto3.client("s3", aws_access_key_id="ak", aws_secret_access_key="sk")\n'
        ),
        *BOTO3_VALID,
    )
    INVALID = (
        Example(
            "import boto3\n"
            f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}",'
            f' aws_secret_access_key="{SECRET}")\n',
            line=2,
            column=25,
            severity=Severity.ERROR,
            fixed='import boto3\ns3 = boto3.client("s3")\n',
            unsafe=True,
        ),
        Example(
            f'import os\nimport boto3\ns3 = boto3.client(\n    "s3",\n    {_ENV}'
            '    region_name="eu-west-1",  # keep\n)\n',
            line=5,
            severity=Severity.WARNING,
            fixed='import boto3\ns3 = boto3.client(\n    "s3",\n'
            '    region_name="eu-west-1",  # keep\n)\n',
        ),
        Example(
            "import os\nimport boto3 as b\n"
            'db = b.resource("dynamodb", aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"),\n'
            '                aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"))\n',
            severity=Severity.WARNING,
            fixed='import boto3 as b\ndb = b.resource("dynamodb")\n',
        ),
        *BOTO3_INVALID,
        Example(
            "from boto3 import client as mk\n"
            f'KEY = "{KEY_ID}"\nSECRET = "{SECRET[:20]}" + "{SECRET[20:]}"\n'
            'sqs = mk("sqs", aws_access_key_id=KEY, aws_secret_access_key=SECRET)\n',
            line=4,
            severity=Severity.ERROR,
        ),
        Example(
            "import os, boto3\n"
            "def upload(path):\n"
            "    s = boto3.session.Session()\n"
            f'    c = s.client(\n        "s3",\n        {_ENV.replace("    ", "        ")}'
            "    )\n",
            line=6,
            severity=Severity.WARNING,
            fixed="import boto3\ndef upload(path):\n    s = boto3.session.Session()\n"
            '    c = s.client(\n        "s3",\n    )\n',
        ),
        Example(
            "import boto3\nfrom django.conf import settings\n"
            "class Store:\n"
            "    def __init__(self):\n        self.session = boto3.Session()\n"
            "    def bucket(self):\n"
            '        return self.session.resource("s3",'
            " aws_secret_access_key=settings.AWS_SECRET).Bucket('b')\n",
            line=7,
            severity=Severity.WARNING,
        ),
        Example(
            f'import boto3\nboto3.setup_default_session(aws_access_key_id="{KEY_ID}",\n'
            f'    aws_secret_access_key=f"{SECRET}")\n',
            severity=Severity.ERROR,
            fixed="import boto3\nboto3.setup_default_session()\n",
            unsafe=True,
        ),
        Example(
            "def make(session, key, secret):\n"
            '    return session.client("s3", aws_access_key_id=key,'
            " aws_secret_access_key=secret)\n",
            severity=Severity.WARNING,
            fixed="def make(session, key, secret):\n"
            '    return session.client("s3", aws_access_key_id=key,'
            " aws_secret_access_key=secret)\n",
            unsafe=True,
        ),
        Example(
            "import os, boto3\ncreds = {\n"
            '    "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],\n'
            '    "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],\n}\n'
            's3 = boto3.client("s3", **creds)\n',
            line=3,
            severity=Severity.WARNING,
            fixed='import boto3\ncreds = {}\ns3 = boto3.client("s3", **creds)\n',
        ),
        Example(
            f'import boto3\nboto3.client("s3", aws_access_key_id="{EXAMPLE_KEY_ID}")\n',
            severity=Severity.NOTE,
            options={"report_examples": True},
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("boto3",))
