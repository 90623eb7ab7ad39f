"""Notebook shell view: ``%env`` magics and shell lines of Jupyter code cells.

Python code in cells is the Python rules' business; this view reads what a notebook
runs as shell: ``!`` lines, ``%%bash``/``%%sh`` cells and ``%env NAME=value`` magics.
Offsets point into the notebook's JSON text: each decoded character of a cell's source
string is mapped back through the JSON escapes, so findings land on the raw value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.document import Document, View
from rolecall.parsers.common import Entry, MapNode, Scalar, SeqNode
from rolecall.parsers.shell import scan_shell

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


def parse_notebook_shell(doc: Document) -> NotebookShell:
    from rolecall.parsers.json import JSON_VIEW

    root = doc.view(JSON_VIEW).root
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
