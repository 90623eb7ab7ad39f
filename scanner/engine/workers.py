"""Worker processes for large scans: size-bounded batches, results in walk order, and
a dead worker's files scanned again in-process.

The walk feeds the workers as it goes and is never held back by them; each worker has
a batch in hand and one queued, whatever batch finishes first, so a slow file delays
only the yielding of the results after it. The files still waiting when the walk ends
go out largest first, so that the scan does not end on one big file.

Imported only by scans large enough to use workers (the pre-commit case never pays for
``concurrent.futures`` and ``multiprocessing``). The workers receive what they run, the
scan's :class:`~rolecall.engine.filescan.FileScan`, as a parameter: the same call as
in-process, inherited by forked workers, pickled (without engines) for spawned ones.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rolecall.config.options import FileResult, Profile
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.walk.walker import FileEntry

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from rolecall.engine.filescan import FileScan

#: A batch closes at this many bytes or files.
BATCH_BYTES = 2 * 1024 * 1024
BATCH_FILES = 256

#: At most this many walked files wait for a batch: past it, the walk waits for the
#: workers, so that memory stays flat in the tree's size (the files waiting when the
#: walk ends go largest first).
MAX_WAITING = 20_000

#: A file to scan and the options of its own configuration.
Item = tuple[FileEntry, Profile]

#: What the worker runs for every file (set by :func:`_init_worker`, or inherited).
_WORKER: FileScan | None = None


def _init_worker(scan: FileScan) -> None:
    global _WORKER
    if _WORKER is None:  # forked workers inherit the parent's, with its engines
        _WORKER = scan


#: A result as a worker sends it: a file with nothing to report travels as its kind,
#: size and flags (the parent knows its path), anything else as the result itself.
Sent = FileResult | tuple[str | None, int, bool, bool]


def _scan_batch(batch: Sequence[Item]) -> list[Sent]:
    scan = _WORKER
    assert scan is not None
    results = [scan(entry, profile) for entry, profile in batch]
    extra = scan.end_batch()  # with a cache: one transaction per batch
    if extra and results:
        last = results[-1]
        results[-1] = replace(last, notices=[*last.notices, *extra])
    return [pack(result, entry.display) for result, (entry, _) in zip(results, batch, strict=True)]


def pack(result: FileResult, path: str) -> Sent:
    """``result`` as sent to the parent: most files have nothing to report, and a tuple
    costs both sides a fraction of a pickled result."""
    if (
        result.findings
        or result.suppressed
        or result.notices
        or result.line_hashes
        or result.path != path
    ):
        return result
    return (result.kind, result.size, result.scanned, result.cached)


def unpack(sent: Sent, path: str) -> FileResult:
    """The result :func:`pack` made ``sent`` of, for the file at ``path``."""
    if isinstance(sent, FileResult):
        return sent
    kind, size, scanned, cached = sent
    return FileResult(path=path, kind=kind, size=size, scanned=scanned, cached=cached)


#: A file to scan with its place in the walk (results are yielded in that order).
_Numbered = tuple[int, Item]


class _Schedule:
    """Which files go to the workers next.

    While the walk goes on, batches are made in walk order as files arrive, so workers
    start at once. The files still waiting when the walk ends are sent largest first
    (longest processing time first): a big file met late would otherwise run alone at
    the end while the other workers wait. Size is only a guess at a file's cost (a few
    hundred bytes with many findings can take longer than a megabyte without), so from
    then on each batch is also at most a share of what is left: the last batches are a
    few files each, and no worker ends the scan alone on a batch of costly small files.
    """

    #: After the walk, a batch is at most 1/(SHARES * jobs) of the files and bytes left.
    SHARES = 4

    def __init__(self, jobs: int = 1) -> None:
        self.waiting: deque[_Numbered] = deque()
        self.bytes = 0
        self.walked = False
        self.jobs = jobs

    def add(self, numbered: _Numbered) -> None:
        self.waiting.append(numbered)
        self.bytes += numbered[1][0].size

    def full_batch(self) -> bool:
        """Whether the waiting files make a whole batch."""
        return self.bytes >= BATCH_BYTES or len(self.waiting) >= BATCH_FILES

    def walk_ended(self) -> None:
        self.walked = True
        # Stable: files of one size keep their walk order.
        self.waiting = deque(sorted(self.waiting, key=lambda n: -n[1][0].size))

    def take(self) -> list[_Numbered]:
        """The next batch: the first files waiting, up to a batch's size or count (after
        the walk, also up to a share of what is left)."""
        files, size_limit = BATCH_FILES, BATCH_BYTES
        if self.walked:
            shares = self.SHARES * self.jobs
            files = max(1, min(files, -(-len(self.waiting) // shares)))
            size_limit = max(1, min(size_limit, self.bytes // shares))
        batch: list[_Numbered] = []
        size = 0
        while self.waiting and size < size_limit and len(batch) < files:
            numbered = self.waiting.popleft()
            batch.append(numbered)
            size += numbered[1][0].size
        self.bytes -= size
        return batch


def parallel(
    scan: FileScan, default: Profile, items: Iterable[Item], jobs: int
) -> Iterator[FileResult]:
    """Scan ``items`` with ``scan`` in ``jobs`` worker processes and yield their results
    in the order of ``items``; ``default`` is the scan's own profile (its engine is
    loaded here, before the workers fork).

    ``items`` is read as fast as it comes (the walk is not held back by the workers), and
    up to two batches per worker are out at any time: a slow batch holds back the
    results after it, never the workers' next batches.
    """
    # Imported here: the in-process path (the pre-commit case) never pays for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER
    scan.engines.engine(default).load_all()  # once here: forked workers share the rules
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    _WORKER = scan if method == "fork" else None
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(scan,),
        ) as pool:
            yield from _Flight(pool, scan, jobs).run(items)
    finally:
        _WORKER = None


class _Flight:
    """The batches out at the workers and the results waiting for their turn."""

    def __init__(self, pool: ProcessPoolExecutor, scan: FileScan, jobs: int) -> None:
        self.pool = pool
        self.scan = scan
        self.window = jobs * 2
        self.schedule = _Schedule(jobs)
        self.out: dict[Future[list[Sent]], list[_Numbered]] = {}
        self.ready: dict[int, FileResult] = {}
        self.next = 0  # the walk number of the next result to yield
        # Set by the pool's thread when a batch finishes: while the walk goes on with
        # every place taken, the futures are looked at only then, not at every file.
        self.finished: list[object] = []

    def run(self, items: Iterable[Item]) -> Iterator[FileResult]:
        schedule, out = self.schedule, self.out
        for numbered in enumerate(items):
            schedule.add(numbered)
            if (self.finished or len(out) < self.window) and schedule.full_batch():
                self.finished.clear()
                yield from self.turn(block=False)
            while len(schedule.waiting) >= MAX_WAITING and out:
                yield from self.turn(block=True)
        schedule.walk_ended()
        self.send()
        while out:
            yield from self.turn(block=True)

    def turn(self, *, block: bool) -> Iterator[FileResult]:
        """Take in finished batches, send new ones, yield what is next in walk order."""
        _harvest(self.scan, self.out, self.ready, block=block)
        self.send()
        while self.next in self.ready:
            yield self.ready.pop(self.next)
            self.next += 1

    def send(self) -> None:
        schedule = self.schedule
        while len(self.out) < self.window and (
            schedule.full_batch() or (schedule.walked and schedule.waiting)
        ):
            batch = schedule.take()
            future = _submit(self.pool, [item for _, item in batch])
            future.add_done_callback(self.finished.append)
            self.out[future] = batch


def _harvest(
    scan: FileScan,
    out: dict[Future[list[Sent]], list[_Numbered]],
    ready: dict[int, FileResult],
    *,
    block: bool,
) -> None:
    """Move the results of finished batches from ``out`` into ``ready`` (waiting for
    one batch to finish when ``block``)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    if block:
        finished = wait(out, return_when=FIRST_COMPLETED).done
    else:
        finished = {future for future in out if future.done()}
    for future in finished:
        batch = out.pop(future)
        results = _collect(scan, [item for _, item in batch], future)
        for (number, _), result in zip(batch, results, strict=True):
            ready[number] = result


def _submit(pool: ProcessPoolExecutor, batch: list[Item]) -> Future[list[Sent]]:
    """Send ``batch`` to a worker; once a worker has died, the pool refuses new work,
    and the batch gets a failed future that :func:`_collect` scans in-process."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(_scan_batch, batch)
    except BrokenProcessPool as exc:
        failed: Future[list[Sent]] = Future()
        failed.set_exception(exc)
        return failed


def _collect(scan: FileScan, batch: list[Item], future: Future[list[Sent]]) -> list[FileResult]:
    """The results of ``batch``, one per file; the batch of a worker that died is
    scanned again here."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        sent = future.result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory, a crash in a C extension): scan this
        # batch here instead, so its files are still reported.
        results: list[FileResult] = []
        for entry, profile in batch:
            result = scan(entry, profile)
            again = Notice(
                code=NoticeCode.INTERNAL,
                message="a worker process died; this file was scanned again in-process",
                path=entry.display,
                level=NoticeLevel.INFO,
            )
            results.append(replace(result, notices=[*result.notices, again]))
        return results
    return [unpack(one, entry.display) for one, (entry, _) in zip(sent, batch, strict=True)]
