"""One walked file through the read and scan stages: its bytes, then the engine's result.

:class:`FileScan` is what the runner and the worker processes run for every file, the
same object in both (workers receive it as a parameter). It reads the file (a file too
large to parse goes to :mod:`rolecall.read.chunks` window by window) and hands the bytes
to a *scanner*: an :class:`~rolecall.engine.core.Engine`, or with a result cache the
:class:`~rolecall.cache.cached.CachedEngine` around it, which has the same
``scan_bytes(path, data)``. The runner never sees a cache key.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from rolecall.config.options import EngineOptions, FileResult, Profile, make_profile
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.read import files
from rolecall.read.files import read_entry
from rolecall.walk.walker import FileEntry

if TYPE_CHECKING:
    from rolecall.engine.core import Engine
    from rolecall.plugin.registry import Registry


class Scanner(Protocol):
    """What scans one file's bytes: the engine, or the cached engine around it."""

    def scan_bytes(self, path: str, data: bytes) -> FileResult: ...


class Engines:
    """The rules and an engine per set of options, loaded on first use: never, when the
    cache answers all. Pickled for a spawned worker without its engines (they are made
    again there, on the default registry, as a worker always did)."""

    def __init__(self, options: EngineOptions, registry: Registry | None = None) -> None:
        self.default = make_profile(options)
        self.registry = registry
        self._engines: dict[str, Engine] = {}

    @property
    def loaded(self) -> bool:
        return bool(self._engines)

    def engine(self, profile: Profile | None = None) -> Engine:
        """The engine for ``profile`` (default: the scan's own options)."""
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

    def __getstate__(self) -> dict[str, Any]:
        return {"default": self.default, "registry": None, "_engines": {}}


class FileScan:
    """Read and scan one file; every failure is a notice on its result.

    The base class scans without a cache; :class:`rolecall.cache.cached.CachedFileScan`
    adds the result cache (same call, same results).
    """

    def __init__(self, engines: Engines, max_size: int) -> None:
        self.engines = engines
        self.max_size = max_size

    def __call__(self, entry: FileEntry, profile: Profile) -> FileResult:
        return self.scan(entry, profile)[0]

    def scanner(self, engine: Engine, profile: Profile) -> Scanner:
        """What scans the bytes of a file with ``profile``'s options."""
        return engine

    def scan(self, entry: FileEntry, profile: Profile) -> tuple[FileResult, bytes | None]:
        """The result, and the file's bytes when it was read whole as text (None
        otherwise: such a file has no result filed under its blob id)."""
        engine = self.engines.engine(profile)
        try:
            return read_and_scan(engine, self.scanner(engine, profile), entry, self.max_size)
        except Exception as exc:  # a bug must not lose the other files' results
            return internal_error(entry, exc), None

    def end_batch(self) -> list[Notice]:
        """Called after each worker batch: what the batch has to tell beyond its files."""
        return []


def read_and_scan(
    engine: Engine, scanner: Scanner, entry: FileEntry, max_size: int
) -> tuple[FileResult, bytes | None]:
    """Read ``entry`` and scan its bytes with ``scanner`` (``engine`` scans a file too
    large to parse, window by window: no content cache, hashing hundreds of megabytes
    costs more than the text rules)."""
    if entry.size > files.PARSE_LIMIT:
        return _scan_large(engine, entry, max_size), None
    data, notices = read_entry(entry, min(max_size, files.PARSE_LIMIT))
    if data is None:
        if max_size > files.PARSE_LIMIT and _grew(notices):
            return _scan_large(engine, entry, max_size), None
        return FileResult(path=entry.display, size=entry.size, notices=notices), None
    result = scanner.scan_bytes(entry.display, data)
    if result.size != entry.size:  # the file changed size between the walk and the read
        result = replace(result, size=entry.size)
    return result, data


def scan_entry(engine: Engine, entry: FileEntry, max_size: int) -> FileResult:
    """Read and scan one file with ``engine``, without a cache (``rolecall fix`` for the
    files too large to fix)."""
    try:
        return read_and_scan(engine, engine, entry, max_size)[0]
    except Exception as exc:
        return internal_error(entry, exc)


def internal_error(entry: FileEntry, exc: Exception) -> FileResult:
    """The result of a file whose scan raised: one notice, naming the exception's type."""
    notice = Notice(
        code=NoticeCode.INTERNAL,
        message=f"internal error while scanning: {type(exc).__name__}",
        path=entry.display,
        level=NoticeLevel.ERROR,
    )
    return FileResult(path=entry.display, size=entry.size, notices=[notice])


def _grew(notices: list[Notice]) -> bool:
    """Whether reading stopped because the file grew past the parse limit."""
    return any(n.code is NoticeCode.TOO_LARGE for n in notices)


def _scan_large(engine: Engine, entry: FileEntry, max_size: int) -> FileResult:
    from rolecall.read.chunks import scan_large

    return scan_large(engine, entry, limit=max_size)
