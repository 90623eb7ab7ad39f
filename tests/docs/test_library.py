"""docs/library.md stays true: every ``python`` block in it (and in the README's
library section) runs, each in an empty temporary directory of its own (the examples
write the files they scan), in a fresh interpreter, as a reader would run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

ROOT = REPO
_FENCE = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)
BLOCKS = _FENCE.findall((ROOT / "docs" / "library.md").read_text(encoding="utf-8"))
README_BLOCKS = _FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_page_has_the_promised_examples() -> None:
    text = "\n".join(BLOCKS)
    for needed in ("rolecall.scan(", "rolecall.scan_text(", "baseline=", ".to_sarif()"):
        assert needed in text


def test_the_readme_shows_the_library() -> None:
    assert any("rolecall.scan(" in block for block in README_BLOCKS)
    assert "(docs/library.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "block",
    BLOCKS + README_BLOCKS,
    ids=[f"library-{i + 1}" for i in range(len(BLOCKS))]
    + [f"readme-{i + 1}" for i in range(len(README_BLOCKS))],
)
def test_example_runs(block: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", block],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
