"""Fixes change only what they must: safe fixes keep behaviour, edits copy nothing.

- A safe fix removes credential arguments only when the default provider chain
  provably reads the same values: each argument a plain ``os.environ[...]`` or
  ``os.getenv(...)`` of the standard variable, on a client or session with no profile
  and no other credential source.
- An edit replaces exactly the removed arguments: a kept argument between two removed
  ones (an endpoint URL with a password) is never part of an edit's text.
- Comments stay with the code they describe: the kept argument's comment survives
  when the last argument goes, and a removed argument's comment leaves with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rolecall.cli.main import main

from tests.conftest import write_tree

ENV_KEY = 'os.environ["AWS_ACCESS_KEY_ID"]'
ENV_SECRET = 'os.environ["AWS_SECRET_ACCESS_KEY"]'
HEAD = "import os\nimport boto3\n\n"
#: HEAD after a fix that removed every use of ``os``: the import it left unused goes too.
FIXED = "import boto3\n\n"


def _fix(tmp: Path, code: str, *extra: str) -> str:
    write_tree(tmp, {"app.py": code})
    main(["fix", *extra, str(tmp / "app.py")])
    return (tmp / "app.py").read_text()


@pytest.mark.parametrize(
    "code",
    [
        # A fallback: the default chain would not read cfg.key.
        HEAD + "class cfg:\n    key = None\n\n"
        's3 = boto3.client("s3", aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID") or cfg.key)\n',
        HEAD + "class cfg:\n    key = None\n\n"
        's3 = boto3.client("s3", aws_access_key_id=cfg.key if cfg else '
        f"{ENV_KEY})\n",
        # A session with a profile: dropping the client's keys switches to the profile.
        HEAD + 's = boto3.Session(profile_name="dev")\n'
        f's3 = s.client("s3", aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET})\n',
        HEAD + f'boto3.Session(profile_name="dev").client("s3", aws_access_key_id={ENV_KEY})\n',
        # A session made elsewhere: its credential source is unknown here.
        HEAD + "def make(session):\n"
        f'    return session.client("s3", aws_access_key_id={ENV_KEY})\n',
        # A session with keys of its own that are not the standard variables.
        HEAD + 's = boto3.Session(aws_access_key_id=os.environ["DEPLOY_KEY"])\n'
        f's3 = s.client("s3", aws_access_key_id={ENV_KEY})\n',
    ],
    ids=[
        "or-fallback",
        "if-fallback",
        "profile-session",
        "profile-chain",
        "unknown-session",
        "session-keys",
    ],
)
def test_safe_fix_leaves_code_the_chain_would_not_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str
) -> None:
    assert _fix(tmp_path, code) == code
    capsys.readouterr()


def test_safe_fix_still_applies_on_a_plain_session(tmp_path: Path) -> None:
    code = HEAD + f's = boto3.Session()\ns3 = s.client("s3", aws_access_key_id={ENV_KEY})\n'
    assert _fix(tmp_path, code) == FIXED + 's = boto3.Session()\ns3 = s.client("s3")\n'


def test_edits_never_copy_a_kept_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = "Zq8" + "vT3mX9pLw2"
    code = (
        HEAD + f's3 = boto3.client("s3", aws_access_key_id={ENV_KEY}, '
        f'endpoint_url="https://minio:{password}@host:9000", '
        f"aws_secret_access_key={ENV_SECRET})\n"
    )
    write_tree(tmp_path, {"app.py": code})
    main(["scan", "--no-cache", "--format", "json", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    edits = [e for f in report["findings"] if f["fix"] for e in f["fix"]["edits"]]
    assert edits, "the finding must carry a fix"
    assert all(password not in e["replacement"] and "minio" not in e["replacement"] for e in edits)
    main(["scan", "--no-cache", "--format", "sarif", str(tmp_path)])
    assert password not in capsys.readouterr().out
    fixed = _fix(tmp_path, code)
    assert (
        fixed
        == FIXED + f's3 = boto3.client("s3", endpoint_url="https://minio:{password}@host:9000")\n'
    )


@pytest.mark.parametrize(
    ("code", "fixed"),
    [
        (
            HEAD + "s3 = boto3.client(\n"
            '    "s3",  # the uploads bucket\n'
            f"    aws_access_key_id={ENV_KEY},  # from CI\n"
            ")\n",
            FIXED + 's3 = boto3.client(\n    "s3",  # the uploads bucket\n)\n',
        ),
        (
            HEAD + "s3 = boto3.client(\n"
            '    "s3",  # the uploads bucket\n'
            f"    aws_access_key_id={ENV_KEY}  # from CI\n"
            ")\n",
            FIXED + 's3 = boto3.client(\n    "s3"  # the uploads bucket\n)\n',
        ),
        (
            HEAD + "s3 = boto3.client(\n"
            '    "s3",\n'
            f"    aws_access_key_id={ENV_KEY},  # from CI\n"
            '    region_name="eu-west-1",\n'
            ")\n",
            FIXED + 's3 = boto3.client(\n    "s3",\n    region_name="eu-west-1",\n)\n',
        ),
    ],
    ids=["last-with-trailing-comma", "last-without-comma", "middle"],
)
def test_comments_stay_with_their_code(tmp_path: Path, code: str, fixed: str) -> None:
    assert _fix(tmp_path, code) == fixed
