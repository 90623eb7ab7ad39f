"""Failure isolation beyond tests/engine/test_core.py: with every built-in rule running.

test_engine.py covers one test rule raising (a notice naming it), RecursionError as a
limit notice, and one worker dying on one file. Here: a rule raising on one file of a
real corpus leaves every other rule's findings on that file and every other file
intact; a rule that kills every worker process it runs in still yields the serial
result; a crashing rule in workers reports each file once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import rolecall.engine.runner as runner
import rolecall.engine.workers as workers
from rolecall import Document, Finding, RuleContext
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.model import NoticeCode
from rolecall.plugin.registry import Registry, build_registry, default_registry
from rolecall.plugin.rule import Rule

from tests.conftest import rule_class, write_tree
from tests.robustness._support import corpus_files, count

PARENT = os.getpid()


def _registry(*extra: type[Rule]) -> Registry:
    sources = [(f"rule:{cls.id}", cls) for cls in default_registry().rules]
    return build_registry([*sources, *(("test", cls) for cls in extra)])


def _raises_on_settings(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    if doc.path.endswith("settings.py"):
        raise KeyError("boom")
    yield from ()


def _kills_workers(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    if os.getpid() != PARENT:
        os._exit(9)
    yield from ()


@pytest.fixture
def corpus_tree(tmp_path: Path) -> Path:
    files = {rel: data for rel, data in corpus_files().items()}
    write_tree(tmp_path, files)  # type: ignore[arg-type]
    count("isolation-files", len(files))
    return tmp_path


def _found(report: runner.ScanReport) -> list[tuple[str, str, int]]:
    return [(f.location.path, f.rule_id, f.location.line) for f in report.findings]


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(workers, "BATCH_FILES", 8)


@pytest.mark.usefixtures("parallel")
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rule_raising_on_one_file_changes_nothing_else(corpus_tree: Path, jobs: int) -> None:
    request = ScanRequest(paths=(str(corpus_tree),), base=str(corpus_tree), jobs=jobs)
    clean = run_scan(request, registry=_registry())
    broken = rule_class("RC196", "test-raises-on-settings", check=_raises_on_settings)
    report = run_scan(request, registry=_registry(broken))
    assert _found(report) == _found(clean)
    failed = [(n.path, n.rule_id) for n in report.notices if n.code is NoticeCode.RULE_ERROR]
    expected = sorted(p for p in corpus_files() if p.endswith("settings.py"))
    assert sorted(p for p, _ in failed) == expected
    assert {r for _, r in failed} == {"RC196"}
    assert all("test-raises-on-settings" in n.message for n in report.notices if n.rule_id)


@pytest.mark.heavy
@pytest.mark.usefixtures("parallel")
def test_every_worker_dying_still_completes_the_scan(corpus_tree: Path) -> None:
    request = ScanRequest(paths=(str(corpus_tree),), base=str(corpus_tree), jobs=2)
    serial = run_scan(
        ScanRequest(paths=(str(corpus_tree),), base=str(corpus_tree), jobs=1),
        registry=_registry(),
    )
    killer = rule_class("RC195", "test-kills-workers", check=_kills_workers, keywords=())
    report = run_scan(request, registry=_registry(killer))
    assert report.stats.jobs == 2
    assert _found(report) == _found(serial)
    rescanned = {n.path for n in report.notices if n.code is NoticeCode.INTERNAL}
    assert rescanned, "the rescans are reported"
