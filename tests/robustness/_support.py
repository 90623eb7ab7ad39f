"""Shared pieces of the robustness suite: real inputs, the engine, and a counter.

Every generated input a test feeds the scanner is counted (:func:`count`); the suite's
conftest prints the total at the end of the run, which is the figure the issue asks for.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from rolecall import Document
from rolecall.engine.core import Engine, FileResult
from rolecall.model import NoticeCode
from rolecall.plugin.registry import default_registry
from rolecall.read.document import View

from tests.conftest import REPO

#: One file name per document kind, so that every rule's kind filter selects it.
KIND_NAMES: tuple[str, ...] = (
    "app/settings.py",
    "nb/analysis.ipynb",
    ".env",
    "setup.cfg",
    ".aws/credentials",
    "deploy/values.yaml",
    "package.json",
    "pyproject.toml",
    "Dockerfile",
    "scripts/run.sh",
    "infra/main.tf",
    ".github/workflows/ci.yml",
    "notes.txt",
    "jenkins/credentials.xml",
    "collections/list.bru",
    "api/requests.http",
    "infra/terraform.tfstate",
    "tools/WinSCP.ini",
)

#: A corpus file (rendered) per kind name, for the size-ratio checks.
CORPUS_KINDS: dict[str, str] = {
    "app/settings.py": "rc2/services/clients.py",
    ".env": "rc3/.env.production",
    "deploy/values.yaml": "rc1/docker-compose.yml",
    "package.json": "rc1/package-lock.json",
    "Dockerfile": "rc3/Dockerfile",
    "notes.txt": "rc1/notes.txt",
    ".aws/config": "rc3/.aws/config",
    ".github/workflows/ci.yml": "rc3/.github/workflows/deploy.yml",
    "infra/main.tf": "rc3/infra/main.tf",
    "scripts/run.sh": "rc3/scripts/deploy.sh",
}

_COUNTS: dict[str, int] = {}


def count(group: str, n: int = 1) -> None:
    """Record ``n`` generated inputs fed to the scanner under ``group``."""
    _COUNTS[group] = _COUNTS.get(group, 0) + n


def counts() -> dict[str, int]:
    return dict(_COUNTS)


_ENGINE: Engine | None = None


def engine() -> Engine:
    """The engine with every installed rule (built once)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine(default_registry())
    return _ENGINE


def scan(path: str, data: bytes, group: str = "engine") -> FileResult:
    """Scan ``data`` as ``path`` with every rule; check the outcome is well-formed."""
    count(group)
    result = engine().scan_document(Document(path, data))
    check_outcome(result)
    return result


def check_outcome(result: FileResult) -> None:
    """Findings and/or notices, and no notice that says the scanner itself broke."""
    broken = {NoticeCode.INTERNAL, NoticeCode.RULE_ERROR}
    bad = [n for n in result.notices if n.code in broken]
    assert not bad, [(n.code.value, n.message) for n in bad]
    for finding in result.findings:
        loc = finding.location
        assert loc.line >= 1 and loc.column >= 1, finding


def all_views() -> list[View[object]]:
    """Every parsed view defined in ``rolecall.read.parsers``."""
    import pkgutil

    import rolecall.read.parsers

    views: list[View[object]] = []
    for info in pkgutil.iter_modules(rolecall.read.parsers.__path__):
        module = importlib.import_module(f"rolecall.read.parsers.{info.name}")
        views.extend(v for v in vars(module).values() if isinstance(v, View))
    assert len(views) >= 11
    return sorted(views, key=lambda v: v.name)


def _corpus_eval() -> ModuleType:
    name = "_rolecall_corpus_eval"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "corpus_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def corpus_files(seed: int = 9) -> dict[str, bytes]:
    """Every corpus file rendered with seeded fakes, plus the demo sample (relative paths)."""
    import tempfile

    from rolecall.cli.demo import write_sample

    render = _corpus_eval().render
    rng = random.Random(seed)
    files: dict[str, bytes] = {}
    for path in sorted((REPO / "corpus").rglob("*")):
        if path.is_file() and path.name != "EXPECTED":
            rel = path.relative_to(REPO / "corpus").as_posix()
            files[rel] = render(path.read_text(encoding="utf-8"), rng).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        write_sample(tmp)
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                files["demo/" + path.relative_to(tmp).as_posix()] = path.read_bytes()
    return files


def secrets_in(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The secrets that appear whole in any of ``texts``."""
    blob = "\n".join(texts)
    return [s for s in secrets if s in blob]
