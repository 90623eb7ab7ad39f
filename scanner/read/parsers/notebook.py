"""Notebook views: the shell and the Python of Jupyter code cells.

``NOTEBOOK_SHELL_VIEW`` reads what a notebook runs as shell: ``!`` lines,
``%%bash``/``%%sh`` cells and ``%env NAME=value`` magics. ``NOTEBOOK_PYTHON`` joins the
code cells, in order, into one Python module for the RC2xx rules (a session made in one
cell is used in the next): a cell magic cell (``%%bash``, ``%%sql``...) is left out,
``%%time``-style magics lose only their first line, and line magics, shell escapes and
help lines (``%pip``, ``!ls``, ``x = !cmd``, ``obj?``) become ``pass`` at the same
indentation; a cell that still does not parse is left out rather than hiding the rest.

Offsets point into the notebook's JSON text: each decoded character of a cell's source
string is mapped back through the JSON escapes, so findings land on the raw value. The
cells are read from a tree that leaves the outputs and metadata to the C decoder
(:func:`~rolecall.read.parsers.json.parse_outline`): their strings need no offsets.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View, ViewError
from rolecall.read.parsers.common import Entry, MapNode, Node, Scalar, SeqNode
from rolecall.read.parsers.python import PythonModule, parse_python
from rolecall.read.parsers.shell import scan_shell

_ENV_MAGIC = re.compile(
    r"%(?:set_)?env[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]*=[ \t]*|[ \t]+)(\S.*?)\s*$"
)
_SHELL_CELLS = ("%%bash", "%%sh", "%%script bash", "%%script sh")


@dataclass(frozen=True)
class NotebookShell:
    """Assignments, ``%env`` values and ``aws configure set`` values, as the shell view."""

    entries: tuple[Entry, ...] = field(default=())


def raw_offsets(text: str, start: int, end: int) -> list[int]:
    """For the JSON string body ``text[start:end]``: the raw offset of each decoded
    character, plus one past the end."""
    offsets: list[int] = []
    i = start
    while i < end:
        offsets.append(i)
        if text[i] != "\\":
            i += 1
        elif text.startswith("\\u", i):
            code = int(text[i + 2 : i + 6], 16)
            i += 12 if 0xD800 <= code < 0xDC00 and text.startswith("\\u", i + 6) else 6
        else:
            i += 2
    offsets.append(end)
    return offsets


def _cell_lines(text: str, source: object) -> list[tuple[str, list[int]]]:
    """The cell's source as (decoded line, raw offset of each character) pairs."""
    parts = source.items if isinstance(source, SeqNode) else (source,)
    lines: list[tuple[str, list[int]]] = []
    for part in parts:
        if not isinstance(part, Scalar):
            continue
        offsets = raw_offsets(text, part.start, part.end)
        pos = 0
        for line in part.value.splitlines(keepends=True):
            lines.append((line.rstrip("\r\n"), offsets[pos : pos + len(line) + 1]))
            pos += len(line)
    return lines


#: Keys whose values the notebook views never read: the outputs (often most of the
#: file), attachments and metadata.
_UNREAD = frozenset({"outputs", "attachments", "metadata"})


def _outline(doc: Document) -> Node | None:
    from rolecall.read.parsers.json import parse_outline

    return parse_outline(doc.text, _UNREAD)


#: The notebook's JSON tree without the values of the keys in ``_UNREAD`` (read by the C
#: decoder instead), or None where only the full JSON view gives the answer. Never fails.
_OUTLINE: View[Node | None] = View("notebook-outline", _outline)


def notebook_root(doc: Document) -> Node:
    """The notebook's JSON root as far as the notebook views read it: cells, their
    types and sources, with the offsets of the full JSON view. Raises
    :class:`ViewError` (recorded for the ``json`` view) where the file is no JSON."""
    root = doc.view(_OUTLINE)
    if root is None:
        from rolecall.read.parsers.json import JSON_VIEW

        root = doc.view(JSON_VIEW).root
    return root


def parse_notebook_shell(doc: Document) -> NotebookShell:
    root = notebook_root(doc)
    cells = root.get("cells") if isinstance(root, MapNode) else None
    entries: list[Entry] = []
    for n, cell in enumerate(cells.items if isinstance(cells, SeqNode) else ()):
        if not isinstance(cell, MapNode) or getattr(cell.get("cell_type"), "value", "") != "code":
            continue
        lines = _cell_lines(doc.text, cell.get("source"))
        shell_cell = bool(lines) and lines[0][0].strip().startswith(_SHELL_CELLS)
        for number, (line, offsets) in enumerate(lines):
            stripped = line.lstrip()
            lead = len(line) - len(stripped)
            path = ("cells", str(n))  # a cell is one group: an id pairs with its secret
            magic = _ENV_MAGIC.match(stripped)
            if magic is not None:
                a, b = lead + magic.start(2), lead + magic.end(2)
                value = magic.group(2)
                entries.append(
                    Entry(
                        (*path, magic.group(1)),
                        value,
                        offsets[a],
                        offsets[b],
                        literal="$" not in value,
                    )
                )
                continue
            if shell_cell and number > 0:
                body, skip = line, 0
            elif stripped.startswith("!"):
                body, skip = stripped[1:], lead + 1
            else:
                continue
            for e in scan_shell(body).entries:
                entries.append(
                    Entry(
                        (*path, *e.path),
                        e.value,
                        offsets[skip + e.start],
                        offsets[skip + e.end],
                        quoted=e.quoted,
                        literal=e.literal,
                    )
                )
    return NotebookShell(tuple(entries))


NOTEBOOK_SHELL_VIEW: View[NotebookShell] = View("notebook-shell", parse_notebook_shell)


# --- the Python of code cells -----------------------------------------------------------

#: Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "py"})
# Python's own line breaks only: str.splitlines also breaks at form feeds and U+2028.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_IPYTHON_LINE = re.compile(r"^(\s*)(?:[!%?]|[A-Za-z_][\w.]*\s*=\s*[!%]|[A-Za-z_][\w.]*\?\??\s*$)")


@dataclass(frozen=True)
class _Line:
    text: str  # decoded, with its line break
    offsets: list[int]  # document offset of each character, plus one past the end


def _python_lines(text: str, cell: Node | None) -> list[_Line]:
    if not isinstance(cell, MapNode) or getattr(cell.get("cell_type"), "value", "") != "code":
        return []
    source = cell.get("source")
    lines: list[_Line] = []
    for part in source.items if isinstance(source, SeqNode) else (source,):
        if not isinstance(part, Scalar) or not part.is_string:
            continue
        offsets = raw_offsets(text, part.start, part.end)
        pos = 0
        for line in _LINES.findall(part.value):
            lines.append(_Line(line, offsets[pos : pos + len(line) + 1]))
            pos += len(line)
    return lines


def _pythonize(lines: list[_Line]) -> list[str]:
    """The cell's lines as Python: magics and shell escapes neutralised."""
    texts = [line.text if line.text.endswith(("\n", "\r")) else line.text + "\n" for line in lines]
    first = next((i for i, t in enumerate(texts) if t.strip()), None)
    if first is not None and texts[first].lstrip().startswith("%%"):
        magic = texts[first].lstrip()[2:].split(None, 1)
        if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
            return ["\n"] * len(texts)
        texts[first] = "\n"
    for i, text in enumerate(texts):
        match = _IPYTHON_LINE.match(text)
        if match and not text.lstrip().startswith("#"):
            texts[i] = match.group(1) + "pass\n"
    return texts


class _Mapper:
    """Maps offsets in the generated source to offsets in the notebook text."""

    def __init__(self, starts: list[int], lines: list[_Line], end: int) -> None:
        self._starts = starts
        self._lines = lines
        self._end = end

    def __call__(self, offset: int) -> int:
        n = max(0, bisect.bisect_right(self._starts, offset) - 1)
        if n >= len(self._lines):
            return self._end
        offsets = self._lines[n].offsets
        return offsets[min(offset - self._starts[n], len(offsets) - 1)]


def _join(doc: Document, cells: list[list[_Line]]) -> PythonModule:
    texts: list[str] = []
    owners: list[_Line] = []
    for lines in cells:
        texts.extend(_pythonize(lines))
        owners.extend(lines)
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text))
    return parse_python("".join(texts), to_doc=_Mapper(starts, owners, len(doc.text)))


def _parses(source: str) -> bool:
    try:
        parse_python(source)
    except ViewError:
        return False
    return True


def parse_notebook_python(doc: Document) -> PythonModule:
    try:
        root = notebook_root(doc)
    except ViewError:
        return parse_python("")  # the JSON view's own notice says why
    cells = root.get("cells") if isinstance(root, MapNode) else None
    per_cell = [
        lines
        for lines in (_python_lines(doc.text, c) for c in getattr(cells, "items", ()))
        if lines
    ]
    try:
        return _join(doc, per_cell)
    except ViewError:
        # Leave out the cells that do not parse on their own, keep the rest.
        kept = [lines for lines in per_cell if _parses("".join(_pythonize(lines)))]
        if len(kept) == len(per_cell):
            raise
        return _join(doc, kept)


#: A notebook's code cells as one Python module.
NOTEBOOK_PYTHON: View[PythonModule] = View("notebook-python", parse_notebook_python)
