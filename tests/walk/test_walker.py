"""The walker against real git, and its handling of everything that is not a plain file.

Ignore semantics are checked by building the same tree in a real repository and
comparing the walker's files with ``git ls-files --others --cached --exclude-standard``
(and ``git check-ignore`` where a single verdict is the point).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.output.report import ScanReport
from rolecall.read.files import BINARY_SNIFF, load_document
from rolecall.walk.gitlist import GitUnavailable
from rolecall.walk.walker import (
    FileEntry,
    PathNotFound,
    WalkOptions,
    display_path,
    walk,
)

from tests.conftest import git_env, run_unprivileged, write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        check=check,
        capture_output=True,
        text=True,
        env=git_env(root.parent),
    )


def git_init(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")


def git_files(root: Path) -> set[str]:
    out = git(root, "ls-files", "-z", "--others", "--cached", "--exclude-standard").stdout
    return {p for p in out.split("\0") if p}


@pytest.fixture(params=["git-list", "own-reading"])
def source(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both file sources must agree with git: its own list, and the walk that reads the
    ignore files itself (used when git is missing or fails)."""
    if request.param == "own-reading":
        import rolecall.walk.gitlist

        def unavailable(directory: str) -> object:
            raise GitUnavailable("git is not installed")

        monkeypatch.setattr(
            rolecall.walk.gitlist, "list_files", unavailable
        )  # walker imports it late
    return str(request.param)


def walked(paths: list[Path], base: Path, options: WalkOptions | None = None) -> list[FileEntry]:
    return [
        i for i in walk([str(p) for p in paths], str(base), options) if isinstance(i, FileEntry)
    ]


def walk_all(
    paths: list[Path], base: Path, options: WalkOptions | None = None
) -> tuple[list[str], list[Notice]]:
    files: list[str] = []
    notices: list[Notice] = []
    for item in walk([str(p) for p in paths], str(base), options):
        if isinstance(item, FileEntry):
            files.append(item.display)
        else:
            notices.append(item)
    return files, notices


# Each case: the tree (ignore files included); the walker must agree with git on it.
GIT_CASES: dict[str, dict[str, str]] = {
    "suffix-glob": {
        ".gitignore": "*.log\n",
        "a.log": "",
        "b.txt": "",
        "sub/c.log": "",
        "sub/d.txt": "",
    },
    "negation": {
        ".gitignore": "*.log\n!keep.log\n",
        "a.log": "",
        "keep.log": "",
        "sub/keep.log": "",
        "sub/other.log": "",
    },
    "negation-order-last-wins": {
        ".gitignore": "!keep.log\n*.log\n",
        "keep.log": "",
        "x.txt": "",
    },
    "directory-pattern": {
        ".gitignore": "build/\nout/\n",
        "build/x.py": "",
        "sub/build/y.py": "",
        "build2/z.py": "",
        "out": "a file, not a directory: out/ does not match it",
    },
    "directory-pattern-with-wildcard": {
        ".gitignore": "cache*/\n",
        "cache/a": "",
        "cache-v2/b": "",
        "cachefile": "",
    },
    "anchored": {
        ".gitignore": "/top.txt\n/gen\n",
        "top.txt": "",
        "sub/top.txt": "",
        "gen/a.py": "",
        "sub/gen/b.py": "",
    },
    "slash-in-middle-is-anchored": {
        ".gitignore": "sub/x.txt\n",
        "sub/x.txt": "",
        "deep/sub/x.txt": "",
    },
    "double-star": {
        ".gitignore": "**/gen/*.py\ndocs/**/draft*\na/**/b\n**/tmp\n",
        "gen/m.py": "",
        "x/y/gen/n.py": "",
        "x/y/gen/n.txt": "",
        "docs/draft1.md": "",
        "docs/a/b/draft2.md": "",
        "docs/final.md": "",
        "a/b": "",
        "a/x/y/b": "",
        "a/x/c": "",
        "tmp/t": "",
        "q/tmp": "",
    },
    "trailing-double-star-allows-reinclude": {
        ".gitignore": "vendor/**\n!vendor/keep.txt\n",
        "vendor/a.txt": "",
        "vendor/keep.txt": "",
        "vendor/deep/b.txt": "",
    },
    "star-slash-star": {
        ".gitignore": "/logs/*\n!/logs/keep.txt\n",
        "logs/a.txt": "",
        "logs/keep.txt": "",
    },
    "only-python-files": {
        ".gitignore": "*\n!*/\n!*.py\n",
        "a.py": "",
        "a.txt": "",
        "pkg/b.py": "",
        "pkg/c.cfg": "",
        "pkg/deep/d.py": "",
    },
    "reinclude-inside-ignored-dir-is-refused": {
        ".gitignore": "logs/\n!logs/keep.txt\n",
        "logs/a.txt": "",
        "logs/keep.txt": "",
        "logs/.gitignore": "!*\n",
    },
    "reinclude-inside-ignored-dir-without-slash": {
        ".gitignore": "logs\n!logs/keep.txt\n",
        "logs/keep.txt": "",
        "other/logs": "",
    },
    "subdirectory-gitignore-is-relative-to-it": {
        ".gitignore": "*.tmp\n",
        "sub/.gitignore": "/only_here\ndeep/x.txt\n*.bak\n",
        "only_here": "",
        "sub/only_here": "",
        "sub/a/only_here": "",
        "sub/deep/x.txt": "",
        "deep/x.txt": "",
        "sub/y.bak": "",
        "z.bak": "",
        "sub/q.tmp": "",
    },
    "deeper-gitignore-reincludes": {
        ".gitignore": "*.log\n",
        "sub/.gitignore": "!keep.log\n",
        "sub/keep.log": "",
        "sub/other.log": "",
        "keep.log": "",
    },
    "deeper-gitignore-ignores-again": {
        ".gitignore": "*.log\n!important.log\n",
        "sub/.gitignore": "important.log\n",
        "important.log": "",
        "sub/important.log": "",
    },
    "nested-three-levels": {
        ".gitignore": "*.aa\n",
        "l1/.gitignore": "!x.aa\n*.bb\n",
        "l1/l2/.gitignore": "!y.bb\nx.aa\n",
        "x.aa": "",
        "l1/x.aa": "",
        "l1/y.bb": "",
        "l1/l2/x.aa": "",
        "l1/l2/y.bb": "",
        "l1/l2/z.bb": "",
    },
    "directory-reincluded-then-its-files": {
        ".gitignore": "logs\n!logs/\nbuild/\n!build/\n/gen/*\n!gen/keep/\n",
        "logs/a.txt": "",
        "logs/logs/b.txt": "",
        "build/x/build.txt": "",
        "gen/drop.txt": "",
        "gen/keep/k.txt": "",
        "gen/keep/deeper/d.txt": "",
    },
    "any-directory-pattern": {
        ".gitignore": "*/\n!src/\n",
        "top.txt": "",
        "src/a.py": "",
        "src/inner/b.py": "",
        "other/c.py": "",
    },
    "character-classes": {
        ".gitignore": "file[0-9].txt\n?.md\n[!a]x\n",
        "file1.txt": "",
        "filex.txt": "",
        "a.md": "",
        "ab.md": "",
        "ax": "",
        "bx": "",
    },
    "comments-escapes-and-spaces": {
        ".gitignore": "# a comment\n\n\\#hash\n\\!bang\ntrail.txt   \nspace\\ \n",
        "#hash": "",
        "!bang": "",
        "# a comment": "",
        "trail.txt": "",
        "space ": "",
        "keep": "",
    },
    "case-sensitive": {
        ".gitignore": "README\n",
        "README": "",
        "readme": "",
    },
    "negated-directory": {
        ".gitignore": "dist/\n!dist/\n",
        "dist/a.js": "",
    },
    "only-one-top-level-directory": {
        ".gitignore": "/*\n!/src\n!.gitignore\n",
        "src/a.py": "",
        "src/deep/b.py": "",
        "lib/c.py": "",
        "top.txt": "",
    },
    "slash-in-middle-does-not-recurse": {
        ".gitignore": "doc/*.txt\n",
        "doc/a.txt": "",
        "doc/sub/b.txt": "",
        "x/doc/c.txt": "",
    },
    "double-star-directory-only-and-everywhere": {
        ".gitignore": "**/cache/**\nout/**/\n",
        "cache/a": "",
        "x/cache/y/b": "",
        "out/f": "",
        "out/d/g": "",
        "cachex/c": "",
    },
    "dotfiles-except-some": {
        ".gitignore": ".*\n!.gitignore\n!.github/\n",
        ".env": "",
        ".hidden/x": "",
        ".github/workflows/ci.yml": "",
        "visible": "",
    },
    "names-with-spaces-and-unicode": {
        ".gitignore": "my file.txt\nnaïve/\n",
        "my file.txt": "",
        "my other file.txt": "",
        "naïve/a": "",
        "naive/b": "",
    },
    "subdirectory-dir-pattern-with-slash": {
        "sub/.gitignore": "a/b/\n!a/b/keep\n",
        "sub/a/b/x": "",
        "sub/a/b/keep": "",
        "sub/q/a/b/y": "",
    },
    "ignore-the-gitignore": {
        ".gitignore": ".gitignore\nsecret.env\n",
        "secret.env": "",
        "ok.env": "",
    },
}


@pytest.mark.integration
@pytest.mark.parametrize("files", list(GIT_CASES.values()), ids=list(GIT_CASES))
def test_walker_agrees_with_git(tmp_path: Path, files: dict[str, str], source: str) -> None:
    root = tmp_path / "repo"
    git_init(root)
    write_tree(root, files)
    expected = git_files(root)
    got = walked([root], root)
    assert {e.display for e in got} == expected


# Building blocks of the random trees: names that patterns below hit and miss.
RANDOM_NAMES = ("a", "b", "ab", "x.py", "y.txt", "z.log", "build", "out", "src", "d")
RANDOM_PATTERNS = (
    "*", "*.py", "*.log", "a", "a/", "/a", "b/", "/b/", "ab", "**/a", "a/**", "a/**/b",
    "*/", "!*/", "x.py", "!x.py", "!a", "!a/", "!/a", "src/*", "!src/*", "/*", "!/*",
    "d/*.txt", "**/d/", "**", "build", "!build/", "*/b", "?b", "[ab]", "!*.log",
    "out/**/", "!out/", "a/b/", "!a/b",
)  # fmt: skip


def random_tree(rng: random.Random) -> dict[str, str]:
    files: dict[str, str] = {}
    for _ in range(15):
        parts = [rng.choice(RANDOM_NAMES) for _ in range(rng.randint(1, 4))]
        path = "/".join(parts)
        parents = {"/".join(parts[:i]) for i in range(1, len(parts))}
        if parents & set(files) or any(f.startswith(path + "/") for f in files):
            continue  # a name cannot be a file and a directory
        files[path] = ""
    dirs = sorted({p.rsplit("/", 1)[0] if "/" in p else "" for p in files})
    for directory in rng.sample(dirs, min(len(dirs), rng.randint(1, 3))):
        lines = [rng.choice(RANDOM_PATTERNS) for _ in range(rng.randint(1, 4))]
        files[f"{directory}/.gitignore".lstrip("/")] = "\n".join(lines) + "\n"
    return files


@pytest.mark.integration
@pytest.mark.parametrize("seed", range(40))
def test_walker_agrees_with_git_on_random_trees(tmp_path: Path, seed: int, source: str) -> None:
    root = tmp_path / "repo"
    git_init(root)
    files = random_tree(random.Random(seed))
    write_tree(root, files)
    assert {e.display for e in walked([root], root)} == git_files(root), files


@pytest.mark.integration
def test_info_exclude_and_its_precedence(tmp_path: Path, source: str) -> None:
    root = tmp_path / "repo"
    git_init(root)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("local.txt\n*.secret\nsub/\n")
    write_tree(
        root,
        {
            # .gitignore outranks info/exclude: its negation re-includes.
            ".gitignore": "!wanted.secret\n",
            "local.txt": "",
            "deep/local.txt": "",
            "a.secret": "",
            "wanted.secret": "",
            "sub/x": "",
            "kept.txt": "",
        },
    )
    expected = git_files(root)
    assert expected == {".gitignore", "wanted.secret", "kept.txt"}
    assert {e.display for e in walked([root], root)} == expected


@pytest.mark.integration
def test_check_ignore_refuses_reinclude_and_walker_agrees(tmp_path: Path, source: str) -> None:
    root = tmp_path / "repo"
    git_init(root)
    write_tree(root, {".gitignore": "logs/\n!logs/keep.txt\n", "logs/keep.txt": ""})
    verdict = git(root, "check-ignore", "-q", "logs/keep.txt", check=False)
    assert verdict.returncode == 0  # git: ignored, the re-include has no effect
    assert [e.display for e in walked([root], root)] == [".gitignore"]


@pytest.mark.integration
def test_scanning_a_subdirectory_uses_the_parents_gitignore(tmp_path: Path, source: str) -> None:
    root = tmp_path / "repo"
    git_init(root)
    write_tree(
        root,
        {
            ".gitignore": "*.log\n/sub/top-only\n",
            "sub/.gitignore": "*.tmp\n",
            "sub/a.log": "",
            "sub/b.txt": "",
            "sub/c.tmp": "",
            "sub/top-only": "",
            "sub/d/top-only": "",
        },
    )
    (root / ".git" / "info" / "exclude").write_text("b.txt\n")
    expected = {p for p in git_files(root) if p.startswith("sub/")}
    assert expected == {"sub/.gitignore", "sub/d/top-only"}
    assert {e.display for e in walked([root / "sub"], root)} == expected


@pytest.mark.integration
def test_tracked_tree_matches_git_after_commit(tmp_path: Path, source: str) -> None:
    root = tmp_path / "repo"
    git_init(root)
    write_tree(root, {".gitignore": "*.pyc\n", "a.py": "", "a.pyc": "", "pkg/b.py": ""})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "x")
    assert {e.display for e in walked([root], root)} == git_files(root)


def test_never_enters_dot_git(tmp_path: Path) -> None:
    git_init(tmp_path / "repo")
    root = tmp_path / "repo"
    write_tree(root, {"a.txt": "x", "sub/.git": "gitdir: elsewhere\n", "sub/b.txt": "y"})
    files = [e.display for e in walked([root], root, WalkOptions(use_gitignore=False))]
    assert files == ["a.txt", "sub/b.txt"]


def test_no_gitignore_scans_ignored_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    git_init(root)
    write_tree(root, {".gitignore": "*.log\nvenv/\n", "a.log": "", "venv/x.py": "", "b": ""})
    (root / ".git" / "info" / "exclude").write_text("b\n")
    assert [e.display for e in walked([root], root)] == [".gitignore"]
    plain = walked([root], root, WalkOptions(use_gitignore=False))
    assert [e.display for e in plain] == [".gitignore", "a.log", "b", "venv/x.py"]


def test_gitignore_honoured_outside_a_repository(tmp_path: Path) -> None:
    write_tree(tmp_path, {".gitignore": "*.log\n", "a.log": "", "b.txt": ""})
    assert [e.display for e in walked([tmp_path], tmp_path)] == [".gitignore", "b.txt"]


# --- configured excludes and includes -----------------------------------------------


@pytest.mark.parametrize(
    ("exclude", "expected"),
    [
        (("*.txt",), ["keep.py", "sub/keep.py"]),
        (("/a.txt",), ["keep.py", "sub/a.txt", "sub/keep.py"]),
        (("sub/",), ["a.txt", "keep.py"]),
        (("sub",), ["a.txt", "keep.py"]),
        (("**/keep.py",), ["a.txt", "sub/a.txt"]),
        (("*.txt", "!sub/a.txt"), ["keep.py", "sub/a.txt", "sub/keep.py"]),
    ],
)
def test_configured_excludes(tmp_path: Path, exclude: tuple[str, ...], expected: list[str]) -> None:
    write_tree(tmp_path, {"a.txt": "", "keep.py": "", "sub/a.txt": "", "sub/keep.py": ""})
    got = walked([tmp_path], tmp_path, WalkOptions(exclude=exclude))
    assert [e.display for e in got] == expected


def test_excludes_are_relative_to_their_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"proj/gen/a.py": "", "proj/src/gen/b.py": "", "proj/c.py": ""})
    options = WalkOptions(exclude=("/gen",), exclude_root=str(tmp_path / "proj"))
    got = walked([tmp_path / "proj" / "src", tmp_path / "proj"], tmp_path, options)
    assert [e.display for e in got] == ["proj/src/gen/b.py", "proj/c.py"]


@pytest.mark.parametrize(
    ("include", "expected"),
    [
        (("*.py",), ["a.py", "pkg/c.py", "pkg/vendor/e.py"]),
        (("pkg/",), ["pkg/c.py", "pkg/d.cfg", "pkg/vendor/e.py"]),
        (("/pkg",), ["pkg/c.py", "pkg/d.cfg", "pkg/vendor/e.py"]),
        (("pkg/", "!pkg/vendor/"), ["pkg/c.py", "pkg/d.cfg"]),
        (("*.cfg", "b.txt"), ["b.txt", "pkg/d.cfg"]),
    ],
)
def test_include_patterns(tmp_path: Path, include: tuple[str, ...], expected: list[str]) -> None:
    write_tree(
        tmp_path, {"a.py": "", "b.txt": "", "pkg/c.py": "", "pkg/d.cfg": "", "pkg/vendor/e.py": ""}
    )
    got = walked([tmp_path], tmp_path, WalkOptions(include=include))
    assert [e.display for e in got] == expected
    named = walked([tmp_path / "pkg" / "d.cfg"], tmp_path, WalkOptions(include=include))
    assert [e.display for e in named] == [e for e in expected if e == "pkg/d.cfg"]


def test_explicit_file_list_like_pre_commit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    git_init(root)
    write_tree(root, {".gitignore": "*.log\n", "a.py": "", "b.log": "", "c/d.py": "", "e.py": ""})
    files = [root / "c" / "d.py", root / "b.log", root / "a.py", root / "a.py"]
    got = walked(files, root, WalkOptions(exclude=("e.py", "c/")))
    # Named files: order kept, duplicates dropped, gitignore not applied (pre-commit
    # passes tracked files only), configured excludes applied.
    assert [e.display for e in got] == ["b.log", "a.py"]


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(PathNotFound):
        list(walk([str(tmp_path / "nope")], str(tmp_path)))


def test_order_is_deterministic_and_sorted(tmp_path: Path) -> None:
    names = ["b/z.txt", "a.txt", "B.txt", "a/y.txt", "c.txt", "a-b.txt", "_x.txt"]
    write_tree(tmp_path, {n: "" for n in names})
    first = [e.display for e in walked([tmp_path], tmp_path)]
    second = [e.display for e in walked([tmp_path], tmp_path)]
    assert first == second
    # Depth-first, each directory's entries sorted by name (code points).
    assert first == ["B.txt", "_x.txt", "a/y.txt", "a-b.txt", "a.txt", "b/z.txt", "c.txt"]


# --- symlinks -----------------------------------------------------------------------


def test_symlinks_not_followed_by_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/a.txt": "x", "f.txt": "y"})
    (tmp_path / "link-dir").symlink_to(tmp_path / "real")
    (tmp_path / "link-file").symlink_to(tmp_path / "f.txt")
    files, notices = walk_all([tmp_path], tmp_path)
    assert files == ["f.txt", "real/a.txt"]
    assert sorted((n.path, n.code, n.level) for n in notices) == [
        ("link-dir", NoticeCode.SKIPPED_SPECIAL, NoticeLevel.INFO),
        ("link-file", NoticeCode.SKIPPED_SPECIAL, NoticeLevel.INFO),
    ]


def test_follow_symlinks_inside_root_only(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    write_tree(root, {"real/a.txt": "x", "f.txt": "y"})
    write_tree(outside, {"secret.txt": "z"})
    (root / "link-dir").symlink_to(root / "real")
    (root / "link-file").symlink_to(root / "f.txt")
    (root / "out-dir").symlink_to(outside)
    (root / "out-file").symlink_to(outside / "secret.txt")
    (root / "relative-out").symlink_to(Path("..") / "outside" / "secret.txt")
    (root / "dangling").symlink_to(root / "missing")
    files, notices = walk_all([root], root, WalkOptions(follow_symlinks=True))
    # Links to files inside the root give no second entry for the same file.
    assert files == ["f.txt", "real/a.txt"]
    by_path = {n.path: n for n in notices}
    assert set(by_path) == {
        "out-dir",
        "out-file",
        "relative-out",
        "dangling",
        "link-dir/a.txt",
        "link-file",
    }
    assert by_path["link-dir/a.txt"].message == "same file as real/a.txt, already scanned"
    assert by_path["link-file"].message == "same file as f.txt, already scanned"
    for name in ("out-dir", "out-file", "relative-out"):
        assert "outside the scan root" in by_path[name].message
    assert by_path["dangling"].code is NoticeCode.UNREADABLE


def test_symlink_loops_end_with_a_notice(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/f.txt": "x", "b/g.txt": "y"})
    (tmp_path / "a" / "self").symlink_to(".")
    (tmp_path / "a" / "up").symlink_to("..")
    (tmp_path / "b" / "loop1").symlink_to(tmp_path / "b" / "loop2")
    (tmp_path / "b" / "loop2").symlink_to(tmp_path / "b" / "loop1")
    files, notices = walk_all([tmp_path], tmp_path, WalkOptions(follow_symlinks=True))
    # Each file once: a link back to a directory being walked is a loop, not a new tree.
    assert files == ["a/f.txt", "b/g.txt"]
    assert {n.path for n in notices} == {"a/self", "a/up", "b/loop1", "b/loop2"}
    assert all(n.code in (NoticeCode.SKIPPED_SPECIAL, NoticeCode.UNREADABLE) for n in notices)


def test_symlinked_root_directory(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/a.txt": "x"})
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert walk_all([tmp_path / "link"], tmp_path)[0] == []
    files, _ = walk_all([tmp_path / "link"], tmp_path, WalkOptions(follow_symlinks=True))
    assert files == ["link/a.txt"]


# --- special and problem files ---------------------------------------------------------


def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "x"})
    os.mkfifo(tmp_path / "pipe")
    files, notices = walk_all([tmp_path], tmp_path)
    assert files == ["a.txt"]
    assert [(n.path, n.code) for n in notices] == [("pipe", NoticeCode.SKIPPED_SPECIAL)]
    assert "FIFO" in notices[0].message
    # Named explicitly, as pre-commit would: still a notice, never an open().
    files, notices = walk_all([tmp_path / "pipe"], tmp_path)
    assert files == [] and "FIFO" in notices[0].message


def test_socket_is_skipped(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "x"})
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(tmp_path / "s.sock"))
        files, notices = walk_all([tmp_path], tmp_path)
    finally:
        sock.close()
    assert files == ["a.txt"]
    assert [(n.path, n.code) for n in notices] == [("s.sock", NoticeCode.SKIPPED_SPECIAL)]
    assert "socket" in notices[0].message


def test_device_is_skipped() -> None:
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    files, notices = walk_all([Path("/dev/null")], Path("/dev"))
    assert files == []
    assert notices[0].code is NoticeCode.SKIPPED_SPECIAL and "device" in notices[0].message


def test_unreadable_directory_is_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.txt": "x", "locked/b.txt": "y", "z.txt": "z"})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, notices = walk_all([tmp_path], tmp_path)
    assert files == ["a.txt", "z.txt"]
    assert [(n.path, n.code) for n in notices] == [("locked", NoticeCode.UNREADABLE)]
    assert "Permission denied" in notices[0].message


def test_really_unreadable_directory(open_tmp: Path) -> None:
    write_tree(open_tmp, {"locked/b.txt": "y", "open.txt": "z"})
    (open_tmp / "open.txt").chmod(0o644)
    locked = open_tmp / "locked"
    locked.chmod(0)
    try:
        files, notices = run_unprivileged(lambda: walk_all([open_tmp], open_tmp))  # type: ignore[misc]
    finally:
        locked.chmod(0o755)
    assert files == ["open.txt"]
    assert [(n.path, n.code) for n in notices] == [("locked", NoticeCode.UNREADABLE)]


def test_entry_vanishing_during_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.txt": "x", "gone.txt": "y"})
    real_scandir = os.scandir

    class Vanishing:
        def __init__(self, path: str) -> None:
            self._it = real_scandir(path)

        def __enter__(self) -> Vanishing:
            return self

        def __exit__(self, *exc: object) -> None:
            self._it.close()

        def __iter__(self) -> Vanishing:
            return self

        def __next__(self) -> os.DirEntry[str]:
            entry = next(self._it)
            if entry.name == "gone.txt":
                os.unlink(entry.path)
            return entry

    monkeypatch.setattr(os, "scandir", Vanishing)
    files, notices = walk_all([tmp_path], tmp_path)
    assert files == ["a.txt"]
    assert [(n.path, n.code) for n in notices] == [("gone.txt", NoticeCode.UNREADABLE)]


def test_binary_suffix_and_size_limit(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"img.PNG": "not really", "big.txt": "x" * 101, "edge.txt": "x" * 100, "s.txt": ""},
    )
    files, notices = walk_all([tmp_path], tmp_path, WalkOptions(max_file_size=100))
    assert files == ["edge.txt", "s.txt"]
    by_path = {n.path: n for n in notices}
    assert by_path["img.PNG"].code is NoticeCode.BINARY
    assert by_path["big.txt"].code is NoticeCode.TOO_LARGE
    assert "101 bytes" in by_path["big.txt"].message


def test_non_utf8_file_names(tmp_path: Path) -> None:
    base = os.fsencode(tmp_path)
    with open(os.path.join(base, b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"x")
    os.mkdir(os.path.join(base, b"d\xff"))
    with open(os.path.join(base, b"d\xff", b"in.txt"), "wb") as fh:
        fh.write(b"y")
    got = walked([tmp_path], tmp_path)
    assert [e.display for e in got] == ["caf\ufffd.txt", "d\ufffd/in.txt"]
    for entry in got:
        assert os.path.exists(entry.path)  # the OS path still opens the file
        entry.display.encode("utf-8")  # the display path can be printed and serialised


def test_display_path() -> None:
    base = os.path.abspath("base")
    assert display_path(os.path.join(base, "a", "b.txt"), base) == "a/b.txt"
    assert display_path(base, base) == "base"
    outside = os.path.abspath(os.path.join("elsewhere", "x"))
    assert display_path(outside, base) == outside.replace(os.sep, "/")


# --- reading the files the walker found ------------------------------------------------


def _entry(path: Path, base: Path) -> FileEntry:
    return FileEntry(str(path), display_path(str(path), str(base)), path.stat().st_size)


def _scan(root: Path, max_file_size: int = 1 << 20) -> ScanReport:
    options = WalkOptions(max_file_size=max_file_size)
    return run_scan(ScanRequest(paths=(str(root),), base=str(root), walk=options, jobs=1))


def test_unreadable_file_is_a_notice_and_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key_id: str
) -> None:
    write_tree(tmp_path, {"a.txt": key_id, "locked.txt": key_id, "z.txt": key_id})
    real_open = os.open

    def deny(path: str, flags: int, *args: int) -> int:
        if os.path.basename(path) == "locked.txt":
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", deny)
    report = _scan(tmp_path)
    assert [f.location.path for f in report.findings] == ["a.txt", "z.txt"]
    assert [(n.path, n.code) for n in report.notices] == [("locked.txt", NoticeCode.UNREADABLE)]
    assert "Permission denied" in report.notices[0].message
    assert report.stats.files_scanned == 2 and report.stats.files_skipped == 1


def test_really_unreadable_file(open_tmp: Path) -> None:
    write_tree(open_tmp, {"locked.txt": "x"})
    locked = open_tmp / "locked.txt"
    locked.chmod(0)
    entry = _entry(locked, open_tmp)
    doc, notices = run_unprivileged(lambda: load_document(entry, 1000))  # type: ignore[misc]
    assert doc is None and [n.code for n in notices] == [NoticeCode.UNREADABLE]
    assert "Permission denied" in notices[0].message


def test_file_vanishing_between_walk_and_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "x"})
    entry = _entry(tmp_path / "a.txt", tmp_path)
    (tmp_path / "a.txt").unlink()
    doc, notices = load_document(entry, 1000)
    assert doc is None
    assert [(n.path, n.code) for n in notices] == [("a.txt", NoticeCode.UNREADABLE)]
    assert "vanished" in notices[0].message


def test_file_growing_past_the_limit_after_the_walk(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "x" * 10})
    entry = _entry(tmp_path / "a.txt", tmp_path)
    (tmp_path / "a.txt").write_text("x" * 200)
    doc, notices = load_document(entry, 100)
    assert doc is None and [n.code for n in notices] == [NoticeCode.TOO_LARGE]


def test_file_replaced_by_a_fifo_after_the_walk_never_blocks(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "x"})
    entry = _entry(tmp_path / "a.txt", tmp_path)
    (tmp_path / "a.txt").unlink()
    os.mkfifo(tmp_path / "a.txt")
    doc, notices = load_document(entry, 100)  # would hang on a blocking open
    assert doc is None and [n.code for n in notices] == [NoticeCode.SKIPPED_SPECIAL]


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"text\0more", True),
        (b"x" * (BINARY_SNIFF - 1) + b"\0", True),
        (b"x" * BINARY_SNIFF + b"\0", False),  # only the first 8 KiB are sniffed
        ("text".encode("utf-16"), False),  # NULs, but a BOM says UTF-16 text
        (b"plain text\n", False),
    ],
)
def test_binary_content(tmp_path: Path, data: bytes, binary: bool) -> None:
    (tmp_path / "f.txt").write_bytes(data)
    doc, notices = load_document(_entry(tmp_path / "f.txt", tmp_path), 1 << 20)
    if binary:
        assert doc is None
        assert [(n.code, n.level) for n in notices] == [(NoticeCode.BINARY, NoticeLevel.INFO)]
    else:
        assert doc is not None and notices == []


def test_problem_files_do_not_stop_a_scan(tmp_path: Path, key_id: str) -> None:
    write_tree(
        tmp_path,
        {"a.py": f"k = '{key_id}'\n", "b.bin": b"\0\1\2", "big.txt": "x" * 2000, "c.txt": key_id},
    )
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    report = _scan(tmp_path, max_file_size=1000)
    assert [f.location.path for f in report.findings] == ["a.py", "c.txt"]
    assert {n.path: n.code for n in report.notices} == {
        "b.bin": NoticeCode.BINARY,
        "big.txt": NoticeCode.TOO_LARGE,
        "loop": NoticeCode.SKIPPED_SPECIAL,
        "pipe": NoticeCode.SKIPPED_SPECIAL,
    }
