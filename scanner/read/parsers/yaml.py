"""YAML view: every document of a stream as a position-keeping tree.

Built from PyYAML's safe event stream (``yaml.parse`` with ``SafeLoader``: no object
construction, no code, only the scanner and parser), with an explicit stack instead of
PyYAML's recursive composer, so deep nesting cannot exhaust the Python stack. Anchors and
aliases are kept as shared nodes; every alias use counts the size of the aliased subtree
against :data:`~rolecall.read.parsers.common.MAX_ALIAS_NODES`, so an alias bomb ("billion laughs")
stops with a :class:`ViewError` instead of expanding. Tags stay on the node
(``!Ref``/``!Sub``/``!GetAtt`` in CloudFormation), unresolved.

libyaml's parser (``CSafeLoader``) is used when PyYAML was built with it, about ten
times faster than the pure-Python one; both count marks in code points of the text,
which is what :class:`~rolecall.read.document.Document` offsets are (tested).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class YamlStream:
    """The documents of a YAML file (empty documents are left out)."""

    documents: tuple[Node, ...]
    entries: tuple[Entry, ...] = field(default=())


@dataclass
class _Open:
    """A collection being built: its items so far and, for a mapping, a pending key."""

    is_map: bool
    start: int
    tag: str
    anchor: str | None
    items: list[Any] = field(default_factory=list)
    key: Scalar | None = None
    size: int = 1


def _tag(event: Any) -> str:
    tag = getattr(event, "tag", None)
    if not tag or tag == "!":
        return ""
    # Standard tags (!!str, !!int ...) are long-form tag:yaml.org,2002:...; keep only
    # local tags such as !Ref, which mean "not a literal".
    return "" if str(tag).startswith("tag:yaml.org,2002:") else str(tag)


def parse_yaml(text: str) -> YamlStream:
    """Parse ``text``; raise :class:`ViewError` with the parser's reason and line."""
    import yaml

    try:
        documents = _documents(yaml, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = mark.line + 1 if mark is not None else None
        reason = safe_reason(exc.problem or exc.context or "invalid YAML")
        raise ViewError(f"{reason}" + (f" (line {where})" if where else ""), where) from None
    except yaml.YAMLError as exc:
        raise ViewError(f"{type(exc).__name__}") from None
    entries: list[Entry] = []
    for document in documents:
        entries.extend(flatten(document))
    return YamlStream(tuple(documents), tuple(entries))


def _documents(yaml: Any, text: str) -> list[Node]:
    """The tree of every document in ``text``, built from the safe parser's events in
    one pass (the parser's errors propagate; the caller words them)."""
    budget = Budget("YAML")
    documents: list[Node] = []
    stack: list[_Open] = []
    anchors: dict[str, tuple[Node, int]] = {}
    root: list[Node] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        line = _mark(event.start_mark).line + 1
        if isinstance(event, yaml.ScalarEvent):
            start, end = _mark(event.start_mark).index, _mark(event.end_mark).index
            quoted = event.style in ("'", '"')
            if quoted:
                start, end = start + 1, max(start + 1, end - 1)
            tag = _tag(event)
            implicit_plain = event.implicit[0] and not quoted
            node: Node = Scalar(
                event.value,
                start,
                end,
                tag,
                quoted,
                is_string=quoted or not implicit_plain or _plain_is_string(event.value),
            )
            budget.add(1, line)
            if event.anchor:
                anchors[event.anchor] = (node, 1)
            _attach(stack, root, node, 1)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            is_map = isinstance(event, yaml.MappingStartEvent)
            stack.append(_Open(is_map, _mark(event.start_mark).index, _tag(event), event.anchor))
            budget.depth(len(stack), line)
            budget.add(1, line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = stack.pop()
            end = _mark(event.end_mark).index
            node = (
                MapNode(tuple(done.items), done.start, end, done.tag)
                if done.is_map
                else SeqNode(tuple(done.items), done.start, end, done.tag)
            )
            if done.anchor:
                anchors[done.anchor] = (node, done.size)
            _attach(stack, root, node, done.size)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise ViewError(f"undefined alias (line {line})", line)
            target, size = anchors[event.anchor]
            budget.alias(size, line)
            _attach(stack, root, target, size)
        elif isinstance(event, yaml.DocumentEndEvent):
            documents.extend(root)
            root.clear()
            anchors.clear()
    documents.extend(root)
    return documents


def _attach(stack: list[_Open], root: list[Node], node: Node, size: int) -> None:
    """Add a finished ``node`` (of ``size`` nodes) to the open collection, or the root."""
    if not stack:
        root.append(node)
        return
    top = stack[-1]
    top.size += size
    if not top.is_map:
        top.items.append(node)
    elif top.key is None:
        top.key = node if isinstance(node, Scalar) else Scalar("?", node.start, node.end)
    else:
        top.items.append((top.key, node))
        top.key = None


def _mark(mark: Any) -> Any:
    # Events from the parser always carry marks; the stubs allow None.
    assert mark is not None
    return mark


_NON_STRINGS = frozenset(
    {"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"}
)


def _plain_is_string(value: str) -> bool:
    """Whether a plain scalar resolves to a string (not null, bool or number) in YAML 1.2."""
    if value in _NON_STRINGS:
        return False
    try:
        float(value.replace("_", ""))
    except ValueError:
        return True
    return False


def blank_go_templates(text: str) -> str:
    """Helm/Go template actions replaced by text of the same length (offsets kept).

    An action alone on its line (``{{- if .Values.x }}``) becomes spaces; an inline one
    (``value: {{ .Values.x }}``) becomes ``xxxx``, a placeholder that is never reported.
    """

    # str.find, not a lazy regex: with many "{{" and no "}}" a regex tries every "{{"
    # up to the end of the text, quadratic time.
    out: list[str] = []
    pos = 0
    while (begin := text.find("{{", pos)) != -1:
        close = text.find("}}", begin + 2)
        if close == -1:
            break
        finish = close + 2
        action = text[begin:finish]
        start = text.rfind("\n", 0, begin) + 1
        end = text.find("\n", finish)
        after = text[finish : len(text) if end == -1 else end]
        out.append(text[pos:begin])
        if "\n" in action or (not text[start:begin].strip() and not after.strip()):
            out.append(re.sub(r"[^\n]", " ", action))
        else:
            out.append("x" * len(action))
        pos = finish
    out.append(text[pos:])
    return "".join(out)


def _build(doc: Document) -> YamlStream:
    text = doc.text
    if "{{" in text and ("/templates/" in f"/{doc.path}"):
        text = blank_go_templates(text)  # a Helm chart's templates are not YAML yet
    return parse_yaml(text)


YAML_VIEW: View[YamlStream] = View("yaml", _build)
