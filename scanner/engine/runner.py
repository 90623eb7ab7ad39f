"""A whole scan: walk, read, run the engine (in parallel when it pays), collect.

Files are grouped into batches by size and sent to worker processes; results come back
in walk order, so output is deterministic whatever ``--jobs`` is. Small scans (the
pre-commit case) run in-process: starting workers would cost more than it saves. A
worker that dies takes no results with it: its batches are scanned again in-process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rolecall.cache.blobs import BlobHit, answer_blobs
from rolecall.config.options import (
    EngineOptions,
    FileResult,
    Profile,
    ProfileResolver,
    describe_options,
    make_profile,
)
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.output.linehash import finding_line_hashes
from rolecall.output.report import ScanReport, ScanStats
from rolecall.read import files
from rolecall.read.files import git_blob_id, read_entry
from rolecall.walk.shard import in_shard
from rolecall.walk.walker import FileEntry, WalkOptions, walk

if TYPE_CHECKING:
    from rolecall.cache.store import ResultCache
    from rolecall.engine.core import Engine
    from rolecall.output.progress import Progress
    from rolecall.plugin.registry import Registry

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


def scan_entry(
    engine: Engine,
    entry: FileEntry,
    max_size: int,
    cache: ResultCache | None = None,
    profile: str = "",
) -> FileResult:
    """Read and scan one file (or take its result from the cache); every failure is a
    notice on its result. The result goes into the cache: under the file's blob id when
    git vouched for the file and the bytes read are that blob, else into the file index.

    ``profile`` is the key of the engine's options when they are the file's own (see
    :class:`rolecall.config.options.Profile`): the cache keys of the file include it.
    """
    result, read = _scan_entry(engine, entry, max_size, cache, profile)
    if cache is None:
        return result
    if entry.blob and read is not None and git_blob_id(read, entry.blob) == entry.blob:
        key = cache.blob_key(entry.display, entry.blob, profile)
        if key is not None:
            cache.put_blob(key, len(read), result)
            return result
    cache.put_file(entry.display, index_stamp(entry, profile), entry.changed_ns, result)
    return result


def index_stamp(entry: FileEntry, profile: str) -> str:
    """The file index's stamp of ``entry``: what the file system says of its content,
    and the options it is scanned with (a changed configuration is a miss)."""
    if not entry.stamp or not profile:
        return entry.stamp
    return f"{entry.stamp}|{profile}"


def _scan_entry(
    engine: Engine, entry: FileEntry, max_size: int, cache: ResultCache | None, profile: str
) -> tuple[FileResult, bytes | None]:
    """The result, and the file's bytes when it was read whole as text (None otherwise:
    a file with binary content has no result filed under its blob id, and is answered
    by its stamp in the file index instead)."""
    result = FileResult(path=entry.display, size=entry.size)
    read = None
    try:
        if entry.size > files.PARSE_LIMIT:
            return _scan_large(engine, entry, max_size), None
        limit = min(max_size, files.PARSE_LIMIT)
        data, notices = read_entry(entry, limit)
        read = data
        if data is None and max_size > files.PARSE_LIMIT and _grew(notices):
            return _scan_large(engine, entry, max_size), None
        result.notices.extend(notices)
        if data is None:
            return result, read
        plan = engine.plan(entry.display, data, result)
        if plan is None:
            return result, read  # no rule wants the file: cheaper than a cache lookup
        key = cache.key(entry.display, data, profile) if cache is not None else None
        if key is not None and cache is not None:
            hit = cache.get(key, entry.display)
            if hit is not None:
                hit.size = entry.size
                return hit, read
        engine.run_plan(plan, result)
        if engine.options.line_hashes:
            result.line_hashes = finding_line_hashes(data, result.findings, result.suppressed)
        if key is not None and cache is not None:
            cache.put(key, result)
    except Exception as exc:  # a bug must not lose the other files' results
        read = None
        result.notices.append(
            Notice(
                code=NoticeCode.INTERNAL,
                message=f"internal error while scanning: {type(exc).__name__}",
                path=entry.display,
                level=NoticeLevel.ERROR,
            )
        )
    return result, read


def _grew(notices: list[Notice]) -> bool:
    """Whether reading stopped because the file grew past the parse limit."""
    return any(n.code is NoticeCode.TOO_LARGE for n in notices)


def _scan_large(engine: Engine, entry: FileEntry, max_size: int) -> FileResult:
    """A file too large to parse: its text, window by window (no content cache: hashing
    hundreds of megabytes costs more than the text rules)."""
    from rolecall.read.chunks import scan_large

    return scan_large(engine, entry, limit=max_size)


def effective_jobs(jobs: int) -> int:
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def iter_results(
    request: ScanRequest,
    get_engine: Callable[[Profile], Engine],
    stats: ScanStats,
    on_notice: Callable[[Notice], None],
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    on_ignored: Callable[[str], None] | None = None,
    seen_profiles: dict[str, Profile] | None = None,
) -> Iterator[FileResult]:
    """Walk ``request.paths`` and yield one result per file.

    Files the cache's file index answers are yielded as the walk finds them; the rest
    are scanned, in process or by workers. ``get_engine`` is called only when a file
    has to be scanned. Only the file list is held for the whole scan; results are
    yielded as they come, so memory does not grow with the tree beyond the list and the
    findings.
    """
    shard = request.shard
    jobs = effective_jobs(request.jobs)
    max_size = request.walk.max_file_size
    default = make_profile(request.engine)
    resolve = request.profiles
    profiles = seen_profiles if seen_profiles is not None else {}

    def profile_of(entry: FileEntry) -> Profile:
        profile = default if resolve is None else resolve(entry.path)
        profiles.setdefault(profile.key, profile)
        return profile

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
        items = answer_blobs(items, cache, profile_of, shard, request.base, max_size)
    # The file index is loaded when a file needs it: never, when git's listing and the
    # blob ids answer every file.
    index: dict[str, tuple[str, bytes, int]] | None = None
    from rolecall.cache.codec import decode_result  # with the cache, already imported

    entries: list[tuple[FileEntry, Profile]] = []  # files to scan
    seen = [0]  # files the walker offered (stats.files_seen)

    def accept(item: FileEntry | Notice | BlobHit) -> FileEntry | None:
        if isinstance(item, BlobHit):
            item = item.entry
        if isinstance(item, Notice):
            if in_shard(item.path, shard):
                stats.files_skipped += 1
                seen[0] += 1
                stats.files_seen = seen[0]
                on_notice(item)
            return None
        if not in_shard(item.display, shard):
            return None
        seen[0] += 1
        stats.files_seen = seen[0]
        if progress is not None:
            progress.start(seen[0])
        return item

    def from_index(entry: FileEntry, profile: Profile) -> FileResult | None:
        nonlocal index
        if cache is None:
            return None
        if index is None:
            index = cache.open_index(os.path.abspath(request.base))
        row = index.get(entry.display) if entry.stamp else None
        if row is None or row[0] != index_stamp(entry, profile.key):
            return None
        try:
            result = decode_result(row[1], entry.display)
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: scanned again, and the row replaced
        result.size = entry.size
        cache.index_hit(entry.display, row[2])
        return result

    # Walk until the files to scan are enough for workers; a small scan (the pre-commit
    # case) runs here. A big one starts the workers at once, and the rest of the walk
    # feeds them batches as it goes, instead of the workers waiting for the whole walk.
    total = 0
    parallel = False
    for item in items:
        entry = accept(item)
        if entry is None:
            continue
        if isinstance(item, BlobHit):
            yield item.result
            continue
        profile = profile_of(entry)
        hit = from_index(entry, profile)
        if hit is not None:
            yield hit
            continue
        entries.append((entry, profile))
        total += entry.size
        if jobs > 1 and (total >= PARALLEL_MIN_BYTES or len(entries) >= PARALLEL_MIN_FILES):
            parallel = True
            break
    if not parallel:
        stats.jobs = 1
        for entry, profile in entries:
            yield scan_entry(get_engine(profile), entry, max_size, cache, profile.key)
        return
    stats.jobs = jobs
    later: list[FileResult] = []  # index hits found while the workers run

    def all_entries() -> Iterator[tuple[FileEntry, Profile]]:
        yield from list(entries)
        for item in items:
            entry = accept(item)
            if entry is None:
                continue
            if isinstance(item, BlobHit):
                later.append(item.result)
                continue
            profile = profile_of(entry)
            hit = from_index(entry, profile)
            if hit is None:
                yield entry, profile
            else:
                later.append(hit)

    from rolecall.engine import workers

    yield from workers.parallel(get_engine, default, all_entries(), jobs, max_size, cache)
    yield from later


def open_cache(request: ScanRequest, registry: Registry | None = None) -> ResultCache | None:
    """The result cache for this scan's settings (None when caching is off, or when
    findings carry unkeyed fingerprints to match a version 1 baseline).

    Its fingerprint is made without loading a rule: from the installed rule plugins
    (entry points, with their distributions' versions) and the source files of their
    modules and of the engine, or from ``registry``'s rules when one is given.
    """
    if request.cache_dir is None or request.engine.legacy_fingerprints:
        # Findings of a scan against a 0.1.0 baseline carry unkeyed fingerprints for
        # matching: they stay in memory, never in the cache.
        return None
    from rolecall import __version__
    from rolecall.cache.key import scan_fingerprint
    from rolecall.cache.store import ResultCache

    parts = [
        f"rolecall {__version__}",
        f"max-file-size {request.walk.max_file_size}",
        *describe_options(request.engine),
    ]
    # rolecall.fingerprints: cached findings carry fingerprints derived by it.
    modules = {
        "rolecall.engine.core",
        "rolecall.read.document",
        "rolecall.read.parsers.common",
        "rolecall.fingerprints",
    }
    if registry is not None:
        for spec in registry.specs():
            origin = registry.origins.get(spec.id, "")
            version = registry.versions.get(origin, "")
            parts.append(f"rule {spec.id} {spec.qualname} {origin} {version}")
            modules.add(spec.module)
    else:
        from rolecall.plugin.entrypoints import (
            ENTRY_POINT_GROUP,
            entry_points,
            with_builtin_modules,
        )

        points = with_builtin_modules(entry_points(ENTRY_POINT_GROUP))
        for ep in sorted(points, key=lambda e: (e.name, e.value)):
            parts.append(f"plugin {ep.name} = {ep.value} {ep.dist} {ep.version}")
            modules.add(ep.value.split(":", 1)[0].strip())
    return ResultCache(request.cache_dir, scan_fingerprint(parts, sorted(modules)))


def run_scan(
    request: ScanRequest,
    *,
    registry: Registry | None = None,
    tool_version: str = "",
    progress: Progress | None = None,
) -> ScanReport:
    """Scan everything ``request`` names and return the full report."""
    started = time.perf_counter()
    report = ScanReport(root=os.path.abspath(request.base), tool_version=tool_version, rules=[])
    if request.shard is not None:
        report.shard = f"{request.shard[0]}/{request.shard[1]}"
    loaded = _Loaded(request.engine, registry)
    stats = report.stats
    cache = open_cache(request, registry)
    seen: dict[str, Profile] = {}
    try:
        results = iter_results(
            request,
            loaded.engine,
            stats,
            report.notices.append,
            cache,
            progress,
            report.ignored_paths.append,
            seen,
        )
        for result in results:
            if progress is not None:
                progress.advance()
            report.findings.extend(result.findings)
            report.suppressed.extend(result.suppressed)
            report.notices.extend(result.notices)
            for line, value in result.line_hashes.items():
                report.line_hashes[(result.path, line)] = value
            if result.cached:
                stats.cached += 1
            if result.scanned:
                stats.files_scanned += 1
                stats.bytes_scanned += result.size
                report.scanned_paths.append(result.path)
            else:
                stats.files_skipped += 1
        report.notices.extend(_load_notices(loaded, cache, request.rule_infos))
        if request.rule_infos:
            # Every rule that some file's configuration enables.
            engine = loaded.engine()
            enabled = set(engine.rule_ids)
            for profile in seen.values():
                enabled.update(loaded.engine(profile).rule_ids)
            report.rules = [i for i in engine.registry.infos() if i.id in enabled]
    finally:
        if progress is not None:
            progress.close()
        if cache is not None:
            cache.close()
            report.notices.extend(cache.notices)
    _dedupe_pathless(report.notices)
    report.findings.sort(key=lambda f: f.sort_key)
    report.suppressed.sort(key=lambda f: f.sort_key)
    report.notices.sort(key=lambda n: n.sort_key)
    stats.files_ignored = len(report.ignored_paths)
    stats.seconds = time.perf_counter() - started
    from rolecall.cache.replay import note_scan

    note_scan(stats.seconds, cache is not None and cache.enabled)
    return report


class _Loaded:
    """The rules and an engine per set of options, loaded on first use: never, when the
    cache answers all."""

    def __init__(self, options: EngineOptions, registry: Registry | None) -> None:
        self.default = make_profile(options)
        self.registry = registry
        self._engines: dict[str, Engine] = {}

    @property
    def loaded(self) -> bool:
        return bool(self._engines)

    def engine(self, profile: Profile | None = None) -> Engine:
        """The engine for ``profile`` (default: the request's options)."""
        profile = profile or self.default
        engine = self._engines.get(profile.key)
        if engine is None:
            from rolecall.engine.core import Engine
            from rolecall.plugin.registry import default_registry

            if self.registry is None:
                self.registry = default_registry()
            engine = Engine(self.registry, profile.options)
            self._engines[profile.key] = engine
        return engine


_LOAD_NOTICES = "rule-load-notices"


def _load_notices(loaded: _Loaded, cache: ResultCache | None, need_rules: bool) -> list[Notice]:
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


def _dedupe_pathless(notices: list[Notice]) -> None:
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
    notices[:] = kept
