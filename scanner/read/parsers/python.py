"""Python source as a standard-library ``ast`` tree, for the rules that read code (RC2xx).

``ast`` parses about twenty times faster than libcst and costs nothing to import, so
finding RC2xx uses never loads libcst (PERF-NOTES: a pre-commit run is start-up bound).
libcst is loaded only to build fix edits, from the source text of the call or dictionary
a finding is about (see :mod:`rolecall.rules.python.analysis.fix`).

``ast`` positions are 1-based lines and UTF-8 *byte* columns; :meth:`PythonModule.offset`
turns them into offsets in the parsed source (code points), which is what findings use.

A notebook's code cells come through the same type (see :mod:`rolecall.read.parsers.notebook`)
with a map from offsets in the generated source back to offsets in the ``.ipynb`` text;
:func:`rolecall.read.parsers.pycode.python_module` gives either, by the document's kind.
"""

from __future__ import annotations

import ast
import bisect
import warnings
from collections.abc import Callable

from rolecall.plugin.lazyre import lazy
from rolecall.read.document import Document, LineIndex, View, ViewError


class PythonModule:
    """A parsed module plus the offsets of its nodes.

    ``source`` is the text ``ast`` parsed; for ``.py`` files it is the document text and
    offsets map one to one (``editable`` is True, so fixes can be expressed as edits of
    the document). For notebooks ``to_doc`` maps source offsets to document offsets.
    """

    def __init__(
        self,
        tree: ast.Module,
        source: str,
        *,
        to_doc: Callable[[int], int] | None = None,
    ) -> None:
        self.tree = tree
        self.source = source
        self._to_doc = to_doc
        self._index: LineIndex | None = None
        self._lines: dict[int, tuple[int, _WideLine | None]] = {}

    @property
    def editable(self) -> bool:
        """Whether source offsets are document offsets (fixes are possible)."""
        return self._to_doc is None

    def doc_offset(self, offset: int) -> int:
        """The document offset of a source offset."""
        return offset if self._to_doc is None else self._to_doc(offset)

    def offset(self, line: int, byte_column: int) -> int:
        """The source offset of an ``ast`` position (1-based line, UTF-8 byte column)."""
        known = self._lines.get(line)
        if known is None:
            if self._index is None:
                self._index = LineIndex(self.source)
            first = self._index.line_start(line)
            content = self.source[first : self._index.line_end(line)]
            # ASCII lines (nearly all) need no decoding: bytes and code points agree.
            known = self._lines[line] = (first, None if content.isascii() else _WideLine(content))
        start, wide = known
        if wide is None:
            return start + byte_column
        return start + wide.column(byte_column)

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Source offsets ``(start, end)`` of a node that has a position."""
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = node.end_lineno  # type: ignore[attr-defined]
        end_column = node.end_col_offset  # type: ignore[attr-defined]
        return start, self.offset(end_line, end_column)


_NON_ASCII = lazy(r"[^\x00-\x7f]")


class _WideLine:
    """Byte columns to code-point columns on a line with non-ASCII characters, from the
    byte offsets of those characters found once: re-encoding the line for every node
    on it made a long one-line module quadratic."""

    __slots__ = ("_ends", "_extra", "_size", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] = []  # byte offset of each non-ASCII character
        self._ends: list[int] = []  # byte offset just past it
        self._extra: list[int] = []  # extra bytes of the non-ASCII characters so far
        extra = 0
        for match in _NON_ASCII.finditer(text):
            size = len(match.group().encode("utf-8", "surrogatepass"))
            start = match.start() + extra
            extra += size - 1
            self._starts.append(start)
            self._ends.append(start + size)
            self._extra.append(extra)
        self._size = len(text) + extra  # the line's length in bytes

    def column(self, byte_column: int) -> int:
        """The code-point column of a UTF-8 byte column (as the decoded prefix counts)."""
        byte_column = min(byte_column, self._size)
        before = bisect.bisect_left(self._starts, byte_column)
        if before == 0:
            return byte_column
        if byte_column >= self._ends[before - 1]:
            return byte_column - self._extra[before - 1]
        # Inside a character (never an ``ast`` position): what decoding the prefix gives.
        return len(self._text.encode("utf-8")[:byte_column].decode("utf-8", "replace"))


def parse_python(source: str, *, to_doc: Callable[[int], int] | None = None) -> PythonModule:
    """Parse ``source`` with ``ast``; :class:`ViewError` (without quoting it) if it fails."""
    from rolecall.read.parsers.pyguard import check_complexity

    # The rules walk the tree with bounded recursion; refusing absurd nesting up front
    # keeps ast.parse and them away from recursion and memory limits.
    check_complexity(source)
    try:
        tree = _parse(source)
    except SyntaxError as exc:
        tree = _parse_newer(source, exc.lineno)
    except (ValueError, TypeError, RecursionError, MemoryError) as exc:
        # ValueError: a NUL byte in the source; the others: nesting beyond the parser.
        raise ViewError(f"not valid Python ({type(exc).__name__})") from None
    # Positions are those of ``source``: a rewrite for newer syntax keeps every line's
    # UTF-8 byte length, and ``ast`` columns are byte columns.
    return PythonModule(tree, source, to_doc=to_doc)


def _parse(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes in old code
        return ast.parse(source)


def _parse_newer(source: str, line: int | None) -> ast.Module:
    """``source`` parsed through a same-layout rewrite of the syntax newer than this
    Python (see :mod:`rolecall.read.parsers.pynewer`), or a :class:`ViewError` by cause."""
    from rolecall.read.parsers.pynewer import rewrite_newer

    newer = rewrite_newer(source)
    if newer is None:
        raise ViewError("not valid Python (syntax error)", line=line)
    if newer.version is not None:
        try:
            return _parse(newer.source)
        except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
            pass
        raise ViewError(f"{newer.describe()}; RC2xx rules did not run", line=line)
    raise ViewError(newer.describe(), line=line)


def _build(doc: Document) -> PythonModule:
    return parse_python(doc.text)


#: The ``ast`` module of a ``.py`` document.
PYTHON: View[PythonModule] = View("python", _build)
