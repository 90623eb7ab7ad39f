"""dotenv view: ``KEY=value`` entries of ``.env`` files with exact value offsets.

Follows the syntax python-dotenv and Docker Compose read: an optional ``export``
prefix, ``#`` comments (full-line, or after whitespace in an unquoted value), single
quotes (literal), double quotes (``\\n``, ``\\"``, ``\\\\`` escapes) and quoted values
spanning several lines. A ``KEY`` alone on a line is allowed (no value). An unterminated
quote is the one error; it is reported with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View, ViewError
from rolecall.read.parsers.common import Entry

_HEAD = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*(=)?[ \t]*")
_UNQUOTED = re.compile(r"[^\r\n]*?(?=[ \t]+#|[ \t]*(?:\r?\n|$))")
_DQ_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


@dataclass(frozen=True)
class DotenvDocument:
    entries: tuple[Entry, ...] = field(default=())


def parse_dotenv(text: str) -> DotenvDocument:
    """Parse ``text``; raise :class:`ViewError` for an unterminated quoted value."""
    entries: list[Entry] = []
    pos, size = 0, len(text)
    while pos < size:
        eol = text.find("\n", pos)
        line_end = size if eol == -1 else eol
        head = _HEAD.match(text, pos, line_end)
        if head is None or head.group(2) is None:
            pos = line_end + 1  # comment, blank line, KEY alone or not an assignment
            continue
        key, vpos = head.group(1), head.end()
        quote = text[vpos] if vpos < size else ""
        if quote in ("'", '"'):
            close = vpos + 1
            while True:
                close = text.find(quote, close)
                if close == -1:
                    line = text.count("\n", 0, vpos) + 1
                    raise ViewError(f"unterminated quoted value (line {line})", line)
                if quote == '"' and _escaped(text, close):
                    close += 1
                    continue
                break
            raw = text[vpos + 1 : close]
            value = _unescape(raw) if quote == '"' else raw
            entries.append(Entry((key,), value, vpos + 1, close, quoted=True))
            after = text.find("\n", close)
            pos = size if after == -1 else after + 1
            continue
        match = _UNQUOTED.match(text, vpos)
        end = match.end() if match else vpos
        entries.append(Entry((key,), text[vpos:end], vpos, end))
        pos = line_end + 1
    return DotenvDocument(tuple(entries))


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    while pos - backslashes - 1 >= 0 and text[pos - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _DQ_ESCAPES.get(m.group(1), m.group(0)), raw)


def _build(doc: Document) -> DotenvDocument:
    return parse_dotenv(doc.text)


DOTENV_VIEW: View[DotenvDocument] = View("dotenv", _build)
