"""A Jupyter notebook's code cells as one Python module, mapped back to the ``.ipynb``.

The cells are joined in order (a session made in one cell is used in the next), so
the rules see the notebook as the kernel runs it. IPython syntax is not Python: a cell
magic cell (``%%bash``, ``%%sql``...) is left out, ``%%time``-style magics lose only
their first line, and line magics, shell escapes and help lines (``%pip``, ``!ls``,
``x = !cmd``, ``obj?``) become ``pass`` at the same indentation. A cell that still does
not parse is left out rather than hiding the rest of the notebook.

Offsets in the generated source map back to the JSON text of the ``.ipynb`` file,
through the escapes of its JSON strings, so findings point at the right line there.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]
from json.scanner import py_make_scanner as _py_make_scanner  # type: ignore[attr-defined]

from rolecall.document import Document, View, ViewError
from rolecall.parsers.python import PythonModule, parse_python

#: Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "py"})
# Python's own line breaks only: str.splitlines also breaks at form feeds and U+2028.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_IPYTHON_LINE = re.compile(r"^(\s*)(?:[!%?]|[A-Za-z_][\w.]*\s*=\s*[!%]|[A-Za-z_][\w.]*\?\??\s*$)")


class _Pos(str):
    """A JSON string value that remembers where its raw text starts in the document."""

    start: int


def _parse_string(text: str, end: int, strict: bool) -> tuple[str, int]:
    value, new_end = _scanstring(text, end, strict)
    out = _Pos(value)
    out.start = end
    return out, new_end


def _load(text: str) -> object:
    decoder = json.JSONDecoder()
    decoder.parse_string = _parse_string  # type: ignore[attr-defined]
    # The pure-Python scanner, because the C one ignores ``parse_string``.
    scan = _py_make_scanner(decoder)
    start = len(text) - len(text.lstrip())
    try:
        value, end = scan(text, start)
    except (StopIteration, ValueError):
        raise ViewError("not a valid notebook (JSON syntax error)") from None
    if text[end:].strip():
        raise ViewError("not a valid notebook (extra data after the JSON)")
    return value


def _raw_offset(text: str, start: int, index: int) -> int:
    """Offset in ``text`` of decoded character ``index`` of the JSON string at ``start``."""
    pos = start
    for _ in range(index):
        if text[pos] != "\\":
            pos += 1
        elif text[pos + 1] != "u":
            pos += 2
        else:
            high = int(text[pos + 2 : pos + 6], 16)
            is_pair = 0xD800 <= high < 0xDC00 and text[pos + 6 : pos + 8] == "\\u"
            pos += 12 if is_pair else 6
    return pos


@dataclass(frozen=True)
class _Line:
    text: str  # decoded, with its line break
    piece: _Pos  # the JSON string it comes from
    index: int  # its first character's index in ``piece``


def _cell_lines(cell: object) -> list[_Line] | None:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    source = cell.get("source", [])
    pieces = [source] if isinstance(source, str) else source
    lines: list[_Line] = []
    for piece in pieces if isinstance(pieces, list) else []:
        if not isinstance(piece, _Pos):
            continue
        index = 0
        for part in _LINES.findall(piece):
            lines.append(_Line(part, piece, index))
            index += len(part)
    return lines


def _pythonize(lines: list[_Line]) -> list[str]:
    """The cell's lines as Python: magics and shell escapes neutralised."""
    texts = [line.text if line.text.endswith("\n") else line.text + "\n" for line in lines]
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

    def __init__(self, text: str, starts: list[int], lines: list[_Line | None]) -> None:
        self._text = text
        self._starts = starts
        self._lines = lines

    def __call__(self, offset: int) -> int:
        n = max(0, bisect.bisect_right(self._starts, offset) - 1)
        line = self._lines[n] if n < len(self._lines) else None
        if line is None:
            return len(self._text)
        column = min(offset - self._starts[n], len(line.text))
        return _raw_offset(self._text, line.piece.start, line.index + column)


def _build(doc: Document) -> PythonModule:
    data = _load(doc.text)
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise ViewError("not a notebook (no cells)")
    per_cell = [lines for lines in (_cell_lines(c) for c in cells) if lines]
    try:
        return _join(doc, per_cell)
    except ViewError:
        # Find the cells that do not parse on their own and leave them out.
        kept = [lines for lines in per_cell if _parses("".join(_pythonize(lines)))]
        if len(kept) == len(per_cell):
            raise
        return _join(doc, kept)


def _parses(source: str) -> bool:
    try:
        parse_python(source)
    except ViewError:
        return False
    return True


def _join(doc: Document, per_cell: list[list[_Line]]) -> PythonModule:
    texts: list[str] = []
    owners: list[_Line | None] = []
    for lines in per_cell:
        texts.extend(_pythonize(lines))
        owners.extend(lines)
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text))
    return parse_python("".join(texts), to_doc=_Mapper(doc.text, starts, owners))


#: A notebook's code cells as one Python module.
NOTEBOOK_PYTHON: View[PythonModule] = View("notebook-python", _build)
