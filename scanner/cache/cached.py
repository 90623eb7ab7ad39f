"""The result cache as a stage: an engine with the engine's signature, and a file scan
that files its results, so the runner and the workers never handle a cache key.

:class:`CachedEngine` answers ``scan_bytes(path, data)`` like the engine it wraps: the
engine's cheap plan first (a file that no rule wants costs no lookup), then the content
key, then the rules on a miss. :class:`CachedFileScan` is the runner's per-file call
with the cache: after the scan it files the result under the file's blob id (when git
vouched for the file and the bytes read are that blob) or in the file index (by its
stamp). :class:`IndexAnswers` answers files from the file index before they are read.
See :mod:`rolecall.cache.store` for the keys and the storage.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rolecall.cache.codec import decode_result
from rolecall.config.options import EngineOptions, FileResult, Profile, describe_options
from rolecall.engine.filescan import Engines, FileScan, Scanner
from rolecall.read.files import git_blob_id
from rolecall.walk.walker import FileEntry

if TYPE_CHECKING:
    from rolecall.cache.store import ResultCache
    from rolecall.engine.core import Engine
    from rolecall.model import Notice
    from rolecall.plugin.registry import Registry


class CachedEngine:
    """``engine`` in front of ``cache``: the same results, each computed once.

    ``profile`` is the key of the engine's options when they are the file's own (see
    :class:`rolecall.config.options.Profile`): the cache keys include it.
    """

    def __init__(self, engine: Engine, cache: ResultCache, profile: str = "") -> None:
        self.engine = engine
        self.cache = cache
        self.profile = profile

    def scan_bytes(self, path: str, data: bytes) -> FileResult:
        """What ``engine.scan_bytes(path, data)`` returns, from the cache when it holds
        the result (marked ``cached``)."""
        planned = self.engine.plan(path, data)
        if isinstance(planned, FileResult):
            return planned  # no rule wants the file: cheaper than a cache lookup
        cache = self.cache
        key = cache.key(path, data, self.profile)
        if key is not None:
            hit = cache.get(key, path, len(data))
            if hit is not None:
                return hit
        result = self.engine.run_plan(planned)
        if key is not None:
            cache.put(key, result)
        return result


class CachedFileScan(FileScan):
    """:class:`FileScan` through the cache: each file's bytes go through a
    :class:`CachedEngine`, and its result is filed for the next scan to find without
    reading the file."""

    def __init__(self, engines: Engines, max_size: int, cache: ResultCache) -> None:
        super().__init__(engines, max_size)
        self.cache = cache

    def scanner(self, engine: Engine, profile: Profile) -> Scanner:
        return CachedEngine(engine, self.cache, profile.key)

    def scan(self, entry: FileEntry, profile: Profile) -> tuple[FileResult, bytes | None]:
        result, read = super().scan(entry, profile)
        self.file(entry, read, profile.key, result)
        return result, read

    def file(self, entry: FileEntry, read: bytes | None, profile: str, result: FileResult) -> None:
        """File ``result``: under the entry's blob id when git vouched for the file and
        the bytes read are that blob, else in the file index."""
        cache = self.cache
        if entry.blob and read is not None and git_blob_id(read, entry.blob) == entry.blob:
            key = cache.blob_key(entry.display, entry.blob, profile)
            if key is not None:
                cache.put_blob(key, len(read), result)
                return
        cache.put_file(entry.display, index_stamp(entry, profile), entry.changed_ns, result)

    def end_batch(self) -> list[Notice]:
        """One transaction per worker batch; the cache's own notices go with it."""
        self.cache.flush()
        notices = list(self.cache.notices)
        self.cache.notices.clear()
        return notices


def file_scan(engines: Engines, max_size: int, cache: ResultCache | None) -> FileScan:
    """The per-file call of a scan: through ``cache``, or straight to the engine."""
    if cache is None:
        return FileScan(engines, max_size)
    return CachedFileScan(engines, max_size, cache)


def index_stamp(entry: FileEntry, profile: str) -> str:
    """The file index's stamp of ``entry``: what the file system says of its content,
    and the options it is scanned with (a changed configuration is a miss)."""
    if not entry.stamp or not profile:
        return entry.stamp
    return f"{entry.stamp}|{profile}"


class IndexAnswers:
    """Files answered from the file index by their stamp, without being opened. The
    index is loaded on the first question: never, when git's listing and the blob ids
    answer every file."""

    def __init__(self, cache: ResultCache | None, base: str) -> None:
        self.cache = cache
        self.base = base
        self._rows: dict[str, tuple[str, bytes, int]] | None = None

    def __call__(self, entry: FileEntry, profile: Profile) -> FileResult | None:
        """The stored result of ``entry`` if its stamp is the one filed, else None."""
        cache = self.cache
        if cache is None:
            return None
        if self._rows is None:
            self._rows = cache.open_index(os.path.abspath(self.base))
        row = self._rows.get(entry.display) if entry.stamp else None
        if row is None or row[0] != index_stamp(entry, profile.key):
            return None
        try:
            result = decode_result(row[1], entry.display, entry.size)
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: scanned again, and the row replaced
        cache.index_hit(entry.display, row[2])
        return result


def open_cache(
    directory: str | None,
    options: EngineOptions,
    max_file_size: int,
    registry: Registry | None = None,
) -> ResultCache | None:
    """The result cache in ``directory`` for a scan with engine ``options`` (None when
    caching is off, or when findings carry unkeyed fingerprints to match a version 1
    baseline).

    Its fingerprint is made without loading a rule: from the installed rule plugins
    (entry points, with their distributions' versions) and the source files of their
    modules and of the engine, or from ``registry``'s rules when one is given.
    """
    if directory is None or options.legacy_fingerprints:
        # Findings of a scan against a 0.1.0 baseline carry unkeyed fingerprints for
        # matching: they stay in memory, never in the cache.
        return None
    from rolecall import __version__
    from rolecall.cache.key import scan_fingerprint
    from rolecall.cache.store import ResultCache

    parts = [
        f"rolecall {__version__}",
        f"max-file-size {max_file_size}",
        *describe_options(options),
    ]
    # rolecall's own code (engine, filters, fingerprints, built-in rules) is stamped as
    # whole package trees by scan_fingerprint; plugins' modules are added below.
    modules = {"rolecall"}
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
    return ResultCache(directory, scan_fingerprint(parts, sorted(modules)))
