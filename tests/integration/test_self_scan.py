"""rolecall's own sources, tests and corpus templates hold no AWS credential material.

Key-shaped test data is built by concatenation or generated, and the corpus writes
credentials as ``{{TOKEN}}`` templates, so scanning the repository must stay clean,
with ``report_examples`` on as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rolecall.engine.core import Engine, EngineOptions
from rolecall.plugin.registry import build_registry
from rolecall.read.document import Document
from rolecall.rules.aws import keys as aws_keys
from rolecall.rules.aws import secret_keys as aws_secrets
from rolecall.rules.tokens import cloud_keys

from tests.conftest import REPO

ROOT = REPO
SKIP_DIRS = {
    ".git",
    ".venv",
    "build",
    "dist",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
}


def _repo_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if path.is_file() and not SKIP_DIRS.intersection(rel.parts) and ".egg-info" not in str(rel):
            files.append(path)
    return files


@pytest.mark.parametrize("report_examples", [False, True])
def test_repository_is_clean(report_examples: bool) -> None:
    registry = build_registry(
        [("aws_keys", aws_keys), ("aws_secrets", aws_secrets), ("cloud_keys", cloud_keys)]
    )
    engine = Engine(registry, EngineOptions(report_examples=report_examples))
    found = []
    for path in _repo_files():
        rel = path.relative_to(ROOT).as_posix()
        result = engine.scan_document(Document(rel, path.read_bytes()))
        found += [f"{rel}:{f.location.line} {f.rule_id}" for f in result.findings]
    assert found == []
