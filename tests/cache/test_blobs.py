"""A rescan inside a git work tree asks git what changed: files git vouches for (tracked,
unmodified, regular, no converting attribute) are answered by their blob id without
being opened or stat'ed; every other file is read as before, and every answer equals a
scan without the cache.

Every case is a real repository made with the real git in ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rolecall.engine import filescan, runner
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.model import NoticeCode
from rolecall.output.report import ScanReport
from rolecall.read.files import git_blob_id
from rolecall.walk.gitlist import list_files
from rolecall.walk.walker import FileEntry, WalkOptions

from tests.conftest import git, git_env, write_tree

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The cache's key in the test's own directory; git reads no user configuration."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


def _env(key_id: str, secret: str) -> str:
    return f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"


def make_repo(root: Path, *init: str) -> Path:
    """A committed repository with findings, clean files, a link, a binary file, a file
    above the size limit used by :func:`request`, and a gitlink."""
    root.mkdir(parents=True)
    git(root, "init", "-q", *init)
    write_tree(
        root,
        {
            "svc/.env": _env(fake_key_id(), fake_secret_key()),
            "svc/app.txt": f"id {fake_key_id()}\n",
            "clean.py": "VALUE = 1\n",
            "notes.md": "nothing to see\n",
            "img.png": b"\x89PNG",
            "data.txt": b"\x00binary\x00",
            "big.txt": "x" * 5000 + "\n",
            "docs/readme.md": "read me\n",
        },
    )
    os.symlink("clean.py", root / "link.py")
    inner = root / "mod"
    inner.mkdir()
    git(inner, "init", "-q", *init)
    write_tree(inner, {"m.py": f'ID = "{fake_key_id()}"\n'})
    git(inner, "add", "-A")
    git(inner, "commit", "-q", "-m", "inner")
    head = git(inner, "rev-parse", "HEAD").strip()
    git(root, "add", "-A", "--", ":!mod")
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},mod")
    git(root, "commit", "-q", "-m", "add")
    return root


def request(root: Path, cache: bool) -> ScanRequest:
    return ScanRequest(
        paths=(str(root),),
        base=str(root),
        walk=WalkOptions(max_file_size=4096),
        jobs=1,
        cache_dir=str(root.parent / "cache") if cache else None,
    )


def summary(report: ScanReport) -> tuple[object, ...]:
    stats = report.stats
    return (
        report.findings,
        report.suppressed,
        report.notices,
        report.ignored_paths,
        sorted(report.scanned_paths),
        (stats.files_seen, stats.files_scanned, stats.files_skipped, stats.bytes_scanned),
    )


@contextmanager
def touched(root: Path) -> Iterator[set[str]]:
    """The files under ``root`` (relative paths) that rolecall stats, opens or reads
    while the block runs (git, in its own process, is not counted)."""
    seen: set[str] = set()
    prefix = str(root) + os.sep
    real = {name: getattr(os, name) for name in ("lstat", "stat", "open")}
    real_read = filescan.read_entry

    def spy(name: str) -> Any:
        def call(path: Any, *args: Any, **kw: Any) -> Any:
            text = os.fsdecode(path) if isinstance(path, str | bytes) else ""
            if text.startswith(prefix) and ".git" not in Path(text).parts:
                seen.add(os.path.relpath(text, root).replace(os.sep, "/"))
            return real[name](path, *args, **kw)

        return call

    def read(entry: FileEntry, max_size: int) -> Any:
        seen.add(entry.display)
        return real_read(entry, max_size)

    with pytest.MonkeyPatch.context() as mp:
        for name in real:
            mp.setattr(os, name, spy(name))
        mp.setattr(filescan, "read_entry", read)
        yield seen


def test_unchanged_tracked_files_are_neither_opened_nor_stated(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r")
    uncached = run_scan(request(root, cache=False))
    first = run_scan(request(root, cache=True))
    with touched(root) as seen:
        second = run_scan(request(root, cache=True))
    # The text files git vouches for are answered by blob id, also in the gitlink's
    # checkout (another repository, listed by its own git). Still stat'ed as before: the
    # link and the gitlink (not regular files), the file above the size limit (only its
    # size says so) and the binary-content file (no result is filed under an id for
    # bytes that were not scanned).
    vouched = {"svc/.env", "svc/app.txt", "clean.py", "notes.md", "docs/readme.md", "mod/m.py"}
    assert not seen & vouched
    assert seen == {"link.py", "mod", "big.txt", "data.txt"}
    assert second.stats.cached == 6  # data.txt, just written, is read again
    assert summary(uncached) == summary(first) == summary(second)
    assert [n.code for n in second.notices if n.path == "big.txt"] == [NoticeCode.TOO_LARGE]
    assert [n.code for n in second.notices if n.path == "img.png"] == [NoticeCode.BINARY]
    assert [n.code for n in second.notices if n.path == "link.py"] == [NoticeCode.SKIPPED_SPECIAL]
    assert any(f.location.path == "mod/m.py" for f in second.findings)


def _rescan_equals_uncached(root: Path) -> tuple[ScanReport, set[str]]:
    """A cached rescan after a change: it must equal a scan without the cache."""
    with touched(root) as seen:
        cached = run_scan(request(root, cache=True))
    assert summary(cached) == summary(run_scan(request(root, cache=False)))
    return cached, seen


def test_changed_untracked_staged_renamed_and_deleted_files(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r")
    run_scan(request(root, cache=True))
    new_key = fake_key_id()
    (root / "clean.py").write_text(f'KEY = "{new_key}"\n')  # changed
    write_tree(root, {"new.env": _env(fake_key_id(), fake_secret_key())})  # untracked
    (root / "notes.md").write_text(f"staged {fake_key_id()}\n")
    git(root, "add", "notes.md")
    (root / "notes.md").write_text("staged, then changed again: clean\n")  # staged+modified
    git(root, "mv", "svc/app.txt", "svc/renamed.txt")  # renamed, same blob
    (root / "docs" / "readme.md").unlink()  # deleted
    report, seen = _rescan_equals_uncached(root)
    assert {"clean.py", "new.env", "notes.md", "svc/renamed.txt"} <= seen
    assert "svc/.env" not in seen
    paths = {f.location.path for f in report.findings}
    assert {"clean.py", "new.env", "svc/renamed.txt"} <= paths
    assert not paths & {"notes.md", "svc/app.txt", "docs/readme.md"}
    assert new_key in {f.properties.get("key_id") for f in report.findings} | {
        f.evidence for f in report.findings
    }


def test_assume_unchanged_and_skip_worktree_files_are_read(tmp_path: Path) -> None:
    """git skips its modified check for these, so it vouches for nothing."""
    root = make_repo(tmp_path / "r")
    run_scan(request(root, cache=True))
    git(root, "update-index", "--assume-unchanged", "clean.py")
    git(root, "update-index", "--skip-worktree", "notes.md")
    (root / "clean.py").write_text(f'KEY = "{fake_key_id()}"\n')
    (root / "notes.md").write_text(f"id {fake_key_id()}\n")
    report, seen = _rescan_equals_uncached(root)
    assert {"clean.py", "notes.md"} <= seen
    assert {"clean.py", "notes.md"} <= {f.location.path for f in report.findings}


def test_an_eol_attribute_added_after_the_first_scan(tmp_path: Path) -> None:
    """The index still names the LF blob, the work tree now holds CRLF: git calls the
    file unmodified, and only the attribute check keeps its old result out."""
    root = make_repo(tmp_path / "r")
    run_scan(request(root, cache=True))
    (root / ".gitattributes").write_text("*.env text eol=crlf\n")
    git(root, "add", ".gitattributes")
    git(root, "commit", "-q", "-m", "attributes")
    (root / "svc" / ".env").unlink()
    git(root, "checkout", "--", "svc/.env")
    data = (root / "svc" / ".env").read_bytes()
    assert b"\r\n" in data
    blob = git(root, "ls-files", "-s", "svc/.env").split()[1]
    assert git_blob_id(data, blob) != blob
    assert not git(root, "ls-files", "-m").strip()  # git: unmodified
    assert {f.path: f.blob for f in list_files(str(root), blobs=True).files}["svc/.env"] == ""
    report, seen = _rescan_equals_uncached(root)
    assert "svc/.env" in seen
    env = [f for f in report.findings if f.location.path == "svc/.env"]
    assert env
    assert all(f.location.end_column is not None for f in env)


def test_a_filter_attribute_is_never_answered_by_blob(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A smudge filter (as Git LFS has, from the user's own configuration): the
    work-tree bytes are not the blob's."""
    user_config = tmp_path / "gitconfig"
    user_config.write_text('[filter "upper"]\n\tsmudge = tr a-z A-Z\n\tclean = tr A-Z a-z\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    env = {**git_env(tmp_path), "GIT_CONFIG_GLOBAL": str(user_config)}
    root = tmp_path / "r"
    root.mkdir()

    def git_user(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)

    git_user("init", "-q")
    key_id = fake_key_id()
    write_tree(
        root,
        {".gitattributes": "*.cfg filter=upper\n", "a.cfg": f"id {key_id}\n", "b.txt": "b\n"},
    )
    git_user("add", "-A")
    git_user("commit", "-q", "-m", "add")
    (root / "a.cfg").unlink()
    git_user("checkout", "--", "a.cfg")
    assert (root / "a.cfg").read_text() == f"ID {key_id}\n"
    vouched = {f.path: f.blob for f in list_files(str(root), blobs=True).files}
    assert vouched["a.cfg"] == ""
    assert vouched["b.txt"]  # the user's own filter does not stop the rest
    first = run_scan(request(root, cache=True))
    report, seen = _rescan_equals_uncached(root)
    assert "a.cfg" in seen
    assert "b.txt" not in seen
    assert summary(first) == summary(report)
    assert [f.location.path for f in report.findings] == ["a.cfg"]


def test_no_command_of_the_repositorys_own_configuration_runs(tmp_path: Path) -> None:
    """A tree may bring its ``.git`` along: a clean filter or an fsmonitor hook set in
    it must not run because rolecall lists the files (``ls-files --modified`` compares
    the contents of files whose stat data changed, through their clean filter)."""
    root = make_repo(tmp_path / "r")
    marker = tmp_path / "ran"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\ncat\n")
    hook.chmod(0o755)
    (root / ".gitattributes").write_text("*.md filter=evil\n")
    git(root, "config", "filter.evil.clean", str(hook))
    git(root, "config", "core.fsmonitor", str(hook))
    os.utime(root / "notes.md", (1, 1))  # stat data changed: git would compare contents
    files = list_files(str(root), blobs=True).files
    assert not marker.exists()
    assert not [f for f in files if f.blob]
    report = run_scan(request(root, cache=True))
    assert not marker.exists()
    assert summary(report) == summary(run_scan(request(root, cache=False)))
    git(root, "config", "--unset", "filter.evil.clean")
    assert [f for f in list_files(str(root), blobs=True).files if f.blob]
    assert not marker.exists()  # fsmonitor stays off in rolecall's git


def test_configuration_that_weakens_gits_check_vouches_for_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r")
    vouched = [f.path for f in list_files(str(root), blobs=True).files if f.blob]
    assert "svc/.env" in vouched
    for name, value in [
        ("core.autocrlf", "input"),
        ("core.autocrlf", "true"),
        ("core.checkStat", "minimal"),
        ("core.trustctime", "false"),
    ]:
        git(root, "config", name, value)
        assert not [f for f in list_files(str(root), blobs=True).files if f.blob], name
        git(root, "config", "--unset", name)
    git(root, "config", "core.autocrlf", "false")
    assert [f.path for f in list_files(str(root), blobs=True).files if f.blob] == vouched


def test_a_file_named_like_an_index_record_is_untracked(tmp_path: Path) -> None:
    """``ls-files -v`` tags every record, so an untracked name cannot pose as an index
    record with a blob id of its choosing."""
    root = make_repo(tmp_path / "r")
    blob = git(root, "ls-files", "-s", "clean.py").split()[1]
    name = f"100644 {blob} 0\tclean.py"
    (root / name).write_text(f"id {fake_key_id()}\n")
    files = {f.path: f.blob for f in list_files(str(root), blobs=True).files}
    assert files[name] == ""
    assert files["clean.py"] == blob
    run_scan(request(root, cache=True))
    report, seen = _rescan_equals_uncached(root)
    assert name in seen
    assert name in {f.location.path for f in report.findings}


def test_a_foreign_cache_never_answers(tmp_path: Path) -> None:
    """A cache database written under another user's key (planted, or copied from
    elsewhere) has no key this user's lookups compute: every file is read."""
    root = make_repo(tmp_path / "r")
    run_scan(request(root, cache=True))
    secret = tmp_path / "xdg" / "rolecall" / "cache-secret"
    secret.write_bytes(os.urandom(32))  # the database stays, its key is another's
    with touched(root) as seen:
        report = run_scan(request(root, cache=True))
    assert report.stats.cached == 0
    assert {"svc/.env", "svc/app.txt", "clean.py", "notes.md", "docs/readme.md"} <= seen
    assert summary(report) == summary(run_scan(request(root, cache=False)))


def test_results_are_filed_under_a_blob_only_for_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that changes between git's listing and the read is scanned as read, and
    its result is not filed under the listed id."""
    root = make_repo(tmp_path / "r")
    key_id = fake_key_id()
    real = filescan.read_entry

    def changed_meanwhile(entry: FileEntry, max_size: int) -> Any:
        if entry.display == "clean.py":
            Path(entry.path).write_text(f'KEY = "{key_id}"\n')
        return real(entry, max_size)

    monkeypatch.setattr(filescan, "read_entry", changed_meanwhile)
    first = run_scan(request(root, cache=True))
    assert "clean.py" in {f.location.path for f in first.findings}
    monkeypatch.setattr(filescan, "read_entry", real)
    git(root, "checkout", "--", "clean.py")  # back to the listed blob
    report, seen = _rescan_equals_uncached(root)
    assert "clean.py" in seen
    assert "clean.py" not in {f.location.path for f in report.findings}


def test_sha256_repository(tmp_path: Path) -> None:
    try:
        root = make_repo(tmp_path / "r", "--object-format=sha256")
    except subprocess.CalledProcessError:
        pytest.skip("this git cannot make SHA-256 repositories")
    blob = {f.path: f.blob for f in list_files(str(root), blobs=True).files}["svc/.env"]
    assert len(blob) == 64
    assert git_blob_id((root / "svc" / ".env").read_bytes(), blob) == blob
    first = run_scan(request(root, cache=True))
    with touched(root) as seen:
        second = run_scan(request(root, cache=True))
    assert "svc/.env" not in seen
    assert summary(first) == summary(second) == summary(run_scan(request(root, cache=False)))


def test_parallel_scan_answers_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With workers (the batches go to other processes), the blob entries they write
    answer the next scan."""
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 2)
    root = make_repo(tmp_path / "r")
    parallel = dict(jobs=2)
    first = run_scan(_with(request(root, cache=True), **parallel))
    with touched(root) as seen:
        second = run_scan(_with(request(root, cache=True), **parallel))
    assert not seen & {"svc/.env", "clean.py", "notes.md"}
    assert summary(first) == summary(second) == summary(run_scan(request(root, cache=False)))


def _with(req: ScanRequest, **changes: Any) -> ScanRequest:
    import dataclasses

    return dataclasses.replace(req, **changes)
