"""The replay of an unchanged rescan (``rolecall.cache.replay``): every change to an input of
the report is a full scan, whose report equals a scan without the cache; and a replay
prints what a fresh scan prints, byte for byte but for the scan time.

Every case runs the real ``rolecall`` console entry in a child process, on real files,
with the real git. A record is rewritten (a new inode) by every full scan that records,
and left alone by a replay: that is how a test tells them apart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rolecall.cache import replay
from rolecall.cache import replay_record as replayrecord
from rolecall.fakes import fake_key_id, fake_secret_key

from tests.conftest import git, write_tree

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

#: Files changed this long before a scan may be recorded, in these tests (the real
#: window is 2 s); :func:`settle` waits for it.
TEST_SETTLED_NS = 150_000_000

#: The console entry, with the settling window of the tests.
ENTRY = (
    "import sys, rolecall.cache.replay as r; r.SETTLED_NS = int(sys.argv.pop(1)); "
    "from rolecall.cli.console import run; run()"
)

PLACEHOLDER_ID = "x" * 20
PLACEHOLDER_SECRET = "x" * 40


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The cache (and its records) in the test's own directory; git reads no user
    configuration."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv(replay_category_env(), raising=False)


def replay_category_env() -> str:
    from rolecall.output.sarif import CATEGORY_ENV

    return CATEGORY_ENV


def run(
    cwd: Path, *args: str, env: dict[str, str] | None = None, settled_ns: int = TEST_SETTLED_NS
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, str(settled_ns), *args],
        cwd=cwd,
        capture_output=True,
        env=env,
        check=False,
    )


def records(tmp_path: Path) -> dict[str, tuple[int, int]]:
    """Each record's (inode, mtime): a full scan that records replaces the file."""
    folder = tmp_path / "xdg" / "rolecall" / replay.RECORDS
    if not folder.is_dir():
        return {}
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def settle() -> None:
    time.sleep(TEST_SETTLED_NS / 1e9 + 0.05)


def without_time(out: bytes) -> bytes:
    """The report with its scan time (text summary, JSON stats) blanked."""
    out = re.sub(rb" in \d+\.\d\ds", b" in TIMEs", out)
    return re.sub(rb'"seconds": [0-9.e-]+', b'"seconds": TIME', out)


def recorded_then_replayed(tmp_path: Path, cwd: Path, *args: str) -> bytes:
    """Scan until a record is confirmed and a replay answers; return the replay's output
    after checking that the scan before it printed the same."""
    outputs = []
    # JSON: recorded, confirmed by the next full scan that prints the same report (the
    # cache's counts settle within a few scans), replayed by the one after.
    for _ in range(6):
        before = records(tmp_path)
        done = run(cwd, *args)
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
        if before and records(tmp_path) == before:
            if len(outputs) > 1:
                assert without_time(outputs[-1]) == without_time(outputs[-2])
            return done.stdout
    raise AssertionError("no replay after six scans")


def assert_fresh(cwd: Path, *args: str, stale: bytes) -> None:
    """The next scan prints what a scan without the cache prints, which differs from
    what the record before the change holds (``stale``)."""
    done = run(cwd, *args)
    fresh = run(cwd, *args, "--no-cache")
    assert without_time(done.stdout) == without_time(fresh.stdout)
    assert done.returncode == fresh.returncode
    assert without_time(done.stdout) != without_time(stale), "the change made no difference"


def pair(key_id: str, secret: str) -> str:
    return f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q")
    write_tree(
        root,
        {
            "svc/.env": pair(fake_key_id(), fake_secret_key()),
            "svc/quiet.env": pair(PLACEHOLDER_ID, PLACEHOLDER_SECRET),
            "docs/readme.txt": "nothing to see\n",
            ".gitignore": "ignored.env\n",
            "ignored.env": pair(fake_key_id(), fake_secret_key()),
        },
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    settle()
    return root


def make_tree(root: Path) -> Path:
    write_tree(
        root,
        {
            "svc/.env": pair(fake_key_id(), fake_secret_key()),
            "svc/quiet.env": pair(PLACEHOLDER_ID, PLACEHOLDER_SECRET),
            "docs/readme.txt": "nothing to see\n",
        },
    )
    settle()
    return root


def edit_in_place(path: Path) -> None:
    """Put a key pair where the placeholders were: same size, same modification time."""
    st = path.stat()
    text = path.read_text().replace(PLACEHOLDER_ID, fake_key_id())
    path.write_text(text.replace(PLACEHOLDER_SECRET, fake_secret_key()))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    assert path.stat().st_mtime_ns == st.st_mtime_ns


# -- inside a git work tree --------------------------------------------------------------


def _edit(root: Path) -> None:
    edit_in_place(root / "svc" / "quiet.env")


def _stage(root: Path) -> None:
    edit_in_place(root / "svc" / "quiet.env")
    git(root, "add", "svc/quiet.env")


def _untracked(root: Path) -> None:
    (root / "new.env").write_text(pair(fake_key_id(), fake_secret_key()))


def _delete(root: Path) -> None:
    (root / "svc" / ".env").unlink()


def _rename(root: Path) -> None:
    git(root, "mv", "svc/.env", "svc/moved.env")


def _gitignore(root: Path) -> None:
    (root / ".gitignore").write_text("other.env\n")


def _exclude(root: Path) -> None:
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("svc/\n")
    git(root, "rm", "-q", "--cached", "svc/.env")


def _assume_unchanged(root: Path) -> None:
    git(root, "update-index", "--assume-unchanged", "svc/quiet.env")
    edit_in_place(root / "svc" / "quiet.env")


def _checkout(root: Path) -> None:
    git(root, "checkout", "-q", "-b", "other")
    edit_in_place(root / "svc" / "quiet.env")
    git(root, "commit", "-q", "-am", "keys")
    git(root, "checkout", "-q", "-")
    git(root, "checkout", "-q", "other")


GIT_CHANGES = {
    "edit-same-size-same-mtime": _edit,
    "stage": _stage,
    "untracked-file": _untracked,
    "delete": _delete,
    "rename": _rename,
    "gitignore": _gitignore,
    "info-exclude": _exclude,
    "assume-unchanged": _assume_unchanged,
    "checkout": _checkout,
}


@pytest.mark.parametrize("change", sorted(GIT_CHANGES))
def test_a_change_in_a_work_tree_is_never_replayed(tmp_path: Path, change: str) -> None:
    root = make_repo(tmp_path / "repo")
    stale = recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    GIT_CHANGES[change](root)
    assert_fresh(root, "scan", "--isolated", ".", stale=stale)


def test_each_edit_of_a_modified_file_is_seen(tmp_path: Path) -> None:
    """status says a file differs, not how: a second edit of a modified file (same
    size, same modification time) is a full scan too."""
    root = make_repo(tmp_path / "repo")
    quiet = root / "svc" / "quiet.env"
    quiet.write_text(quiet.read_text() + "# edited\n")
    settle()
    stale = recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    edit_in_place(quiet)
    assert_fresh(root, "scan", "--isolated", ".", stale=stale)


def test_a_configuration_file_and_its_edit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    stale = recorded_then_replayed(tmp_path, root, "scan", ".")
    (root / ".rolecall.toml").write_text('fail-level = "error"\nignore = ["RC3"]\n')
    assert_fresh(root, "scan", ".", stale=stale)
    settle()
    stale = recorded_then_replayed(tmp_path, root, "scan", ".")
    (root / ".rolecall.toml").write_text('fail-level = "error"\n')
    assert_fresh(root, "scan", ".", stale=stale)


def test_a_configuration_file_above_the_work_tree(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "outer" / "repo")
    stale = recorded_then_replayed(tmp_path, root, "scan", ".")
    (tmp_path / "outer" / ".rolecall.toml").write_text('ignore = ["RC3"]\n')
    assert_fresh(root, "scan", ".", stale=stale)


def test_an_ignored_configuration_file_is_stamped(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    (root / ".gitignore").write_text("ignored.env\n.rolecall.toml\n")
    (root / ".rolecall.toml").write_text('fail-level = "error"\n')
    git(root, "commit", "-q", "-am", "ignore the configuration")
    settle()
    stale = recorded_then_replayed(tmp_path, root, "scan", ".")
    (root / ".rolecall.toml").write_text('ignore = ["RC3"]\n')
    assert_fresh(root, "scan", ".", stale=stale)


def test_the_baseline_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    baseline = tmp_path / "baseline.json"
    made = run(root, "baseline", "--isolated", "--baseline", str(baseline), ".")
    assert made.returncode == 0, made.stderr
    settle()
    args = ("scan", "--isolated", "--baseline", str(baseline), ".")
    stale = recorded_then_replayed(tmp_path, root, *args)
    assert b"accepted by the baseline" in stale
    # The same file, now accepting nothing (a baseline of a folder without findings).
    made = run(root, "baseline", "--isolated", "--baseline", str(baseline), "docs")
    assert made.returncode == 0, made.stderr
    assert_fresh(root, *args, stale=stale)


def test_an_option_is_another_request(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    done = run(root, "scan", "--isolated", "--select", "RC3", ".")
    fresh = run(root, "scan", "--isolated", "--select", "RC3", "--no-cache", ".")
    assert without_time(done.stdout) == without_time(fresh.stdout)
    assert done.returncode == fresh.returncode


def test_an_environment_variable_rolecall_reads(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    args = ("scan", "--isolated", "--format", "sarif", ".")
    recorded_then_replayed(tmp_path, root, *args)
    env = {**os.environ, replay_category_env(): "replay-test"}
    done = run(root, *args, env=env)
    assert b"replay-test" in done.stdout


def test_another_working_directory(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    stale = recorded_then_replayed(tmp_path, root / "svc", "scan", "--isolated", ".")
    assert_fresh(root / "docs", "scan", "--isolated", ".", stale=stale)
    recorded_then_replayed(tmp_path, root / "docs", "scan", "--isolated", ".")


def test_another_output_format(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    done = run(root, "scan", "--isolated", "--format", "json", ".")
    assert done.stdout.startswith(b"{")


def test_a_terminal_is_another_request(tmp_path: Path) -> None:
    """Colour (``--color auto``) and wrapping depend on the terminal."""
    import pty

    root = make_repo(tmp_path / "repo")
    recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, str(TEST_SETTLED_NS), "scan", "--isolated", "."],
            cwd=root,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "TERM": "xterm"},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait()
    finally:
        os.close(leader)
    assert b"\x1b[" in b"".join(chunks)


def test_the_rules_manifest(tmp_path: Path) -> None:
    """Every file of rolecall's package is stamped; here a stand-in folder holding the
    manifest is the package."""
    root = make_repo(tmp_path / "repo")
    package = tmp_path / "package"
    package.mkdir()
    manifest = package / "_manifest.json"
    manifest.write_text('{"digest": "a"}\n')
    settle()
    entry = ENTRY.replace("r.SETTLED_NS", f"r.package_dir = lambda: {str(package)!r}; r.SETTLED_NS")
    args = [sys.executable, "-c", entry, str(TEST_SETTLED_NS), "scan", "--isolated", "."]

    def scan() -> None:
        assert subprocess.run(args, cwd=root, capture_output=True, check=False).returncode == 1

    scan()
    scan()
    before = records(tmp_path)
    scan()
    assert records(tmp_path) == before  # replayed
    manifest.write_text('{"digest": "b"}\n')
    settle()  # so that the full scan records again (a replay would not)
    scan()
    assert records(tmp_path) != before


def test_an_installed_plugin(tmp_path: Path) -> None:
    """A distribution installed on a ``sys.path`` folder adds a metadata folder there."""
    root = make_repo(tmp_path / "repo")
    site = tmp_path / "site"
    site.mkdir()
    settle()
    env = {**os.environ, "PYTHONPATH": str(site)}
    for _ in range(2):
        assert run(root, "scan", "--isolated", ".", env=env).returncode == 1
    before = records(tmp_path)
    assert run(root, "scan", "--isolated", ".", env=env).returncode == 1
    assert records(tmp_path) == before  # replayed
    (site / "rolecall_extra-1.0.dist-info").mkdir()
    settle()  # so that the full scan records again (a replay would not)
    assert run(root, "scan", "--isolated", ".", env=env).returncode == 1
    assert records(tmp_path) != before


def test_what_git_cannot_vouch_for_is_never_recorded(tmp_path: Path) -> None:
    """A conversion attribute (here ``eol``) means a clean file's bytes may differ from
    its blob: no record, every scan a full one."""
    root = make_repo(tmp_path / "repo")
    (root / ".gitattributes").write_text("*.env eol=crlf\n")
    git(root, "add", ".gitattributes")
    git(root, "commit", "-q", "-m", "attributes")
    settle()
    for _ in range(3):
        assert run(root, "scan", "--isolated", ".").returncode == 1
    assert records(tmp_path) == {}


def test_a_nested_repository_is_never_recorded(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    make_repo(root / "inner")
    settle()
    for _ in range(2):
        run(root, "scan", "--isolated", ".")
    assert records(tmp_path) == {}


def test_a_scanned_path_inside_an_ignored_folder(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    (root / ".gitignore").write_text("vendor/\n")
    write_tree(root, {"vendor/lib.env": pair(PLACEHOLDER_ID, PLACEHOLDER_SECRET)})
    settle()
    for _ in range(2):
        run(root, "scan", "--isolated", "vendor")
    assert records(tmp_path) == {}


# -- outside git -------------------------------------------------------------------------


def _tree_edit(root: Path) -> None:
    edit_in_place(root / "svc" / "quiet.env")


def _tree_add(root: Path) -> None:
    (root / "docs" / "new.env").write_text(pair(fake_key_id(), fake_secret_key()))


def _tree_delete(root: Path) -> None:
    (root / "svc" / ".env").unlink()


def _tree_rename(root: Path) -> None:
    (root / "svc" / ".env").rename(root / "docs" / "moved.env")


def _tree_folder(root: Path) -> None:
    write_tree(root, {"deep/er/keys.env": pair(fake_key_id(), fake_secret_key())})


def _tree_gitignore(root: Path) -> None:
    (root / ".gitignore").write_text("svc/\n")


TREE_CHANGES = {
    "edit-same-size-same-mtime": _tree_edit,
    "add": _tree_add,
    "delete": _tree_delete,
    "rename": _tree_rename,
    "new-folder": _tree_folder,
    "gitignore": _tree_gitignore,
}


@pytest.mark.parametrize("change", sorted(TREE_CHANGES))
def test_a_change_outside_git_is_never_replayed(tmp_path: Path, change: str) -> None:
    root = make_tree(tmp_path / "tree")
    stale = recorded_then_replayed(tmp_path, tmp_path, "scan", "--isolated", "tree")
    TREE_CHANGES[change](root)
    assert_fresh(tmp_path, "scan", "--isolated", "tree", stale=stale)


def test_a_fresh_tree_is_not_recorded(tmp_path: Path) -> None:
    """Within the real settling window, a file could change again with the same stamp."""
    make_tree(tmp_path / "tree")
    (tmp_path / "tree" / "docs" / "readme.txt").write_text("just written\n")
    run(tmp_path, "scan", "--isolated", "tree", settled_ns=replay.SETTLED_NS)
    assert records(tmp_path) == {}


# -- the replay's output and its record --------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("where", ["git", "tree"])
def test_a_replay_prints_what_a_fresh_scan_prints(tmp_path: Path, fmt: str, where: str) -> None:
    if where == "git":
        cwd, path = make_repo(tmp_path / "repo"), "."
    else:
        cwd, path = make_tree(tmp_path / "tree").parent, "tree"
    args = ("scan", "--isolated", "-v", "--format", fmt, path)
    replayed = recorded_then_replayed(tmp_path, cwd, *args)
    fresh = run(cwd, *args, "--jobs", "1")  # another request: a full scan
    assert fresh.returncode == 1
    assert without_time(replayed) == without_time(fresh.stdout)
    if fmt in ("sarif", "github"):
        assert replayed == fresh.stdout  # no time in these formats


def test_the_time_in_a_replayed_summary_is_the_replays_own(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    replayed = recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    summary = replayed.decode().rstrip("\n").rsplit("\n", 1)[-1]
    assert re.search(r"; scanned \d+ files \([0-9.]+ KB\) in 0\.\d\ds", summary), summary


def test_a_corrupt_or_foreign_record_is_a_miss(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    (name,) = records(tmp_path)
    path = tmp_path / "xdg" / "rolecall" / replay.RECORDS / name
    data = path.read_bytes()
    for bad in (
        data[:-10],  # truncated
        data[: len(replay.MAGIC)] + bytes(32) + data[len(replay.MAGIC) + 32 :],  # foreign
        b"garbage",
    ):
        path.write_bytes(bad)
        before = records(tmp_path)
        done = run(root, "scan", "--isolated", ".")
        assert done.returncode == 1 and done.stderr == b""
        assert records(tmp_path) != before  # a full scan, which recorded again


def test_no_cache_never_replays(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    before = records(tmp_path)
    run(root, "scan", "--isolated", "--no-cache", ".")
    assert records(tmp_path) == before  # neither replayed nor recorded


@pytest.mark.parametrize(
    "argv",
    [
        ["scan", "--no-cache"],
        ["scan", "--no-c"],  # argparse's abbreviation of --no-cache
        ["scan", "-o", "out.sarif"],
        ["scan", "--out", "out.sarif"],
        ["scan", "--output=out.json"],
        ["scan", "--shard", "1/2"],
        ["scan", "--follow-symlinks"],
        ["scan", "--format", "xml"],
        ["scan", "--format"],
        ["scan", "--help"],
        ["scan", "-qx"],
        ["baseline", "."],
        ["fix", "."],
        [],
    ],
)
def test_requests_the_replay_leaves_alone(argv: list[str]) -> None:
    assert replay.parse(argv) is None


@pytest.mark.parametrize(
    ("argv", "paths", "fmt"),
    [
        (["scan"], ["."], "text"),
        (["scan", "-qq", "-j2", "--format=json", "a", "b"], ["a", "b"], "json"),
        (["scan", "--format", "sarif", "--", "--odd"], ["--odd"], "sarif"),
        (["scan", "--config", "c.toml", "--baseline", "b.json", "x"], ["x"], "text"),
    ],
)
def test_requests_the_replay_understands(argv: list[str], paths: list[str], fmt: str) -> None:
    request = replay.parse(argv)
    assert request is not None
    assert (request.paths, request.format) == (paths, fmt)


def test_the_record_folder_is_the_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    from rolecall.cache.key import user_cache_dir

    assert replay.user_cache_dir() == user_cache_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert replay.user_cache_dir() == user_cache_dir()


def test_records_are_private(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    recorded_then_replayed(tmp_path, root, "scan", "--isolated", ".")
    folder = tmp_path / "xdg" / "rolecall" / replay.RECORDS
    assert folder.stat().st_mode & 0o777 == 0o700
    secret = (root / "svc" / ".env").read_text().split("AWS_SECRET_ACCESS_KEY=")[1].strip()
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
        data = path.read_bytes()
        assert secret[:4].encode() in data  # the redacted evidence, as the report shows it
        assert secret.encode() not in data


def test_named_files_are_not_recorded(tmp_path: Path) -> None:
    """The pre-commit hook's file lists change with every commit: never recorded."""
    root = make_repo(tmp_path / "repo")
    make_tree(tmp_path / "tree")
    for _ in range(2):
        assert run(root, "scan", "--isolated", "--", "svc/.env", "docs/readme.txt").returncode == 1
        assert run(tmp_path, "scan", "--isolated", "tree/svc/.env").returncode == 1
    assert records(tmp_path) == {}


def test_a_link_to_a_folder_is_not_recorded(tmp_path: Path) -> None:
    make_tree(tmp_path / "tree")
    (tmp_path / "link").symlink_to(tmp_path / "tree", target_is_directory=True)
    settle()
    for _ in range(2):
        run(tmp_path, "scan", "--isolated", "link")
    assert records(tmp_path) == {}


def test_old_records_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request changes with the environment (a CI run's variables): only the most
    recently written records are kept."""
    monkeypatch.setattr(replay, "MAX_RECORDS", 2)
    folder = tmp_path / "records"
    folder.mkdir()
    for i in range(5):
        path = folder / f"r{i}"
        path.write_bytes(b"x")
        os.utime(path, ns=(i * 10**9, i * 10**9))
    replayrecord.prune(str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["r3", "r4"]


def test_the_record_folder_stays_bounded(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    for i in range(replay.MAX_RECORDS + 3):
        env = {**os.environ, "CI_RUN_ID": str(i)}  # a new request each time
        assert run(root, "scan", "--isolated", ".", env=env).returncode == 1
    assert len(records(tmp_path)) == replay.MAX_RECORDS


def test_a_reader_that_leaves_early(tmp_path: Path) -> None:
    """``rolecall scan | head -1`` on a replay: exit 0 and no traceback, as a full scan."""
    root = make_repo(tmp_path / "repo")
    args = ("scan", "--isolated", "-v", ".")
    recorded_then_replayed(tmp_path, root, *args)
    before = records(tmp_path)
    read, write = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", ENTRY, str(TEST_SETTLED_NS), *args],
        cwd=root,
        stdout=write,
        stderr=subprocess.PIPE,
    )
    os.close(write)
    os.close(read)  # before the report is written
    _, err = proc.communicate()
    assert proc.returncode == 0
    assert b"Traceback" not in err
    assert records(tmp_path) == before  # it was the replay
