"""pandas, dask and polars readers and writers given static S3 credentials (RC206)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.python.analysis import CHAIN, KEY_ID, PYTHON_KINDS, SECRET, findings


class StorageOptionsStaticCredentials(Rule):
    """A dataframe reader or writer is given static S3 credentials in storage_options.

    ## What it finds
    ``storage_options={"key": ..., "secret": ..., "token": ...}`` (or the
    ``aws_access_key_id`` spellings that polars uses) on a read or write of an ``s3://``
    path: ``pandas.read_csv``, ``df.to_parquet``, ``dask.dataframe.read_parquet``,
    ``polars.scan_parquet`` and every other fsspec-style call. A dictionary bound to a
    name first is followed. Calls on other schemes (``gs://``, ``abfs://``) are not
    reported.

    ## Why it is risky
    The keys replace the AWS default credential chain of s3fs/object_store: the job now
    needs a long-lived IAM user key, and a literal key is public to every reader of the
    repository and of every notebook copied from it.

    ## Use instead
    Drop the keys from ``storage_options`` (and the argument when nothing is left). The
    readers then use the default chain: an instance profile, ECS task role, EKS Pod
    Identity or IRSA, a Lambda or SageMaker execution role, or an SSO profile locally.
    For another account, ``storage_options={"profile": "..."}`` with an AssumeRole
    profile.

    ## Example
    Before: ``pd.read_csv("s3://b/k.csv", storage_options={"key": K, "secret": S})``
    After: ``pd.read_csv("s3://b/k.csv")``

    ## Fix safety
    Removing the credential entries together is safe when they read the standard AWS
    environment variables; otherwise it is unsafe.
    It also deletes what only the removed arguments used: constants holding the literal
    key (function-local, ``_private`` or in a script; others are named in the fix) and
    an ``import os`` left unused.
    """

    id = "RC206"
    name = "storage-options-static-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "{api}() is given static AWS credentials in storage_options from {source}: {evidence}"
    recommendation = (
        f"Drop {{dropped}} from storage_options: {CHAIN}. Resulting code: {{after}}. For "
        'another account use storage_options={{"profile": "<assume-role profile>"}}.{rotate}'
    )
    kinds = PYTHON_KINDS
    keywords = ("storage_options",)
    fixable = True
    tags = ("aws", "python", "s3")
    VALID = (
        Example('import pandas as pd\ndf = pd.read_csv("s3://bucket/data.csv")\n'),
        Example(
            "import pandas as pd\n"
            'df = pd.read_csv("gs://bucket/data.csv", storage_options={"token": TOKEN})\n'
        ),
        Example(
            "import pandas as pd\n"
            'df = pd.read_csv("s3://b/x.csv", storage_options={"anon": True, "key": None})\n'
        ),
    )
    INVALID = (
        Example(
            "import os\nimport dask.dataframe as dd\n"
            'ddf = dd.read_parquet("s3://lake/events/", storage_options=dict(\n'
            '    key=os.environ["AWS_ACCESS_KEY_ID"],\n'
            '    secret=os.environ["AWS_SECRET_ACCESS_KEY"]))\n',
            line=4,
            severity=Severity.WARNING,
            fixed="import dask.dataframe as dd\n"
            'ddf = dd.read_parquet("s3://lake/events/", storage_options=dict())\n',
        ),
        Example(
            "import pandas as pd\n"
            f'df = pd.read_csv("s3://bucket/data.csv", storage_options={{"key": "{KEY_ID}",'
            f' "secret": "{SECRET}"}})\n',
            severity=Severity.ERROR,
            fixed='import pandas as pd\ndf = pd.read_csv("s3://bucket/data.csv")\n',
            unsafe=True,
        ),
        Example(
            "import os\n"
            "def export(df, day):\n"
            "    df.to_parquet(\n"
            '        f"s3://reports/{day}.parquet",\n'
            "        storage_options={\n"
            '            "key": os.environ["AWS_ACCESS_KEY_ID"],\n'
            '            "secret": os.environ["AWS_SECRET_ACCESS_KEY"],\n'
            '            "client_kwargs": {"region_name": "eu-west-1"},\n'
            "        },\n    )\n",
            line=6,
            severity=Severity.WARNING,
            fixed="def export(df, day):\n"
            "    df.to_parquet(\n"
            '        f"s3://reports/{day}.parquet",\n'
            "        storage_options={\n"
            '            "client_kwargs": {"region_name": "eu-west-1"},\n'
            "        },\n    )\n",
        ),
        Example(
            "import polars as pl\nfrom config import AWS_KEY, AWS_SECRET\n"
            'opts = {"aws_access_key_id": AWS_KEY, "aws_secret_access_key": AWS_SECRET}\n'
            "lf = pl.scan_parquet(path, storage_options=opts)\n",
            line=3,
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("storage_options",))
