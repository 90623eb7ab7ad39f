"""RC2xx fixes: (input, expected) tables, unchanged inputs, idempotence, re-parsing."""

from __future__ import annotations

import libcst
import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.fix.edits import fixed_text
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document

KEY = "AKIA" + "Q3ZR7HVTX2M4WYLB"
SECRET = "q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK"
ENV_KEY = 'os.environ["AWS_ACCESS_KEY_ID"]'
ENV_SECRET = 'os.environ["AWS_SECRET_ACCESS_KEY"]'
HEAD = "import os\nimport boto3\n"
#: HEAD after a fix that removed every use of ``os``: the import it left unused goes too.
FIXED_HEAD = "import boto3\n"

ENGINE = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))


def fix(code: str, *, unsafe: bool = False, path: str = "app.py") -> str:
    result = ENGINE.scan_document(Document(path, code.encode()))
    return fixed_text(code, result.findings, unsafe=unsafe)


def fix_until_stable(code: str, *, unsafe: bool = False) -> str:
    for _ in range(10):
        new = fix(code, unsafe=unsafe)
        if new == code:
            return new
        code = new
    raise AssertionError("fixes did not converge")


SAFE = [
    pytest.param(
        HEAD + f's3 = boto3.client("s3", aws_access_key_id={ENV_KEY}, '
        f"aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 's3 = boto3.client("s3")\n',
        id="one-line",
    ),
    pytest.param(
        HEAD + "s3 = boto3.client(\n"
        '    "s3",  # storage\n'
        f"    aws_access_key_id={ENV_KEY},\n"
        f"    aws_secret_access_key={ENV_SECRET},\n"
        '    aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),\n'
        '    region_name="eu-west-1",\n'
        ")\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3",  # storage\n    region_name="eu-west-1",\n)\n',
        id="multi-line-trailing-comma-comments-kept",
    ),
    pytest.param(
        HEAD + "s = boto3.Session(\n"
        f"    aws_access_key_id={ENV_KEY},\n"
        f"    aws_secret_access_key={ENV_SECRET}\n"
        ")\n",
        FIXED_HEAD + "s = boto3.Session()\n",
        id="all-arguments-go",
    ),
    pytest.param(
        HEAD + "def f():\n    if True:\n        return boto3.resource(\n"
        '            "s3",\n'
        f"            aws_access_key_id={ENV_KEY},\n"
        f"            aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 'def f():\n    if True:\n        return boto3.resource(\n            "s3")\n',
        id="nested-indentation",
    ),
    pytest.param(
        HEAD + "x = boto3.Session("
        f"aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET}).client("
        f'"s3", aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET})\n',
        HEAD + 'x = boto3.Session().client("s3")\n',
        id="chained-session-and-client",
    ),
    pytest.param(
        "import os\nimport pandas as pd\n"
        'pd.read_csv("s3://b/k.csv", storage_options={"key": os.getenv("AWS_ACCESS_KEY_ID"), '
        '"secret": os.getenv("AWS_SECRET_ACCESS_KEY")}, sep=";")\n',
        'import pandas as pd\npd.read_csv("s3://b/k.csv", sep=";")\n',
        id="storage-options-emptied",
    ),
    pytest.param(
        "import os\nimport pandas as pd\n"
        "opts = {\n"
        '    "anon": False,\n'
        '    "key": os.getenv("AWS_ACCESS_KEY_ID"),\n'
        '    "secret": os.getenv("AWS_SECRET_ACCESS_KEY"),\n'
        "}\n"
        'pd.read_csv("s3://b/k.csv", storage_options=opts)\n',
        "import pandas as pd\n"
        'opts = {\n    "anon": False,\n}\n'
        'pd.read_csv("s3://b/k.csv", storage_options=opts)\n',
        id="storage-options-bound-to-name",
    ),
    pytest.param(
        "import os\nfrom pyarrow import fs\n"
        's3 = fs.S3FileSystem(region="eu-west-1", access_key=os.getenv("AWS_ACCESS_KEY_ID"), '
        'secret_key=os.getenv("AWS_SECRET_ACCESS_KEY"))\n',
        'from pyarrow import fs\ns3 = fs.S3FileSystem(region="eu-west-1")\n',
        id="pyarrow",
    ),
]

UNSAFE = [
    pytest.param(
        f'import boto3\nc = boto3.client("s3", aws_access_key_id="{KEY}", '
        f'aws_secret_access_key="{SECRET}")\n',
        'import boto3\nc = boto3.client("s3")\n',
        id="literal",
    ),
    pytest.param(
        HEAD + 'c = boto3.client("s3", aws_access_key_id=os.environ["APP_KEY"], '
        'aws_secret_access_key=os.environ["APP_SECRET"])\n',
        FIXED_HEAD + 'c = boto3.client("s3")\n',
        id="non-standard-variables",
    ),
    pytest.param(
        HEAD + f'c = boto3.Session(profile_name="prod", aws_access_key_id={ENV_KEY}, '
        f"aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 'c = boto3.Session(profile_name="prod")\n',
        id="profile-named-too",
    ),
    pytest.param(
        HEAD + f'c = boto3.client("s3", aws_access_key_id={ENV_KEY}, '
        f'aws_secret_access_key="{SECRET}")\n',
        FIXED_HEAD + 'c = boto3.client("s3")\n',
        id="mixed-env-and-literal",
    ),
]

#: Inputs no fix may change, even with --unsafe-fixes.
UNCHANGED = [
    pytest.param(
        "import boto3\ndef make(k, s):\n"
        '    return boto3.client("s3", aws_access_key_id=k, aws_secret_access_key=s)\n',
        id="parameters",
    ),
    pytest.param(
        f'import boto3\nboto3.Session("{KEY}", "{SECRET}", None, "eu-west-1")\n',
        id="positional-followed-by-region",
    ),
    pytest.param(
        f'import botocore.session\nbotocore.session.get_session().set_credentials("{KEY}", '
        f'"{SECRET}")\n',
        id="set-credentials",
    ),
    pytest.param(
        f'import os\nos.environ["AWS_SECRET_ACCESS_KEY"] = "{SECRET}"\n',
        id="environ-write",
    ),
    pytest.param('import boto3\nboto3.client("s3")\n', id="clean"),
]


@pytest.mark.parametrize(("code", "expected"), SAFE)
def test_safe_fix(code: str, expected: str) -> None:
    assert fix_until_stable(code) == expected
    assert fix_until_stable(expected, unsafe=True) == expected
    libcst.parse_module(expected)


@pytest.mark.parametrize(("code", "expected"), UNSAFE)
def test_unsafe_fix(code: str, expected: str) -> None:
    assert fix(code) == code  # not without --unsafe-fixes
    assert fix_until_stable(code, unsafe=True) == expected
    libcst.parse_module(expected)


@pytest.mark.parametrize("code", UNCHANGED)
def test_no_fix(code: str) -> None:
    assert fix(code, unsafe=True) == code


@pytest.mark.parametrize(("code", "expected"), SAFE + UNSAFE)
def test_crlf_line_endings_are_kept(code: str, expected: str) -> None:
    crlf = code.replace("\n", "\r\n")
    assert fix_until_stable(crlf, unsafe=True) == expected.replace("\n", "\r\n")


def test_first_pass_applies_nested_fixes_together() -> None:
    code = str(SAFE[4].values[0])
    assert fix(code) == str(SAFE[4].values[1])


def test_notebook_findings_carry_no_fix() -> None:
    import json

    source = [f's3 = boto3.client("s3", aws_access_key_id={ENV_KEY})\n']
    nb = {"cells": [{"cell_type": "code", "source": ["import os, boto3\n", *source]}]}
    result = ENGINE.scan_document(Document("n.ipynb", json.dumps(nb).encode()))
    assert [f.rule_id for f in result.findings] == ["RC201"]
    assert result.findings[0].fix is None
