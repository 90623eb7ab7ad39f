"""botocore and the asyncio SDKs (aiobotocore, aioboto3) given static credentials
(RC202, RC203)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.python.analysis import (
    BOTO_KEYWORDS,
    BOTOCORE_VALID,
    CHAIN,
    CROSS_ACCOUNT,
    KEY_ID,
    PYTHON_KINDS,
    SECRET,
    findings,
)


class BotocoreStaticCredentials(Rule):
    """A botocore session or client is given static AWS credentials.

    ## What it finds
    ``create_client(..., aws_access_key_id=..., aws_secret_access_key=...)`` on a
    session from ``botocore.session.get_session()`` or ``botocore.session.Session()``,
    ``session.set_credentials(access_key, secret_key, token)``, and
    ``botocore.credentials.Credentials(...)`` / ``ReadOnlyCredentials(...)`` built from
    static values. Literals are errors; environment or configuration values warnings;
    values from an STS response, keys passed with a session token from a run-time value
    (temporary credentials) and credential objects built from a caller's parameters
    (providers, signers) are not reported.

    ## Why it is risky
    Static credentials bypass botocore's credential resolver, so the code needs a
    long-lived IAM user key wherever it runs; a literal key is public to every reader of
    the repository and its history.

    ## Use instead
    Create clients without credentials and let the resolver find role credentials
    (instance profile, ECS task role, EKS Pod Identity or IRSA, Lambda execution role,
    SSO profile). For another account use an AssumeRole profile or ``sts.assume_role``.

    ## Example
    Before: ``get_session().create_client("s3", aws_access_key_id=K, aws_secret_access_key=S)``
    After: ``get_session().create_client("s3")``

    ## Fix safety
    Removing the credential arguments of ``create_client``/``client``/``resource``/
    ``Session`` together is safe when each reads the standard AWS environment variable
    for its role and no profile is named: the default chain reads the same variables.
    Otherwise the fix is unsafe (``--unsafe-fixes``). ``set_credentials`` and
    ``Credentials(...)`` get no automatic fix: the statement must go, and code around
    it usually with it.
    It also deletes what only the removed arguments used: constants holding the literal
    key (function-local, ``_private`` or in a script; others are named in the fix) and
    an ``import os`` left unused.
    """

    id = "RC202"
    name = "botocore-static-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "{api}() is given static AWS credentials from {source}: {evidence}"
    recommendation = (
        f"Drop {{dropped}}: {CHAIN}. Resulting code: {{after}}. {CROSS_ACCOUNT}{{rotate}}"
    )
    kinds = PYTHON_KINDS
    keywords = (*BOTO_KEYWORDS, "set_credentials", "credentials import", "credentials.credentials")
    fixable = True
    tags = ("aws", "python")
    VALID = (
        Example('import botocore.session\nbotocore.session.get_session().create_client("s3")\n'),
        Example(
            "from botocore.session import get_session\n"
            "def refresh(resp):\n"
            "    session = get_session()\n"
            '    c = resp["Credentials"]\n'
            "    session.set_credentials(\n"
            '        c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]\n    )\n'
        ),
        *BOTOCORE_VALID,
    )
    INVALID = (
        Example(
            "import os\nfrom botocore.session import get_session\n"
            "session = get_session()\n"
            's3 = session.create_client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
            '    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n',
            line=4,
            severity=Severity.WARNING,
            fixed="from botocore.session import get_session\n"
            'session = get_session()\ns3 = session.create_client("s3")\n',
        ),
        Example(
            "import botocore.session as bs\n"
            f'bs.Session().set_credentials("{KEY_ID}", "{SECRET}")\n',
            severity=Severity.ERROR,
        ),
        Example(
            "import os\nfrom botocore.credentials import Credentials\n"
            'creds = Credentials(os.environ["APP_KEY"], os.environ["APP_SECRET"])\n',
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("botocore",))


class AsyncSdkStaticCredentials(Rule):
    """An aiobotocore or aioboto3 session or client is given static AWS credentials.

    ## What it finds
    The asyncio SDKs with explicit keys: ``aioboto3.Session(aws_access_key_id=...)``,
    ``session.client(...)``/``resource(...)`` of an ``aioboto3.Session``, and
    ``create_client(...)``/``set_credentials(...)`` of an aiobotocore session
    (``aiobotocore.session.get_session()`` or ``AioSession()``).

    ## Why it is risky
    As with boto3: the keys bypass the credential provider chain, must be long-lived
    IAM user keys, and a literal one is readable by everyone with the repository.

    ## Use instead
    Create sessions and clients without keys; aiobotocore resolves role credentials
    through the same chain as botocore (instance, task or pod role, Lambda role, SSO).

    ## Example
    Before: ``aioboto3.Session(aws_access_key_id=K, aws_secret_access_key=S)``
    After: ``aioboto3.Session()``

    ## Fix safety
    Removing the credential arguments of ``create_client``/``client``/``resource``/
    ``Session`` together is safe when each reads the standard AWS environment variable
    for its role and no profile is named: the default chain reads the same variables.
    Otherwise the fix is unsafe (``--unsafe-fixes``). ``set_credentials`` and
    ``Credentials(...)`` get no automatic fix: the statement must go, and code around
    it usually with it.
    It also deletes what only the removed arguments used: constants holding the literal
    key (function-local, ``_private`` or in a script; others are named in the fix) and
    an ``import os`` left unused.
    """

    id = "RC203"
    name = "async-aws-sdk-static-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = BotocoreStaticCredentials.message
    recommendation = BotocoreStaticCredentials.recommendation
    kinds = PYTHON_KINDS
    keywords = (*BOTO_KEYWORDS, "set_credentials")
    fixable = True
    tags = ("aws", "python")
    VALID = (
        Example("import aioboto3\nsession = aioboto3.Session()\n"),
        Example(
            "from aiobotocore.session import get_session\n"
            "async def go(creds):\n"
            '    async with get_session().create_client("s3",'
            ' aws_access_key_id=creds["AccessKeyId"]) as c:\n        pass\n'
        ),
    )
    INVALID = (
        Example(
            f'import aioboto3\nsession = aioboto3.Session(aws_access_key_id="{KEY_ID}",'
            f' aws_secret_access_key="{SECRET}", region_name="eu-west-1")\n',
            severity=Severity.ERROR,
            fixed='import aioboto3\nsession = aioboto3.Session(region_name="eu-west-1")\n',
            unsafe=True,
        ),
        Example(
            "import os\nfrom aiobotocore.session import get_session\n"
            "async def main():\n    session = get_session()\n"
            '    async with session.create_client("sqs",'
            ' aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY")) as sqs:\n'
            "        await sqs.list_queues()\n",
            line=5,
            severity=Severity.WARNING,
            fixed="from aiobotocore.session import get_session\n"
            "async def main():\n    session = get_session()\n"
            '    async with session.create_client("sqs") as sqs:\n'
            "        await sqs.list_queues()\n",
        ),
        Example(
            "import aioboto3\n"
            "async def read(key, secret):\n"
            "    session = aioboto3.Session()\n"
            '    async with session.resource("s3", aws_access_key_id=key,'
            " aws_secret_access_key=secret) as s3:\n        pass\n",
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("aio",))
