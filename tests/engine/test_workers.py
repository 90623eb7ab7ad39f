"""The workers' schedule: batches in walk order while the walk goes on, the rest largest
first once it ends, and results yielded in walk order whatever finishes first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rolecall.engine.runner as runner
import rolecall.engine.workers as workers
from rolecall import Document, Finding, RuleContext
from rolecall.config.options import EngineOptions, FileResult, make_profile
from rolecall.engine.core import Engine
from rolecall.engine.filescan import Engines, FileScan, scan_entry
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.plugin.registry import Registry, build_registry
from rolecall.plugin.rule import Rule
from rolecall.walk.walker import FileEntry

from tests.conftest import rule_class, write_tree


def _entry(name: str, size: int) -> FileEntry:
    return FileEntry(path=name, display=name, size=size)


def _schedule(sizes: list[int], jobs: int = 1) -> workers._Schedule:
    schedule = workers._Schedule(jobs)
    profile = make_profile(EngineOptions())
    for number, size in enumerate(sizes):
        schedule.add((number, (_entry(f"f{number}", size), profile)))
    return schedule


def _numbers(batch: list[workers._Numbered]) -> list[int]:
    return [number for number, _ in batch]


def test_batches_follow_the_walk_until_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "BATCH_FILES", 2)
    schedule = _schedule([1, 50, 2, 3, 70])
    assert schedule.full_batch()
    assert _numbers(schedule.take()) == [0, 1]
    assert _numbers(schedule.take()) == [2, 3]
    assert not schedule.full_batch()  # one file waits for the walk's next ones


def test_files_waiting_when_the_walk_ends_go_largest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "BATCH_FILES", 2)
    monkeypatch.setattr(workers, "BATCH_BYTES", 100)
    schedule = _schedule([5, 300, 7, 5, 120, 9])
    schedule.walk_ended()
    taken = []
    while schedule.waiting:
        taken.append(_numbers(schedule.take()))
    # A file over the batch size goes alone, and from then on a batch is at most a
    # quarter per worker of what is left; equal sizes keep their walk order.
    assert taken == [[1], [4], [5], [2], [0], [3]]
    assert schedule.bytes == 0


def test_batches_shrink_to_single_files_as_the_last_files_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "BATCH_FILES", 256)
    schedule = _schedule([10] * 100, jobs=2)
    assert not schedule.full_batch()
    schedule.walk_ended()
    taken = []
    while schedule.waiting:
        taken.append(_numbers(schedule.take()))
    counts = [len(batch) for batch in taken]
    assert counts[0] == 13  # 100 files left, 2 workers: an eighth, rounded up
    assert counts == sorted(counts, reverse=True)
    assert counts[-8:] == [1] * 8
    assert [n for batch in taken for n in batch] == list(range(100))


def _needle(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    if "needle" in doc.text:
        yield self.finding(doc, doc.text.index("needle"), 6, material=doc.path)


def _registry() -> Registry:
    return build_registry([("test", rule_class("RC197", "test-needle", check=_needle))])


@pytest.mark.parametrize("max_waiting", [20_000, 5])
def test_results_come_in_walk_order_whatever_the_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_waiting: int
) -> None:
    # With 5 files at most waiting, the walk waits for the workers along the way.
    monkeypatch.setattr(workers, "MAX_WAITING", max_waiting)
    # Sizes that make the largest-first order differ from the walk order.
    files: dict[str, str | bytes] = {
        f"d{n % 3}/f{n:02}.txt": "x" * (97 * n % 1000) + f"\nneedle {n}\n" for n in range(40)
    }
    files["z/last-and-largest.txt"] = "y" * 5000 + "\nneedle z\n"
    write_tree(tmp_path, files)
    request = ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1)
    serial = run_scan(request, registry=_registry())
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 4)
    monkeypatch.setattr(workers, "BATCH_FILES", 3)
    monkeypatch.setattr(workers, "BATCH_BYTES", 2000)
    parallel = run_scan(
        ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=2), registry=_registry()
    )
    assert (serial.stats.jobs, parallel.stats.jobs) == (1, 2)
    assert parallel.scanned_paths == serial.scanned_paths
    assert len(parallel.scanned_paths) == 41
    assert parallel.findings == serial.findings and len(parallel.findings) == 41
    assert parallel.notices == serial.notices


def test_parallel_yields_in_item_order_while_batches_finish_out_of_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = [10, 4000, 20, 30, 3000, 40, 50, 60]
    write_tree(tmp_path, {f"f{n}.txt": "n" * size for n, size in enumerate(sizes)})
    monkeypatch.setattr(workers, "BATCH_FILES", 2)
    monkeypatch.setattr(workers, "BATCH_BYTES", 1000)
    profile = make_profile(EngineOptions())
    items = [(_entry(str(tmp_path / f"f{n}.txt"), size), profile) for n, size in enumerate(sizes)]
    scan = FileScan(Engines(EngineOptions(), _registry()), 1 << 20)
    results = list(workers.parallel(scan, profile, iter(items), 2))
    assert [r.path for r in results] == [entry.display for entry, _ in items]
    assert [r.size for r in results] == sizes


def test_a_result_with_nothing_to_report_travels_as_a_tuple_and_comes_back_equal(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"plain.txt": "nothing here\n", "hit.txt": "a needle\n"})
    engine = Engine(_registry(), EngineOptions())
    for name, compact in (("plain.txt", True), ("hit.txt", False)):
        entry = _entry(str(tmp_path / name), (tmp_path / name).stat().st_size)
        result = scan_entry(engine, entry, 1 << 20)
        assert result.scanned
        sent = workers.pack(result, entry.display)
        assert isinstance(sent, tuple) is compact
        assert workers.unpack(sent, entry.display) == result
    # A result filed under another path than the file's is sent whole.
    other = FileResult(path="elsewhere", size=3)
    assert workers.pack(other, "here") is other


def test_the_workers_receive_what_they_run_and_never_import_the_runner() -> None:
    """runner -> workers only: the workers get the scan's FileScan as a parameter."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(workers))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module is not None
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "rolecall.engine.filescan" in imported  # the type of what they receive
    assert not {name for name in imported if name.startswith("rolecall.engine.runner")}
    assert next(iter(inspect.signature(workers.parallel).parameters)) == "scan"
