"""The cache's file index: unchanged files are answered without being opened, changed
or just-written ones never are, and a scan the index answers loads no rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rolecall.cache.store import SETTLED_NS
from rolecall.engine import filescan
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.model import NoticeCode
from rolecall.output.report import ScanReport
from rolecall.plugin.registry import build_registry, default_registry
from rolecall.walk.walker import FileEntry, WalkOptions

from tests.conftest import write_tree

#: Far enough in the past for a file to count as settled.
PAST = time.time() - 3600


#: A settling time that makes every file count as settled: a test cannot move a file's
#: change time into the past, so it moves the cut-off into the future instead.
ALL_SETTLED = -60_000_000_000


@pytest.fixture(autouse=True)
def _user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rolecall.cache.store.SETTLED_NS", ALL_SETTLED)


def _settle(root: Path, when: float = PAST) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def _tree(root: Path) -> None:
    write_tree(
        root,
        {
            "svc/.env": f"AWS_ACCESS_KEY_ID={fake_key_id()}\n"
            f"AWS_SECRET_ACCESS_KEY={fake_secret_key()}\n",
            "svc/app.txt": f"id {fake_key_id()}\n",
            "clean.py": "VALUE = 1\n",
            "notes.md": "nothing to see\n",
            "blob.txt": b"\x00binary\x00",
        },
    )


def _request(root: Path, cache: Path | None, **kw: object) -> ScanRequest:
    return ScanRequest(
        paths=(str(root),),
        base=str(root),
        walk=WalkOptions(use_gitignore=False),
        jobs=1,
        cache_dir=str(cache) if cache else None,
        **kw,  # type: ignore[arg-type]
    )


def _summary(report: ScanReport) -> tuple[object, ...]:
    return (
        report.findings,
        report.notices,
        report.stats.files_scanned,
        report.stats.files_skipped,
        report.stats.files_seen,
    )


def _no_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = filescan.read_entry

    def spy(entry: FileEntry, max_size: int) -> object:
        opened.append(entry.display)
        return real(entry, max_size)

    monkeypatch.setattr(filescan, "read_entry", spy)
    return opened


def test_settled_files_are_answered_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _tree(root)
    _settle(root)
    uncached = run_scan(_request(root, None))
    first = run_scan(_request(root, cache))
    opened = _no_reads(monkeypatch)
    second = run_scan(_request(root, cache))
    assert opened == []
    assert second.stats.cached == 5  # every file, also those no rule reads, and the binary
    assert _summary(first) == _summary(second) == _summary(uncached)
    assert any(n.code is NoticeCode.BINARY for n in second.notices)


def test_a_changed_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _tree(root)
    _settle(root)
    run_scan(_request(root, cache))
    target = root / "svc" / "app.txt"
    # Same size, and the modification time put back: the change time still moves.
    target.write_text(f"id {fake_key_id()}\n")
    os.utime(target, (PAST, PAST))
    opened = _no_reads(monkeypatch)
    report = run_scan(_request(root, cache))
    assert opened == ["svc/app.txt"]
    assert report.findings == run_scan(_request(root, None)).findings


def test_files_changed_just_before_the_scan_are_not_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like git's racy-clean rule: a stamp within the time resolution proves nothing.
    Here every file was just written (its change time is now), so none is indexed."""
    assert SETTLED_NS >= 1_000_000_000
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _tree(root)
    _settle(root)
    run_scan(_request(root, cache))
    opened = _no_reads(monkeypatch)
    second = run_scan(_request(root, cache))
    assert len(opened) == 5
    assert second.stats.cached == 2  # the content-keyed results of the files rules read


def test_another_base_directory_or_option_does_not_use_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _tree(root)
    _settle(root)
    run_scan(_request(root, cache))
    opened = _no_reads(monkeypatch)
    moved = tmp_path / "moved"
    root.rename(moved)
    run_scan(_request(moved, cache))
    assert sorted(opened) == ["blob.txt", "clean.py", "notes.md", "svc/.env", "svc/app.txt"]
    opened.clear()
    run_scan(
        ScanRequest(
            paths=(str(moved),),
            base=str(moved),
            walk=WalkOptions(use_gitignore=False, max_file_size=1000),
            jobs=1,
            cache_dir=str(cache),
        )
    )
    assert len(opened) == 5


def test_rule_load_notices_survive_a_scan_the_index_answers(tmp_path: Path, settled: None) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _tree(root)
    _settle(root)
    rules = [(f"{c.id} = test", c) for c in default_registry().rules]
    registry = build_registry([("broken = not.a.rule.module", 42), *rules])
    assert registry.notices
    first = run_scan(_request(root, cache, rule_infos=False), registry=registry)
    second = run_scan(_request(root, cache, rule_infos=False), registry=registry)
    assert second.stats.cached == 5
    load = [n for n in second.notices if n.code is NoticeCode.RULE_LOAD]
    assert load == [n for n in first.notices if n.code is NoticeCode.RULE_LOAD] != []


CLI_SCRIPT = f"""
import io, json, sys
from contextlib import redirect_stdout
import rolecall.cache.store
from rolecall.cli.main import main
rolecall.cache.store.SETTLED_NS = {ALL_SETTLED}
out = io.StringIO()
with redirect_stdout(out):
    code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith(("rolecall.rules.", "rolecall.engine.core")))
print(json.dumps([code, out.getvalue(), loaded]))
"""


def _cli(root: Path, env: dict[str, str], *args: str) -> tuple[int, str, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", CLI_SCRIPT, "scan", "--isolated", *args, "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    code, text, loaded = json.loads(proc.stdout)
    return int(code), str(text), list(loaded)


def test_a_text_scan_the_index_answers_loads_no_rule(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _tree(root)
    _settle(root)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    first = _cli(root, env)
    second = _cli(root, env)
    assert first[0] == second[0] == 1
    # The same report but for the summary line's time.
    assert first[1].rsplit(" in ", 1)[0] == second[1].rsplit(" in ", 1)[0]
    assert "svc/.env" in first[1]
    assert "rolecall.engine.core" in first[2]
    assert second[2] == []  # no rule module, no engine
    # JSON lists the rules that ran, so it loads them; the findings are the same.
    as_json = _cli(root, env, "--format", "json")
    assert "rolecall.engine.core" in as_json[2]
    assert len(json.loads(as_json[1])["rules"]) > 30
