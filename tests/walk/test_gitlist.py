"""The file list inside a git work tree comes from git: tracked files are scanned even
when an ignore pattern matches them, ``core.excludesFile`` counts, ignored paths are
counted and listed, and without git the walk reads the ignore files itself.

Every case is a real repository made with the real git in ``tmp_path``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.model import NoticeCode
from rolecall.output.formats import get_reporter
from rolecall.walk.walker import FileEntry, WalkOptions, walk

from tests.conftest import git, write_tree

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

KEY_ID = "AKIA" + "QYLPMN5HHHFPZAQX"


@pytest.fixture(autouse=True)
def _no_user_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The git rolecall runs reads no configuration of the machine's user."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


def repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    write_tree(root, files)
    return root


def commit(root: Path, *paths: str) -> None:
    git(root, "add", "-f", "--", *paths)
    git(root, "commit", "-q", "-m", "add")


def listed(
    root: Path, base: Path | None = None, *, use_gitignore: bool = True
) -> tuple[list[str], list[str]]:
    """Files walked and paths reported as ignored."""
    ignored: list[str] = []
    options = WalkOptions(use_gitignore=use_gitignore)
    files = [
        item.display
        for item in walk([str(root)], str(base or root), options, ignored.append)
        if isinstance(item, FileEntry)
    ]
    return files, ignored


def test_committed_file_matching_a_nested_gitignore_is_scanned(tmp_path: Path) -> None:
    """The issue's case: handlers committed although ``lambda/.gitignore`` says ``*.js``."""
    root = repo(
        tmp_path / "r",
        {
            "lambda/.gitignore": "*.js\n",
            "lambda/handler.js": f'const id = "{KEY_ID}";\n',
            "lambda/build.js": "untracked and ignored\n",
        },
    )
    commit(root, "lambda/.gitignore", "lambda/handler.js")
    files, ignored = listed(root)
    assert files == ["lambda/.gitignore", "lambda/handler.js"]
    assert ignored == ["lambda/build.js"]
    report = run_scan(ScanRequest(paths=(str(root),), base=str(root), jobs=1))
    assert [(f.rule_id, f.location.path) for f in report.findings] == [
        ("RC101", "lambda/handler.js")
    ]
    assert report.stats.files_ignored == 1
    assert report.ignored_paths == ["lambda/build.js"]


def test_ignored_paths_are_counted_and_listed_in_every_format(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {".gitignore": "*.log\nbuild/\n", "a.txt": "", "x.log": "", "build/out/y.txt": ""},
    )
    report = run_scan(ScanRequest(paths=(str(root),), base=str(root), jobs=1))
    assert report.ignored_paths == ["build/", "x.log"]

    def render(fmt: str, verbose: int = 0) -> str:
        out = io.StringIO()
        get_reporter(fmt, verbose=verbose).write(report, out)
        return out.getvalue()

    assert "2 ignored by git's ignore rules (listed with -v)" in render("text")
    assert "build/" not in render("text")
    verbose = render("text", 1)
    assert "\n  build/\n  x.log\n" in verbose
    assert json.loads(render("json"))["stats"]["files_ignored"] == 2
    sarif = json.loads(render("sarif"))
    assert sarif["runs"][0]["invocations"][0]["properties"] == {"filesIgnored": 2}


def test_core_excludes_file_is_honoured(tmp_path: Path) -> None:
    excludes = tmp_path / "global-ignore"
    excludes.write_text("*.secret-notes\n")
    root = repo(tmp_path / "r", {"a.txt": "", "mine.secret-notes": ""})
    git(root, "config", "core.excludesFile", str(excludes))
    assert listed(root) == (["a.txt"], ["mine.secret-notes"])


def test_info_exclude_and_untracked_files(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"new.txt": "", "local.txt": "", "sub/x.txt": ""})
    (root / ".git" / "info" / "exclude").write_text("local.txt\n")
    assert listed(root) == (["new.txt", "sub/x.txt"], ["local.txt"])


def test_names_with_newline_space_and_non_ascii(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"plain.txt": ""})
    odd = ["with space.txt", "new\nline.txt", "naïve.txt", 'quote".txt', "tab\there.txt"]
    for name in odd:
        (root / name).write_text(f"id {KEY_ID}\n")
    commit(root, odd[0], odd[1])  # some tracked, some untracked: both kinds are listed
    files, _ = listed(root)
    assert sorted(files) == sorted([*odd, "plain.txt"])
    report = run_scan(ScanRequest(paths=(str(root),), base=str(root), jobs=1))
    assert sorted(f.location.path for f in report.findings) == sorted(odd)


def test_files_are_in_walk_order(tmp_path: Path) -> None:
    # git sorts "a.txt" before "a/b.txt" (bytes); the walker's order is per directory.
    root = repo(tmp_path / "r", {"a/b.txt": "", "a.txt": "", "a-b.txt": "", "B.txt": ""})
    files, _ = listed(root)
    assert files == ["B.txt", "a/b.txt", "a-b.txt", "a.txt"]
    git(root, "add", "-A")
    assert listed(root)[0] == files


def test_nested_repository_is_listed_by_its_own_git(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {".gitignore": "*.tmp\n", "top.txt": ""})
    inner = repo(root / "vendor" / "lib", {".gitignore": "*.gen\n", "code.py": "", "x.gen": ""})
    commit(inner, ".gitignore", "code.py")
    (inner / "also.tmp").write_text("outer rule does not reach into the nested repo\n")
    files, ignored = listed(root)
    assert files == [
        ".gitignore",
        "top.txt",
        "vendor/lib/.gitignore",
        "vendor/lib/also.tmp",
        "vendor/lib/code.py",
    ]
    assert ignored == ["vendor/lib/x.gen"]


def test_submodule_like_gitlink_is_scanned(tmp_path: Path) -> None:
    """A gitlink in the index (how a submodule is recorded): its checkout is scanned."""
    inner = repo(tmp_path / "r" / "mod", {"m.py": f'ID = "{KEY_ID}"\n'})
    commit(inner, "m.py")
    root = tmp_path / "r"
    git(root, "init", "-q")
    write_tree(root, {"top.txt": ""})
    head = git(inner, "rev-parse", "HEAD").strip()
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},mod")
    assert listed(root)[0] == ["mod/m.py", "top.txt"]


def test_deleted_tracked_file_is_not_an_error(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"a.txt": "", "gone.txt": ""})
    commit(root, "a.txt", "gone.txt")
    (root / "gone.txt").unlink()
    items = list(walk([str(root)], str(root)))
    assert [i.display for i in items if isinstance(i, FileEntry)] == ["a.txt"]
    assert [i for i in items if not isinstance(i, FileEntry)] == []


def test_named_ignored_directory_is_scanned(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {".gitignore": "venv/\n", "venv/lib/site.py": "", "venv/.gitignore": "*.pyc\n"},
    )
    (root / "venv" / "lib" / "x.pyc").write_text("")
    files, _ = listed(root / "venv", root)
    assert files == ["venv/.gitignore", "venv/lib/site.py"]


def test_scanning_a_subdirectory_lists_only_it(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {".gitignore": "*.log\n", "sub/a.txt": "", "sub/b.log": "", "other/c.txt": ""},
    )
    assert listed(root / "sub", root) == (["sub/a.txt"], ["sub/b.log"])


def test_configured_excludes_and_binary_policy_still_apply(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"keep.txt": "", "gen/skip.txt": "", "img.png": ""})
    commit(root, "keep.txt", "gen/skip.txt", "img.png")
    items = list(walk([str(root)], str(root), WalkOptions(exclude=("gen/",))))
    assert [i.display for i in items if isinstance(i, FileEntry)] == ["keep.txt"]
    assert [(i.path, i.code) for i in items if not isinstance(i, FileEntry)] == [
        ("img.png", NoticeCode.BINARY)
    ]


def test_no_gitignore_walks_everything_but_dot_git(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {".gitignore": "*.log\n", "a.log": "", "b.txt": ""})
    assert listed(root, use_gitignore=False) == ([".gitignore", "a.log", "b.txt"], [])


def test_without_git_the_walk_reads_the_ignore_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path / "r", {".gitignore": "*.log\n", "a.log": "", "b.txt": ""})
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    ignored: list[str] = []
    items = list(walk([str(root)], str(root), None, ignored.append))
    assert [i.display for i in items if isinstance(i, FileEntry)] == [".gitignore", "b.txt"]
    assert ignored == ["a.log"]
    notices = [i for i in items if not isinstance(i, FileEntry)]
    assert len(notices) == 1
    assert "git is not installed" in notices[0].message
    assert ".gitignore files were read by rolecall" in notices[0].message


def test_failing_git_falls_back_with_its_reason(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"b.txt": ""})
    (root / ".git" / "index").write_bytes(b"not an index")
    items = list(walk([str(root)], str(root)))
    assert [i.display for i in items if isinstance(i, FileEntry)] == ["b.txt"]
    (notice,) = [i for i in items if not isinstance(i, FileEntry)]
    assert notice.message.startswith("git failed:")


def test_links_keep_the_symlink_policy(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"real/a.txt": "", "outside/b.txt": ""})
    (root / "inside").symlink_to(root / "real")
    (root / "escape").symlink_to(tmp_path)
    commit(root, "real/a.txt", "inside", "escape")
    files, _ = listed(root)
    assert files == ["outside/b.txt", "real/a.txt"]  # links are not followed by default
    items = list(walk([str(root)], str(root), WalkOptions(follow_symlinks=True)))
    assert [i.display for i in items if isinstance(i, FileEntry)] == [
        "outside/b.txt",
        "real/a.txt",
    ]
    notices = sorted((i.path, i.message) for i in items if not isinstance(i, FileEntry))
    assert notices == [
        ("escape", "symbolic link points outside the scan root"),
        ("inside/a.txt", "same file as real/a.txt, already scanned"),
    ]
