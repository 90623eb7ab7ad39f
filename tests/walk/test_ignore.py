"""``.gitignore`` files read by rolecall in a plain directory tree (no ``.git`` anywhere).

Each tree is written twice: as a plain directory, which rolecall walks reading the ignore
files itself, and as a git work tree, whose ``git ls-files`` gives the expected answer.
Every tree is walked with the patterns asked one by one and with the prefilter that
larger, often-asked ignore files get, on every pathspec backend installed here: the
answers must not depend on which one decides.
"""

from __future__ import annotations

import importlib.util
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import rolecall.walk.ignore
from rolecall.model import NoticeCode
from rolecall.walk.ignore import IgnoreRules, find_repo_root
from rolecall.walk.walker import FileEntry, walk

from tests.conftest import git_env, write_tree
from tests.walk.test_walker import GIT_CASES, random_tree

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

#: pathspec's backends that can decide here ("simple" always can).
BACKENDS = ["simple"] + [
    name for name, module in (("hyperscan", "hyperscan"), ("re2", "re2"))
    if importlib.util.find_spec(module) is not None
]  # fmt: skip


@pytest.fixture(params=["one-by-one", *(f"prefilter-{b}" for b in BACKENDS)])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """One by one: the defaults (the trees here are far below the prefilter's threshold).
    Prefilter: every ignore file gets it after its second question, on one backend."""
    name = str(request.param)
    if name.startswith("prefilter-"):
        monkeypatch.setattr(rolecall.walk.ignore, "FAST_AFTER_QUESTIONS", 2)
        monkeypatch.setattr(rolecall.walk.ignore, "FAST_MIN_PATTERNS", 1)
        monkeypatch.setattr(rolecall.walk.ignore, "FAST_BACKEND", name.removeprefix("prefilter-"))
    return name


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        text=True,
        env=git_env(root.parent),
    ).stdout


def expected_by_git(tmp_path: Path, files: dict[str, str]) -> tuple[set[str], set[str]]:
    """Git's answer for ``files``: the files it would add, and those it ignores."""
    root = tmp_path / "git"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, files)
    listed = git(root, "ls-files", "-z", "--others", "--exclude-standard")
    ignored = git(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard")
    return {p for p in listed.split("\0") if p}, {p for p in ignored.split("\0") if p}


def walked_plain(tmp_path: Path, files: dict[str, str]) -> tuple[set[str], set[str]]:
    root = tmp_path / "plain"
    root.mkdir()
    write_tree(root, files)
    assert find_repo_root(str(root)) is None
    ignored: list[str] = []
    items = list(walk([str(root)], str(root), None, ignored.append))
    # A file with a binary suffix is listed as a notice instead: not ignored either.
    notices = [i for i in items if not isinstance(i, FileEntry)]
    assert all(n.code is NoticeCode.BINARY for n in notices), notices
    listed = {i.display for i in items if isinstance(i, FileEntry)}
    listed.update(str(n.path) for n in notices)
    # An ignored directory is reported once, as "dir/": it stands for every file in it.
    files_ignored = {
        f
        for f in files
        if f in ignored or any(d.endswith("/") and f.startswith(d) for d in ignored)
    }
    assert all(p in files or p.endswith("/") for p in ignored), ignored
    return listed, files_ignored


def check_against_git(tmp_path: Path, files: dict[str, str]) -> None:
    assert walked_plain(tmp_path, files) == expected_by_git(tmp_path, files), files


#: Several levels of ignore files: negations, directory-only patterns, anchoring to each
#: file's own directory, deeper files taking precedence, and re-inclusion that git refuses
#: inside an ignored directory.
NESTED = {
    ".gitignore": "*.log\n!keep.log\nbuild/\n/top-only.txt\ncache\n*.tmp\n!/src/\n",
    "keep.log": "",
    "a.log": "",
    "top-only.txt": "",
    "build/out.txt": "",
    "cache": "",
    "src/top-only.txt": "",
    "src/build": "",
    "src/x.tmp": "",
    "src/.gitignore": "!*.tmp\n/gen/\nnotes/*.md\n!notes/keep.md\n*.py[co]\n",
    "src/y.tmp": "",
    "src/gen/a.py": "",
    "src/lib/gen/b.py": "",
    "src/notes/a.md": "",
    "src/notes/keep.md": "",
    "src/notes/deep/c.md": "",
    "src/m.pyc": "",
    "src/lib/.gitignore": "!m.pyc\nkeep.log\n*.txt\n!/readme.txt\n",
    "src/lib/m.pyc": "",
    "src/lib/keep.log": "",
    "src/lib/readme.txt": "",
    "src/lib/sub/readme.txt": "",
    "src/lib/sub/other.log": "",
    "vendor/.gitignore": "*\n!.gitignore\n!*/\n!*.cfg\n",
    "vendor/pkg/a.cfg": "",
    "vendor/pkg/a.py": "",
    "vendor/pkg/deep/b.cfg": "",
    "logs/.gitignore": "!*.log\n",
    "logs/x.log": "",
    "dist/.gitignore": "!*\n",
    "dist/x.txt": "",
    ".gitignore.d/a.log": "",
}


def test_nested_ignore_files(tmp_path: Path, mode: str) -> None:
    check_against_git(tmp_path, NESTED)


def with_long_root_file(files_per_kind: int) -> dict[str, str]:
    """NESTED below a root ignore file long enough for the prefilter (unused patterns
    ahead of the real ones), with ``files_per_kind`` ignored and kept files more."""
    filler = "".join(f"unused-{i}/\n!unused-{i}.keep\nno/such/dir-{i}/*.x\n" for i in range(20))
    files = {**NESTED, ".gitignore": filler + NESTED[".gitignore"]}
    for n in range(files_per_kind):
        files[f"many/d{n // 50}/f{n % 50}.log"] = ""
        files[f"many/d{n // 50}/f{n % 50}.txt"] = ""
    return files


def test_nested_ignore_files_with_many_patterns(tmp_path: Path, mode: str) -> None:
    check_against_git(tmp_path, with_long_root_file(300))


@pytest.mark.heavy
def test_default_thresholds_switch_on_the_prefilter(
    tmp_path: Path, compiles: list[tuple[int, str]]
) -> None:
    """Enough paths below a long root file that the defaults build its prefilter."""
    files = with_long_root_file(rolecall.walk.ignore.FAST_AFTER_QUESTIONS // 2 + 50)
    check_against_git(tmp_path, files)
    assert [backend for _, backend in compiles].count(rolecall.walk.ignore.FAST_BACKEND) == 2


@pytest.mark.parametrize("files", list(GIT_CASES.values()), ids=list(GIT_CASES))
def test_git_cases_outside_git(tmp_path: Path, files: dict[str, str], mode: str) -> None:
    check_against_git(tmp_path, files)


@pytest.mark.parametrize("seed", range(40))
def test_random_trees_outside_git(tmp_path: Path, seed: int, mode: str) -> None:
    check_against_git(tmp_path, random_tree(random.Random(seed)))


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, str]]]:
    """Every pathspec spec compiled: (number of patterns, backend)."""
    from pathspec import GitIgnoreSpec

    made: list[tuple[int, str]] = []
    real_init = GitIgnoreSpec.__init__

    def counting_init(self: GitIgnoreSpec, patterns: object, *args: object, **kw: object) -> None:
        real_init(self, patterns, *args, **kw)  # type: ignore[arg-type]
        made.append((len(self.patterns), str(kw.get("backend"))))

    monkeypatch.setattr(GitIgnoreSpec, "__init__", counting_init)
    yield made


def test_one_spec_per_ignore_file_on_the_simple_backend(
    tmp_path: Path, compiles: list[tuple[int, str]]
) -> None:
    walked_plain(tmp_path, NESTED)
    # Six ignore files, each compiled once with all its patterns, and nothing more.
    assert sorted(n for n, _ in compiles) == [1, 1, 4, 4, 5, 7]
    assert {backend for _, backend in compiles} == {"simple"}


def test_the_prefilter_comes_after_enough_questions(
    monkeypatch: pytest.MonkeyPatch, compiles: list[tuple[int, str]]
) -> None:
    monkeypatch.setattr(rolecall.walk.ignore, "FAST_AFTER_QUESTIONS", 5)
    monkeypatch.setattr(rolecall.walk.ignore, "FAST_MIN_PATTERNS", 3)
    rules = IgnoreRules(["*.log", "!keep.log", "build/", "docs/*.md"])
    small = IgnoreRules(["*.tmp", "x/"])
    asked = [("a.log", False), ("keep.log", False), ("b/build", True), ("b/build", False)]
    asked += [("docs/a.md", False), ("docs/x/a.md", False), ("z/keep.log", False)]
    answers = [(rules.verdict(rel, d), small.verdict(rel, d)) for rel, d in asked]
    assert answers == [
        (True, None),
        (False, None),
        (True, None),
        (None, None),
        (True, None),
        (None, None),
        (False, None),
    ]
    # Built once, after the fifth question, for the file of four patterns only: one
    # spec of the patterns without a slash, one of those with.
    assert compiles[2:] == [
        (3, rolecall.walk.ignore.FAST_BACKEND),
        (1, rolecall.walk.ignore.FAST_BACKEND),
    ]
