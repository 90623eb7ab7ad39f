"""TOML view: string values with their key paths and exact positions.

``tomllib`` (standard library from 3.11; ``tomli``, the same code, on 3.10) is the parser
of record: it decides whether the file is valid TOML and its error carries the line and
column. It keeps no positions, so after it accepts the file a small lexer walks the text
again to find each key and string value's offsets. The lexer only ever sees valid TOML,
which keeps it short. ``tomlkit`` would keep positions internally but not expose offsets,
and would be one more dependency.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from rolecall.read.document import Document, View, ViewError
from rolecall.read.parsers.common import MAX_DEPTH, Budget, Entry, safe_reason

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_WS = re.compile(r"[ \t]*")
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_OTHER = re.compile(r"[^\s,\]\}#]+")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(\r?\n)[ \t\r\n]*|(.))", re.S)
_SIMPLE = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


@dataclass(frozen=True)
class TomlDocument:
    entries: tuple[Entry, ...] = field(default=())


def _unescape(raw: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        if m.group(3):
            return ""  # line-ending backslash in a multi-line basic string
        return _SIMPLE.get(m.group(4), m.group(4))

    return _ESCAPE.sub(sub, raw)


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.entries: list[Entry] = []
        self.tables: dict[tuple[str, ...], int] = {}
        self.budget = Budget("TOML")

    def skip(self) -> None:
        self.pos = _SKIP.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def ws(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def string(self) -> tuple[str, int, int]:
        """A string at ``pos``: (value, start, end) with offsets inside the quotes."""
        text, pos = self.text, self.pos
        for quote in ('"""', "'''", '"', "'"):
            if text.startswith(quote, pos):
                break
        start = pos + len(quote)
        if len(quote) == 3:
            end = text.index(quote, start)
            while text.startswith(quote[0], end + 3):  # up to two quotes may end the body
                end += 1
            self.pos = end + 3
            inner = text[start:end]
            first = 1 if inner.startswith("\n") else 2 if inner.startswith("\r\n") else 0
            start, inner = start + first, inner[first:]
        else:
            end = start
            while text[end] != quote:
                end += 2 if (quote == '"' and text[end] == "\\") else 1
            self.pos = end + 1
            inner = text[start:end]
        return (_unescape(inner) if quote[0] == '"' else inner), start, end

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.ws()
            if self.text[self.pos] in "\"'":
                parts.append(self.string()[0])
            else:
                match = _BARE.match(self.text, self.pos)
                assert match is not None
                parts.append(match.group())
                self.pos = match.end()
            self.ws()
            if not self.text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    def value(self, path: tuple[str, ...]) -> None:
        """Read one value at ``pos``, iteratively through arrays and inline tables."""
        # Each frame: (path, is_table, next array index).
        stack: list[tuple[tuple[str, ...], bool, int]] = []
        current, expect_value = path, True
        while True:
            self.skip() if stack else self.ws()
            ch = self.text[self.pos] if self.pos < len(self.text) else ""
            if expect_value:
                if ch in "[{":
                    self.pos += 1
                    stack.append((current, ch == "{", 0))
                    self.budget.depth(len(stack))
                    self.skip()
                    if self.text[self.pos] in "]}":
                        expect_value = False
                    elif ch == "{":
                        current = current + self.key()
                        self.ws()
                        self.pos += 1  # "="
                    else:
                        current = (*current, "0")
                    continue
                elif ch in "]}":  # empty (or trailing-comma) container
                    expect_value = False
                    continue
                else:
                    self.budget.add(1)
                    if ch in "\"'":
                        value, start, end = self.string()
                        self.entries.append(Entry(current, value, start, end, quoted=True))
                    else:
                        match = _OTHER.match(self.text, self.pos)
                        self.pos = match.end() if match else self.pos + 1
                    expect_value = False
                continue
            if not stack:
                return
            parent, is_table, index = stack[-1]
            if ch == ",":
                self.pos += 1
                stack[-1] = (parent, is_table, index + 1)
                expect_value = True
                self.skip()
                if self.text[self.pos] in "]}":
                    expect_value = False
                    continue
                if is_table:
                    current = parent + self.key()
                    self.ws()
                    self.pos += 1
                else:
                    current = (*parent, str(index + 1))
            else:  # "]" or "}"
                self.pos += 1
                stack.pop()

    def run(self) -> None:
        table: tuple[str, ...] = ()
        text = self.text
        while True:
            self.skip()
            if self.pos >= len(text):
                return
            if text.startswith("[[", self.pos):
                self.pos += 2
                name = self.key()
                self.pos = text.index("]]", self.pos) + 2
                n = self.tables.get(name, -1) + 1
                self.tables[name] = n
                table = (*name, str(n))
            elif text.startswith("[", self.pos):
                self.pos += 1
                table = self.key()
                self.pos = text.index("]", self.pos) + 1
            else:
                key = self.key()
                self.ws()
                self.pos += 1  # "="
                self.value(table + key)


# A dotted key with more than MAX_DEPTH parts. The lookbehind starts a match only at the
# first part of a key, so the search stays linear.
_DEEP_KEY = re.compile(
    r"""(?<![\w.'"-])(?:(?:[\w-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*)""" + f"{{{MAX_DEPTH}}}"
)


def parse_toml(text: str) -> TomlDocument:
    """Validate ``text`` with tomllib, then collect string values with their offsets."""
    if text.count(".") > MAX_DEPTH:
        # tomllib's time grows with the square of a dotted key's length (10,000 parts:
        # over a second); the collector below would refuse such nesting anyway.
        deep = _DEEP_KEY.search(text)
        if deep is not None:
            line = text.count("\n", 0, deep.start()) + 1
            raise ViewError(f"keys nested deeper than {MAX_DEPTH} levels", line)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's messages name the problem and "(at line N, column M)", never content.
        message = safe_reason(str(exc))
        match = re.search(r"line (\d+)", message)
        raise ViewError(f"{message}", int(match.group(1)) if match else None) from None
    except RecursionError:
        raise ViewError("nesting too deep to parse") from None
    lexer = _Lexer(text)
    lexer.run()
    return TomlDocument(tuple(lexer.entries))


def _build(doc: Document) -> TomlDocument:
    return parse_toml(doc.text)


TOML_VIEW: View[TomlDocument] = View("toml", _build)
