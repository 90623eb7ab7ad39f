"""The baseline: format, round trips, staleness, and the CLI around it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id
from rolecall.suppress.baseline import (
    BASELINE_VERSION,
    BaselineEntry,
    BaselineError,
    dump_baseline,
    load_baseline,
    parse_baseline,
)

RNG = random.Random(7)


def key() -> str:
    return fake_key_id(rng=RNG)


def scan_json(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["scan", "--isolated", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def reported(doc: dict[str, object]) -> list[tuple[str, int, str]]:
    findings = doc["findings"]
    assert isinstance(findings, list)
    return [(f["path"], f["line"], f["properties"].get("key_id", "")) for f in findings]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def baseline(*args: str) -> int:
    return main(["baseline", "--isolated", *args])


def test_round_trip_move_code_add_key_other_secret_same_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = key()
    (repo / "app").mkdir()
    (repo / "app" / "settings.py").write_text(f'REGION = "eu-west-1"\nKEY = "{old}"\n')
    assert baseline() == 0
    assert scan_json("--baseline", ".rolecall-baseline.json", capsys=capsys)[0] == 0

    # Moving code (lines above, another file) keeps the baseline valid.
    (repo / "app" / "settings.py").write_text(f'"""Doc."""\n\n\nimport os\n\nKEY = "{old}"\n')
    assert scan_json("--baseline", ".rolecall-baseline.json", capsys=capsys)[0] == 0

    # A new key is reported, the accepted one still is not.
    new = key()
    text = (repo / "app" / "settings.py").read_text() + f'OTHER = "{new}"\n'
    (repo / "app" / "settings.py").write_text(text)
    code, doc = scan_json("--baseline", ".rolecall-baseline.json", capsys=capsys)
    assert code == 1
    assert reported(doc) == [("app/settings.py", 7, new)]
    assert doc["suppressed"] == []  # accepted findings are not shown anywhere

    # A different secret on the accepted line is reported.
    (repo / "app" / "settings.py").write_text(f'"""Doc."""\n\n\nimport os\n\nKEY = "{new}"\n')
    code, doc = scan_json("--baseline", ".rolecall-baseline.json", capsys=capsys)
    assert (code, reported(doc)) == (1, [("app/settings.py", 6, new)])


def test_file_is_deterministic_sorted_versioned_and_holds_no_key(repo: Path) -> None:
    ids = [key() for _ in range(3)]
    (repo / "b.py").write_text(f'x = "{ids[0]}"\ny = "{ids[1]}"\n')
    (repo / ".env").write_text(f"AWS_ACCESS_KEY_ID={ids[2]}\n")
    assert baseline() == 0
    first = (repo / ".rolecall-baseline.json").read_bytes()
    assert baseline() == 0
    assert (repo / ".rolecall-baseline.json").read_bytes() == first
    doc = json.loads(first)
    assert doc["version"] == BASELINE_VERSION
    entries = doc["entries"]
    assert [e["path"] for e in entries] == [".env", "b.py", "b.py"]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]))
    assert all(set(e) == {"rule_id", "path", "fingerprint"} for e in entries)
    text = first.decode()
    assert not any(i in text for i in ids)
    assert "line" not in text


def test_paths_are_relative_to_the_baseline_file(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "svc").mkdir()
    (repo / "svc" / "a.py").write_text(f'k = "{key()}"\n')
    assert baseline("--baseline", "svc/accepted.json", "svc") == 0
    entry = json.loads((repo / "svc" / "accepted.json").read_text())["entries"][0]
    assert entry["path"] == "a.py"
    # The same baseline works from another working directory.
    monkeypatch.chdir(repo / "svc")
    assert scan_json("--baseline", "accepted.json", ".", capsys=capsys)[0] == 0


def test_report_stale_lists_entries_without_changing_the_exit_code(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept, gone = key(), key()
    (repo / "a.py").write_text(f'k = "{kept}"\nj = "{gone}"\n')
    (repo / "other.py").write_text(f'k = "{key()}"\n')
    assert baseline() == 0
    (repo / "a.py").write_text(f'k = "{kept}"\n')
    code, doc = scan_json("--baseline", ".rolecall-baseline.json", "--report-stale", capsys=capsys)
    assert code == 0
    notices = [n for n in doc["notices"] if n["code"] == "RC911"]
    assert [(n["path"], n["title"]) for n in notices] == [("a.py", "stale-baseline-entry")]
    # Without the flag: silent.
    code, doc = scan_json("--baseline", ".rolecall-baseline.json", capsys=capsys)
    assert not [n for n in doc["notices"] if n["code"] == "RC911"]
    # A scan of one file (a pre-commit batch) judges only that file's entries.
    (repo / "other.py").write_text("clean = True\n")
    code, doc = scan_json(
        "--baseline", ".rolecall-baseline.json", "--report-stale", "a.py", capsys=capsys
    )
    assert [n["path"] for n in doc["notices"] if n["code"] == "RC911"] == ["a.py"]


def test_deleted_file_entry_is_stale(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a.py").write_text(f'k = "{key()}"\n')
    (repo / "b.py").write_text("clean = 1\n")
    assert baseline() == 0
    (repo / "a.py").unlink()
    _, doc = scan_json(
        "--baseline", ".rolecall-baseline.json", "--report-stale", "b.py", capsys=capsys
    )
    assert [n["path"] for n in doc["notices"] if n["code"] == "RC911"] == ["a.py"]


def test_update_keeps_reasons_and_unscanned_drops_stale_adds_new(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep, stale, outside = key(), key(), key()
    (repo / "src").mkdir()
    (repo / "src" / "a.py").write_text(f'k = "{keep}"\ns = "{stale}"\n')
    (repo / "tools.py").write_text(f'k = "{outside}"\n')
    assert baseline() == 0
    path = repo / ".rolecall-baseline.json"
    doc = json.loads(path.read_text())
    for entry in doc["entries"]:
        entry["reason"] = "test fixture, key deleted"
    path.write_text(json.dumps(doc))

    new = key()
    (repo / "src" / "a.py").write_text(f'k = "{keep}"\nn = "{new}"\n')
    capsys.readouterr()
    assert baseline("--update", "src") == 0
    assert "2 kept, 1 new, 1 stale dropped" in capsys.readouterr().out
    entries = json.loads(path.read_text())["entries"]
    assert len(entries) == 3
    assert [e["path"] for e in entries] == ["src/a.py", "src/a.py", "tools.py"]
    assert sum("reason" in e for e in entries) == 2  # the kept ones, not the new one
    assert scan_json("--baseline", str(path), capsys=capsys)[0] == 0


def test_update_does_not_judge_rules_that_did_not_run(repo: Path) -> None:
    (repo / "a.py").write_text(f'k = "{key()}"\n')
    assert baseline() == 0
    before = (repo / ".rolecall-baseline.json").read_bytes()
    assert baseline("--update", "--select", "RC2") == 0
    assert (repo / ".rolecall-baseline.json").read_bytes() == before


def test_inline_suppressed_findings_stay_out_of_the_baseline(repo: Path) -> None:
    (repo / "a.py").write_text(f'k = "{key()}"  # rolecall: ignore[RC101] -- fixture\n')
    assert baseline() == 0
    assert json.loads((repo / ".rolecall-baseline.json").read_text())["entries"] == []


def test_baseline_from_config(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.rolecall]\nbaseline = "security/rolecall-baseline.json"\n'
    )
    (repo / "security").mkdir()
    (repo / "a.py").write_text(f'k = "{key()}"\n')
    assert main(["baseline"]) == 0
    assert (repo / "security" / "rolecall-baseline.json").is_file()
    capsys.readouterr()
    assert main(["scan", "--format", "json"]) == 0
    assert main(["scan", "--format", "json", "--no-baseline"]) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"version": 3, "entries": []}', "unsupported baseline version 3"),
        (b'{"version": 2, "entries": []}', "salt must be 32 lower-case hex digits"),
        (b'{"version": 2, "salt": "ABC", "entries": []}', "salt must be 32 lower-case hex"),
        (b'{"version": 1, "salt": "' + b"0" * 32 + b'", "entries": []}', "has no salt"),
        (b'{"entries": []}', "no version field"),
        (b"[]", "no version field"),
        (b"{not json", "invalid JSON"),
        (b'{"version": 1}', "entries must be a list"),
        (b'{"version": 1, "entries": [{"rule_id": "RC101"}]}', "path must be"),
        (
            b'{"version": 1, "entries": [{"rule_id": "RC101", "path": "a", "fingerprint": "abc"}]}',
            "fingerprint must be",
        ),
        (
            b'{"version": 1, "entries": [{"rule_id": "RC101", "path": "a", '
            b'"fingerprint": "' + b"0" * 64 + b'", "line": 3}]}',
            "unknown field 'line'",
        ),
    ],
)
def test_bad_baselines_are_usage_errors(
    repo: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    with pytest.raises(BaselineError, match=message):
        parse_baseline(content, "b.json")
    (repo / "b.json").write_bytes(content)
    (repo / "a.py").write_text("x = 1\n")
    capsys.readouterr()
    assert main(["scan", "--isolated", "--baseline", "b.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rolecall: error: b.json:") and message in err
    assert err.count("\n") == 1


def test_missing_baseline_and_stale_without_baseline_are_usage_errors(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", "--isolated", "--baseline", "nope.json"]) == 2
    assert "create it with `rolecall baseline`" in capsys.readouterr().err
    assert main(["scan", "--isolated", "--report-stale"]) == 2
    assert "--report-stale needs a baseline" in capsys.readouterr().err


def test_dump_dedupes_and_load_round_trips(tmp_path: Path) -> None:
    fp = "ab" * 32
    entries = [
        BaselineEntry("z.py", "RC101", fp),
        BaselineEntry("a.py", "RC101", fp, "ok"),
        BaselineEntry("z.py", "RC101", fp),
    ]
    path = tmp_path / "b.json"
    path.write_bytes(dump_baseline(entries, "0f" * 16))
    loaded = load_baseline(str(path))
    assert [e.path for e in loaded.entries] == ["a.py", "z.py"]
    assert loaded.entries[0].reason == "ok"
    assert loaded.salt == "0f" * 16
    assert dump_baseline(loaded.entries, loaded.salt) == path.read_bytes()


def test_summary_counts_what_the_baseline_accepted(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "a.py").write_text(f'k = "{key()}"\nj = "{key()}"\n')
    assert main(["baseline"]) == 0
    (repo / "b.py").write_text(f'n = "{key()}"\n')  # new since the baseline
    capsys.readouterr()
    assert main(["scan", "--no-cache", "--baseline", ".rolecall-baseline.json"]) == 1
    out = capsys.readouterr().out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("Found 1 finding") and "2 accepted by the baseline" in summary


# --- the baseline as part of the scan request (the suppress stage of run_scan) ---------


def test_run_scan_applies_the_requests_baseline_as_the_command_line_does(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import dataclasses

    from rolecall.config.options import EngineOptions
    from rolecall.engine.runner import ScanRequest, run_scan

    old, new, gone = key(), key(), key()
    (repo / "a.py").write_text(f'KEY = "{old}"\n')
    (repo / "b.py").write_text(f'KEY = "{gone}"\n')
    assert baseline() == 0
    (repo / "a.py").write_text(f'KEY = "{old}"\nOTHER = "{new}"\n')
    (repo / "b.py").write_text("KEY = None\n")
    loaded = load_baseline(".rolecall-baseline.json")
    keyed = dataclasses.replace(
        EngineOptions(), fingerprint_salt=loaded.keying.salt, slow_fingerprints=True
    )
    request = ScanRequest(paths=(str(repo),), base=str(repo), jobs=1, engine=keyed, baseline=loaded)
    report = run_scan(dataclasses.replace(request, report_stale=True))
    assert [f.properties.get("key_id") for f in report.findings] == [new]
    assert (report.accepted_by_baseline, report.stale_baseline_entries) == (1, 1)
    assert [(n.code.value, n.path) for n in report.notices] == [("RC911", "b.py")]
    # Without --report-stale the stale entry is not judged.
    quiet = run_scan(request)
    assert (quiet.accepted_by_baseline, quiet.stale_baseline_entries, quiet.notices) == (1, 0, [])
    # The command line answers the same.
    code, doc = scan_json("--baseline", ".rolecall-baseline.json", "--report-stale", capsys=capsys)
    assert code == 1
    assert [k for _, _, k in reported(doc)] == [new]
    assert [n["code"] for n in doc["notices"]] == ["RC911"]  # type: ignore[index,union-attr]


def test_a_request_with_a_baseline_needs_fingerprints_keyed_with_its_salt(repo: Path) -> None:
    from rolecall.engine.runner import ScanRequest

    (repo / "a.py").write_text(f'KEY = "{key()}"\n')
    assert baseline() == 0
    loaded = load_baseline(".rolecall-baseline.json")
    with pytest.raises(ValueError, match="keyed with its salt"):
        ScanRequest(paths=(str(repo),), base=str(repo), baseline=loaded)


def test_reports_and_file_results_are_frozen(repo: Path) -> None:
    import dataclasses

    from rolecall.engine.runner import ScanRequest, run_scan

    (repo / "a.py").write_text(f'KEY = "{key()}"\n')
    report = run_scan(ScanRequest(paths=(str(repo),), base=str(repo), jobs=1))
    assert len(report.findings) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.findings = []  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.stats.files_seen = 0  # type: ignore[misc]
    from rolecall.engine.core import Engine
    from rolecall.plugin.registry import default_registry

    result = Engine(default_registry()).scan_bytes("a.py", (repo / "a.py").read_bytes())
    assert len(result.findings) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.size = 0  # type: ignore[misc]
