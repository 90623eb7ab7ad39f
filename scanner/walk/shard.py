"""``--shard K/N``: split the file set into N disjoint parts by a stable hash of the path.

The shard of a file depends only on its display path (relative to the scan base, '/'
separators) and N: never on the machine, the Python version (``hash()`` is salted per
process, so it is not used), the walk order or the other files. N jobs that scan the
same checkout from the same directory with K = 1..N therefore cover every file exactly
once, and a file stays in its shard while other files come and go.
"""

from __future__ import annotations

import hashlib

from rolecall.errors import ShardError as ShardError  # re-exported


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/5"`` -> ``(2, 5)``; ShardError unless 1 <= K <= N."""
    k_text, sep, n_text = text.strip().partition("/")
    try:
        k, n = int(k_text), int(n_text)
    except ValueError:
        k = n = 0
    if not sep or n < 1 or not 1 <= k <= n:
        raise ShardError(f"expected K/N with 1 <= K <= N (e.g. 1/4), got {text!r}")
    return k, n


def shard_of(path: str, count: int) -> int:
    """The 1-based shard of display path ``path`` among ``count`` shards."""
    digest = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1


def in_shard(path: str | None, shard: tuple[int, int] | None) -> bool:
    """Whether ``path`` belongs to ``shard``; path-less items belong to shard 1 only."""
    if shard is None:
        return True
    k, n = shard
    if path is None:
        return k == 1
    return shard_of(path, n) == k
