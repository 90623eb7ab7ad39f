"""The edits of RC2xx fixes: the call (or dictionary) rebuilt without its credentials.

The new code comes from the source text (:mod:`rolecall.rules.python.analysis.fixfast`) wherever the
text's layout says for certain what libcst would write, and from libcst
(:mod:`rolecall.rules.python.analysis.fixcst`, imported only then) for the rest: the two agree
character for character (tests/rules/python/analysis/test_fixfast.py), so a report's edits do
not depend on which one built them, and a hook run whose fixes are all ordinary never
pays libcst's import (PERF-NOTES: a pre-commit run is start-up bound). Only the
characters that changed are replaced.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import rolecall.rules.python.analysis.fixfast as _pyfixfast
from rolecall import Document, TextEdit


def removal_edits(
    doc: Document,
    source: str,
    start: int,
    end: int,
    drop: Mapping[int, set[int] | None],
    newline: str | None = None,
) -> tuple[TextEdit, ...] | None:
    """The edits that rewrite ``source[start:end]`` (a call or a dictionary) without the
    arguments or entries in ``drop`` (see
    :meth:`rolecall.rules.python.analysis.nodes.Measure.without`); None when libcst
    cannot read that code.

    One edit per changed stretch: the text between two removed arguments (a kept
    ``endpoint_url`` with a password in it) is never part of an edit, so a report's
    ``replacement`` holds only the commas, blanks and comments that move. ``newline``
    is :func:`rolecall.rules.python.analysis.nodes.default_newline` of ``source``, when the caller
    knows it already.
    """
    old_code = source[start:end]
    new_code = rebuilt(source, start, end, drop, newline)
    if new_code is None:
        return None
    matcher = difflib.SequenceMatcher(None, old_code, new_code, autojunk=False)
    edits: list[TextEdit] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        edit_start, edit_end = start + a0, start + a1
        replacement = new_code[b0:b1]
        edits.append(
            TextEdit(edit_start, edit_end, replacement, doc.location(edit_start, edit_end))
        )
    return tuple(edits)


def rebuilt(
    source: str,
    start: int,
    end: int,
    drop: Mapping[int, set[int] | None],
    newline: str | None = None,
) -> str | None:
    """The code of ``source[start:end]`` without the parts in ``drop``, as libcst writes
    it; None when libcst cannot read that code."""
    fast = _pyfixfast.rebuilt(source, start, end, drop, newline)
    if fast is not None:
        return fast
    import rolecall.rules.python.analysis.fixcst as _pyfixcst

    return _pyfixcst.rebuilt(source, start, end, drop, newline)
