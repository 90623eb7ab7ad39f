"""``rolecall scan --format sarif --output FILE`` through the real CLI pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rolecall.cli.main import main
from rolecall.output.linehash import line_hashes
from rolecall.output.sarif_checks import check_text

from tests.fixture_tree import SECRET, schema_errors, write_tree


def test_cli_writes_a_valid_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "repo"
    write_tree(tree)
    out = tmp_path / "rolecall.sarif"
    monkeypatch.chdir(tree)
    code = main(["scan", "--isolated", "--jobs", "1", "--format", "sarif", "--output", str(out)])
    assert code == 1  # findings at the fail level
    text = out.read_text(encoding="utf-8")
    log = json.loads(text)
    assert schema_errors(log) == []
    assert check_text(text, secrets=[SECRET]) == []
    # A file with a high-entropy finding only: its line hash is GitHub's exactly (a
    # low-entropy secret's file is hashed with the secret masked, see test_sarif_reporter).
    (result,) = [
        r
        for r in log["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/.env"
    ]
    loc = result["locations"][0]["physicalLocation"]
    path, line = loc["artifactLocation"]["uri"], loc["region"]["startLine"]
    expected = line_hashes((tree / path).read_bytes())[line]
    assert result["partialFingerprints"]["primaryLocationLineHash"] == expected
