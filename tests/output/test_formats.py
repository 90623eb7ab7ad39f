"""Reporters: the text layout and the JSON schema (docs/json-format.md), against golden
files in tests/golden/. Regenerate them after an intended change with
``ROLECALL_UPDATE_GOLDEN=1 python -m pytest tests/output/test_formats.py`` and review the diff.

Two kinds of golden file: ``text*.txt`` and ``report.json`` render a hand-built report
that holds what a small scan cannot produce (a rule that failed to load, files git
ignores, fixed fingerprints and timings); ``fixture/*`` are the command line's own scan
of the fixture tree (tests/fixture_tree.py, which also makes the SARIF golden file),
in every format.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rolecall import Confidence, Finding, Fix, Location, Notice, RelatedLocation, Severity, TextEdit
from rolecall.model import NoticeCode, NoticeLevel
from rolecall.output.formats import FORMATS, get_reporter
from rolecall.output.json import SCHEMA_VERSION, report_json
from rolecall.output.report import ScanReport, ScanStats
from rolecall.plugin.rule import rule_info

from tests.conftest import rule_class
from tests.fixture_tree import (
    GOLDEN_DIR,
    KEY_IDS,
    check_golden,
    fixture_registry,
    scan_tree,
    write_tree,
)

NEEDLE = rule_class("RC199", "test-needle", summary="Reports needles.")
HAY = rule_class("RC198", "test-hay", summary="Reports hay.")


def loc(path: str, line: int, column: int, length: int, start: int) -> Location:
    return Location(path, line, column, line, column + length, 0, 0, start, start + length)


def finding(rule: type[Any], severity: Severity, where: Location, **extra: Any) -> Finding:
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        confidence=Confidence.MEDIUM,
        message=f"{rule.name} in {where.path}",
        recommendation="replace it with a role",
        location=where,
        fingerprint=f"{rule.id}-{where.line}".ljust(64, "0"),
        **extra,
    )


def sample_report() -> ScanReport:
    first = loc("src/app.py", 3, 5, 6, 40)
    fix = Fix("use hay", (TextEdit(40, 46, "hay", first),), safe=True)
    report = ScanReport(
        root="/project",
        tool_version="9.9.9",
        rules=[rule_info(HAY, "test"), rule_info(NEEDLE, "test")],
        findings=[
            finding(
                NEEDLE,
                Severity.ERROR,
                first,
                evidence="need…(6 chars)",
                fix=fix,
                related=(RelatedLocation(loc("src/app.py", 5, 9, 40, 70), "secret access key"),),
            ),
            finding(
                HAY,
                Severity.WARNING,
                loc("src/app.py", 7, 1, 3, 90),
                properties={"key_id": "id-1", "account_id": "123"},
                fix=Fix("drop it", (), safe=False),
            ),
            finding(NEEDLE, Severity.NOTE, loc("z/é.txt", 1, 1, 6, 0)),
        ],
        suppressed=[
            finding(
                NEEDLE, Severity.ERROR, loc("tests/t.py", 2, 9, 6, 20), suppression_reason="test"
            )
        ],
        notices=[
            Notice(NoticeCode.RULE_LOAD, "rule x not loaded: ImportError", None, NoticeLevel.ERROR),
            Notice(
                NoticeCode.BINARY, "binary file type (.png) skipped", "img.png", NoticeLevel.INFO
            ),
            Notice(NoticeCode.UNPARSEABLE, "cannot parse as yaml: bad indent", "c.yml", line=4),
        ],
        stats=ScanStats(
            files_seen=6,
            files_scanned=3,
            files_skipped=3,
            files_ignored=2,
            bytes_scanned=2048,
            seconds=0.25,
        ),
        ignored_paths=["build/", "debug.log"],
    )
    return report


def render(
    fmt: str, *, color: bool = False, verbose: int = 0, report: ScanReport | None = None
) -> str:
    out = io.StringIO()
    get_reporter(fmt, color=color, verbose=verbose).write(report or sample_report(), out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "verbose"), [("text.txt", 0), ("text-quiet.txt", -1), ("text-verbose.txt", 1)]
)
def test_text_golden(name: str, verbose: int) -> None:
    check_golden(GOLDEN_DIR / name, render("text", verbose=verbose))


def test_json_golden() -> None:
    check_golden(GOLDEN_DIR / "report.json", render("json"))


def normalise_run(text: str, fmt: str, version: str) -> str:
    """Replace what changes between runs and releases: the timing, the version, key ids."""
    if fmt == "json":
        data = json.loads(text)
        # Re-serialised exactly as the reporter writes: only the two values change.
        assert json.dumps(data, indent=2, ensure_ascii=False) + "\n" == text
        assert data["tool"]["version"] == version
        data["tool"]["version"] = "VERSION"
        data["stats"]["seconds"] = 0
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "text":
        text, n = re.subn(r" in \d+\.\d\ds;", " in 0.00s;", text)
        assert n == 1
    for n, key_id in enumerate(KEY_IDS):
        text = text.replace(key_id, f"{{{{AKIA:{n}}}}}")
    return text


@pytest.mark.parametrize(
    ("fmt", "verbose", "name"),
    [
        ("text", 0, "text.txt"),
        ("text", 1, "text-verbose.txt"),
        ("json", 0, "report.json"),
        ("github", 0, "github.txt"),
    ],
)
def test_fixture_tree_golden(tmp_path: Path, fmt: str, verbose: int, name: str) -> None:
    # The command line's own scan of real files, in the format asked for (which decides
    # what the scan computes), with the fixture's rules only.
    write_tree(tmp_path)
    report = scan_tree(tmp_path, fixture_registry(installed=False), fmt=fmt)
    assert len(report.findings) == 3
    out = io.StringIO()
    get_reporter(fmt, verbose=verbose).write(report, out)
    assert str(tmp_path) not in out.getvalue()
    check_golden(
        GOLDEN_DIR / "fixture" / name, normalise_run(out.getvalue(), fmt, report.tool_version)
    )


def test_text_shape() -> None:
    lines = render("text").splitlines()
    assert lines[0] == (
        "src/app.py:3:5: RC199 test-needle [error] test-needle in src/app.py"
        " (secret access key on line 5)"
    )
    assert lines[1] == "    recommendation: replace it with a role"
    assert lines[2] == "    safe fix available: use hay"
    assert lines[-1] == (
        "Found 3 findings (1 error, 1 warning, 1 note) in 2 files; scanned 3 files "
        "(2.0 KB) in 0.25s; 1 skipped (1 binary), 1 suppressed, 2 ignored by git's ignore "
        "rules (listed with -v), 3 notices (1 informational, shown with -v)."
    )
    # Files are separated by a blank line; findings of one file are not.
    assert lines[6] == "" and lines[7].startswith("z/é.txt:1:1:")


def test_text_colour_only_when_asked() -> None:
    plain, coloured = render("text"), render("text", color=True)
    assert "\033[" not in plain
    assert "\033[1msrc/app.py:3:5:\033[0m RC199 test-needle \033[31m[error]\033[0m" in coloured
    assert "\033[33m[warning]\033[0m" in coloured and "\033[36m[note]\033[0m" in coloured


def test_text_without_anything() -> None:
    empty = ScanReport(root="/p", tool_version="1", rules=[], stats=ScanStats(files_scanned=1))
    assert render("text", report=empty) == "No findings; scanned 1 file (0.0 KB) in 0.00s.\n"


def test_json_schema_fields() -> None:
    data = json.loads(render("json"))
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert list(data) == [
        "schema_version", "tool", "summary", "findings", "suppressed", "notices", "rules",
        "stats",
    ]  # fmt: skip
    assert data["tool"] == {"name": "rolecall", "version": "9.9.9"}
    assert data["summary"] == {
        "findings": 3,
        "by_severity": {"note": 1, "warning": 1, "error": 1},
        "suppressed": 1,
        "notices": 3,
        "fail_level": "warning",
        "failed": True,
    }
    first = data["findings"][0]
    assert list(first) == [
        "rule_id", "rule_name", "severity", "confidence", "message", "recommendation",
        "path", "line", "column", "end_line", "end_column", "fingerprint", "evidence",
        "properties", "fix", "related",
    ]  # fmt: skip
    assert first["related"] == [
        {
            "path": "src/app.py",
            "line": 5,
            "column": 9,
            "end_line": 5,
            "end_column": 49,
            "label": "secret access key",
        }
    ]
    assert data["findings"][1]["related"] == []
    assert first["fix"] == {
        "description": "use hay",
        "safe": True,
        "edits": [
            {
                "path": "src/app.py",
                "line": 3,
                "column": 5,
                "end_line": 3,
                "end_column": 11,
                "replacement": "hay",
            }
        ],
    }
    assert data["findings"][1]["properties"] == {"key_id": "id-1", "account_id": "123"}
    assert data["findings"][2]["fix"] is None and data["findings"][2]["path"] == "z/é.txt"
    assert "suppression_reason" not in first
    assert data["suppressed"][0]["suppression_reason"] == "test"
    assert data["notices"][0] == {
        "code": "RC907",
        "title": "rule-load-failed",
        "level": "error",
        "path": None,
        "line": None,
        "rule_id": None,
        "message": "rule x not loaded: ImportError",
    }
    assert data["rules"][1] == {
        "id": "RC199",
        "name": "test-needle",
        "severity": "warning",
        "confidence": "high",
        "cwe": 798,
        "summary": "Reports needles.",
        "fixable": False,
    }
    assert data["stats"] == {
        "files_seen": 6,
        "files_scanned": 3,
        "files_skipped": 3,
        "files_ignored": 2,
        "bytes_scanned": 2048,
        "seconds": 0.25,
        "jobs": 1,
        "cached": 0,
    }


def test_json_is_not_affected_by_colour_or_verbosity() -> None:
    assert render("json") == render("json", color=True, verbose=-1) == render("json", verbose=2)


def test_json_failed_follows_the_fail_level() -> None:
    import dataclasses

    sample = sample_report()
    report = dataclasses.replace(
        sample,
        fail_level=Severity.ERROR,
        findings=[f for f in sample.findings if f.severity is not Severity.ERROR],
    )
    assert report_json(report)["summary"]["failed"] is False


def test_every_format_is_registered() -> None:
    assert set(FORMATS) >= {"text", "json"}
    with pytest.raises(KeyError):
        get_reporter("xml")


def test_text_wraps_recommendations_to_the_terminal_width_only_on_a_terminal() -> None:
    import dataclasses

    from rolecall.output.text import TextReporter

    sample = sample_report()
    long = "Deactivate the key now, check CloudTrail for its use, then delete it. " * 3
    report = dataclasses.replace(
        sample, findings=[dataclasses.replace(f, recommendation=long) for f in sample.findings]
    )
    flat = io.StringIO()
    TextReporter().write(report, flat)
    narrow = TextReporter()
    narrow.width = 60
    wrapped = io.StringIO()
    narrow.write(report, wrapped)
    recommendation_lines = [
        line for line in wrapped.getvalue().splitlines() if line.startswith("      ")
    ]
    assert recommendation_lines, "long recommendations continue on indented lines"
    assert all(
        len(line) <= 60 for line in wrapped.getvalue().splitlines() if "recommendation" in line
    )
    # The same words, only the line breaks differ; a file or pipe gets one line each.
    assert " ".join(wrapped.getvalue().split()) == " ".join(flat.getvalue().split())
    assert not any(line.startswith("      ") for line in flat.getvalue().splitlines())


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0.0 KB"), (2048, "2.0 KB"), (99_999, "100.0 KB"), (4_100_000, "4.1 MB")],
)
def test_sizes_under_a_tenth_of_a_megabyte_print_in_kilobytes(size: int, shown: str) -> None:
    from rolecall.output.text import _size

    assert _size(size) == shown


def test_golden_files_hold_no_key_shaped_text() -> None:
    goldens = sorted(p for p in GOLDEN_DIR.rglob("*") if p.is_file())
    assert len(goldens) == 9  # the hand-built report's four, the fixture tree's five
    for path in goldens:
        assert not re.search(r"(AKIA|ASIA)[A-Z0-9]{16}", path.read_text(encoding="utf-8")), path
