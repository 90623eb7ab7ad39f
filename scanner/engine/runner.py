"""A whole scan: walk, read, scan (through the cache), collect, into one frozen report.

The stages, each in its folder: the walk (:mod:`rolecall.walk`) lists the files; each
file is read and scanned by one :class:`~rolecall.engine.filescan.FileScan` call (with
a cache, :class:`~rolecall.cache.cached.CachedFileScan`: same call, same results); the
results are collected here into a :class:`ScanReport`. Files are grouped into batches
by size and sent to worker processes (:mod:`rolecall.engine.workers`, which receive the
file scan as a parameter); results come back in walk order, so output is deterministic
whatever ``--jobs`` is. Small scans (the pre-commit case) run in-process: starting
workers would cost more than it saves.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rolecall.cache.blobs import BlobHit, answer_blobs
from rolecall.cache.cached import IndexAnswers, file_scan, open_cache
from rolecall.config.options import (
    EngineOptions,
    FileResult,
    Profile,
    ProfileResolver,
)
from rolecall.engine.filescan import Engines
from rolecall.model import Finding, Notice
from rolecall.output.report import ScanReport, ScanStats
from rolecall.walk.shard import in_shard
from rolecall.walk.walker import FileEntry, WalkOptions, walk

if TYPE_CHECKING:
    from rolecall.cache.store import ResultCache
    from rolecall.output.progress import Progress
    from rolecall.plugin.registry import Registry
    from rolecall.plugin.rule import RuleInfo
    from rolecall.suppress.baseline import Baseline

#: Below these totals a scan runs in one process.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
PARALLEL_MIN_FILES = 400


@dataclass(frozen=True)
class ScanRequest:
    paths: tuple[str, ...]
    base: str
    walk: WalkOptions = field(default_factory=WalkOptions)
    engine: EngineOptions = field(default_factory=EngineOptions)
    jobs: int = 0  # 0: every core
    #: Result cache directory; None: no cache.
    cache_dir: str | None = None
    #: (K, N): scan only the K-th (1-based) of N disjoint shards of the file set.
    shard: tuple[int, int] | None = None
    #: Fill ``ScanReport.rules`` (JSON, SARIF and the baseline need it; text does not,
    #: and without it a scan answered from the cache never loads the rules).
    rule_infos: bool = True
    #: Each file's engine options (its own directory's configuration's, see
    #: :class:`rolecall.config.settings.Settings`); None: ``engine`` for every file.
    profiles: ProfileResolver | None = None
    #: The baseline the suppress stage filters the findings through (None: none). The
    #: engine options must key fingerprints with its salt (``baseline.keying``, as
    #: :func:`rolecall.config.settings.with_keying` does), or nothing would match.
    baseline: Baseline | None = None
    #: Report the baseline's entries that match no finding (``RC911`` notices).
    report_stale: bool = False

    def __post_init__(self) -> None:
        if self.baseline is not None:
            salt = self.baseline.keying.salt
            if self.engine.fingerprint_salt != salt:
                raise ValueError(
                    "ScanRequest.baseline needs engine options keyed with its salt "
                    "(see rolecall.config.settings.with_keying)"
                )


def effective_jobs(jobs: int) -> int:
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Tally:
    """The counts of one scan while it runs (frozen into :class:`ScanStats` at the end).
    A plain class: a dataclass costs start-up time that every rescan pays."""

    __slots__ = ("bytes_scanned", "cached", "files_scanned", "files_seen", "files_skipped", "jobs")

    def __init__(self) -> None:
        self.files_seen = self.files_scanned = self.files_skipped = 0
        self.bytes_scanned = self.cached = 0
        self.jobs = 1


#: A file to scan and the options of its own configuration.
_Item = tuple[FileEntry, Profile]


class _Feed:
    """The walk's items, as the runner takes them: in this shard or dropped, counted,
    and answered from the cache (blob ids, the file index) where it can be."""

    def __init__(
        self,
        request: ScanRequest,
        default: Profile,
        tally: _Tally,
        on_notice: Callable[[Notice], None],
        progress: Progress | None,
        cache: ResultCache | None,
        profiles: dict[str, Profile],
    ) -> None:
        self.shard = request.shard
        self.default = default
        self.resolve = request.profiles
        self.tally = tally
        self.on_notice = on_notice
        self.progress = progress
        self.profiles = profiles
        self.from_index = IndexAnswers(cache, request.base)

    def profile_of(self, entry: FileEntry) -> Profile:
        profile = self.default if self.resolve is None else self.resolve(entry.path)
        self.profiles.setdefault(profile.key, profile)
        return profile

    def take(self, item: FileEntry | Notice | BlobHit) -> _Item | FileResult | None:
        """A file to scan, a file's result from the cache, or None (a skipped file,
        reported through ``on_notice``, or one of another shard)."""
        if isinstance(item, Notice):
            if in_shard(item.path, self.shard):
                self.tally.files_skipped += 1
                self.tally.files_seen += 1
                self.on_notice(item)
            return None
        entry = item.entry if isinstance(item, BlobHit) else item
        if not in_shard(entry.display, self.shard):
            return None
        self.tally.files_seen += 1
        if self.progress is not None:
            self.progress.start(self.tally.files_seen)
        if isinstance(item, BlobHit):
            return item.result
        profile = self.profile_of(entry)
        hit = self.from_index(entry, profile)
        return (entry, profile) if hit is None else hit


def iter_results(
    request: ScanRequest,
    engines: Engines,
    tally: _Tally,
    on_notice: Callable[[Notice], None],
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    on_ignored: Callable[[str], None] | None = None,
    seen_profiles: dict[str, Profile] | None = None,
) -> Iterator[FileResult]:
    """Walk ``request.paths`` and yield one result per file.

    Files the cache answers are yielded as the walk finds them; the rest are scanned,
    in process or by workers. An engine is made only when a file has to be scanned.
    Only the file list is held for the whole scan; results are yielded as they come,
    so memory does not grow with the tree beyond the list and the findings.
    """
    jobs = effective_jobs(request.jobs)
    profiles = seen_profiles if seen_profiles is not None else {}
    feed = _Feed(request, engines.default, tally, on_notice, progress, cache, profiles)
    items = _walk(request, cache, feed, on_ignored)
    scan = file_scan(engines, request.walk.max_file_size, cache)
    # Walk until the files to scan are enough for workers; a small scan (the pre-commit
    # case) runs here. A big one starts the workers at once, and the rest of the walk
    # feeds them batches as it goes, instead of the workers waiting for the whole walk.
    entries: list[_Item] = []  # files to scan
    total = 0
    for item in items:
        got = feed.take(item)
        if got is None:
            continue
        if isinstance(got, FileResult):
            yield got
            continue
        entries.append(got)
        total += got[0].size
        if jobs > 1 and (total >= PARALLEL_MIN_BYTES or len(entries) >= PARALLEL_MIN_FILES):
            break
    else:
        tally.jobs = 1
        for entry, profile in entries:
            yield scan(entry, profile)
        return
    tally.jobs = jobs
    later: list[FileResult] = []  # cache answers found while the workers run

    def all_entries() -> Iterator[_Item]:
        yield from list(entries)
        for item in items:
            got = feed.take(item)
            if isinstance(got, FileResult):
                later.append(got)
            elif got is not None:
                yield got

    from rolecall.engine import workers

    yield from workers.parallel(scan, engines.default, all_entries(), jobs)
    yield from later


def _walk(
    request: ScanRequest,
    cache: ResultCache | None,
    feed: _Feed,
    on_ignored: Callable[[str], None] | None,
) -> Iterator[FileEntry | Notice | BlobHit]:
    """The walk's items; with a cache inside git, the files git vouches for come
    answered by their blob id where the cache knows it."""
    shard = request.shard

    def ignored(path: str) -> None:
        if on_ignored is not None and in_shard(path.rstrip("/"), shard):
            on_ignored(path)

    walk_options = request.walk
    if cache is not None and cache.enabled:
        walk_options = replace(walk_options, git_blobs=True)
    items: Iterator[FileEntry | Notice | BlobHit] = iter(
        walk(request.paths, request.base, walk_options, ignored)
    )
    if cache is not None and walk_options.git_blobs:
        max_size = request.walk.max_file_size
        items = answer_blobs(items, cache, feed.profile_of, shard, request.base, max_size)
    return items


class _Collected:
    """What the file results add up to, gathered by :func:`run_scan` alone (a plain
    class, as :class:`_Tally`)."""

    def __init__(self) -> None:
        self.tally = _Tally()
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.notices: list[Notice] = []
        self.scanned_paths: list[str] = []
        self.ignored_paths: list[str] = []
        self.line_hashes: dict[tuple[str, int], str] = {}

    def add(self, result: FileResult) -> None:
        tally = self.tally
        self.findings.extend(result.findings)
        self.suppressed.extend(result.suppressed)
        self.notices.extend(result.notices)
        for line, value in result.line_hashes.items():
            self.line_hashes[(result.path, line)] = value
        if result.cached:
            tally.cached += 1
        if result.scanned:
            tally.files_scanned += 1
            tally.bytes_scanned += result.size
            self.scanned_paths.append(result.path)
        else:
            tally.files_skipped += 1

    def report(
        self, request: ScanRequest, tool_version: str, rules: list[RuleInfo], started: float
    ) -> ScanReport:
        """The frozen report: everything sorted, pathless notices said once."""
        notices = _dedupe_pathless(self.notices)
        notices.sort(key=lambda n: n.sort_key)
        t = self.tally
        stats = ScanStats(
            files_seen=t.files_seen,
            files_scanned=t.files_scanned,
            files_skipped=t.files_skipped,
            files_ignored=len(self.ignored_paths),
            bytes_scanned=t.bytes_scanned,
            seconds=time.perf_counter() - started,
            jobs=t.jobs,
            cached=t.cached,
        )
        shard = request.shard
        return ScanReport(
            root=os.path.abspath(request.base),
            tool_version=tool_version,
            rules=rules,
            findings=sorted(self.findings, key=lambda f: f.sort_key),
            suppressed=sorted(self.suppressed, key=lambda f: f.sort_key),
            notices=notices,
            stats=stats,
            shard=None if shard is None else f"{shard[0]}/{shard[1]}",
            scanned_paths=self.scanned_paths,
            ignored_paths=self.ignored_paths,
            line_hashes=self.line_hashes,
        )


def run_scan(
    request: ScanRequest,
    *,
    registry: Registry | None = None,
    tool_version: str = "",
    progress: Progress | None = None,
) -> ScanReport:
    """Scan everything ``request`` names and return the full report: walk, read, scan
    (through the cache), then the suppress stage's baseline, when the request has one."""
    started = time.perf_counter()
    engines = Engines(request.engine, registry)
    cache = open_cache(request.cache_dir, request.engine, request.walk.max_file_size, registry)
    got = _Collected()
    seen: dict[str, Profile] = {}
    rules: list[RuleInfo] = []
    try:
        results = iter_results(
            request,
            engines,
            got.tally,
            got.notices.append,
            cache,
            progress,
            got.ignored_paths.append,
            seen,
        )
        for result in results:
            if progress is not None:
                progress.advance()
            got.add(result)
        # The baseline judges staleness only for the rules that ran: it needs them.
        need_rules = request.rule_infos or request.baseline is not None
        got.notices.extend(_load_notices(engines, cache, need_rules))
        if need_rules:
            rules = _rule_infos(engines, seen)
    finally:
        if progress is not None:
            progress.close()
        if cache is not None:
            cache.close()
            got.notices.extend(cache.notices)
    report = got.report(request, tool_version, rules, started)
    if request.baseline is not None:
        from rolecall.suppress.baseline import apply_baseline

        report, _ = apply_baseline(report, request.baseline, report_stale=request.report_stale)
    from rolecall.cache.replay import note_scan

    note_scan(report.stats.seconds, cache is not None and cache.enabled)
    return report


def _rule_infos(engines: Engines, seen: dict[str, Profile]) -> list[RuleInfo]:
    """Every rule that some file's configuration enables."""
    engine = engines.engine()
    enabled = set(engine.rule_ids)
    for profile in seen.values():
        enabled.update(engines.engine(profile).rule_ids)
    return [i for i in engine.registry.infos() if i.id in enabled]


_LOAD_NOTICES = "rule-load-notices"


def _load_notices(loaded: Engines, cache: ResultCache | None, need_rules: bool) -> list[Notice]:
    """The notices of loading the rules (a broken plugin), also when the cache answered
    every file and no rule was loaded: they are kept in the cache beside the results."""
    from rolecall.cache.codec import decode_notices, encode_notices

    if not loaded.loaded and not need_rules and cache is not None:
        stored = cache.get_record(_LOAD_NOTICES)
        if stored is not None:
            try:
                return decode_notices(stored)
            except (ValueError, KeyError, TypeError):
                pass
    notices = list(loaded.engine().registry.notices)
    if cache is not None:
        cache.put_record(_LOAD_NOTICES, encode_notices(notices))
    return notices


def _dedupe_pathless(notices: list[Notice]) -> list[Notice]:
    """Workers each report a cache problem once; the report says it once."""
    seen: set[tuple[str, str]] = set()
    kept: list[Notice] = []
    for notice in notices:
        if notice.path is None:
            key = (notice.code.value, notice.message)
            if key in seen:
                continue
            seen.add(key)
        kept.append(notice)
    return kept
