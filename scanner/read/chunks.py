"""Large files: the text rules read them in bounded, overlapping windows.

Keys leak in 10-30 MB minified bundles (build tools inline environment variables), far
past what is worth parsing whole. A file larger than the parse limit is decoded as a
stream and scanned window by window: each window *owns* ``chunk`` characters and also
shows the rules ``overlap`` characters on either side, so a credential, a key id and its
secret, or a session token that spans an owned boundary is seen whole, with the context
the rules look at. A finding is kept only by the window that owns its start, so it is
reported once. Memory holds one window, whatever the size of the file.

Positions are the file's: each window's lines, columns (code points and UTF-16 units)
and offsets are shifted by where the window starts, counted with the same line breaks
as :class:`rolecall.read.document.LineIndex` (``\\n``, ``\\r\\n``, a lone ``\\r``), also when a
``\\r\\n`` or a long line is cut by a window edge.

The rules that need a parsed view (YAML, JSON, Python...) do not run on such a file;
a notice names them.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rolecall.config.options import FileResult
from rolecall.model import Finding, Location, Notice, NoticeCode, NoticeLevel
from rolecall.read import files
from rolecall.read.document import (
    Decoded,
    DocKind,
    Document,
    bom_encoding,
    detect_kind,
    kind_family,
)

if TYPE_CHECKING:
    from rolecall.engine.core import Engine
    from rolecall.walk.walker import FileEntry

#: Characters each window owns, and the context shown on each side of them. The
#: overlap is far wider than any credential or pairing window (2,000 characters).
CHUNK_CHARS = 4 * 1024 * 1024
OVERLAP_CHARS = 64 * 1024
#: Bytes read at a time.
READ_BYTES = 1024 * 1024

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _Replacements:
    """Counts the undecodable sequences the ``rolecall.count`` error handler replaced."""

    count = 0

    @classmethod
    def handler(cls, exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        cls.count += 1
        return "\ufffd", exc.end


codecs.register_error("rolecall.count", _Replacements.handler)


@dataclasses.dataclass
class _Cursor:
    """The file position of a window's first character."""

    offset: int = 0
    line: int = 1
    column: int = 1  # code points, 1-based
    column_utf16: int = 1

    def advance(self, text: str, following: str) -> None:
        """Move past ``text``; ``following`` is the character after it ('' at the end)."""
        if not text:
            return
        breaks = text.count("\n")
        last = text.rfind("\n")
        pos = text.find("\r")
        while pos != -1:
            nxt = text[pos + 1] if pos + 1 < len(text) else following
            if nxt != "\n":
                breaks += 1
                last = max(last, pos)
            pos = text.find("\r", pos + 1)
        self.offset += len(text)
        if breaks:
            self.line += breaks
            tail = text[last + 1 :]
            self.column = len(tail) + 1
            self.column_utf16 = len(tail) + len(_ASTRAL.findall(tail)) + 1
        else:
            self.column += len(text)
            self.column_utf16 += len(text) + len(_ASTRAL.findall(text))


def _shift(loc: Location, at: _Cursor) -> Location:
    first, end_first = loc.line == 1, loc.end_line == 1
    return dataclasses.replace(
        loc,
        line=loc.line + at.line - 1,
        column=loc.column + (at.column - 1 if first else 0),
        column_utf16=loc.column_utf16 + (at.column_utf16 - 1 if first else 0),
        end_line=loc.end_line + at.line - 1,
        end_column=loc.end_column + (at.column - 1 if end_first else 0),
        end_column_utf16=loc.end_column_utf16 + (at.column_utf16 - 1 if end_first else 0),
        start_offset=loc.start_offset + at.offset,
        end_offset=loc.end_offset + at.offset,
    )


def _shift_finding(finding: Finding, at: _Cursor) -> Finding:
    fix = finding.fix
    if fix is not None:
        edits = tuple(
            dataclasses.replace(
                e,
                start=e.start + at.offset,
                end=e.end + at.offset,
                location=_shift(e.location, at),
            )
            for e in fix.edits
        )
        fix = dataclasses.replace(fix, edits=edits)
    related = tuple(
        dataclasses.replace(r, location=_shift(r.location, at)) for r in finding.related
    )
    return dataclasses.replace(
        finding, location=_shift(finding.location, at), fix=fix, related=related
    )


class FileGrew(Exception):
    """The file grew past the size limit while it was read."""


def _pieces(fd: int, encoding: str, skip: int, limit: int | None) -> Iterator[str]:
    """The file's text, decoded as a stream (a character cut by a read is kept whole)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="rolecall.count")
    os.lseek(fd, skip, os.SEEK_SET)
    total = skip
    while True:
        data = os.read(fd, READ_BYTES)
        total += len(data)
        if limit is not None and total > limit:
            raise FileGrew
        if not data:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        text = decoder.decode(data)
        if text:
            yield text


def windows(
    fd: int,
    encoding: str,
    skip: int,
    *,
    chunk: int = CHUNK_CHARS,
    overlap: int = OVERLAP_CHARS,
    limit: int | None = None,
) -> Iterator[tuple[str, _Cursor, int, int]]:
    """``(text, start, own_start, own_end)`` per window: offsets are the file's, in
    characters; a finding starting in ``[own_start, own_end)`` belongs to the window."""
    if chunk < 1 or overlap < 0:
        raise ValueError("chunk must be positive and overlap not negative")
    pieces = _pieces(fd, encoding, skip, limit)
    buffer: list[str] = []
    buffered = 0  # characters in buffer
    cursor = _Cursor()  # the position of buffer[0]
    own_start = 0
    done = False
    while True:
        want = own_start + chunk + overlap - cursor.offset
        while buffered < want and not done:
            piece = next(pieces, None)
            if piece is None:
                done = True
            else:
                buffer.append(piece)
                buffered += len(piece)
        text = "".join(buffer)
        last = done and cursor.offset + len(text) <= own_start + chunk
        own_end = cursor.offset + len(text) if last else own_start + chunk
        # A read may have brought more than the window shows; the rest stays buffered.
        yield text[: own_end + overlap - cursor.offset], cursor, own_start, own_end
        if last:
            return
        # The next window starts ``overlap`` before the next owned range.
        cut = own_end - overlap - cursor.offset
        if cut > 0:
            moved = dataclasses.replace(cursor)
            moved.advance(text[:cut], text[cut : cut + 1])
            cursor = moved
            text = text[cut:]
        buffer, buffered = [text], len(text)
        own_start = own_end


def view_rules(engine: Engine, kinds: frozenset[DocKind]) -> list[str]:
    """The rules that would read a parsed view of a file of ``kinds``."""
    return [
        spec.id
        for i, spec in enumerate(engine.specs)
        if spec.kinds is not None
        and not engine.reads_text(i)
        and not kinds.isdisjoint(DocKind(k) for k in spec.kinds)
    ]


def scan_large(
    engine: Engine,
    entry: FileEntry,
    *,
    chunk: int = CHUNK_CHARS,
    overlap: int = OVERLAP_CHARS,
    limit: int | None = None,
) -> FileResult:
    """Scan ``entry`` window by window with the text rules (see the module docstring);
    a file that grows past ``limit`` bytes while it is read is not reported on."""
    from rolecall.read.files import is_binary, open_entry

    fd = open_entry(entry)
    if isinstance(fd, Notice):
        return _alone(entry, fd)
    got = _Gathered()
    try:
        head = os.pread(fd, 8192, 0)
        if is_binary(head):
            binary = "binary content (NUL byte) skipped"
            return _alone(entry, _notice(entry, binary, NoticeCode.BINARY, NoticeLevel.INFO))
        found = bom_encoding(head)
        encoding, skip = found if found is not None else ("utf-8", 0)
        first_line = head[skip:].split(b"\n", 1)[0].decode("utf-8", "replace")
        kind = detect_kind(entry.display, first_line if first_line.startswith("#!") else "")
        _scan_windows(engine, entry, fd, encoding, skip, kind, got, chunk, overlap, limit)
        return got.result(entry, kind, engine, encoding)
    except FileGrew:
        grew = f"file grew past the {limit}-byte limit (max-file-size) and was skipped"
        return _alone(entry, _notice(entry, grew, NoticeCode.TOO_LARGE))
    except OSError as exc:
        # What the windows read before the error is still reported, with the notice.
        unreadable = f"cannot read: {exc.strerror}"
        got.notices.append(_notice(entry, unreadable, NoticeCode.UNREADABLE))
        return FileResult(entry.display, got.findings, got.suppressed, got.notices, size=entry.size)
    finally:
        os.close(fd)


def _alone(entry: FileEntry, notice: Notice) -> FileResult:
    """The result of a large file that was not scanned: one notice."""
    return FileResult(path=entry.display, size=entry.size, notices=[notice])


@dataclasses.dataclass
class _Gathered:
    """What the windows of one file found so far (the result is made once, at the end)."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    suppressed: list[Finding] = dataclasses.field(default_factory=list)
    notices: list[Notice] = dataclasses.field(default_factory=list)

    def result(self, entry: FileEntry, kind: DocKind, engine: Engine, encoding: str) -> FileResult:
        notices = [*self.notices, *_window_notices(engine, entry, kind, encoding)]
        return FileResult(
            path=entry.display,
            findings=sorted(self.findings, key=lambda f: f.sort_key),
            suppressed=sorted(self.suppressed, key=lambda f: f.sort_key),
            notices=sorted(notices, key=lambda n: n.sort_key),
            kind=kind.value,
            size=entry.size,
            scanned=True,
        )


def _scan_windows(
    engine: Engine,
    entry: FileEntry,
    fd: int,
    encoding: str,
    skip: int,
    kind: DocKind,
    got: _Gathered,
    chunk: int,
    overlap: int,
    limit: int | None,
) -> None:
    _Replacements.count = 0
    seen_notices: set[tuple[str, str, int | None]] = set()
    for text, start, own_start, own_end in windows(
        fd, encoding, skip, chunk=chunk, overlap=overlap, limit=limit
    ):
        data = text.encode("utf-8", "surrogatepass")
        doc = Document(entry.display, data, kind=kind, decoded=Decoded(text, "utf-8", False, 0))
        part = engine.scan_text_rules(doc)
        for found, into in ((part.findings, got.findings), (part.suppressed, got.suppressed)):
            for finding in found:
                begin = finding.location.start_offset + start.offset
                if own_start <= begin < own_end:
                    into.append(_shift_finding(finding, start))
        for notice in part.notices:
            line = None if notice.line is None else notice.line + start.line - 1
            key = (notice.code.value, notice.message, line)
            if key not in seen_notices:
                seen_notices.add(key)
                got.notices.append(dataclasses.replace(notice, line=line))


def _window_notices(engine: Engine, entry: FileEntry, kind: DocKind, encoding: str) -> list[Notice]:
    """What a window-by-window scan tells beyond the windows' own notices: undecodable
    bytes, and the rules that read parsed views and so did not run."""
    notices: list[Notice] = []
    if _Replacements.count:
        notices.append(
            _notice(
                entry,
                f"{_Replacements.count} undecodable byte "
                f"sequence{'s' * (_Replacements.count != 1)} in {encoding} "
                "replaced with U+FFFD; the rest was scanned",
                NoticeCode.DECODING,
            )
        )
    skipped = view_rules(engine, kind_family(kind))
    if skipped:
        notices.append(
            _notice(
                entry,
                f"file of {entry.size} bytes is larger than the {files.PARSE_LIMIT}-byte limit for "
                f"parsed views: {', '.join(skipped)} did not run; the text rules scanned "
                "all of it",
                NoticeCode.LIMIT,
            )
        )
    return notices


def _notice(
    entry: FileEntry, message: str, code: NoticeCode, level: NoticeLevel = NoticeLevel.WARNING
) -> Notice:
    return Notice(code=code, message=message, path=entry.display, level=level)
