"""Reading one file safely: never blocking on a FIFO, never reading past the size limit,
and turning every problem into a notice."""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING

from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.walk.walker import FileEntry

if TYPE_CHECKING:
    from rolecall.read.document import Document

BINARY_SNIFF = 8192
#: Files up to this size are read whole and every rule runs on them; larger ones are read
#: by the text rules in windows (:mod:`rolecall.read.chunks`).
PARSE_LIMIT = 5 * 1024 * 1024
#: What ``open`` with ``O_NOFOLLOW`` fails with on a symbolic link (Linux/macOS: ELOOP,
#: FreeBSD: EMLINK).
_LINK_ERRNOS = frozenset({errno.ELOOP, errno.EMLINK})


def open_entry(entry: FileEntry) -> int | Notice:
    """A descriptor open on the walked file itself, or a notice saying why not.

    Never follows a symbolic link the walk did not follow (``O_NOFOLLOW``), never blocks
    on a FIFO (``O_NONBLOCK``), and checks the descriptor (``fstat``): it must be a
    regular file and, where the walk saw one, the same device and inode. A file swapped
    for a link, a FIFO or another file between the walk and the read is not read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not entry.via_link:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(entry.path, flags)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return _notice(NoticeCode.UNREADABLE, entry, "file vanished during the scan")
        if exc.errno in _LINK_ERRNOS and not entry.via_link and os.path.islink(entry.path):
            return _notice(
                NoticeCode.SKIPPED_SPECIAL,
                entry,
                "replaced by a symbolic link after the walk; not followed",
            )
        return _notice(NoticeCode.UNREADABLE, entry, f"cannot open: {exc.strerror}")
    try:
        st = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        return _notice(NoticeCode.UNREADABLE, entry, f"cannot read: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        # Swapped for a FIFO or device after the walk: never read it.
        os.close(fd)
        return _notice(NoticeCode.SKIPPED_SPECIAL, entry, "not a regular file when opened")
    if entry.ino and (st.st_dev, st.st_ino) != (entry.dev, entry.ino):
        os.close(fd)
        return _notice(
            NoticeCode.SKIPPED_SPECIAL,
            entry,
            "replaced by another file after the walk; not read (scan again)",
        )
    return fd


def read_bytes(entry: FileEntry, max_size: int) -> bytes | Notice:
    """The file's bytes, or a notice saying why they could not be read."""
    fd = open_entry(entry)
    if isinstance(fd, Notice):
        return fd
    try:
        chunks: list[bytes] = []
        remaining = max_size + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        return _notice(NoticeCode.UNREADABLE, entry, f"cannot read: {exc.strerror}")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_size:
        return _notice(
            NoticeCode.TOO_LARGE,
            entry,
            f"file grew past the {max_size}-byte limit (max-file-size) and was skipped",
        )
    return data


def is_binary(data: bytes) -> bool:
    """NUL in the first 8 KiB, unless a BOM says the file is UTF-16/32 text."""
    if b"\0" not in data[:BINARY_SNIFF]:
        return False
    from rolecall.read.document import bom_encoding

    return bom_encoding(data) is None


def read_entry(entry: FileEntry, max_size: int) -> tuple[bytes | None, list[Notice]]:
    """The file's bytes if they are text to scan, else None; and the reading notices."""
    data = read_bytes(entry, max_size)
    if isinstance(data, Notice):
        return None, [data]
    if is_binary(data):
        notice = _notice(
            NoticeCode.BINARY, entry, "binary content (NUL byte) skipped", NoticeLevel.INFO
        )
        return None, [notice]
    return data, []


def git_blob_id(data: bytes, like: str) -> str:
    """git's id of a blob with content ``data``, in the hash of id ``like`` (SHA-1 ids
    have 40 hex digits, SHA-256 ones 64)."""
    import hashlib

    # SHA-1 names the blob here, as in git; it protects nothing.
    digest = hashlib.sha256() if len(like) == 64 else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def load_document(entry: FileEntry, max_size: int) -> tuple[Document | None, list[Notice]]:
    """A document for ``entry``, or None, and the notices reading it produced."""
    from rolecall.engine.core import decoding_notice
    from rolecall.read.document import Decoded, Document, decode

    data, notices = read_entry(entry, max_size)
    if data is None:
        return None, notices
    decoded: Decoded = decode(data)
    if decoded.errors:
        notices.append(decoding_notice(entry.display, decoded))
    return Document(entry.display, data, decoded=decoded), notices


def _notice(
    code: NoticeCode, entry: FileEntry, message: str, level: NoticeLevel = NoticeLevel.WARNING
) -> Notice:
    return Notice(code=code, message=message, path=entry.display, level=level)
