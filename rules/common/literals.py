"""Every occurrence of a few literal words in a text's bytes, found in one pass.

Not a rule module. The material view of RC101-RC105 looks for ``secret`` and the
session-token words in a lower-cased copy of every document the keyword prefilter sends
it; botocore's API models are 100 MB of such text, and each ``bytes.find`` loop over
them costs as much as the C JSON parse of a large model (about 0.6 ns a byte, a word at a
time). :class:`LiteralFinder` finds all its words in one Hyperscan pass (the same wheel
as the keyword prefilter, several GB/s however many words), and falls back to one
``find`` loop per word where the wheel is not installed. Both report the same
occurrences: every start of every word, overlapping ones included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: What a compiled search gives for a text: (word index, start) of every occurrence.
Search = Callable[[bytes], list[tuple[int, int]]]


class LiteralFinder:
    """Finds every occurrence of each of ``words`` (bytes, compared exactly)."""

    def __init__(self, words: Sequence[bytes]) -> None:
        if not all(words):
            raise ValueError("an empty word occurs everywhere")
        self.words = tuple(words)
        self._search: Search | None = None

    def find(self, data: bytes) -> list[tuple[int, int]]:
        """``(index of the word, start)`` of every occurrence in ``data``, in no set order."""
        if self._search is None:
            # Compiled on first use, in the worker process that scans.
            self._search = _hyperscan(self.words) or self.find_by_find
        return self._search(data) if data else []

    def find_by_find(self, data: bytes) -> list[tuple[int, int]]:
        """:meth:`find` with ``bytes.find`` (the fallback, and what tests compare with)."""
        found: list[tuple[int, int]] = []
        for index, word in enumerate(self.words):
            pos = data.find(word)
            while pos != -1:
                found.append((index, pos))
                pos = data.find(word, pos + 1)
        return found


def _hyperscan(words: Sequence[bytes]) -> Search | None:
    try:
        import hyperscan
    except ImportError:
        return None
    db = hyperscan.Database()
    db.compile(
        # Every byte as a \xHH escape: a literal whatever it is.
        expressions=[b"".join(b"\\x%02x" % c for c in word) for word in words],
        ids=list(range(len(words))),
        elements=len(words),
        flags=[0] * len(words),  # no SINGLEMATCH: every occurrence is reported
    )
    scratch = hyperscan.Scratch(db)
    sizes = tuple(len(word) for word in words)

    def search(data: bytes) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        add = found.append

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            # Without HS_FLAG_SOM_LEFTMOST ``start`` is not given: the end and the
            # word's length are.
            add((index, end - sizes[index]))

        db.scan(data, match_event_handler=on_match, scratch=scratch)
        return found

    return search
