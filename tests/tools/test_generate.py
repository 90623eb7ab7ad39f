"""``scripts/generate.py``: the manifest, the rule tables and the rule catalogue are
made from the rule classes, and ``--check`` fails while any of them is stale."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path("scripts") / "generate.py"


def _generate(root: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = path
    return subprocess.run(
        [sys.executable, str(root / SCRIPT), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_everything_generated_is_current() -> None:
    proc = _generate(ROOT, "--check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == proc.stderr == ""


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the repository's sources and docs, and a ``PYTHONPATH`` under which
    ``rolecall`` (and ``rolecall.rules``) are imported from that copy."""
    repo = tmp_path / "repo"
    skip = shutil.ignore_patterns("__pycache__")
    for name in ("scanner", "rules", "docs"):
        shutil.copytree(ROOT / name, repo / name, ignore=skip)
    for name in ("README.md", "pyproject.toml", str(SCRIPT)):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    # The package as setuptools maps it (scanner/ is rolecall, rules/ rolecall.rules),
    # linked, so that the script finds the sources it writes to as an install does.
    package = tmp_path / "site" / "rolecall"
    package.mkdir(parents=True)
    for entry in (repo / "scanner").iterdir():
        (package / entry.name).symlink_to(entry)
    (package / "rules").symlink_to(repo / "rules")
    return repo, str(tmp_path / "site")


def test_a_changed_rule_docstring_is_stale_until_generated(copy: tuple[Path, str]) -> None:
    repo, path = copy
    assert _generate(repo, "--check", path=path).returncode == 0  # the copy is current
    rule = repo / "rules" / "aws" / "keys.py"
    text = rule.read_text(encoding="utf-8")
    old = "Long-term keys never expire."
    assert text.count(old) == 1
    rule.write_text(text.replace(old, "Long-term keys never expire on their own."), "utf-8")
    generated = {p: p.read_bytes() for p in (repo / "docs").rglob("*.md")}
    generated[repo / "README.md"] = (repo / "README.md").read_bytes()
    manifest = (repo / "rules" / "_manifest.json").read_bytes()

    proc = _generate(repo, "--check", path=path)
    assert proc.returncode == 1
    listed = {line.strip() for line in proc.stderr.splitlines()[1:]}
    assert listed == {"docs/rules/RC101.md", "rules/_manifest.json"}, proc.stderr
    assert "run python scripts/generate.py" in proc.stderr.splitlines()[0]
    # --check writes nothing.
    assert {p: p.read_bytes() for p in generated} == generated
    assert (repo / "rules" / "_manifest.json").read_bytes() == manifest

    written = _generate(repo, path=path)
    assert written.returncode == 0, written.stderr
    assert set(written.stdout.split()) == {"wrote", "docs/rules/RC101.md", "rules/_manifest.json"}
    assert "never expire on their own." in (repo / "docs/rules/RC101.md").read_text("utf-8")
    assert _generate(repo, "--check", path=path).returncode == 0


def test_a_changed_summary_reaches_every_table(copy: tuple[Path, str]) -> None:
    repo, path = copy
    rule = repo / "rules" / "tokens" / "vcs.py"
    text = rule.read_text(encoding="utf-8")
    old = '"""A GitLab token ('
    assert text.count(old) == 1
    rule.write_text(text.replace(old, '"""A GitLab access token ('), "utf-8")
    proc = _generate(repo, "--check", path=path)
    assert proc.returncode == 1
    listed = {line.strip() for line in proc.stderr.splitlines()[1:]}
    assert listed == {
        "README.md",
        "docs/other-credentials.md",
        "docs/rules/RC136.md",
        "docs/rules/README.md",
        "rules/_manifest.json",
    }, proc.stderr
