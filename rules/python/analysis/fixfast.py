"""The code of RC2xx fixes built from the source text, without libcst, where that is exact.

libcst rebuilds a call without some arguments by a few rules about who owns the text
between them (see :mod:`rolecall.rules.python.analysis.fixcst`):

- an argument owns its comma and everything after the comma up to the next argument
  (blanks, comments, line breaks, the next line's indentation), so a removed argument
  takes all that with it, and what comes before the first argument stays;
- an argument that the removal of the ones after it made the last takes over the call's
  ending from the original last one (a trailing comma or none, the blanks before the
  parenthesis) and keeps the comment after its own comma on its first line: in place
  of the ending's first line when both run over lines, or with the parenthesis moved to
  the next line when only its own do;
- a dictionary's kept last entry takes the original last entry's comma and blanks, and
  keeps its own comment the same way;
- a storage_options dictionary left empty goes as a whole, and a call left without
  arguments loses the blanks inside its parentheses.

These rules are applied here to the text between the parts of an ``ast`` layout of the
code. They are applied only where that text is plain: spaces and tabs, ``\\n`` or
``\\r\\n`` line breaks, comments, and the commas where they must be. Anything else (a
backslash continuation or a comment before a comma, a form feed, a line break other
than the module's default one (libcst would write that one instead), a
generator argument, an f-string newer than Python 3.11 or a t-string, code ``ast``
cannot read on its own) gets None, and the caller asks libcst. That the two agree is
tested on generated layouts and real packages (tests/rules/python/analysis/test_fixfast.py).
"""

from __future__ import annotations

import ast
import itertools
import re
import sys
import warnings
from collections.abc import Mapping

from rolecall.plugin.api import PythonModule
from rolecall.rules.python.analysis.nodes import (
    Layout,
    Measure,
    call_args,
    default_newline,
    keep_comment,
)

#: Blanks, comments and line breaks: all the text between two parts may hold.
_BLANKS = re.compile(r"(?:[ \t]+|#[^\r\n]*|\r?\n)*")
#: The text after a part that has a comma: plain blanks, the comma, then anything blank.
_COMMA = re.compile(r"([ \t]*),((?:[ \t]+|#[^\r\n]*|\r?\n)*)")
#: A run of plain string literals, f-strings included, as Python 3.11 reads them.
_CLASSIC_STRINGS = re.compile(r"""(?:[rRbBuUfF]{0,2}(?:'[^'\\\n#]*'|"[^"\\\n#]*")\s*)+""")


def rebuilt(
    source: str,
    start: int,
    end: int,
    drop: Mapping[int, set[int] | None],
    newline: str | None = None,
) -> str | None:
    """libcst's code for ``source[start:end]`` (a call or a dictionary) without the parts
    in ``drop`` (see :func:`rolecall.rules.python.analysis.fixcst.rebuilt`), or None where the text
    does not say it for certain. ``newline`` is the module's default line break
    (:func:`rolecall.rules.python.analysis.nodes.default_newline`)."""
    code = source[start:end]
    if not _breaks_are(code, default_newline(source) if newline is None else newline):
        return None
    measure = _measure(code)
    if measure is None:
        return None
    node = measure.module.tree.body[0]
    assert isinstance(node, ast.Expr)
    try:
        if isinstance(node.value, ast.Call):
            return _call(measure, node.value, drop)
        if isinstance(node.value, ast.Dict):
            return _dict(measure, node.value, set(drop))
    except (ValueError, IndexError):
        pass  # a layout the extents cannot make out: libcst decides, as it always did
    return None


def _breaks_are(code: str, newline: str) -> bool:
    """Whether every line break in ``code`` is ``newline``: libcst writes the module's
    default one for each line break it parsed between tokens (not in strings), so a
    call with other ones changes in places this module does not know about."""
    if "\r" not in code:
        return newline == "\n" or "\n" not in code
    if newline != "\r\n":
        return False  # a lone carriage return, or a CRLF in a file whose default is not
    return code.count("\r") == code.count("\n") == code.count("\r\n")


def _measure(code: str) -> Measure | None:
    """A :class:`Measure` of ``code`` parsed alone, when it is one call or dictionary
    whose strings libcst reads as they are written."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes in old code
            tree = ast.parse(code)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    measure = Measure(PythonModule(tree, code))
    if measure.span(tree.body[0].value) != (0, len(code)):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.GeneratorExp):
            return None  # a lone generator argument shares the call's parentheses
        if type(node).__name__ in ("TemplateStr", "Interpolation"):
            return None
        if sys.version_info >= (3, 12) and isinstance(node, ast.JoinedStr):
            if not _CLASSIC_STRINGS.fullmatch(code[slice(*measure.span(node))]):
                return None  # an f-string only Python 3.12's grammar reads
    return measure


def _separators(code: str, layout: Layout) -> tuple[list[re.Match[str]], str] | None:
    """The comma and blanks after each part but the last, and the text between the last
    part and the closing bracket; None unless all of it is plain."""
    parts = layout.parts
    if not parts:
        return [], ""
    if not _BLANKS.fullmatch(code, layout.open + 1, parts[0].start):
        return None
    commas: list[re.Match[str]] = []
    for part, following in itertools.pairwise(parts):
        comma = _COMMA.fullmatch(code, part.end, following.start)
        if comma is None:
            return None
        commas.append(comma)
    close = layout.end - 1
    if not (
        _BLANKS.fullmatch(code, parts[-1].end, close)
        or _COMMA.fullmatch(code, parts[-1].end, close)
    ):
        return None
    return commas, code[parts[-1].end : close]


def _call(measure: Measure, call: ast.Call, drop: Mapping[int, set[int] | None]) -> str | None:
    code = measure.source
    layout = measure.layout(call)
    parts = layout.parts
    if code[layout.open] != "(" or code[layout.end - 1] != ")":
        return None
    if any(index >= len(parts) for index in drop):
        return None  # libcst gives up on such a fix; so does the caller, through libcst
    separators = _separators(code, layout)
    if separators is None:
        return None
    commas, tail = separators
    args = call_args(call) if any(drop.values()) else []
    kept: list[tuple[int, str]] = []  # (index, the part's code)
    for index, part in enumerate(parts):
        entries = drop.get(index, set())
        if entries is None:
            continue
        text = code[part.start : part.end]
        value = args[index].value if entries else None
        if isinstance(value, ast.Dict):
            gone = {entry for entry in entries if entry < len(value.keys)}
            if len(gone) == len(value.keys) and gone:
                continue  # a dictionary left empty goes with its argument
            if gone:
                smaller = _dict(measure, value, gone)
                if smaller is None:
                    return None
                inner_start, inner_end = measure.span(value)
                text = code[part.start : inner_start] + smaller + code[inner_end : part.end]
        kept.append((index, text))
    if not kept:
        return code[: layout.open + 1] + ")"
    pieces = [code[: parts[0].start]]
    last = len(parts) - 1
    for n, (index, text) in enumerate(kept):
        pieces.append(text)
        if n + 1 < len(kept):
            pieces.append(code[parts[index].end : parts[index + 1].start])
        elif index == last:
            pieces.append(tail)
        else:
            pieces.append(_now_last(commas[index], tail))
    pieces.append(")")
    return "".join(pieces)


def _now_last(own: re.Match[str], tail: str, own_comma: bool = True) -> str:
    """What follows a part that became the last one: a comma if the call keeps a
    trailing comma (the part's own, or with ``own_comma`` false the last one's), then the
    ending of the call with the comment after the part's own comma kept
    (:func:`rolecall.rules.python.analysis.nodes.keep_comment`)."""
    ending = _COMMA.fullmatch(tail)
    if ending is None:
        return keep_comment(own.group(2), tail)
    head = own.group(1) if own_comma else ending.group(1)
    return head + "," + keep_comment(own.group(2), ending.group(2))


def _dict(measure: Measure, node: ast.Dict, drop: set[int]) -> str | None:
    code = measure.source
    layout = measure.layout(node)
    parts = layout.parts
    if code[layout.start] != "{" or code[layout.end - 1] != "}":
        return None
    separators = _separators(code, layout)
    if separators is None:
        return None
    commas, tail = separators
    kept = [index for index in range(len(parts)) if index not in drop]
    if not kept:
        return "{}"
    pieces = [code[layout.start : parts[0].start]]
    last = len(parts) - 1
    for n, index in enumerate(kept):
        pieces.append(code[parts[index].start : parts[index].end])
        if n + 1 < len(kept):
            pieces.append(code[parts[index].end : parts[index + 1].start])
        elif index == last:
            pieces.append(tail)
        else:  # the last kept entry ends as the last one did, with its own comment
            pieces.append(_now_last(commas[index], tail, own_comma=False))
    pieces.append("}")
    return "".join(pieces)
