"""S3 filesystem objects given static credentials: s3fs/fsspec and pyarrow (RC204, RC205)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.python.analysis import CHAIN, KEY_ID, PYTHON_KINDS, SECRET, findings


class S3fsStaticCredentials(Rule):
    """An s3fs or fsspec S3 filesystem is given static AWS credentials.

    ## What it finds
    ``s3fs.S3FileSystem(key=..., secret=..., token=...)``, ``fsspec.filesystem("s3",
    key=..., secret=...)`` and ``fsspec.open("s3://...", key=..., secret=...)`` (also
    ``open_files`` and ``url_to_fs``). Literals are errors, other values warnings.

    ## Why it is risky
    s3fs hands the keys to aiobotocore in place of the default credential chain: the
    code now depends on a long-lived IAM user key, and a literal one is public to every
    reader of the repository.

    ## Use instead
    Leave ``key``/``secret``/``token`` out: s3fs then uses botocore's chain and finds
    role credentials (instance profile, ECS task role, EKS Pod Identity or IRSA, Lambda
    role, SSO profile). For another account pass ``profile="..."`` naming an AssumeRole
    profile.

    ## Example
    Before: ``s3fs.S3FileSystem(key=KEY, secret=SECRET)``
    After: ``s3fs.S3FileSystem()``

    ## Fix safety
    Removing ``key``, ``secret`` and ``token`` together is safe when they read
    ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN`` from the
    environment: the chain reads the same variables. Otherwise it is unsafe.
    It also deletes what only the removed arguments used: constants holding the literal
    key (function-local, ``_private`` or in a script; others are named in the fix) and
    an ``import os`` left unused.
    """

    id = "RC204"
    name = "s3fs-static-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "{api}() is given static AWS credentials from {source}: {evidence}"
    recommendation = (
        f"Drop {{dropped}}: {CHAIN}. Resulting code: {{after}}. For another account, name "
        'an AssumeRole profile: S3FileSystem(profile="...").{rotate}'
    )
    kinds = PYTHON_KINDS
    keywords = ("s3filesystem", "fsspec")
    fixable = True
    tags = ("aws", "python", "s3")
    VALID = (
        Example("import s3fs\nfs = s3fs.S3FileSystem(anon=False)\n"),
        Example('import fsspec\nfs = fsspec.filesystem("gcs", token=TOKEN)\n'),
        Example('import fsspec\nf = fsspec.open("abfs://c/x.csv", key=KEY)\n'),
        Example('import s3fs\nfs = s3fs.S3FileSystem(key="key", secret="secret")\n'),
        Example(
            "import s3fs\n"
            f'fs = s3fs.S3FileSystem(key="{KEY_ID}", secret="{SECRET}",\n'
            '    client_kwargs={"endpoint_url": "http://minio:9000"})\n'
        ),
    )
    INVALID = (
        Example(
            f'import s3fs\nfs = s3fs.S3FileSystem(key="{KEY_ID}", secret="{SECRET}")\n',
            severity=Severity.ERROR,
            fixed="import s3fs\nfs = s3fs.S3FileSystem()\n",
            unsafe=True,
        ),
        Example(
            "import os\nimport fsspec\n"
            'fs = fsspec.filesystem("s3", key=os.environ["AWS_ACCESS_KEY_ID"],'
            ' secret=os.environ["AWS_SECRET_ACCESS_KEY"], anon=False)\n',
            severity=Severity.WARNING,
            fixed='import fsspec\nfs = fsspec.filesystem("s3", anon=False)\n',
        ),
        Example(
            "import fsspec\nfrom app import settings\n"
            'with fsspec.open("s3://bucket/report.csv", "w", key=settings.KEY,'
            " secret=settings.SECRET) as f:\n    f.write(data)\n",
            severity=Severity.WARNING,
        ),
        Example(
            "import fsspec\ndef download(url, key, secret):\n"
            '    with fsspec.open(url, "rb", key=key, secret=secret) as f:\n'
            "        return f.read()\n",
            line=3,
            severity=Severity.WARNING,
        ),
        Example(
            "from s3fs.core import S3FileSystem as FS\n"
            "def fs_for(key, secret):\n    return FS(key=key, secret=secret)\n",
            line=3,
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("s3fs",))


class PyarrowS3StaticCredentials(Rule):
    """A pyarrow S3FileSystem is given static AWS credentials.

    ## What it finds
    ``pyarrow.fs.S3FileSystem(access_key=..., secret_key=..., session_token=...)``,
    however ``pyarrow.fs`` was imported.

    ## Why it is risky
    Arrow's S3 filesystem then signs with those keys instead of the AWS SDK's default
    chain: a long-lived IAM user key is needed wherever the code runs.

    ## Use instead
    Create ``S3FileSystem(region=...)`` without keys: Arrow uses the AWS SDK for C++
    default chain (environment, profile, container and instance roles, web identity).
    For another account, pass ``role_arn=`` and ``session_name=`` to assume a role.

    ## Example
    Before: ``fs.S3FileSystem(access_key=KEY, secret_key=SECRET, region="eu-west-1")``
    After: ``fs.S3FileSystem(region="eu-west-1")``

    ## Fix safety
    Removing the three arguments together is safe when they read the standard AWS
    environment variables; otherwise the fix is unsafe.
    It also deletes what only the removed arguments used: constants holding the literal
    key (function-local, ``_private`` or in a script; others are named in the fix) and
    an ``import os`` left unused.
    """

    id = "RC205"
    name = "pyarrow-s3-static-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "{api}() is given static AWS credentials from {source}: {evidence}"
    recommendation = (
        f"Drop {{dropped}}: {CHAIN}. Resulting code: {{after}}. For another account, "
        'assume a role with S3FileSystem(role_arn="arn:aws:iam::...:role/...", '
        'session_name="...").{rotate}'
    )
    kinds = PYTHON_KINDS
    keywords = ("s3filesystem",)
    fixable = True
    tags = ("aws", "python", "s3")
    VALID = (
        Example('from pyarrow import fs\ns3 = fs.S3FileSystem(region="eu-west-1")\n'),
        Example(
            "from pyarrow import fs\n"
            "s3 = fs.S3FileSystem(access_key=c['AccessKeyId'], secret_key=c['SecretAccessKey'],"
            " session_token=c['SessionToken'])\n"
        ),
    )
    INVALID = (
        Example(
            "from pyarrow import fs\n"
            f's3 = fs.S3FileSystem(access_key="{KEY_ID}", secret_key="{SECRET}",'
            ' region="eu-west-1")\n',
            severity=Severity.ERROR,
            fixed='from pyarrow import fs\ns3 = fs.S3FileSystem(region="eu-west-1")\n',
            unsafe=True,
        ),
        Example(
            "import os\nimport pyarrow.fs\n"
            "s3 = pyarrow.fs.S3FileSystem(\n"
            '    access_key=os.getenv("AWS_ACCESS_KEY_ID"),\n'
            '    secret_key=os.getenv("AWS_SECRET_ACCESS_KEY"),\n'
            '    session_token=os.getenv("AWS_SESSION_TOKEN"),\n)\n',
            line=4,
            severity=Severity.WARNING,
            fixed="import pyarrow.fs\ns3 = pyarrow.fs.S3FileSystem()\n",
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("pyarrow",))
