"""The result cache's SQLite file: where it lives, its schema, opening and pruning.

One database in WAL mode under the user's cache directory, private to the user, beside a
``.gitignore`` that keeps it out of any repository. A file that is not a usable database
(a crash mid-write, a truncated or foreign file) is rebuilt once rather than leaving the
cache off for good. :class:`rolecall.cache.store.ResultCache` is the only user; it turns
the cache off with one notice when anything here raises.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import TYPE_CHECKING

from rolecall.cache.key import private_directory, private_file
from rolecall.model import Notice, NoticeCode, NoticeLevel

if TYPE_CHECKING:
    import sqlite3

DB_NAME = "results-v1.sqlite3"
BUSY_TIMEOUT = 10.0


def open_database(directory: str, notices: list[Notice]) -> sqlite3.Connection:
    """A connection to the cache database in ``directory``, created (or rebuilt, with a
    notice appended to ``notices``) as needed. Raises ``OSError`` or ``sqlite3.Error``."""
    import sqlite3

    path = os.path.join(directory, DB_NAME)
    private_directory(directory)
    _write_gitignore(directory)
    for attempt in (1, 2):
        private_file(path)
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            _setup(conn)
            return conn
        except sqlite3.OperationalError:
            conn.close()
            raise
        except sqlite3.DatabaseError:
            # Not a database (a crash mid-write, a truncated or foreign file):
            # rebuild it once rather than leave the cache off for good.
            conn.close()
            if attempt == 2:
                raise
            _remove_database(path)
            notices.append(
                Notice(
                    code=NoticeCode.INTERNAL,
                    message=f"result cache rebuilt: {DB_NAME} was not a usable database",
                    path=None,
                    level=NoticeLevel.INFO,
                )
            )
        except BaseException:
            conn.close()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def prune_database(
    conn: sqlite3.Connection, today: int, max_age_days: int, max_bytes: int, *, force: bool
) -> int:
    """Drop rows unused for ``max_age_days``, then the oldest results beyond
    ``max_bytes`` of values, at most once a day (unless ``force``); the rows removed.
    Raises ``sqlite3.Error`` (after rolling back)."""
    import sqlite3

    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'pruned'").fetchone()
        if not force and row is not None and row[0] >= today:
            return 0
        conn.execute("BEGIN IMMEDIATE")
        removed = 0
        for table in ("results", "files", "records"):
            removed += conn.execute(
                f"DELETE FROM {table} WHERE used < ?", (today - max_age_days,)
            ).rowcount
        total = conn.execute("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM results").fetchone()
        excess = int(total[0]) - max_bytes
        if excess > 0:
            removed += _drop_oldest(conn, excess)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (today,))
        conn.execute("COMMIT")
        return removed
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _setup(conn: sqlite3.Connection) -> None:
    import sqlite3

    for attempt in range(40):
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            # Switching to WAL can report "locked" at once, without the busy timeout,
            # while a parallel first run creates the database: retry briefly.
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, value BLOB NOT NULL,"
                " used INTEGER NOT NULL) WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS files (scope BLOB NOT NULL, path TEXT NOT NULL,"
                " stamp TEXT NOT NULL, value BLOB NOT NULL, used INTEGER NOT NULL,"
                " PRIMARY KEY (scope, path)) WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS records (key BLOB PRIMARY KEY, value BLOB NOT NULL,"
                " used INTEGER NOT NULL) WITHOUT ROWID"
            )
            return
        except sqlite3.OperationalError:
            if attempt == 39:
                raise
            time.sleep(0.05)


def _drop_oldest(conn: sqlite3.Connection, excess: int) -> int:
    removed = 0
    rows = conn.execute("SELECT key, LENGTH(value) FROM results ORDER BY used, key").fetchall()
    doomed = []
    for key, size in rows:
        if excess <= 0:
            break
        doomed.append((key,))
        excess -= int(size)
    conn.executemany("DELETE FROM results WHERE key = ?", doomed)
    removed += len(doomed)
    return removed


def _write_gitignore(directory: str) -> None:
    path = os.path.join(directory, ".gitignore")
    if not os.path.exists(path):
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write("# Created by rolecall: the result cache is local, never commit it.\n*\n")


def _remove_database(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path + suffix)
