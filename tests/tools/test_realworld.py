"""scripts/realworld.py: comparing a scan with reviewed verdicts, and the whole run on a
local archive (no download: the archive is already in the cache)."""

from __future__ import annotations

import io
import json
import random
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from rolecall.fakes import fake_key_id, fake_secret_key

from tests.conftest import REPO


@pytest.fixture(scope="module")
def realworld() -> Iterator[ModuleType]:
    root = REPO
    sys.path.insert(0, str(root / "scripts"))
    try:
        import realworld as module
    finally:
        sys.path.pop(0)
    yield module


def _finding(fingerprint: str, path: str, line: int, rule: str = "RC101") -> dict[str, object]:
    return {
        "rule_id": rule,
        "path": path,
        "line": line,
        "fingerprint": fingerprint,
        "evidence": "wJal…(40 chars)",
    }


def _verdict(fingerprint: str, path: str, verdict: str, line: int = 1) -> dict[str, object]:
    return {
        "fingerprint": fingerprint,
        "rule": "RC101",
        "path": path,
        "line": line,
        "verdict": verdict,
        "reason": "reviewed",
    }


def test_compare_counts_each_verdict_and_what_is_new_or_missing(realworld: ModuleType) -> None:
    findings = [
        _finding("a" * 64, "pkg/one.py", 3),
        _finding("b" * 64, "pkg/two.py", 9),
        _finding("c" * 64, "pkg/three.py", 1),
        _finding("a" * 64, "pkg/one.py", 30),  # the same credential again in one file
    ]
    recorded = [
        _verdict("a" * 64, "pkg/one.py", "tp"),
        _verdict("b" * 64, "pkg/two.py", "fp", line=7),
        _verdict("d" * 64, "pkg/gone.py", "fp"),
    ]
    row, updated = realworld.compare("pkg==1", findings, recorded)
    assert (row.findings, row.tp, row.fp, row.unreviewed, row.new, row.missing) == (
        3,
        1,
        1,
        1,
        1,
        1,
    )
    assert not row.ok
    assert [e["verdict"] for e in updated] == ["tp", "fp", "unreviewed"]
    assert updated[1]["line"] == 9  # a moved finding keeps its verdict, gets its line
    assert updated[0]["reason"] == "reviewed"
    assert any(p.startswith("new: RC101 pkg/three.py:1") for p in row.problems)
    assert any(p.startswith("missing: RC101 pkg/gone.py") for p in row.problems)
    assert any(p.startswith("fp: RC101 pkg/two.py:9") for p in row.problems)


def test_compare_same_fingerprint_in_another_file_is_new(realworld: ModuleType) -> None:
    row, _ = realworld.compare(
        "pkg==1", [_finding("a" * 64, "pkg/copy.py", 3)], [_verdict("a" * 64, "pkg/one.py", "tp")]
    )
    assert (row.new, row.missing, row.unreviewed) == (1, 1, 1)


def test_only_tp_is_ok(realworld: ModuleType) -> None:
    row, _ = realworld.compare(
        "pkg==1", [_finding("a" * 64, "p.py", 1)], [_verdict("a" * 64, "p.py", "tp")]
    )
    assert row.ok and row.problems == []


def test_table_has_a_row_per_package(realworld: ModuleType) -> None:
    text = realworld.table([realworld.Row("pkg==1", findings=2, tp=2)])
    head, rule, row = text.splitlines()
    assert head.split() == ["package", "findings", "tp", "fp", "unreviewed", "new", "missing"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert row.split() == ["pkg==1", "2", "2", "0", "0", "0", "0"]


def _sdist(folder: Path, name: str, version: str, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / f"{name}-{version}.tar.gz", "w:gz") as tf:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{path}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def test_run_scans_the_unpacked_archive_and_updates_verdicts(
    realworld: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(14)
    settings = (
        "import boto3\n"
        f's3 = boto3.client("s3", aws_access_key_id="{fake_key_id("AKIA", rng)}",\n'
        f'    aws_secret_access_key="{fake_secret_key(rng)}")\n'
    )
    cache = tmp_path / "cache"
    _sdist(cache / "dl", "demo", "1.0", {"demo/app.py": settings, "README": "nothing\n"})
    verdicts = tmp_path / "verdicts.json"
    monkeypatch.setattr(realworld, "PACKAGES", (realworld.Package("demo", "1.0"),))
    argv = ["--cache", str(cache), "--verdicts", str(verdicts)]

    assert realworld.main([*argv, "--update"]) == 1  # new, unreviewed
    recorded = json.loads(verdicts.read_text("utf-8"))["demo==1.0"]
    assert [(e["rule"], e["path"], e["line"], e["verdict"]) for e in recorded] == [
        ("RC201", "demo-1.0/demo/app.py", 2, "unreviewed")
    ]
    assert "aws_secret" not in verdicts.read_text("utf-8")  # no code, no evidence stored

    recorded[0]["verdict"] = "tp"
    verdicts.write_text(json.dumps({"demo==1.0": recorded}), "utf-8")
    assert realworld.main(argv) == 0
    recorded[0]["verdict"] = "fp"
    verdicts.write_text(json.dumps({"demo==1.0": recorded}), "utf-8")
    assert realworld.main(argv) == 1


def test_only_rejects_a_package_outside_the_pinned_set(realworld: ModuleType) -> None:
    with pytest.raises(SystemExit) as exc:
        realworld.main(["--only", "not-pinned"])
    assert exc.value.code == 2
