"""scrypt only where an output reads the fingerprint (issue 18, target 1).

A low-entropy finding's fingerprint costs one scrypt derivation (about 15 ms). SARIF
identifies such a finding by its masked line and text or GitHub output show no
fingerprint, so those scans derive none; JSON output, baselines and the library's
reports get exactly the documented value; and a finding that a superseding rule
replaces, a duplicate or an allowlisted one never pays, whatever the format. The
result cache keeps the two kinds of scan apart, so a JSON scan after a SARIF one prints
what an uncached JSON scan prints.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rolecall
from rolecall import Document, Finding, RuleContext
from rolecall.cli.main import main
from rolecall.engine.core import Engine, EngineOptions
from rolecall.fingerprints import PLACEHOLDER_PREFIX
from rolecall.plugin.registry import build_registry
from rolecall.plugin.rule import Rule

from tests.conftest import rule_class, write_tree
from tests.robustness.test_fingerprints import _tree as fingerprints_tree

PASSWORD = "Winter2024x"  # an ordinary password: low-entropy
OTHER_PASSWORD = "Wizard!77aa"
PUBLIC_SALT = "rolecall-public-fingerprint-salt-v1"  # docs/fingerprints.md
#: hashlib's own, bound before a test counts the scanner's calls to it.
_REAL_SCRYPT = hashlib.scrypt


def _scrypt(rule_id: str, password: str, salt: str = PUBLIC_SALT) -> str:
    salted = salt.encode() + b"\0" + rule_id.encode()
    return _REAL_SCRYPT(
        password.encode(), salt=salted, n=8192, r=8, p=1, dklen=32, maxmem=64 * 2**20
    ).hex()


def _tree(password: str) -> dict[str, str]:
    """test_fingerprints' tree, and a suppressed finding: JSON shows it with its
    fingerprint, SARIF without one."""
    quiet = f"DATABASE_URL=postgres://app:{OTHER_PASSWORD}@db.internal/app  # rolecall: ignore\n"
    return {**fingerprints_tree(password), "quiet/.env": quiet}


def _forget(calls: list[bytes]) -> None:
    """Start counting afresh, with the process's memo of derivations cleared too."""
    import rolecall.fingerprints as fps

    calls.clear()
    fps._scrypt.cache_clear()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    write_tree(root, _tree(PASSWORD))
    monkeypatch.chdir(root)
    return root


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["scan", "--isolated", "--jobs", "1", *args, "."])
    return code, capsys.readouterr().out


def _without_time(text: str) -> str:
    text = re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    return re.sub(r"in \d+\.\d+s", "in N s", text)


def _json_findings(out: str) -> list[dict[str, Any]]:
    doc = json.loads(out)
    return [*doc["findings"], *doc["suppressed"]]


# --- the command line -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "text", "github"])
def test_a_scan_in_a_format_without_fingerprints_derives_no_scrypt(
    repo: Path, capsys: pytest.CaptureFixture[str], scrypt_calls: list[bytes], fmt: str
) -> None:
    code, out = _scan(capsys, "--no-cache", "--format", fmt)
    assert code == 1
    assert scrypt_calls == []
    assert PLACEHOLDER_PREFIX not in out
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert {r["ruleId"] for r in results} == {"RC150", "RC154"}
        # Each has its masked-line identity (suppressed findings are not written).
        assert len(results) == 3
        assert all(re.fullmatch(r"[0-9a-f]{64}", r["partialFingerprints"]["rolecall/v2"])
                   for r in results)  # fmt: skip


def test_a_json_scan_derives_one_scrypt_per_reported_password_and_rule(
    repo: Path, capsys: pytest.CaptureFixture[str], scrypt_calls: list[bytes]
) -> None:
    code, out = _scan(capsys, "--no-cache", "--format", "json")
    assert code == 1
    findings = _json_findings(out)
    for finding in findings:
        password = OTHER_PASSWORD if finding["path"] == "quiet/.env" else PASSWORD
        assert finding["fingerprint"] == _scrypt(finding["rule_id"], password)
    # Suppressed findings are shown with their fingerprint, so they are derived.
    wanted = {
        ((OTHER_PASSWORD if f["path"] == "quiet/.env" else PASSWORD), f["rule_id"])
        for f in findings
    }
    assert len(scrypt_calls) == len(wanted) == 3
    assert sorted(scrypt_calls) == sorted(p.encode() for p, _ in wanted)


def test_a_sarif_scan_with_a_baseline_derives_and_matches(
    repo: Path, capsys: pytest.CaptureFixture[str], scrypt_calls: list[bytes]
) -> None:
    assert main(["baseline", "--isolated", "--jobs", "1"]) == 0
    entries = json.loads((repo / ".rolecall-baseline.json").read_text())["entries"]
    salt = json.loads((repo / ".rolecall-baseline.json").read_text())["salt"]
    assert {e["fingerprint"] for e in entries} == {
        _scrypt(e["rule_id"], PASSWORD, salt) for e in entries
    }
    _forget(scrypt_calls)
    code, out = _scan(
        capsys, "--no-cache", "--format", "sarif", "--baseline", ".rolecall-baseline.json"
    )
    results = json.loads(out)["runs"][0]["results"]
    # Every finding matches the baseline.
    assert (code, results) == (0, [])
    assert PASSWORD.encode() in scrypt_calls


def test_a_cached_json_scan_after_a_cached_sarif_scan_prints_the_uncached_fingerprints(
    repo: Path, capsys: pytest.CaptureFixture[str], scrypt_calls: list[bytes]
) -> None:
    _, uncached_json = _scan(capsys, "--no-cache", "--format", "json")
    _, uncached_sarif = _scan(capsys, "--no-cache", "--format", "sarif")
    _, cached_sarif = _scan(capsys, "--format", "sarif")
    _, cached_json = _scan(capsys, "--format", "json")
    assert _json_findings(cached_json) == _json_findings(uncached_json)
    _forget(scrypt_calls)
    # Both answered from the cache now: the same bytes, and no derivation.
    _, again_sarif = _scan(capsys, "--format", "sarif")
    _, again_json = _scan(capsys, "--format", "json")
    assert json.loads(again_json)["stats"]["cached"] > 0
    assert scrypt_calls == []
    assert _json_findings(again_json) == _json_findings(uncached_json)
    for sarif in (cached_sarif, again_sarif):
        assert _without_time(sarif) == _without_time(uncached_sarif)


def test_the_library_after_a_cached_sarif_scan_gets_every_fingerprint(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The library asks for SARIF's edits and line hashes too: only the fingerprints
    tell its scan from the command line's, and the cache keeps them apart."""
    _scan(capsys, "--format", "sarif")
    report = rolecall.scan(".", isolated=True, cache=True, jobs=1)
    assert report.findings
    for finding in report.findings:
        assert finding.fingerprint == _scrypt(finding.rule_id, PASSWORD)


# --- the library ----------------------------------------------------------------------


def test_the_library_report_holds_every_fingerprint(repo: Path, scrypt_calls: list[bytes]) -> None:
    report = rolecall.scan(".", isolated=True, cache=False, jobs=1)
    assert report.findings
    for finding in (*report.findings, *report.suppressed):
        password = OTHER_PASSWORD if finding.location.path == "quiet/.env" else PASSWORD
        assert finding.fingerprint == _scrypt(finding.rule_id, password)
    for finding in json.loads(report.to_json())["findings"]:
        assert finding["fingerprint"] == _scrypt(finding["rule_id"], PASSWORD)


# --- the engine -----------------------------------------------------------------------


def _value_rule(rule_id: str, name: str, **attrs: Any) -> type[Rule]:
    """A rule reporting each ``KEY=value`` value, its material and cover the value."""

    def check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in re.finditer(r"KEY=(\S+)", doc.text):
            yield self.finding(doc, match.start(1), match.end(1), material=match.group(1))

    return rule_class(rule_id, name, check=check, **attrs)


def _engine(**options: Any) -> Engine:
    generic = _value_rule("RC101", "generic-value")
    specific = _value_rule("RC301", "specific-value", supersedes=("RC1",))
    return Engine(build_registry([("test", generic), ("test", specific)]), EngineOptions(**options))


TEXT = (
    f"KEY={PASSWORD}\n"
    f"KEY={PASSWORD}\n"  # the same password again: one derivation per rule
    f"KEY={OTHER_PASSWORD}  # rolecall: ignore\n"  # suppressed
    "KEY=allowed-value\n"  # allowlisted
)


def test_superseded_duplicate_and_allowlisted_findings_never_pay(
    scrypt_calls: list[bytes],
) -> None:
    engine = _engine(allowlist=("allowed",))
    result = engine.scan_document(Document("a.env", TEXT.encode()))
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("RC301", 1), ("RC301", 2)]
    assert [(f.rule_id, f.location.line) for f in result.suppressed] == [("RC301", 3)]
    # RC101's findings were superseded and "allowed-value" dropped: neither derived.
    assert sorted(scrypt_calls) == sorted([PASSWORD.encode(), OTHER_PASSWORD.encode()])
    assert [f.fingerprint for f in result.findings] == [_scrypt("RC301", PASSWORD)] * 2
    assert result.suppressed[0].fingerprint == _scrypt("RC301", OTHER_PASSWORD)


def test_an_engine_that_reads_no_slow_fingerprint_derives_none(
    scrypt_calls: list[bytes],
) -> None:
    result = _engine(slow_fingerprints=False).scan_document(Document("a.env", TEXT.encode()))
    assert [(f.rule_id, f.location.line) for f in result.findings] == [
        ("RC301", 1),
        ("RC301", 2),
        ("RC301", 4),
    ]
    assert scrypt_calls == []
    assert [f.fingerprint for f in result.findings] == ["", "", ""]
    assert [f.fingerprint for f in result.suppressed] == [""]


def test_deduplication_is_by_the_fingerprint_the_finding_would_have(
    scrypt_calls: list[bytes],
) -> None:
    """Two findings of one rule at one place are one when their material (and so their
    fingerprint) is the same, two when it differs: also while derivation is put off."""

    def twice(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for material in (PASSWORD, PASSWORD, OTHER_PASSWORD):
            yield self.finding(doc, 0, 3, material=material)

    rule = rule_class("RC101", "twice", check=twice)
    for derive in (True, False):
        engine = Engine(build_registry([("test", rule)]), EngineOptions(slow_fingerprints=derive))
        result = engine.scan_document(Document("a.env", b"KEY\n"))
        assert len(result.findings) == 2


def test_a_rule_run_outside_the_engine_derives_at_once(scrypt_calls: list[bytes]) -> None:
    rule = _value_rule("RC101", "generic-value")()
    doc = Document("a.env", f"KEY={PASSWORD}\n".encode())
    (finding,) = rule.check(doc, RuleContext())
    assert finding.fingerprint == _scrypt("RC101", PASSWORD)
    assert scrypt_calls == [PASSWORD.encode()]
