"""The result cache: round trips, invalidation, concurrency, corruption, pruning, and
that nothing secret is stored."""

from __future__ import annotations

import dataclasses
import os
import pickle
import sqlite3
import stat
import sys
import time
from pathlib import Path

import pytest
import rolecall
from rolecall.cache.codec import decode_result, encode_result
from rolecall.cache.key import load_secret, scan_fingerprint
from rolecall.cache.store import DB_NAME, ResultCache
from rolecall.cli.main import main
from rolecall.engine.core import EngineOptions, FileResult, RuleSelection
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token
from rolecall.model import (
    Confidence,
    Finding,
    Fix,
    Location,
    Notice,
    NoticeCode,
    NoticeLevel,
    RelatedLocation,
    Severity,
    TextEdit,
)
from rolecall.walk.walker import WalkOptions


@pytest.fixture(autouse=True)
def _user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cache's HMAC key lives in the user cache directory: keep it in the test's.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _tree(root: Path, files: int = 6) -> dict[str, str]:
    secrets = {}
    for i in range(files):
        key_id, secret = fake_key_id(), fake_secret_key()
        (root / f"svc{i}").mkdir(parents=True, exist_ok=True)
        (root / f"svc{i}" / ".env").write_text(
            f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"
            f"AWS_SESSION_TOKEN={fake_session_token()}\n"
        )
        (root / f"svc{i}" / "clean.py").write_text(f"VALUE = {i}\n")
        secrets[f"svc{i}/.env"] = secret
    (root / "bad.txt").write_bytes(b"caf\xe9 and more\n")
    return secrets


def _request(root: Path, cache: Path | None, **engine: object) -> ScanRequest:
    return ScanRequest(
        paths=(str(root),),
        base=str(root),
        walk=WalkOptions(use_gitignore=False),
        engine=EngineOptions(**engine),  # type: ignore[arg-type]
        jobs=1,
        cache_dir=str(cache) if cache else None,
    )


def _summary(report: rolecall.output.report.ScanReport) -> tuple[object, ...]:
    return (report.findings, report.suppressed, report.notices, report.stats.files_scanned)


def test_codec_round_trip() -> None:
    loc = Location("a.py", 2, 3, 2, 9, 3, 9, 10, 16)
    finding = Finding(
        rule_id="RC101",
        rule_name="x",
        severity=Severity.ERROR,
        confidence=Confidence.HIGH,
        message="m \u00e9",
        recommendation="r",
        location=loc,
        fingerprint="f" * 64,
        evidence="wJal\u2026(40 chars)",
        properties={"key_id": "k"},
        fix=Fix("use env", (TextEdit(10, 16, "os.environ['X']", loc),), safe=False),
        related=(
            RelatedLocation(Location("a.py", 5, 1, 5, 41, 1, 41, 60, 100), "secret access key"),
            RelatedLocation(Location("b.py", 1, 2, 1, 3, 2, 3, 1, 2), "session token"),
        ),
    )
    result = FileResult(
        path="a.py",
        findings=[finding],
        suppressed=[dataclasses.replace(finding, suppression_reason="why")],
        notices=[Notice(NoticeCode.DECODING, "n", "a.py", NoticeLevel.WARNING, 3, None)],
        kind="python",
        scanned=True,
    )
    back = decode_result(encode_result(result), "a.py")
    assert back.cached
    assert (back.findings, back.suppressed, back.notices, back.kind) == (
        result.findings,
        result.suppressed,
        result.notices,
        "python",
    )
    # Worker processes send findings pickled: related locations survive that too.
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert pickle.loads(pickle.dumps(finding)).related[0].label == "secret access key"
    empty = decode_result(encode_result(FileResult("b.env", kind="env", scanned=True)), "b.env")
    assert (empty.findings, empty.notices, empty.kind, empty.scanned) == ([], [], "env", True)


def test_second_scan_comes_from_cache_and_equals_the_first(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _tree(root)
    cache = tmp_path / "cache"
    uncached = run_scan(_request(root, None))
    first = run_scan(_request(root, cache))
    second = run_scan(_request(root, cache))
    assert first.stats.cached == 0
    assert second.stats.files_scanned == 13
    # Only files some rule reads are cached: the rest cost less than a lookup.
    assert second.stats.cached == 6
    assert _summary(first) == _summary(second) == _summary(uncached)
    assert (cache / ".gitignore").read_text().strip().endswith("*")


def test_changes_invalidate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    _tree(root)
    cache = tmp_path / "cache"
    run_scan(_request(root, cache))
    env = root / "svc1" / ".env"
    env.write_text(env.read_text() + "# edited\n")
    assert run_scan(_request(root, cache)).stats.cached == 5  # only the edited file missed
    # Any change to the effective rule configuration misses everything.
    for options in (
        {"selection": RuleSelection(ignore=("RC101",))},
        {"selection": RuleSelection(severity_overrides={"RC101": Severity.NOTE})},
        {"allowlist": ("AKIA",)},
        {"report_examples": True},
        {"fix_edits": False},  # a text report's fixes have no edits: never for JSON
    ):
        assert run_scan(_request(root, cache, **options)).stats.cached == 0, options
    monkeypatch.setattr(rolecall, "__version__", "999.0")
    assert run_scan(_request(root, cache)).stats.cached == 0


def test_fingerprint_follows_source_files(tmp_path: Path) -> None:
    module = tmp_path / "plugin_mod_for_cache_test.py"
    module.write_text("X = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        __import__("plugin_mod_for_cache_test")
        before = scan_fingerprint(["a"], ["plugin_mod_for_cache_test"])
        assert before == scan_fingerprint(["a"], ["plugin_mod_for_cache_test"])
        module.write_text("X = 22\n")
        assert before != scan_fingerprint(["a"], ["plugin_mod_for_cache_test"])
        assert before != scan_fingerprint(["b"], ["plugin_mod_for_cache_test"])
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("plugin_mod_for_cache_test", None)


def test_entries_written_under_another_key_are_never_hits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache directory planted in a repository cannot hide findings."""
    root = tmp_path / "repo"
    _tree(root)
    cache = tmp_path / "cache"
    run_scan(_request(root, cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    assert run_scan(_request(root, cache)).stats.cached == 0


def test_nothing_secret_is_stored(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    secrets = _tree(root)
    cache = tmp_path / "cache"
    run_scan(_request(root, cache))
    conn = sqlite3.connect(cache / DB_NAME)
    values = b"".join(v for (v,) in conn.execute("SELECT value FROM results"))
    conn.close()
    blob = b"".join(p.read_bytes() for p in cache.iterdir() if p.is_file()) + values
    tokens = [line.split("=", 1)[1] for p in root.glob("*/.env") for line in p.read_text().split()]
    assert b"AKIA" in values  # key ids are shown in full, by policy
    for secret in [*secrets.values(), *(t for t in tokens if not t.startswith("AKIA"))]:
        assert secret.encode() not in blob


def test_results_with_rule_errors_are_not_stored(tmp_path: Path) -> None:
    cache = ResultCache(str(tmp_path / "c"), b"fp", secret_dir=str(tmp_path / "s"))
    result = FileResult("a.py", scanned=True, kind="python")
    result.notices.append(Notice(NoticeCode.RULE_ERROR, "boom", "a.py"))
    key = cache.key("a.py", b"x = 1\n")
    assert key is not None
    cache.put(key, result)
    cache.flush()
    assert cache.get(key, "a.py") is None


def test_corrupt_database_is_rebuilt_once(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _tree(root)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DB_NAME).write_bytes(b"this is not a database" * 100)
    report = run_scan(_request(root, cache))
    assert _summary(report)[:2] == _summary(run_scan(_request(root, None)))[:2]
    assert [n.message for n in report.notices if "result cache" in n.message] == [
        f"result cache rebuilt: {DB_NAME} was not a usable database"
    ]
    again = run_scan(_request(root, cache))  # the rebuilt cache answers the next run
    assert again.stats.cached == 6 and _summary(again)[:2] == _summary(report)[:2]
    assert not any("result cache" in n.message for n in again.notices)


def test_cache_files_are_private(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _tree(root)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)  # as an older release (or the umask) left it
    old_umask = os.umask(0o022)
    try:
        run_scan(_request(root, cache))
        ResultCache(str(cache), b"fp", secret_dir=str(tmp_path / "keys")).key("a", b"x")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    created = [p for p in [*cache.iterdir(), *(tmp_path / "keys").iterdir()] if p.is_file()]
    assert {DB_NAME, ".gitignore"} <= {p.name for p in cache.iterdir()}
    assert (tmp_path / "keys" / "cache-secret").is_file()
    for path in created:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_short_key_file_is_replaced_at_once(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "cache-secret").write_bytes(b"short")
    started = time.perf_counter()
    secret = load_secret(str(keys))
    assert time.perf_counter() - started < 0.5  # it used to wait 50 x 20 ms first
    assert len(secret) == 32 and (keys / "cache-secret").read_bytes() == secret
    assert stat.S_IMODE((keys / "cache-secret").stat().st_mode) == 0o600


def test_prune(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResultCache(str(tmp_path / "c"), b"fp", secret_dir=str(tmp_path / "s"))
    today = int(time.time() // 86400)
    for i, used in enumerate([today - 100, today - 5, today - 1, today]):
        key = cache.key(f"f{i}", b"")
        assert key is not None
        cache.put(key, FileResult(f"f{i}", scanned=True, kind="text"))
        cache._pending[-1] = (key, b"E" + b"x" * 100, used)
    cache.flush()
    assert cache.prune(force=True) == 1  # unused for more than 30 days
    monkeypatch.setattr("rolecall.cache.store.MAX_VALUE_BYTES", 250)
    assert cache.prune(force=True) == 1  # the oldest beyond the size bound
    assert cache.prune() == 0  # at most once a day
    conn = cache._connect()
    assert conn is not None
    assert conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 2


SCAN_SCRIPT = """
import json, sys
from rolecall.engine import runner
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.walk.walker import WalkOptions
root, cache = sys.argv[1:3]
runner.PARALLEL_MIN_FILES = 10  # worker processes even on a small tree
request = ScanRequest(
    paths=(root,), base=root, walk=WalkOptions(use_gitignore=False), jobs=2, cache_dir=cache
)
report = run_scan(request)
print(json.dumps([len(report.findings), report.stats.files_scanned, len(report.notices)]))
"""


def test_concurrent_runs_share_one_cache(tmp_path: Path) -> None:
    import json
    import subprocess

    root = tmp_path / "repo"
    _tree(root, files=40)
    cache = tmp_path / "cache"
    uncached = run_scan(_request(root, None))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SCAN_SCRIPT, str(root), str(cache)],
            stdout=subprocess.PIPE,
            env=env,
        )
        for _ in range(6)
    ]
    outcomes = {tuple(json.loads(run.communicate()[0])) for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert outcomes == {(len(uncached.findings), 81, len(uncached.notices))}
    conn = sqlite3.connect(cache / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 40  # the .env files
    conn.close()
    assert run_scan(_request(root, cache)).stats.cached == 40


def test_cli_cache_location_and_switches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.py").write_text(f"key = '{fake_key_id()}'\n")
    monkeypatch.chdir(root)
    assert main(["scan", "--isolated", "-q", "--no-cache", "a.py"]) == 1
    assert not (tmp_path / "xdg" / "rolecall" / DB_NAME).exists()
    assert main(["scan", "--isolated", "-q", "a.py"]) == 1
    assert (tmp_path / "xdg" / "rolecall" / DB_NAME).exists()
    (root / ".rolecall.toml").write_text("cache = false\n")
    assert main(["scan", "-q", "a.py"]) == 1
    assert not (root / ".rolecall_cache").exists()
    (tmp_path / "xdg" / "rolecall" / DB_NAME).unlink()
    (root / ".rolecall.toml").write_text("jobs = 1\n")
    assert main(["scan", "-q", "a.py"]) == 1
    # With a configuration file too, the cache stays out of the scanned tree.
    assert sorted(p.name for p in root.iterdir()) == [".rolecall.toml", "a.py"]
    assert (tmp_path / "xdg" / "rolecall" / DB_NAME).exists()
    (root / ".rolecall.toml").write_text("cache = 1\n")
    assert main(["scan", "-q", "a.py"]) == 2


def test_the_cached_engine_answers_as_the_engine_does(tmp_path: Path) -> None:
    """CachedEngine has the engine's scan_bytes: the same result, from the cache the
    second time (marked cached), and no lookup for a file that no rule wants."""
    from rolecall.cache.cached import CachedEngine
    from rolecall.engine.core import Engine
    from rolecall.plugin.registry import default_registry

    engine = Engine(default_registry())
    cache = ResultCache(str(tmp_path / "cache"), b"fingerprint", secret_dir=str(tmp_path / "s"))
    cached = CachedEngine(engine, cache)
    data = f'KEY = "{fake_key_id()}"\n'.encode()
    first = cached.scan_bytes("a.py", data)
    assert len(first.findings) == 1 and not first.cached
    assert first == engine.scan_bytes("a.py", data)
    cache.flush()
    again = cached.scan_bytes("a.py", data)
    assert again.cached and cache.hits == 1
    assert dataclasses.replace(again, cached=False) == first
    quiet = b"nothing to see here\n"
    asked = (cache.hits, cache.misses)
    assert cached.scan_bytes("b.txt", quiet) == engine.scan_bytes("b.txt", quiet)
    assert (cache.hits, cache.misses) == asked
    cache.close()
