"""Every occurrence of a few literal words in a text's bytes, found in one pass.

Not a rule module. The material view of RC101-RC105 looks for ``secret`` and the
session-token words in a lower-cased copy of every document the keyword prefilter sends
it; botocore's API models are 100 MB of such text, and each ``bytes.find`` loop over
them costs as much as the C JSON parse of a large model (about 0.6 ns a byte, a word at a
time). :class:`LiteralFinder` finds all its words in one Hyperscan pass (the same wheel
as the keyword prefilter, several GB/s however many words), and falls back to one
``find`` loop per word where the wheel is not installed. Both report the same
occurrences: every start of every word, overlapping ones included, except for the words
asked for ``once``, whose first occurrence alone says that they occur.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

#: Until a finder has searched this many bytes in a process it searches with ``find``:
#: compiling the database costs about 1.5 ms in each process, more than the loops cost
#: on the files of a commit (a pre-commit run is start-up bound); past it, the loops
#: would cost more (botocore's sdist: 60 ms of a worker's second).
HYPERSCAN_MIN_BYTES = 1024 * 1024

#: What a compiled search gives for a text: the starts of each word, in order.
Search = Callable[[bytes], list[list[int]]]


class LiteralFinder:
    """Finds every occurrence of each of ``words`` (bytes, compared exactly); of the
    words whose index is in ``once``, at most one occurrence (whether they occur)."""

    def __init__(self, words: Sequence[bytes], once: Collection[int] = ()) -> None:
        if not all(words):
            raise ValueError("an empty word occurs everywhere")
        self.words = tuple(words)
        self.once = frozenset(once)
        self._search: Search | None = None
        self._seen = 0  # bytes searched with find, before the database

    def find(self, data: bytes) -> list[list[int]]:
        """The starts of each word in ``data`` (one list per word, ascending; at most
        one start for a word in ``once``)."""
        if self._search is None:
            self._seen += len(data)
            if self._seen <= HYPERSCAN_MIN_BYTES:
                return self.find_by_find(data)
            # Compiled once this process has searched enough, in the worker that scans.
            self._search = _hyperscan(self.words, self.once) or self.find_by_find
        return self._search(data)

    def find_by_find(self, data: bytes) -> list[list[int]]:
        """:meth:`find` with ``bytes.find`` (the fallback, and what tests compare with)."""
        found: list[list[int]] = []
        for index, word in enumerate(self.words):
            starts: list[int] = []
            pos = data.find(word)
            while pos != -1:
                starts.append(pos)
                if index in self.once:
                    break
                pos = data.find(word, pos + 1)
            found.append(starts)
        return found


def _hyperscan(words: Sequence[bytes], once: frozenset[int]) -> Search | None:
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
        # Without SINGLEMATCH every occurrence is reported; with it, the first only
        # (Hyperscan reports matches in the order of their ends).
        flags=[hyperscan.HS_FLAG_SINGLEMATCH if i in once else 0 for i in range(len(words))],
    )
    scratch = hyperscan.Scratch(db)
    sizes = tuple(len(word) for word in words)

    def search(data: bytes) -> list[list[int]]:
        found: list[list[int]] = [[] for _ in sizes]

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            # Without HS_FLAG_SOM_LEFTMOST ``start`` is not given: the end and the
            # word's length are. One word's matches come in the order of their ends,
            # which is that of their starts.
            found[index].append(end - sizes[index])

        db.scan(data, match_event_handler=on_match, scratch=scratch)
        return found

    return search
