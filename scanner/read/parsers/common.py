"""The small shapes every configuration parser produces, so rules can share them.

Tree formats (YAML, JSON) produce :class:`Scalar`, :class:`MapNode` and :class:`SeqNode`
nodes; every format also flattens to :class:`Entry` values: a key path, the value as a
string and the exact offsets of the value in ``doc.text`` (inside the quotes when the
value is quoted), so findings point at the line and column of the value itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

from rolecall.plugin.lazyre import lazy
from rolecall.read.document import ViewError

#: Most nodes a tree may hold as written.
MAX_NODES = 2_000_000
#: Most nodes that alias uses may add (each use counts the aliased subtree's size).
MAX_ALIAS_NODES = 200_000
#: Deepest nesting of mappings and sequences a tree may have.
MAX_DEPTH = 200


@dataclass(frozen=True)
class Scalar:
    """A leaf value. ``tag`` is an explicit tag such as ``!Ref`` ('' when none)."""

    value: str
    start: int
    end: int
    tag: str = ""
    quoted: bool = False
    #: True for strings; False for numbers, booleans and null (JSON) or typed scalars.
    is_string: bool = True


@dataclass(frozen=True)
class MapNode:
    items: tuple[tuple[Scalar, Node], ...]
    start: int
    end: int
    tag: str = ""

    def get(self, key: str) -> Node | None:
        """The value of the last ``key`` (later keys win, as in YAML and JSON loaders)."""
        found: Node | None = None
        for k, v in self.items:
            if k.value == key:
                found = v
        return found

    def get_ci(self, key: str) -> Node | None:
        """Like :meth:`get`, comparing keys case-insensitively."""
        lowered = key.lower()
        found: Node | None = None
        for k, v in self.items:
            if k.value.lower() == lowered:
                found = v
        return found


@dataclass(frozen=True)
class SeqNode:
    items: tuple[Node, ...]
    start: int
    end: int
    tag: str = ""


Node = Union[Scalar, MapNode, SeqNode]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class Entry:
    """One key bound to a scalar value, wherever it sits in the file.

    ``path`` holds the keys from the root (sequence positions as decimal strings, INI
    sections and TOML tables as their names); ``key`` is its last element.
    """

    path: tuple[str, ...]
    value: str
    start: int
    end: int
    tag: str = ""
    quoted: bool = False
    #: Whether the value is a literal string as written (False for expressions, numbers,
    #: interpolations the format itself resolves, and tagged values such as ``!Ref``).
    literal: bool = True

    @property
    def key(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def parent(self) -> tuple[str, ...]:
        return self.path[:-1]


def flatten(root: Node, prefix: tuple[str, ...] = ()) -> Iterator[Entry]:
    """Every scalar under ``root`` as an :class:`Entry`, in document order.

    Iterative, so deep trees cannot exhaust the stack. YAML merge keys (``<<``) do not
    add a path element: merged keys appear as if written in the mapping itself.
    """
    stack: list[tuple[tuple[str, ...], Node]] = [(prefix, root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Scalar):
            yield Entry(
                path,
                node.value,
                node.start,
                node.end,
                node.tag,
                node.quoted,
                literal=node.is_string and not node.tag,
            )
        elif isinstance(node, MapNode):
            for key, value in reversed(node.items):
                stack.append((path if key.value == "<<" else (*path, key.value), value))
        else:
            for n, item in reversed(list(enumerate(node.items))):
                stack.append(((*path, str(n)), item))


def walk(root: Node) -> Iterator[tuple[tuple[str, ...], Node]]:
    """Every node under ``root`` with its key path, parents before children."""
    stack: list[tuple[tuple[str, ...], Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, MapNode):
            for key, value in reversed(node.items):
                stack.append(((*path, key.value), value))
        elif isinstance(node, SeqNode):
            for n, item in reversed(list(enumerate(node.items))):
                stack.append(((*path, str(n)), item))


def scalar_text(node: Node | None) -> str | None:
    """The string value of ``node`` when it is a scalar, else None."""
    return node.value if isinstance(node, Scalar) else None


# Quoted text, except one punctuation character (expected ',' or ']'), which says
# something about the syntax and nothing about the file's values.
_QUOTED = lazy(r"""'[^'\n]*'|"[^"\n]*"|\((?!at )[^()\n]*\)""")
_PUNCTUATION = lazy(r"""(['"])[^\w\s]\1""")


def safe_reason(message: str) -> str:
    """A parser's error message without the file content it may quote.

    Parsers name offending characters, keys and tokens in quotes (``'x'``,
    ``('a', 'b')``); those become ``…`` so a notice never carries file content.
    """
    return _QUOTED.sub(
        lambda m: m.group() if _PUNCTUATION.fullmatch(m.group()) else "…", message
    ).strip()


class Budget:
    """Counts nodes and depth while a tree is built, raising :class:`ViewError` at a limit."""

    def __init__(
        self,
        fmt: str,
        max_nodes: int = MAX_NODES,
        max_depth: int = MAX_DEPTH,
        max_alias_nodes: int = MAX_ALIAS_NODES,
    ) -> None:
        self.fmt = fmt
        self.nodes = 0
        self.aliased = 0
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.max_alias_nodes = max_alias_nodes

    def add(self, count: int, line: int | None = None) -> None:
        self.nodes += count
        if self.nodes > self.max_nodes:
            raise ViewError(f"more than {self.max_nodes} nodes", line)

    def alias(self, count: int, line: int | None = None) -> None:
        """Count an alias use that stands for ``count`` nodes (alias bombs stop here)."""
        self.aliased += count
        if self.aliased > self.max_alias_nodes:
            raise ViewError(
                f"aliases expand to more than {self.max_alias_nodes} nodes",
                line,
            )

    def depth(self, depth: int, line: int | None = None) -> None:
        if depth > self.max_depth:
            raise ViewError(f"nesting deeper than {self.max_depth} levels", line)
