"""How the RC2xx analysis resolves names, sessions and values: (code, expected) tables."""

from __future__ import annotations

import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document

ENGINE = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
SECRET = "q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK"
LIT = f'aws_secret_access_key="{SECRET}"'


def scan(code: str, path: str = "app.py") -> list[tuple[str, str, str]]:
    result = ENGINE.scan_document(Document(path, code.encode()))
    assert [n.message for n in result.notices] == []
    return [(f.rule_id, f.severity.value, f.confidence.value) for f in result.findings]


CASES = [
    pytest.param(
        "import functools, os, boto3\n"
        "make = functools.partial(boto3.client, aws_access_key_id=os.environ['K'])\n",
        [("RC201", "warning", "high")],
        id="functools-partial",
    ),
    pytest.param(
        f'import boto3\nclass Config:\n    SECRET = "{SECRET}"\n'
        'boto3.client("s3", aws_secret_access_key=Config.SECRET)\n',
        [("RC201", "error", "high")],
        id="class-constant",
    ),
    pytest.param(
        f'import boto3\nclass Uploader:\n    SECRET = "{SECRET}"\n'
        "    def client(self):\n"
        '        return boto3.client("s3", aws_secret_access_key=self.SECRET)\n',
        [("RC201", "error", "high")],
        id="class-constant-through-self",
    ),
    pytest.param(
        f'import boto3 as b\nb.client("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="module-alias",
    ),
    pytest.param(
        f"from boto3.session import Session as S\nS({LIT})\n",
        [("RC201", "error", "high")],
        id="class-alias",
    ),
    pytest.param(
        "import boto3\ndef f():\n    s = boto3.Session()\n    def g():\n"
        f'        return s.client("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="closure-sees-session",
    ),
    pytest.param(
        f'import boto3\ndef f(session: boto3.Session):\n    return session.client("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="annotated-parameter",
    ),
    pytest.param(
        'import boto3\ndef f(session: "boto3.session.Session"):\n'
        f'    return session.resource("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="string-annotation",
    ),
    pytest.param(
        f'def f(boto3):\n    return boto3.client("s3", {LIT})\n',
        [("RC201", "error", "medium")],
        id="parameter-shadows-import-name-only",
    ),
    pytest.param(
        f"import mylib\nmylib.make(aws_access_key_id=K, {LIT})\n", [], id="unknown-function"
    ),
    pytest.param(
        f'import boto3\nboto3 = instrument(boto3)\nboto3.client("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="import-rebound-import-first",
    ),
    pytest.param(
        "try:\n    import boto3\nexcept ImportError:\n    boto3 = None\n"
        f'boto3.client("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="optional-import",
    ),
    pytest.param(
        'import boto3, os\nk = os.getenv("AWS_ACCESS_KEY_ID") or "'
        + SECRET[:20]
        + SECRET[20:]
        + '"\n'
        'boto3.client("s3", aws_access_key_id=k)\n',
        [],
        id="key-id-literal-that-is-not-an-id",
    ),
    pytest.param(
        f'import boto3\nS = "{SECRET[:20]}"\nS = S + "{SECRET[20:]}"\n'
        'boto3.client("s3", aws_secret_access_key=S)\n',
        [("RC201", "error", "medium")],
        id="literal-split-over-two-assignments",
    ),
    pytest.param(
        'import boto3\nc = boto3.client("sts").get_session_token()["Credentials"]\n'
        'boto3.client("s3", aws_access_key_id=c.get("AccessKeyId"), '
        'aws_secret_access_key=c.get("SecretAccessKey"))\n',
        [],
        id="sts-get-session-token",
    ),
    pytest.param(
        'import boto3\nk = boto3.client("iam").create_access_key()["AccessKey"]\n'
        'boto3.client("s3", aws_access_key_id=k["AccessKeyId"], '
        'aws_secret_access_key=k["SecretAccessKey"])\n',
        [("RC201", "warning", "high")],
        id="iam-access-key-is-not-sts",
    ),
    pytest.param(
        f"import boto3\nclass A:\n    def __init__(self):\n        self.s = boto3.Session()\n"
        f'    def c(self):\n        return self.s.client("s3", {LIT})\n',
        [("RC201", "error", "high")],
        id="session-on-self",
    ),
]


@pytest.mark.parametrize(("code", "expected"), CASES)
def test_resolution(code: str, expected: list[tuple[str, str, str]]) -> None:
    assert scan(code) == expected


REBOUND = [
    pytest.param(
        f'import boto3\ndef f():\n    boto3 = make()\n    boto3.client("s3", {LIT})\n',
        [("RC201", "error", "medium")],
        id="rebound-in-function-shadows-import",
    ),
    pytest.param(
        f'boto3 = make()\nboto3.client("s3", {LIT})\nimport boto3\n',
        [("RC201", "error", "medium")],
        id="import-after-use-in-same-scope",
    ),
    pytest.param(
        f'boto3 = make()\ndef f():\n    return boto3.client("s3", {LIT})\nimport boto3\n',
        [("RC201", "error", "high")],
        id="import-later-seen-from-function",
    ),
]


@pytest.mark.parametrize(("code", "expected"), REBOUND)
def test_rebound_import_names(code: str, expected: list[tuple[str, str, str]]) -> None:
    """A name bound by an import and by something else resolves to the import only where
    the import can be what the name holds (the import's own statements decide); else
    ``.client`` with boto3's keywords is still read by name, at medium confidence."""
    assert scan(code) == expected


def test_messages_never_hold_a_whole_secret() -> None:
    key = "AKIA" + "Q3ZR7HVTX2M4WYLB"
    code = (
        "import boto3\n"
        f'boto3.Session(aws_access_key_id="{key}", {LIT}).client("s3", {LIT})\n'
        f'boto3.client("s3", aws_secret_access_key=decrypt("{SECRET[::-1]}"))\n'
    )
    result = ENGINE.scan_document(Document("app.py", code.encode()))
    assert len(result.findings) == 3
    for finding in result.findings:
        text = finding.message + finding.recommendation + finding.evidence
        assert SECRET not in text
        assert SECRET[::-1] not in text
        assert "…(40 chars)" in text
