"""What a scan imports, per output format: libcst only when a finding of the run has a
fix whose edits the report carries and the source text cannot say for certain what they
are (rules/python/analysis/fixfast.py); the heavy modules only when something needs them.

Each scan runs in a fresh interpreter (a subprocess), so ``sys.modules`` shows exactly
what that one run imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rolecall.fakes import fake_key_id, fake_secret_key

from tests.conftest import git_env

FORMATS = ["text", "json", "sarif", "github"]

#: Modules that cost start-up time and that no format needs on the trees below.
HEAVY = (
    "libcst",
    "yaml",
    "pathspec",
    "concurrent.futures",
    "multiprocessing",
    "email",
    # Only a directory inside a git work tree asks git for its files.
    "rolecall.walk.gitlist",
    # argparse sizes its help to the terminal with shutil: only when help is shown.
    "shutil",
    # SARIF percent-encodes its URIs itself, and compresses only a log near GitHub's limit.
    "pathlib",
    "urllib",
    "gzip",
)

PROBE = (
    "import io, sys, json, contextlib\n"
    "from rolecall.cli.main import main\n"
    "buffer = io.StringIO()\n"
    "with contextlib.redirect_stdout(buffer):\n"
    "    code = main(sys.argv[1:])\n"
    "print(json.dumps([code, sorted(sys.modules), buffer.getvalue()]))\n"
)


def scan(
    tree: Path, fmt: str, watch: tuple[str, ...], paths: tuple[str, ...] = (".",)
) -> tuple[int, set[str], str]:
    """Exit code, which of the ``watch`` modules (or their submodules) got imported, and
    the report."""
    args = ["scan", "--isolated", "--no-cache", "--format", fmt, *paths]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tree,
        env={**os.environ, "XDG_CACHE_HOME": str(tree.parent / "cache")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code, modules, report = json.loads(out.strip().splitlines()[-1])
    loaded = {w for w in watch for m in modules if m == w or m.startswith(w + ".")}
    return code, loaded, report


def write(tree: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tree


@pytest.fixture
def env_only(tmp_path: Path) -> Path:
    """A tree whose only finding is a key pair in a ``.env`` file (no fix offered)."""
    pair = f"AWS_ACCESS_KEY_ID={fake_key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    return write(tmp_path / "tree", {".env": pair, "app.py": "import os\nx = 1\n"})


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write(tmp_path / "tree", {"app.py": "x = 1\n", "README.md": "nothing here\n"})


@pytest.fixture
def unfixable(tmp_path: Path) -> Path:
    """An RC2xx finding without a fix: the credentials come from the caller."""
    code = (
        "import boto3\n\n\ndef make(key_id, secret):\n"
        '    return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)\n'
    )
    return write(tmp_path / "tree", {"app.py": code})


@pytest.fixture
def fixable(tmp_path: Path) -> Path:
    code = (
        "import os\nimport boto3\n\n"
        's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
        '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
    )
    return write(tmp_path / "tree", {"app.py": code})


@pytest.fixture
def continued(tmp_path: Path) -> Path:
    """A fixable call continued by a backslash: its edits come from libcst."""
    code = (
        "import os\nimport boto3\n\n"
        's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], \\\n'
        '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
    )
    return write(tmp_path / "tree", {"app.py": code})


@pytest.mark.parametrize("fmt", FORMATS)
def test_env_finding_imports_nothing_heavy(env_only: Path, fmt: str) -> None:
    code, loaded, report = scan(env_only, fmt, HEAVY)
    assert code == 1
    assert ".env" in report
    assert loaded == set()


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_tree_imports_nothing_heavy(clean: Path, fmt: str) -> None:
    code, loaded, _ = scan(clean, fmt, HEAVY)
    assert (code, loaded) == (0, set())


@pytest.mark.parametrize("fmt", FORMATS)
def test_finding_without_a_fix_does_not_import_libcst(unfixable: Path, fmt: str) -> None:
    code, loaded, report = scan(unfixable, fmt, ("libcst",))
    assert (code, loaded) == (1, set())
    assert "RC201" in report


@pytest.mark.parametrize(("tree", "libcst"), [("fixable", set()), ("continued", {"libcst"})])
@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_fix_with_edits_imports_libcst_only_for_unusual_code(
    request: pytest.FixtureRequest, tree: str, libcst: set[str], fmt: str
) -> None:
    code, loaded, report = scan(request.getfixturevalue(tree), fmt, ("libcst",))
    assert (code, loaded) == (1, libcst)
    data = json.loads(report)
    if fmt == "json":
        fixes = [f["fix"] for f in data["findings"] if f["fix"]]
        assert fixes and all(fix["edits"] for fix in fixes)
    else:
        results = data["runs"][0]["results"]
        assert results and all(r["fixes"][0]["artifactChanges"] for r in results)


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_fix_is_described_without_libcst(fixable: Path, fmt: str) -> None:
    """Text and annotations describe the fix and carry no edits: no libcst."""
    code, loaded, report = scan(fixable, fmt, ("libcst",))
    assert (code, loaded) == (1, set())
    assert "RC201" in report


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("fmt", FORMATS)
def test_named_files_in_a_repository_like_the_hook(tmp_path: Path, fmt: str) -> None:
    """pre-commit names the files: no git to run (no subprocess), no ignore patterns to
    compile (a fresh repository's info/exclude is comments only: no pathspec)."""
    pair = f"AWS_ACCESS_KEY_ID={fake_key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    tree = write(tmp_path / "repo", {".env": pair, "app.py": "x = 1\n", "conf.toml": "a = 1\n"})
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True, env=git_env(tmp_path))
    assert (tree / ".git" / "info" / "exclude").is_file()
    watch = (*HEAVY, "subprocess")
    code, loaded, report = scan(tree, fmt, watch, (".env", "app.py", "conf.toml"))
    assert (code, loaded) == (1, set())
    assert ".env" in report
