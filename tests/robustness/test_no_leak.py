"""No leak: a whole secret never reaches any output, file or message.

A tree with planted fake secrets (secret access keys and session tokens; key ids may be
shown in full) is scanned in every format and verbosity, baselined, cached and fixed;
files fail to parse right next to a secret, and a plugin rule raises with the secret in
its exception message. The secret is then looked for in everything that was produced.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from rolecall import Document, Finding, RuleContext
from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token
from rolecall.plugin.rule import Rule

from tests.conftest import rule_class, write_tree
from tests.robustness._cli import extra_rules, run_cli
from tests.robustness._support import count, secrets_in

RNG = random.Random(2026)
KEY_ID = fake_key_id(rng=RNG)
SECRETS = [fake_secret_key(rng=RNG) for _ in range(8)]
TOKEN = fake_session_token(rng=RNG)
ALL = [*SECRETS, TOKEN]


def _leaks_its_input(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    for secret in ALL:
        if secret in doc.text:
            raise ValueError(f"cannot handle {secret!r} in {doc.text[:2000]!r}")
    yield from ()


LEAKY = rule_class("RC197", "test-leaks-in-exceptions", check=_leaks_its_input)


def _tree(root: Path) -> None:
    s = SECRETS
    write_tree(
        root,
        {
            "app/settings.py": f'import boto3\nc = boto3.client("s3", aws_access_key_id='
            f'"{KEY_ID}", aws_secret_access_key="{s[0]}")\n',
            "app/broken.py": f'AWS_SECRET_ACCESS_KEY = "{s[1]}"\ndef (:\n',
            ".env": f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={s[2]}\n"
            f"AWS_SESSION_TOKEN={TOKEN}\n",
            "deploy/values.yaml": f"aws_secret_access_key: {s[3]}\n  bad: [\n",
            "config.json": f'{{"aws_secret_access_key": "{s[4]}", \n',
            "conf/app.toml": f'aws_secret_access_key = "{s[5]}"\n[[[\n',
            ".aws/credentials": f"[default]\naws_access_key_id = {KEY_ID}\n"
            f"aws_secret_access_key = {s[6]}\n",
            "infra/main.tf": f'provider "aws" {{\n  secret_key = "{s[7]}"\n  access_key = {{\n',
            "notes.txt": f"key {KEY_ID} secret {s[0]} \xff",
        },
    )
    (root / "notes.txt").write_bytes(f"key {KEY_ID} secret {s[0]} ".encode() + b"\xff\n")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    _tree(root)
    monkeypatch.chdir(root)
    count("leak-files", 9)
    return root


def _read_all(directory: Path) -> list[str]:
    texts = []
    for path in directory.rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("latin-1"))
    return texts


def test_no_secret_in_any_output(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    produced: list[str] = []
    out = tmp_path / "out"
    out.mkdir()
    with extra_rules(LEAKY):
        for fmt in ("text", "json", "sarif", "github"):
            for verbosity in ([], ["-v"], ["-vv"], ["-q"]):
                for jobs in ("1", "2"):
                    code, printed = run_cli(
                        capsys, "scan", "--format", fmt, "--jobs", jobs, *verbosity, "."
                    )
                    assert code == 1, printed
                    produced.append(printed)
            code, printed = run_cli(capsys, "scan", "--format", fmt, "-o", str(out / fmt), ".")
            produced.append(printed)
        code, printed = run_cli(capsys, "baseline", "--baseline", str(out / "baseline.json"), ".")
        assert code == 0, printed
        produced.append(printed)
        code, printed = run_cli(capsys, "fix", "--diff", "--unsafe-fixes", ".")
        produced.append(printed)
    produced += _read_all(out)
    produced.append(caplog.text)
    # The result cache of every scan above: the sqlite file's bytes.
    cache = Path(os.environ["XDG_CACHE_HOME"])
    cached = _read_all(cache)
    assert cached, "the scans wrote a result cache"
    produced += cached
    assert "RC197" in "".join(produced)  # the leaky rule ran and failed
    assert "cannot parse" in "".join(produced)  # files failed to parse near secrets
    assert secrets_in(produced, ALL) == []
    assert KEY_ID in "".join(produced)  # key ids are shown in full, by design


def test_notice_and_exception_texts_never_quote_the_file(tree: Path) -> None:
    from rolecall.engine.runner import ScanRequest, run_scan

    with extra_rules(LEAKY):
        report = run_scan(ScanRequest(paths=(".",), base=str(tree), jobs=1))
    texts = [f"{n.code.value} {n.path} {n.message}" for n in report.notices]
    codes = {n.code.value for n in report.notices}
    assert {"RC905", "RC908", "RC904"} <= codes, texts
    assert secrets_in(texts, ALL) == []
    for finding in report.findings:
        fields = [finding.message, finding.recommendation, finding.evidence, finding.fingerprint]
        assert secrets_in([*fields, *map(str, finding.properties.values())], ALL) == []
