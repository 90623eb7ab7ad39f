"""Offsets to 1-based lines and columns (code points and UTF-16 code units) and back.

Apart from :mod:`rolecall.read.document` because it is the one piece of a document the
windowed reader (:mod:`rolecall.read.chunks`) also builds, for a window of a file.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class LineIndex:
    """Maps offsets in a text to 1-based lines and columns.

    Line breaks are ``\\n``, ``\\r\\n`` and a lone ``\\r``, as Python and git read them.
    """

    __slots__ = ("_astral", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._astral: list[int] | None = None  # offsets of non-BMP characters, found once
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        if "\r" in text:
            starts = _add_lone_cr(text, starts)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset just past ``line``'s content, before its line break."""
        if line < len(self._starts):
            end = self._starts[line] - 1
            if self._text[end] == "\n" and end > 0 and self._text[end - 1] == "\r":
                end -= 1
            return end
        return len(self._text)

    def line_text(self, line: int) -> str:
        return self._text[self.line_start(line) : self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; column counts code points."""
        offset = max(0, min(offset, len(self._text)))
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def utf16_column(self, line: int, column: int) -> int:
        """The 1-based UTF-16 code-unit column of code-point ``column`` on ``line``."""
        # Offsets of astral characters are found once per text: counting them per call
        # made many findings on one long line (minified JSON) quadratic.
        if self._astral is None:
            self._astral = [m.start() for m in _ASTRAL.finditer(self._text)]
        if not self._astral:
            return column
        start = self._starts[line - 1]
        end = start + column - 1
        return (
            column + bisect.bisect_left(self._astral, end) - bisect.bisect_left(self._astral, start)
        )

    def offset(self, line: int, column: int) -> int:
        """Inverse of :meth:`position`."""
        return self._starts[line - 1] + column - 1


def _add_lone_cr(text: str, starts: list[int]) -> list[int]:
    extra = []
    pos = text.find("\r")
    while pos != -1:
        if pos + 1 >= len(text) or text[pos + 1] != "\n":
            extra.append(pos + 1)
        pos = text.find("\r", pos + 1)
    return sorted(set(starts).union(extra)) if extra else starts
