"""XML view: the key/value pairs an XML file binds, with exact value offsets.

Read with a tokenizer, not an XML library: a scanned file is never given to a parser
that resolves entities or DTDs (no entity expansion, no external references), and the
offsets of every value are kept. Three shapes bind a name to a value:

- a leaf element with text: ``<accessKey>AKIA…</accessKey>`` (Jenkins ``credentials.xml``,
  Maven ``settings.xml``, Spring/Java XML) binds ``accessKey``;
- a property list pair: ``<key>AWSSecretKey</key>`` followed by ``<string>…</string>``
  (macOS ``.plist``, Cyberduck ``.duck`` bookmarks) binds the key's text;
- an element whose attributes name and hold a value: ``<add key="AWSAccessKey"
  value="…"/>`` (.NET ``app.config``/``web.config``), ``<entry key="…">…</entry>`` (Java
  XML properties), ``<property name="…" value="…"/>`` (Ant, Spring).

An entry's parent path is the path of its enclosing element (each element as
``name@offset``, so sibling records differ), and values of one element (a credential
record, a plist ``<dict>``) are one group. The tokenizer is lenient: an unbalanced end
tag closes what it can, as a browser would, and it never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View
from rolecall.read.parsers.common import MAX_DEPTH, Entry

# No part of a tag may run over a "<" (not allowed inside tags and attribute values): an
# unclosed tag then fails at the next one, and scanning stays linear.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment
    r"|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    r"|<[!?][^<>]*>"  # declaration, processing instruction, DOCTYPE (no internal subset)
    r"|<(?P<close>/)?(?P<name>[A-Za-z_][\w.:\-$]*)"
    r"(?P<attrs>(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*?)(?P<empty>/)?>",
    re.DOTALL,
)
# A name starts at a word boundary: a run of name characters is tried once, not once
# per character.
_ATTR = re.compile(r"(?<![\w.:\-])([A-Za-z_][\w.:\-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);")
#: Attribute names that name a value, and those that hold it.
_NAME_ATTRS = ("key", "name")
_VALUE_ATTRS = ("value",)
_PLIST_VALUES = frozenset({"string", "data"})


@dataclass(frozen=True)
class XmlDocument:
    entries: tuple[Entry, ...] = field(default=())


def unescape(text: str) -> str:
    """``text`` with the five XML entities and character references replaced (never any
    other entity: a DTD's entities are not expanded)."""
    if "&" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith("#"):
            try:
                code = int(ref[2:], 16) if ref[1:2] in ("x", "X") else int(ref[1:])
                return chr(code)
            except (ValueError, OverflowError):
                return match.group(0)
        return _ENTITIES.get(ref, match.group(0))

    return _ENTITY.sub(one, text)


def _attributes(attrs: str) -> dict[str, re.Match[str]]:
    """An element's attributes by lower-case local name (``android:name`` is ``name``)."""
    return {m.group(1).lower().rpartition(":")[2]: m for m in _ATTR.finditer(attrs)}


def _attr_entries(
    path: tuple[str, ...], found: dict[str, re.Match[str]], offset: int
) -> list[Entry]:
    """Entries of ``<x key="NAME" value="VALUE"/>``-style attributes (``found``: the
    element's :func:`_attributes`, read from ``offset``)."""
    name = next((found[a] for a in _NAME_ATTRS if a in found), None)
    value = next((found[a] for a in _VALUE_ATTRS if a in found), None)
    if name is None or value is None:
        return []
    group = 2 if value.group(2) is not None else 3
    raw = value.group(group)
    start = offset + value.start(group)
    key = unescape(name.group(2) if name.group(2) is not None else name.group(3))
    return [Entry((*path, key), unescape(raw), start, start + len(raw), quoted=True)]


def _name_attribute(found: dict[str, re.Match[str]]) -> str | None:
    """The name an element gives its text (``<entry key="x">``), unless it also has a
    ``value`` attribute (then :func:`_attr_entries` reads the pair)."""
    for a in _NAME_ATTRS:
        if a in found and "value" not in found:
            m = found[a]
            return unescape(m.group(2) if m.group(2) is not None else m.group(3))
    return None


def parse_xml(text: str) -> XmlDocument:
    """The entries of ``text`` (see the module docstring). Never raises."""
    entries: list[Entry] = []
    stack: list[str] = []
    #: The open elements as path elements: ``name@n``, n counting elements in document
    #: order, so that two sibling records never share a parent path (a group).
    ids: list[str] = []
    #: Per open element: its name attribute (``<entry key="x">``), whether it had child
    #: elements, and where its text starts.
    named: list[str | None] = []
    had_child: list[bool] = []
    text_start = 0
    plist_key: str | None = None
    for match in _TOKEN.finditer(text):
        name = match.group("name")
        if name is None:
            continue  # comments, CDATA outside leaves, declarations
        if match.group("close"):
            if name not in stack:
                continue
            while stack:
                open_name = stack.pop()
                ids.pop()
                key_attr = named.pop()
                children = had_child.pop()
                if open_name != name:
                    continue
                if not children:
                    value, start, end = _leaf_text(text[text_start : match.start()], text_start)
                    path = tuple(ids)
                    if open_name == "key" and stack and stack[-1] == "dict":
                        plist_key = value.strip()
                    elif open_name in _PLIST_VALUES and plist_key is not None:
                        entries.append(Entry((*path, plist_key), value, start, end))
                        plist_key = None
                    elif value.strip():
                        parent = named[-1] if named else None
                        entries.append(
                            _text_entry(path, open_name, key_attr, parent, value, start, end)
                        )
                break
            continue
        if had_child:
            had_child[-1] = True
        # Read once per element: its entries and its name come from the same attributes.
        found = _attributes(match.group("attrs") or "")
        # Sibling <add key=... value=.../> elements are one group: their parent's.
        entries.extend(_attr_entries(tuple(ids), found, match.start("attrs")))
        if match.group("empty"):
            if name not in _PLIST_VALUES:
                plist_key = None  # <true/>, <false/>: the key's value is not a string
            continue
        if len(stack) >= MAX_DEPTH * 10:
            continue  # absurd nesting: stop descending, keep scanning
        stack.append(name)
        ids.append(f"{name}@{match.start()}")
        named.append(_name_attribute(found))
        had_child.append(False)
        text_start = match.end()
    return XmlDocument(tuple(entries))


def _text_entry(
    path: tuple[str, ...],
    name: str,
    key_attr: str | None,
    parent: str | None,
    value: str,
    start: int,
    end: int,
) -> Entry:
    """The entry of a leaf element's non-blank text, named by its own name attribute or
    tag, or, for a ``<Value>`` inside a named parent, by the parent."""
    if name.lower() == "value" and parent:
        # <Setting Name="AWSSecretKey"><Value>…</Value></Setting> (.NET settings, .resx):
        # named by the parent, grouped with its siblings.
        return Entry((*path[:-1], parent), value, start, end)
    return Entry((*path, key_attr or name), value, start, end)


def _leaf_text(raw: str, offset: int) -> tuple[str, int, int]:
    """(value, start, end) of an element's text: a CDATA section's content, or the text
    without surrounding whitespace, entities replaced."""
    cdata = re.fullmatch(r"\s*<!\[CDATA\[(.*?)\]\]>\s*", raw, re.DOTALL)
    if cdata is not None:
        return cdata.group(1), offset + cdata.start(1), offset + cdata.end(1)
    stripped = raw.strip()
    if not stripped:
        return "", offset, offset
    start = offset + raw.index(stripped)
    return unescape(stripped), start, start + len(stripped)


def _build(doc: Document) -> XmlDocument:
    return parse_xml(doc.text)


XML_VIEW: View[XmlDocument] = View("xml", _build)
