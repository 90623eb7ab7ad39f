"""Inside a git work tree: the files git vouches for, answered by their blob id.

The walker gives such a file unstated (``size`` -1, its blob id set; see
:mod:`rolecall.walk.gitlist` for when git vouches for a file). :func:`answer_blobs` looks
the ids up in the result cache in batches: a known id is the file's result, without the
file being opened or stat'ed; an unknown one is stat'ed and checked as the walk checks
every file, and then scanned, and the result is filed under the id only if the bytes read are
that blob (see :class:`rolecall.cache.cached.CachedFileScan`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rolecall.model import Notice
from rolecall.walk.shard import in_shard
from rolecall.walk.walker import FileEntry

if TYPE_CHECKING:
    from rolecall.cache.store import ResultCache
    from rolecall.config.options import FileResult, Profile


class BlobHit:
    """A file git vouches for, answered from the cache by its blob id. (A plain class: a
    dataclass costs half a millisecond of start-up, which every rescan pays.)"""

    __slots__ = ("entry", "result")

    def __init__(self, entry: FileEntry, result: FileResult) -> None:
        self.entry = entry
        self.result = result


#: Files git vouches for are looked up in the cache this many at a time.
BLOB_BATCH = 256


def answer_blobs(
    items: Iterator[FileEntry | Notice | BlobHit],
    cache: ResultCache,
    profile_of: Callable[[FileEntry], Profile],
    shard: tuple[int, int] | None,
    base: str,
    max_size: int,
) -> Iterator[FileEntry | Notice | BlobHit]:
    """``items`` with the files git vouches for (``size`` -1) answered by their blob id
    (a :class:`BlobHit`) or, when the cache does not know it, stat'ed and checked as the
    walk checks every file (:func:`rolecall.walk.walker.stat_entry`). Walk order is kept."""
    from rolecall.cache.codec import decode_result
    from rolecall.walk.walker import stat_entry

    base = os.path.abspath(base)
    batch: list[FileEntry | Notice | BlobHit] = []

    def settle() -> Iterator[FileEntry | Notice | BlobHit]:
        keys: dict[int, bytes] = {}
        for i, item in enumerate(batch):
            if isinstance(item, FileEntry) and item.size < 0 and in_shard(item.display, shard):
                key = cache.blob_key(item.display, item.blob, profile_of(item).key)
                if key is not None:
                    keys[i] = key
        found = cache.get_blobs(list(keys.values())) if keys else {}
        for i, item in enumerate(batch):
            if not isinstance(item, FileEntry) or item.size >= 0:
                yield item
                continue
            if not in_shard(item.display, shard):
                yield item  # dropped by the caller unseen
                continue
            stored = found.get(keys[i]) if i in keys else None
            if stored is not None:
                try:
                    result = decode_result(stored[1], item.display, stored[0])
                except (ValueError, KeyError, TypeError):
                    pass  # unreadable: read and scanned, and the entry replaced
                else:
                    cache.hits += 1
                    yield BlobHit(item, result)
                    continue
            settled = stat_entry(item, base, max_size)
            if settled is not None:
                yield settled
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= BLOB_BATCH:
            yield from settle()
    yield from settle()
