"""The content-hash result cache: an unchanged file is never scanned twice.

Key: an HMAC-SHA256, under a secret kept in the user's cache directory, of the *scan
fingerprint* (rolecall version, the enabled rules with the distribution and version of
the plugin that provides each, the rule and engine source files' sizes and mtimes, every
engine option that changes results, the file-size limit, the Python version), the file's
display path (findings carry it; per-file ignores and kind detection depend on it), the
digest of the file's own engine options (each file gets its own directory's
configuration) and the file's bytes. Any change to any of them is a miss; nothing is ever
invalidated in place. The secret means a cache directory committed to a repository (or
planted in one) cannot inject or hide results: its keys cannot be computed without the
secret, so every lookup misses.

Value: the file's result (findings, suppressed findings, notices, kind) as JSON. Findings
carry only redacted evidence, fingerprints (SHA-256 over rule id and material) and key
ids (shown in full by policy, see DESIGN.md): the same fields the JSON report prints, so
the cache holds no secret the report would not. Results with internal or rule errors are
not stored (they may be transient).

File index: beside the content-keyed results, a table keyed by (scope, display path)
holds each file's *stamp* (size, modification and change times in ns, inode, device)
and its result, the scope being an HMAC of the fingerprint and the scan's base
directory. A file whose stamp is unchanged is answered from it without being opened, so
a second scan of an unchanged tree costs a walk and one query, and imports neither the
engine nor a rule. Like git's index, it trusts stamps only of files that had not changed
for :data:`SETTLED_NS` when they were scanned: a file written again within the
file system's time resolution is read, hashed and looked up by content instead.

Blob ids: inside a git work tree, a file git vouches for (see :mod:`rolecall.walk.gitlist`:
tracked, unmodified against the index by git's own check, a regular file with no
content-converting attribute) is answered by the id of its blob, without being opened
or stat'ed: its entry's key is the HMAC of the fingerprint, the file's options digest,
its display path and the blob id, in a domain of its own (no content key can equal it).
The entry is written only after a scan that read the file, and only if the bytes read
hash to that same id (git's blob hash): a result is never filed under an id its content
does not have, whatever happened between git's listing and the read. The id itself is
trusted only from git's output for the work tree being scanned (never from a file), and
its value also holds the file's size, so the report's byte count stays exact.

Storage: one SQLite database in WAL mode (the file itself, its schema, opening and
pruning: :mod:`rolecall.cache.database`). Readers never wait for writers; writers (each
process, each worker process, its own connection) write a whole batch in one short
``BEGIN IMMEDIATE`` transaction, waiting up to 10 s for another process's transaction,
so parallel runs (pre-commit runs batches in parallel) are safe. One file per entry was
measured first: 1.7 s to write 2,338 entries atomically (temp file + rename each) against
18 ms for SQLite. Rows not used for 30 days are pruned, and the oldest beyond 256 MB of
values, at most once a day. The cache is best-effort: any error turns it off for the
rest of the run with one notice, and the scan goes on uncached.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import time
from typing import TYPE_CHECKING, Any

from rolecall.cache.codec import decode_result, encode_result
from rolecall.cache.database import DB_NAME, open_database, prune_database
from rolecall.cache.key import load_secret, user_cache_dir
from rolecall.model import Notice, NoticeCode, NoticeLevel

if TYPE_CHECKING:
    import sqlite3

    from rolecall.config.options import FileResult

MAX_AGE_DAYS = 30
MAX_VALUE_BYTES = 256 * 1024 * 1024
BUSY_TIMEOUT = 10.0
#: A file changed less than this long before the scan is not entered in the file index.
SETTLED_NS = 2_000_000_000
#: Notices that may be transient: results carrying them are not stored.
UNCACHEABLE = frozenset({NoticeCode.INTERNAL, NoticeCode.RULE_ERROR, NoticeCode.LIMIT})


def _today() -> int:
    return int(time.time() // 86400)


class ResultCache:
    """Per-process handle on the cache database; safe to carry into forked workers."""

    def __init__(self, directory: str, fingerprint: bytes, *, secret_dir: str | None = None):
        self.directory = directory
        self.fingerprint = fingerprint
        self.secret_dir = secret_dir or user_cache_dir()
        self.enabled = True
        self.notices: list[Notice] = []
        self._secret: bytes | None = None
        self._base_mac: hmac.HMAC | None = None
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._pending: list[tuple[bytes, bytes, int]] = []
        self._touched: list[bytes] = []
        self._files: list[tuple[bytes, str, str, bytes, int]] = []
        self._files_touched: list[tuple[bytes, str]] = []
        self._records: list[tuple[bytes, bytes, int]] = []
        #: The file index's scope for this scan (see :meth:`open_index`); None: unused.
        self.scope: bytes | None = None
        #: Files changed after this time (ns) are not entered in the file index.
        self.settled_before = time.time_ns() - SETTLED_NS
        self._day = _today()
        self.hits = 0
        self.misses = 0

    # -- keys and connection ---------------------------------------------------------

    def _mac(self) -> hmac.HMAC | None:
        if not self.enabled:
            return None
        if self._base_mac is None:
            try:
                self._secret = load_secret(self.secret_dir)
            except OSError as exc:
                self._fail(f"cannot read or create its key: {exc.strerror}")
                return None
            self._base_mac = hmac.new(self._secret, self.fingerprint, "sha256")
        return self._base_mac.copy()

    def key(self, path: str, data: bytes, profile: str = "") -> bytes | None:
        """The entry key of ``path`` with content ``data`` (None when the cache is off),
        scanned with the options whose digest is ``profile`` (the file's own
        configuration's, when it differs from the scan's; see ``options.Profile``)."""
        mac = self._mac()
        if mac is None:
            return None
        if profile:
            mac.update(b"\0profile\0" + profile.encode("ascii") + b"\0")
        mac.update(path.encode("utf-8", "surrogatepass"))
        mac.update(b"\0")
        mac.update(data)
        return mac.digest()

    def _adopt(self) -> None:
        """In a forked worker, before its first entry: leave the parent's connection and
        unwritten entries to the parent (a connection must not cross a fork), so that
        the worker's own entries, written before it first connects, are kept."""
        if self._pid not in (-1, os.getpid()):
            self._pending, self._touched, self._files, self._files_touched = [], [], [], []
            self._records = []
            self._conn, self._pid = None, -1

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self._adopt()
        self._conn = None
        import sqlite3

        try:
            conn = open_database(self.directory, self.notices)
        except (OSError, sqlite3.Error) as exc:
            self._fail(f"cannot open {DB_NAME}: {type(exc).__name__}")
            return None
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _fail(self, why: str) -> None:
        self.enabled = False
        self.notices.append(
            Notice(
                code=NoticeCode.INTERNAL,
                message=f"result cache turned off for this run: {why}",
                path=None,
                level=NoticeLevel.INFO,
            )
        )

    def named_key(self, name: str) -> bytes | None:
        """The key of a per-fingerprint record (not a file), e.g. the rule load notices."""
        mac = self._mac()
        if mac is None:
            return None
        mac.update(b"\0record\0" + name.encode("utf-8"))
        return mac.digest()

    def get_record(self, name: str) -> bytes | None:
        """The value stored by :meth:`put_record` under this fingerprint, or None."""
        key = self.named_key(name)
        rows = self._query("SELECT value FROM records WHERE key = ?", key) if key else None
        return bytes(rows[0][0]) if rows else None

    def put_record(self, name: str, value: bytes) -> None:
        key = self.named_key(name)
        if key is not None:
            self._adopt()
            self._records.append((key, value, _today()))

    # -- blob ids (inside a git work tree) ---------------------------------------------

    def blob_key(self, path: str, blob: str, profile: str = "") -> bytes | None:
        """The entry key of ``path`` when git vouches its bytes are blob ``blob``."""
        mac = self._mac()
        if mac is None:
            return None
        text = f"\0blob\0{profile}\0{blob}\0{path}"  # one update: asked for every file
        mac.update(text.encode("utf-8", "surrogatepass"))
        return mac.digest()

    def get_blobs(self, keys: list[bytes]) -> dict[bytes, tuple[int, bytes]]:
        """The stored (size, result) of each of ``keys`` that has one, in few queries."""
        found: dict[bytes, tuple[int, bytes]] = {}
        for start in range(0, len(keys), 500):  # SQLite's variable limit is 999 or more
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query_many(
                f"SELECT key, value, used FROM results WHERE key IN ({marks})", chunk
            )
            if rows is None:
                return {}
            for key, value, used in rows:
                size, sep, body = bytes(value).partition(b"\0")
                if sep and size.isdigit():
                    found[bytes(key)] = (int(size), body)
                    if used < self._day:
                        self._touched.append(bytes(key))
        return found

    def put_blob(self, key: bytes, size: int, result: FileResult) -> None:
        """Store ``result`` under a blob key (the caller checked the bytes' blob id)."""
        if not self.enabled or any(n.code in UNCACHEABLE for n in result.notices):
            return
        self._adopt()
        self._pending.append((key, b"%d\0" % size + encode_result(result), _today()))
        if len(self._pending) >= 512:
            self.flush()

    # -- the file index --------------------------------------------------------------

    def open_index(self, base: str) -> dict[str, tuple[str, bytes, int]]:
        """Set the file index's scope to ``base`` and return its rows:
        display path -> (stamp, result, day last used)."""
        mac = self._mac()
        if mac is None:
            return {}
        mac.update(b"\0files\0" + base.encode("utf-8", "surrogatepass"))
        self.scope = mac.digest()
        rows = self._query("SELECT path, stamp, value, used FROM files WHERE scope = ?", self.scope)
        return {str(p): (str(st), bytes(v), int(u)) for p, st, v, u in rows or ()}

    def index_hit(self, path: str, used: int) -> None:
        """Note a file answered from the index (its row's age is refreshed once a day)."""
        self.hits += 1
        if used < self._day and self.scope is not None:
            self._adopt()
            self._files_touched.append((self.scope, path))

    def put_file(self, path: str, stamp: str, changed_ns: int, result: FileResult) -> None:
        """Enter ``result`` in the file index, if the file had settled when it was read."""
        if (
            self.scope is None
            or not stamp
            or changed_ns >= self.settled_before
            or not self.enabled
            or any(n.code in UNCACHEABLE for n in result.notices)
        ):
            return
        self._adopt()
        self._files.append((self.scope, path, stamp, encode_result(result), _today()))
        if len(self._files) >= 512:
            self.flush()

    # -- lookups and stores ----------------------------------------------------------

    def _query(self, sql: str, key: bytes) -> list[Any] | None:
        """The rows of one read, or None when the cache is (or just turned) off."""
        return self._query_many(sql, [key])

    def _query_many(self, sql: str, keys: list[bytes]) -> list[Any] | None:
        conn = self._connect()
        if conn is None:
            return None
        import sqlite3

        try:
            return conn.execute(sql, keys).fetchall()
        except sqlite3.Error as exc:
            self._fail(f"lookup failed: {type(exc).__name__}")
            return None

    def get(self, key: bytes, path: str, size: int = 0) -> FileResult | None:
        """The stored result under ``key``, for the file at ``path`` of ``size`` bytes."""
        rows = self._query("SELECT value, used FROM results WHERE key = ?", key)
        if rows is None:
            return None
        if not rows:
            self.misses += 1
            return None
        row = rows[0]
        try:
            result = decode_result(row[0], path, size)
        except (ValueError, KeyError, TypeError):
            self.misses += 1  # an entry we cannot read is a miss; put() replaces it
            return None
        if row[1] < _today():
            self._touched.append(key)
        self.hits += 1
        return result

    def put(self, key: bytes, result: FileResult) -> None:
        if not self.enabled or any(n.code in UNCACHEABLE for n in result.notices):
            return
        self._adopt()
        self._pending.append((key, encode_result(result), _today()))
        if len(self._pending) >= 512:
            self.flush()

    def flush(self) -> None:
        """Write the pending entries in one transaction (each worker after each batch)."""
        if not self.enabled or not (
            self._pending or self._touched or self._files or self._files_touched or self._records
        ):
            return
        conn = self._connect()
        if conn is None:
            return
        import sqlite3

        pending, touched = self._pending, self._touched
        files, files_touched, records = self._files, self._files_touched, self._records
        self._pending, self._touched, self._files, self._files_touched = [], [], [], []
        self._records = []
        today = _today()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", pending)
                conn.executemany(
                    "UPDATE results SET used = ? WHERE key = ?", [(today, k) for k in touched]
                )
                conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
                conn.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)", records)
                conn.executemany(
                    "UPDATE files SET used = ? WHERE scope = ? AND path = ?",
                    [(today, scope, p) for scope, p in files_touched],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._fail(f"write failed: {type(exc).__name__}")

    def close(self) -> None:
        """Flush, prune at most once a day, and close."""
        self.flush()
        if self._conn is not None and self._pid == os.getpid() and self.enabled:
            self.prune()
        if self._conn is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def prune(self, *, force: bool = False) -> int:
        """Drop rows unused for MAX_AGE_DAYS, then the oldest beyond MAX_VALUE_BYTES."""
        conn = self._connect()
        if conn is None:
            return 0
        import sqlite3

        try:
            return prune_database(conn, _today(), MAX_AGE_DAYS, MAX_VALUE_BYTES, force=force)
        except sqlite3.Error as exc:
            self._fail(f"pruning failed: {type(exc).__name__}")
            return 0

    def __getstate__(self) -> dict[str, Any]:
        # Spawned workers get the settings, never a connection.
        state = dict(self.__dict__)
        state.update(
            _base_mac=None,
            _conn=None,
            _pid=-1,
            _pending=[],
            _touched=[],
            _files=[],
            _files_touched=[],
            _records=[],
        )
        return state
