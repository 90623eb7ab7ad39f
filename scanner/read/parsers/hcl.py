"""HCL view (Terraform ``.tf``/``.tfvars``, ``.hcl``): blocks and attributes with positions.

A careful tokenizer rather than python-hcl2: python-hcl2 returns values without source
positions for attributes (only optional block line numbers) and pulls in lark; rules here
need the exact offsets of attribute values. The tokenizer knows the HCL native syntax
that matters for structure: blocks with string or identifier labels, one-line blocks,
attributes whose expressions span lines inside brackets, quoted templates with nested
``${...}``/``%{...}`` interpolation, heredocs (``<<EOF``, ``<<-EOF``) and the three
comment styles. It is iterative, so nesting depth is bounded by :data:`MAX_DEPTH`, not
by the Python stack. Expressions are kept as text; a quoted string without
interpolation is a *literal* with its decoded value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from rolecall.plugin.lazyre import lazy
from rolecall.read.document import Document, View, ViewError
from rolecall.read.parsers.common import MAX_DEPTH, Entry

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/)*", re.S)
_INLINE_SKIP = re.compile(r"(?:[ \t]+|/\*.*?\*/)*", re.S)
_HEREDOC = lazy(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class Attribute:
    name: str
    name_start: int
    #: The expression's source text and offsets (inside the quotes for a literal string).
    expr: str
    start: int
    end: int
    literal: bool
    value: str  # the decoded string for a literal; the expression text otherwise


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    start: int
    body: tuple[Item, ...]

    def attribute(self, name: str) -> Attribute | None:
        for item in self.body:
            if isinstance(item, Attribute) and item.name == name:
                return item
        return None

    def blocks(self, type_: str) -> list[Block]:
        return [b for b in self.body if isinstance(b, Block) and b.type == type_]


Item = Union[Attribute, Block]  # noqa: UP007 - a runtime alias; 3.10 needs Union here


@dataclass(frozen=True)
class HclDocument:
    body: tuple[Item, ...]
    entries: tuple[Entry, ...] = field(default=())

    def blocks(self, type_: str) -> list[Block]:
        return [b for b in self.body if isinstance(b, Block) and b.type == type_]


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str, pos: int | None = None) -> ViewError:
        line = self.text.count("\n", 0, self.pos if pos is None else pos) + 1
        return ViewError(f"{reason} (line {line})", line)

    def string_end(self, pos: int) -> int:
        """Offset of the closing quote of the template starting after ``pos``'s quote."""
        text, size = self.text, len(self.text)
        modes = ['"']  # '"' in a template, '{' in an interpolation
        i = pos + 1
        while i < size:
            ch, mode = text[i], modes[-1]
            if mode == '"':
                if ch == "\\":
                    i += 2
                    continue
                if ch == '"':
                    modes.pop()
                    if not modes:
                        return i
                elif ch == "\n":
                    break
                elif text.startswith(("${", "%{"), i) and not text.startswith(
                    ("$${", "%%{"), i - 1
                ):
                    modes.append("{")
                    i += 1
            elif ch == '"':
                modes.append('"')
            elif ch == "{":
                modes.append("{")
            elif ch == "}":
                modes.pop()
            i += 1
        raise self.fail("unterminated string", pos)

    def expression(self, comma: bool = False) -> tuple[int, int]:
        """Span of the expression at ``pos``: to the end of line at bracket depth 0
        (or to a comma at depth 0 when ``comma``, for object elements)."""
        text, size = self.text, len(self.text)
        start, depth, i = self.pos, 0, self.pos
        while i < size:
            ch = text[i]
            if ch == '"':
                i = self.string_end(i) + 1
                continue
            heredoc = _HEREDOC.match(text, i) if ch == "<" else None
            if heredoc:
                marker = heredoc.group(2)
                close = re.compile(rf"^[ \t]*{marker}[ \t]*\r?$", re.M).search(text, heredoc.end())
                if close is None:
                    raise self.fail("unterminated heredoc", i)
                i = close.end()
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break  # closes the enclosing one-line block
                depth -= 1
            elif (ch == "\n" or (comma and ch == ",")) and depth == 0:
                break
            elif ch == "#" or text.startswith("//", i):
                if depth == 0:
                    break  # a trailing comment ends the expression
                eol = text.find("\n", i)
                i = size if eol == -1 else eol
                continue
            elif text.startswith("/*", i):
                close_comment = text.find("*/", i + 2)
                i = size if close_comment == -1 else close_comment + 2
                continue
            i += 1
        if depth:
            raise self.fail("unbalanced brackets in an expression", start)
        end = i
        while end > start and text[end - 1] in " \t\r,":
            end -= 1
        self.pos = i
        return start, end


def parse_hcl(text: str) -> HclDocument:
    reader = _Reader(text)
    # Each frame: (block type, labels, start, items so far).
    stack: list[tuple[str, tuple[str, ...], int, list[Item]]] = [("", (), 0, [])]
    entries: list[Entry] = []
    size = len(text)
    while True:
        reader.pos = _SKIP.match(text, reader.pos).end()  # type: ignore[union-attr]
        if reader.pos >= size:
            break
        if text[reader.pos] == "}":
            if len(stack) == 1:
                raise reader.fail("unexpected '}'")
            type_, labels, start, items = stack.pop()
            stack[-1][3].append(Block(type_, labels, start, tuple(items)))
            reader.pos += 1
            continue
        ident = _IDENT.match(text, reader.pos)
        if ident is None:
            raise reader.fail("expected an attribute or a block")
        name, start = ident.group(), reader.pos
        reader.pos = _INLINE_SKIP.match(text, ident.end()).end()  # type: ignore[union-attr]
        if text.startswith("=", reader.pos) and not text.startswith("==", reader.pos):
            reader.pos = _INLINE_SKIP.match(text, reader.pos + 1).end()  # type: ignore[union-attr]
            attribute = _attribute(reader, name, start)
            stack[-1][3].append(attribute)
            path = (*tuple(p for f in stack[1:] for p in (f[0], *f[1])), name)
            entries.append(
                Entry(
                    path,
                    attribute.value,
                    attribute.start,
                    attribute.end,
                    quoted=attribute.literal,
                    literal=attribute.literal,
                )
            )
            if attribute.expr.startswith("{") and attribute.expr.endswith("}"):
                after = reader.pos
                entries.extend(_object_entries(reader, attribute.start, attribute.end, path, 1))
                reader.pos = after
            continue
        found = _block_labels(reader)
        if reader.pos >= size:
            raise reader.fail("expected '{'", start)
        reader.pos += 1
        stack.append((name, tuple(found), start, []))
        if len(stack) > MAX_DEPTH:
            raise reader.fail(f"nesting deeper than {MAX_DEPTH} levels")
    if len(stack) > 1:
        raise reader.fail("unclosed block", stack[-1][2])
    return HclDocument(tuple(stack[0][3]), tuple(entries))


def _block_labels(reader: _Reader) -> list[str]:
    """The labels of a block header (``resource "aws_iam_user" "ci"``), quoted or not,
    up to its ``{`` (or the end of the text, which the caller reports)."""
    text, size = reader.text, len(reader.text)
    found: list[str] = []
    while reader.pos < size and text[reader.pos] != "{":
        if text[reader.pos] == '"':
            close = reader.string_end(reader.pos)
            found.append(text[reader.pos + 1 : close])
            reader.pos = close + 1
        else:
            label = _IDENT.match(text, reader.pos)
            if label is None:
                raise reader.fail("expected a block label or '{'")
            found.append(label.group())
            reader.pos = label.end()
        reader.pos = _INLINE_SKIP.match(text, reader.pos).end()  # type: ignore[union-attr]
    return found


_OBJECT_KEY = lazy(r'(?:"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][A-Za-z0-9_\-]*))[ \t]*[=:](?![=>])[ \t]*')


def _object_entries(
    reader: _Reader, start: int, end: int, path: tuple[str, ...], depth: int
) -> list[Entry]:
    """Entries of the object expression ``text[start:end]`` (``{ key = value, ... }``).

    Anything that is not a plain object (a ``for`` expression, a splat) ends the walk
    quietly: the attribute is still there as an expression entry.
    """
    if depth > MAX_DEPTH:
        raise reader.fail(f"nesting deeper than {MAX_DEPTH} levels", start)
    text = reader.text
    found: list[Entry] = []
    pos = start + 1
    while True:
        pos = _SKIP.match(text, pos).end()  # type: ignore[union-attr]
        if pos < end - 1 and text[pos] == ",":
            pos += 1
            continue
        match = _OBJECT_KEY.match(text, pos, end - 1)
        if match is None:
            return found
        key = match.group(1) if match.group(1) is not None else match.group(2)
        reader.pos = match.end()
        attribute = _attribute(reader, key, pos, comma=True)
        if reader.pos > end - 1:
            return found
        found.append(
            Entry(
                (*path, key),
                attribute.value,
                attribute.start,
                attribute.end,
                quoted=attribute.literal,
                literal=attribute.literal,
            )
        )
        if attribute.expr.startswith("{") and attribute.expr.endswith("}"):
            after = reader.pos
            found.extend(
                _object_entries(reader, attribute.start, attribute.end, (*path, key), depth + 1)
            )
            reader.pos = after
        pos = reader.pos


def _attribute(reader: _Reader, name: str, name_start: int, comma: bool = False) -> Attribute:
    text = reader.text
    start, end = reader.expression(comma)
    expr = text[start:end]
    if expr.startswith('"') and reader.string_end(start) == end - 1:
        inner = expr[1:-1]
        if not re.search(r"(?<![$%])[$%]\{", inner):
            value = re.sub(r"\\(u[0-9a-fA-F]{4}|.)", _unescape, inner).replace("$${", "${")
            return Attribute(name, name_start, expr, start + 1, end - 1, True, value)
    return Attribute(name, name_start, expr, start, end, False, expr)


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return (
        chr(int(code[1:], 16))
        if code.startswith("u") and len(code) == 5
        else _ESCAPES.get(code, code)
    )


def _build(doc: Document) -> HclDocument:
    return parse_hcl(doc.text)


HCL_VIEW: View[HclDocument] = View("hcl", _build)
