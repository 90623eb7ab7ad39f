"""Worker processes for large scans: size-bounded batches, results in walk order, and
a dead worker's files scanned again in-process.

Imported only by scans large enough to use workers (the pre-commit case never pays for
``concurrent.futures`` and ``multiprocessing``). Each file is scanned by
:func:`rolecall.runner.scan_entry`, the same function as in-process.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.options import EngineOptions, FileResult
from rolecall.runner import scan_entry
from rolecall.walker import FileEntry

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from rolecall.cache import ResultCache
    from rolecall.engine import Engine

#: A batch closes at this many bytes or files.
BATCH_BYTES = 1024 * 1024
BATCH_FILES = 128

_WORKER: tuple[Engine, int, ResultCache | None] | None = None


def _init_worker(options: EngineOptions, max_size: int, cache: ResultCache | None) -> None:
    global _WORKER
    if _WORKER is None:  # forked workers inherit the parent's engine
        from rolecall.engine import Engine
        from rolecall.registry import default_registry

        _WORKER = (Engine(default_registry(), options), max_size, cache)


def _scan_batch(batch: Sequence[FileEntry]) -> list[FileResult]:
    assert _WORKER is not None
    engine, max_size, cache = _WORKER
    results = [scan_entry(engine, entry, max_size, cache) for entry in batch]
    if cache is not None:
        cache.flush()  # one transaction per batch
        if cache.notices and results:
            results[-1].notices.extend(cache.notices)
            cache.notices.clear()
    return results


def batches(entries: Iterable[FileEntry]) -> Iterator[list[FileEntry]]:
    """Size-bounded batches, made as ``entries`` arrive (the walk may still be going)."""
    current: list[FileEntry] = []
    size = 0
    for entry in entries:
        current.append(entry)
        size += entry.size
        if size >= BATCH_BYTES or len(current) >= BATCH_FILES:
            yield current
            current, size = [], 0
    if current:
        yield current


def parallel(
    engine: Engine,
    batches: Iterable[list[FileEntry]],
    jobs: int,
    max_size: int,
    cache: ResultCache | None,
) -> Iterator[FileResult]:
    # Imported here: the in-process path (the pre-commit case) never pays for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER
    engine.load_all()  # once here: forked workers share the imported rules
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    _WORKER = (engine, max_size, cache) if method == "fork" else None
    window = jobs * 3
    pending: list[tuple[list[FileEntry], Future[list[FileResult]]]] = []
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(engine.options, max_size, cache),
        ) as pool:
            queue = iter(batches)
            for batch in queue:
                pending.append((batch, _submit(pool, batch)))
                if len(pending) >= window:
                    yield from _collect(engine, pending.pop(0), max_size, cache)
            while pending:
                yield from _collect(engine, pending.pop(0), max_size, cache)
    finally:
        _WORKER = None


def _submit(pool: ProcessPoolExecutor, batch: list[FileEntry]) -> Future[list[FileResult]]:
    """Send ``batch`` to a worker; once a worker has died, the pool refuses new work,
    and the batch gets a failed future that :func:`_collect` scans in-process."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(_scan_batch, batch)
    except BrokenProcessPool as exc:
        failed: Future[list[FileResult]] = Future()
        failed.set_exception(exc)
        return failed


def _collect(
    engine: Engine,
    item: tuple[list[FileEntry], Future[list[FileResult]]],
    max_size: int,
    cache: ResultCache | None,
) -> Iterator[FileResult]:
    from concurrent.futures.process import BrokenProcessPool

    batch, future = item
    try:
        yield from future.result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory, a crash in a C extension): scan this
        # batch here instead, so its files are still reported.
        for entry in batch:
            result = scan_entry(engine, entry, max_size, cache)
            result.notices.append(
                Notice(
                    code=NoticeCode.INTERNAL,
                    message="a worker process died; this file was scanned again in-process",
                    path=entry.display,
                    level=NoticeLevel.INFO,
                )
            )
            yield result
