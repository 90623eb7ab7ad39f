"""INI view: sections and ``key = value`` / ``key: value`` entries with positions.

Written for the AWS shared ``credentials`` and ``config`` files, ``.cfg``/``.ini`` files
and ``.properties`` files. It follows ``configparser``'s syntax (full-line ``#``/``;``
comments, indented continuation lines, keys before any section header allowed here
as section ''), but keeps offsets, which ``configparser`` drops. The AWS CLI's nested
settings (``s3 =`` followed by indented ``key = value`` lines) become entries under
(section, parent key, key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View, ViewError
from rolecall.read.parsers.common import Entry

_SECTION = re.compile(r"\[([^\]\n]*)\]\s*(?:[#;].*)?$")
_PAIR = re.compile(r"([^=:\s][^=:]*?)\s*[=:][ \t]*(.*?)\s*$")


@dataclass(frozen=True)
class Section:
    name: str
    #: Offset of the section header's name ('' section: 0).
    start: int
    end: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class IniDocument:
    sections: tuple[Section, ...]
    entries: tuple[Entry, ...] = field(default=())

    def section(self, name: str) -> Section | None:
        for section in self.sections:
            if section.name == name:
                return section
        return None


def _section_header(body: str, start: int) -> tuple[str, int, int] | None:
    """A ``[section]`` line's name and the offsets of its text (``body`` starts at
    ``start``), or None when the header is not closed."""
    match = _SECTION.match(body.strip())
    if match is None:
        return None
    name_start = start + body.index("[") + 1
    return match.group(1).strip(), name_start, name_start + len(match.group(1))


def parse_ini(text: str, *, strict: bool = True) -> IniDocument:
    """Parse ``text``; raise :class:`ViewError` with the line of the first bad line.

    ``strict=False`` skips lines that are not ``key = value`` (for ``.conf`` and
    ``.properties`` files, which are often other formats that merely share the suffix).
    """
    sections: list[Section] = []
    name, name_start, name_end = "", 0, 0
    entries: list[Entry] = []
    nested_under: str | None = None
    key_lead = 0  # indentation of the last key that was not nested
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        start, offset = offset, offset + len(line)
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped or stripped[0] in "#;":
            continue
        indented = body[:1] in (" ", "\t")
        if not indented and stripped.startswith("["):
            header = _section_header(body, start)
            if header is None:
                if not strict:
                    continue
                raise ViewError(f"unterminated section header (line {number})", number)
            if entries or name:
                sections.append(Section(name, name_start, name_end, tuple(entries)))
            (name, name_start, name_end), entries, nested_under, key_lead = header, [], None, 0
            continue
        lead = len(body) - len(body.lstrip())
        match = _PAIR.match(body, lead)
        # As in configparser, only a line indented deeper than its key continues it:
        # DVC's and git's config files indent every key of a section alike.
        deeper = indented and bool(entries) and lead > key_lead
        if deeper and (match is None or nested_under is None):
            continue  # continuation of the previous value
        if match is None:
            if not strict:
                continue
            raise ViewError(f"expected 'key = value' (line {number})", number)
        key, value = match.group(1).strip(), match.group(2)
        value_start = start + match.start(2)
        path = (name, nested_under, key) if (deeper and nested_under) else (name, key)
        if not deeper:
            nested_under, key_lead = (key if not value else None), lead
        quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
        if quoted:
            value, value_start = value[1:-1], value_start + 1
        entries.append(
            Entry(
                tuple(p for p in path if p is not None),
                value,
                value_start,
                value_start + len(value),
                quoted=quoted,
            )
        )
    if entries or name:
        sections.append(Section(name, name_start, name_end, tuple(entries)))
    return IniDocument(tuple(sections), tuple(e for s in sections for e in s.entries))


#: Suffixes of files that are INI-like at best: read leniently, never a parse notice.
_LENIENT_SUFFIXES = (".conf", ".properties")


def _build(doc: Document) -> IniDocument:
    return parse_ini(doc.text, strict=not doc.path.lower().endswith(_LENIENT_SUFFIXES))


INI_VIEW: View[IniDocument] = View("ini", _build)
