"""Worker processes for large scans: size-bounded batches, results in walk order, and
a dead worker's files scanned again in-process.

Imported only by scans large enough to use workers (the pre-commit case never pays for
``concurrent.futures`` and ``multiprocessing``). Each file is scanned by
:func:`rolecall.runner.scan_entry`, the same function as in-process.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.options import FileResult, Profile
from rolecall.runner import scan_entry
from rolecall.walker import FileEntry

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from rolecall.cache import ResultCache
    from rolecall.engine import Engine

#: A batch closes at this many bytes or files.
BATCH_BYTES = 1024 * 1024
BATCH_FILES = 128

#: A file to scan and the options of its own configuration.
Item = tuple[FileEntry, Profile]

#: The worker's engines by profile key, the size limit and the cache.
_WORKER: tuple[dict[str, Engine], int, ResultCache | None] | None = None


def _init_worker(profile: Profile, max_size: int, cache: ResultCache | None) -> None:
    global _WORKER
    if _WORKER is None:  # forked workers inherit the parent's engines
        from rolecall.engine import Engine
        from rolecall.registry import default_registry

        _WORKER = ({profile.key: Engine(default_registry(), profile.options)}, max_size, cache)


def _engine_for(engines: dict[str, Engine], profile: Profile) -> Engine:
    """The worker's engine for ``profile``: a configuration met after the workers
    started comes with the batch, and gets an engine on the registry they share."""
    engine = engines.get(profile.key)
    if engine is None:
        from rolecall.engine import Engine

        engine = Engine(next(iter(engines.values())).registry, profile.options)
        engines[profile.key] = engine
    return engine


def _scan_batch(batch: Sequence[Item]) -> list[FileResult]:
    assert _WORKER is not None
    engines, max_size, cache = _WORKER
    results = [
        scan_entry(_engine_for(engines, profile), entry, max_size, cache, profile.key)
        for entry, profile in batch
    ]
    if cache is not None:
        cache.flush()  # one transaction per batch
        if cache.notices and results:
            results[-1].notices.extend(cache.notices)
            cache.notices.clear()
    return results


def batches(entries: Iterable[Item]) -> Iterator[list[Item]]:
    """Size-bounded batches, made as ``entries`` arrive (the walk may still be going)."""
    current: list[Item] = []
    size = 0
    for item in entries:
        current.append(item)
        size += item[0].size
        if size >= BATCH_BYTES or len(current) >= BATCH_FILES:
            yield current
            current, size = [], 0
    if current:
        yield current


def parallel(
    get_engine: Callable[[Profile], Engine],
    default: Profile,
    batches: Iterable[list[Item]],
    jobs: int,
    max_size: int,
    cache: ResultCache | None,
) -> Iterator[FileResult]:
    """Scan ``batches`` in ``jobs`` worker processes; ``get_engine`` gives the parent's
    engine for a profile, ``default`` is the scan's own profile."""
    # Imported here: the in-process path (the pre-commit case) never pays for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER
    engine = get_engine(default)
    engine.load_all()  # once here: forked workers share the imported rules
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    _WORKER = ({default.key: engine}, max_size, cache) if method == "fork" else None
    window = jobs * 3
    pending: list[tuple[list[Item], Future[list[FileResult]]]] = []
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(default, max_size, cache),
        ) as pool:
            queue = iter(batches)
            for batch in queue:
                pending.append((batch, _submit(pool, batch)))
                if len(pending) >= window:
                    yield from _collect(get_engine, pending.pop(0), max_size, cache)
            while pending:
                yield from _collect(get_engine, pending.pop(0), max_size, cache)
    finally:
        _WORKER = None


def _submit(pool: ProcessPoolExecutor, batch: list[Item]) -> Future[list[FileResult]]:
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
    get_engine: Callable[[Profile], Engine],
    item: tuple[list[Item], Future[list[FileResult]]],
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
        for entry, profile in batch:
            result = scan_entry(get_engine(profile), entry, max_size, cache, profile.key)
            result.notices.append(
                Notice(
                    code=NoticeCode.INTERNAL,
                    message="a worker process died; this file was scanned again in-process",
                    path=entry.display,
                    level=NoticeLevel.INFO,
                )
            )
            yield result
