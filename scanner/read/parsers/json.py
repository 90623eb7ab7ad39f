"""JSON view: a position-keeping tree, for pretty-printed and one-line minified files.

The standard library's decoder drops positions, so this is a small iterative parser
(an explicit stack, no recursion) that keeps the offsets of every value. Strings are
decoded by the standard library's own ``json.decoder.scanstring`` (C-accelerated, exact
JSON escapes). ``//`` and ``/* */`` comments are accepted because ``.jsonc`` files,
tsconfig-style and VS Code settings files use them; everything else is strict JSON.

Building this tree costs Python time per character; :func:`load_fast` reads the same
text with the standard library's C parser first, so that a caller can decide whether
the position-keeping tree is needed at all (a rule gets it as ``load_fast`` from
:mod:`rolecall.plugin.api`; the built-in configuration rules gate on it).
"""

from __future__ import annotations

import json as stdlib_json
import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View, ViewError
from rolecall.read.parsers.common import (
    Budget,
    Entry,
    MapNode,
    Node,
    Scalar,
    SeqNode,
    flatten,
    safe_reason,
)

_WS = re.compile(r"(?:[ \t\r\n]+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null")


@dataclass(frozen=True)
class JsonDocument:
    root: Node
    entries: tuple[Entry, ...] = field(default=())


@dataclass
class _Open:
    is_map: bool
    start: int
    items: list[object] = field(default_factory=list)
    key: Scalar | None = None


class _Parser:
    def __init__(self, text: str, omit: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.pos = 0
        self.budget = Budget("JSON")
        #: Keys whose values are read by the C decoder and left out (see parse_outline).
        self.omit = omit
        self.omitting = False

    def fail(self, reason: str, pos: int | None = None) -> ViewError:
        at = self.pos if pos is None else pos
        line = self.text.count("\n", 0, at) + 1
        column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        return ViewError(f"{reason} (line {line}, column {column})", line)

    def skip(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def string(self) -> Scalar:
        from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]

        start = self.pos
        try:
            value, end = scanstring(self.text, start + 1, True)
        except JSONDecodeError as exc:
            raise self.fail(safe_reason(exc.msg), exc.pos) from None
        self.pos = end
        return Scalar(value, start + 1, end - 1, quoted=True)

    def scalar(self) -> Scalar:
        text, pos = self.text, self.pos
        if pos < len(text) and text[pos] == '"':
            return self.string()
        for word in _LITERALS:
            if text.startswith(word, pos):
                self.pos = pos + len(word)
                return Scalar(word, pos, self.pos, is_string=False)
        match = _NUMBER.match(text, pos)
        if match is None or match.end() == pos:
            raise self.fail("expecting a value" if pos < len(text) else "unexpected end of data")
        self.pos = match.end()
        return Scalar(match.group(), pos, self.pos, is_string=False)

    def parse(self) -> Node:
        text = self.text
        stack: list[_Open] = []
        result: Node | None = None
        self.skip()
        while True:
            # Expect a value (or a closing bracket of an empty/trailing container).
            node: Node | None = None
            ch = text[self.pos] if self.pos < len(text) else ""
            if self.omitting:
                node = self.omitted(len(stack))
            elif ch in "{[":
                node = self.enter(stack, ch == "{")
                if node is None:
                    continue  # the container's first value (an object's after its key)
            else:
                node = self.scalar()
                self.budget.add(1)
            # A value is complete: attach it and close containers as far as possible.
            while True:
                if not stack:
                    result = node
                    break
                top = stack[-1]
                if top.is_map:
                    assert top.key is not None
                    top.items.append((top.key, node))
                    top.key = None
                else:
                    top.items.append(node)
                self.skip()
                ch = text[self.pos] if self.pos < len(text) else ""
                if ch == ",":
                    self.pos += 1
                    self.skip()
                    if top.is_map:
                        self.key(top)
                    break
                if ch == ("}" if top.is_map else "]"):
                    node = self.close(stack)
                    continue
                raise self.fail("expecting ',' or a closing bracket")
            if result is not None:
                break
        self.skip()
        if self.pos != len(text):
            raise self.fail("extra data after the document")
        return result

    def enter(self, stack: list[_Open], is_map: bool) -> Node | None:
        """Open the container at ``pos``: its node when it is empty (closed at once),
        else None, with an object's first key read."""
        stack.append(_Open(is_map, self.pos))
        if len(stack) > self.budget.max_depth:
            raise self.fail(f"nesting deeper than {self.budget.max_depth} levels")
        self.budget.add(1)
        self.pos += 1
        self.skip()
        if is_map:
            if self.text.startswith("}", self.pos):
                return self.close(stack)
            self.key(stack[-1])
            return None
        if self.text.startswith("]", self.pos):
            return self.close(stack)
        return None

    def key(self, top: _Open) -> None:
        if not self.text.startswith('"', self.pos):
            raise self.fail("expecting a property name in double quotes")
        top.key = self.string()
        self.skip()
        if not self.text.startswith(":", self.pos):
            raise self.fail("expecting ':' after a property name")
        self.pos += 1
        self.skip()
        if self.omit and top.key.value in self.omit:
            self.omitting = True

    def omitted(self, depth: int) -> Node:
        """Read the value at ``pos`` with the C decoder, counting its nodes and depth
        against the budget as :meth:`parse` would; a placeholder for it. Raises
        :class:`ViewError` where the C decoder refuses it (the caller then parses the
        whole text with :func:`parse_json`, for its own answer)."""
        self.omitting = False
        start = self.pos
        try:
            value, end = _DECODER.raw_decode(self.text, start)
        except (ValueError, RecursionError):
            raise ViewError("the C decoder refused a value") from None
        nodes, levels = _size(value)
        self.budget.add(nodes)
        if depth + levels > self.budget.max_depth:
            raise ViewError(f"nesting deeper than {self.budget.max_depth} levels")
        self.pos = end
        return Scalar("", start, end, is_string=False)

    def close(self, stack: list[_Open]) -> Node:
        done = stack.pop()
        self.pos += 1
        if done.is_map:
            return MapNode(tuple(done.items), done.start, self.pos)  # type: ignore[arg-type]
        return SeqNode(tuple(done.items), done.start, self.pos)  # type: ignore[arg-type]


def parse_json(text: str) -> JsonDocument:
    """Parse ``text``; raise :class:`ViewError` with the reason, line and column."""
    if not text.strip():
        raise ViewError("empty document", 1)
    root = _Parser(text).parse()
    return JsonDocument(root, tuple(flatten(root)))


def _refuse_constant(name: str) -> object:
    raise ValueError("not a JSON value")  # NaN, Infinity, -Infinity: parse_json refuses them


# Objects as tuples of (key, value) pairs: in order, duplicate keys kept, as parse_json
# keeps them (a dict would keep only the last value of a repeated key).
_DECODER = stdlib_json.JSONDecoder(object_pairs_hook=tuple, parse_constant=_refuse_constant)


def load_fast(text: str) -> object | None:
    """``text`` as the C parser reads it, or None when it refuses it.

    Objects are tuples of ``(key, value)`` pairs, arrays lists, strings ``str`` (decoded
    by the same ``scanstring`` as :func:`parse_json`), numbers ``int``/``float`` and
    ``true``/``false``/``null`` ``bool``/``None``. Where this returns a value,
    :func:`parse_json` accepts the text too, provided the tree stays within
    :data:`~rolecall.read.parsers.common.MAX_DEPTH` nested containers and
    :data:`~rolecall.read.parsers.common.MAX_NODES` values (its budget; the caller checks
    that while it walks the tree). The reverse does not hold: comments, numbers with
    more digits than ``int`` converts, and nesting beyond Python's recursion limit
    return None here, and the caller falls back to :func:`parse_json` and its errors.
    """
    try:
        root: object = _DECODER.decode(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None
    return root


def _size(value: object) -> tuple[int, int]:
    """(values, nesting depth of containers) of a :func:`load_fast`-style value."""
    nodes, depth = 1, 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if type(node) is tuple:
            items: list[object] | tuple[object, ...] = [v for _, v in node]
        elif type(node) is list:
            items = node
        else:
            continue
        depth = max(depth, level)
        nodes += len(items)
        stack.extend((item, level + 1) for item in items if type(item) in (tuple, list))
    return nodes, depth


def parse_outline(text: str, omit: frozenset[str]) -> Node | None:
    """The root :func:`parse_json` builds, except that the values of keys in ``omit``
    (at any depth) are read by the C decoder and stand as an empty non-string
    :class:`Scalar` spanning their text; for readers that never look at those keys
    (a notebook's outputs and metadata). None where :func:`parse_json` might answer
    otherwise (a syntax error, a value the C decoder refuses, the budget): the caller
    then asks :func:`parse_json`. Where this returns a tree, :func:`parse_json` accepts
    the text and gives every node outside the omitted values alike."""
    if not text.strip():
        return None
    try:
        return _Parser(text, omit).parse()
    except ViewError:
        return None


def _build(doc: Document) -> JsonDocument:
    return parse_json(doc.text)


JSON_VIEW: View[JsonDocument] = View("json", _build)
