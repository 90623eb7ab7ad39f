"""Arguments and dictionary entries of ``ast`` nodes, with their extent in the source.

``ast`` keeps positional arguments and keywords apart and leaves the parentheses around
an expression out of its position. The rules want what a reader sees: the arguments in
source order, and an argument or dictionary entry from its first to its last character,
parentheses included (as libcst, which builds the fixes, delimits them). The extents
are found from ``ast`` positions plus a look at the characters between neighbours.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from rolecall.plugin.api import PythonModule, lazy


@dataclass(frozen=True)
class Arg:
    """One argument of a call, in source order (``index`` counts every argument)."""

    index: int
    keyword: str | None
    star: str  # "", "*" or "**"
    value: ast.expr
    node: ast.AST  # the ast.keyword, or the expression of a positional/starred argument


def call_args(call: ast.Call) -> list[Arg]:
    """Every argument of ``call`` as written, positional and keyword interleaved."""
    items: list[tuple[tuple[int, int], str | None, str, ast.expr, ast.AST]] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            items.append(((arg.lineno, arg.col_offset), None, "*", arg.value, arg))
        else:
            items.append(((arg.lineno, arg.col_offset), None, "", arg, arg))
    for kw in call.keywords:
        items.append(((kw.lineno, kw.col_offset), kw.arg, "" if kw.arg else "**", kw.value, kw))
    items.sort(key=lambda item: item[0])
    return [Arg(i, kw, star, value, node) for i, (_, kw, star, value, node) in enumerate(items)]


@dataclass(frozen=True)
class Part:
    """An argument or dictionary entry: its extent and its value's, as source offsets."""

    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class Layout:
    """A call's or dictionary's extent, brackets and parts (arguments or entries)."""

    start: int
    end: int
    open: int  # offset of the opening bracket
    parts: tuple[Part, ...]


class Measure:
    """Extents of calls, dictionaries and expressions in one module (cached per node)."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.source = module.source
        self._layouts: dict[int, Layout] = {}
        self._newline: str | None = None

    @property
    def newline(self) -> str:
        """The module's default line break for rebuilt code (found once: a module
        without one would be searched whole for every fix)."""
        if self._newline is None:
            self._newline = default_newline(self.source)
        return self._newline

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.module.span(node)

    def code(self, start: int, end: int) -> str:
        return self.source[start:end]

    def value_in(self, value: ast.expr, lo: int, hi: int) -> tuple[int, int]:
        """``value``'s extent with the parentheses around it, within ``lo``..``hi``."""
        start, end = self.span(value)
        return _widen(self.source, start, end, lo, hi)

    def layout(self, node: ast.Call | ast.Dict) -> Layout:
        known = self._layouts.get(id(node))
        if known is None:
            known = self._layouts[id(node)] = (
                self._call(node) if isinstance(node, ast.Call) else self._dict(node)
            )
        return known

    def _call(self, call: ast.Call) -> Layout:
        start, end = self.span(call)
        func_end = self.span(call.func)[1]
        source = self.source
        opening = _skip_right(source, func_end, end)
        while opening < end and source[opening] == ")":  # past the callee's own ")"
            opening = _skip_right(source, opening + 1, end)
        args = call_args(call)
        raw = [self.span(a.node) for a in args]
        parts: list[Part] = []
        for i, (arg, (s, e)) in enumerate(zip(args, raw, strict=True)):
            lo = raw[i - 1][1] if i else opening + 1
            hi = raw[i + 1][0] if i + 1 < len(raw) else end - 1
            if s < lo:  # a lone generator expression: ast counts the call's brackets
                s, e = _skip_right(source, lo, hi), _skip_left(source, hi, lo)
            if arg.keyword is None and not arg.star:
                s, e = _widen(source, s, e, lo, hi)
                parts.append(Part(s, e, s, e))
            else:
                value_start, value_end = self.value_in(arg.value, s, e)
                parts.append(Part(s, e, value_start, value_end))
        return Layout(start, end, opening, tuple(parts))

    def _dict(self, node: ast.Dict) -> Layout:
        start, end = self.span(node)
        source = self.source
        keys = [self.span(k) if k is not None else None for k in node.keys]
        values = [self.span(v) for v in node.values]
        parts: list[Part] = []
        for i, (key, value) in enumerate(zip(keys, values, strict=True)):
            lo = values[i - 1][1] if i else start + 1
            following = (keys[i + 1] or values[i + 1]) if i + 1 < len(values) else None
            hi = following[0] if following else end - 1
            if key is not None:
                element_start = _widen(source, *key, lo, value[0])[0]
                value_start, value_end = _widen(source, *value, key[1], hi)
            else:  # ``**other``: the entry starts at its ``**``
                value_start, value_end = _widen(source, *value, lo, hi)
                element_start = source.rindex("**", lo, value_start)
            parts.append(Part(element_start, value_end, value_start, value_end))
        return Layout(start, end, start, tuple(parts))

    def without(self, node: ast.Call | ast.Dict, drop: dict[int, set[int] | None]) -> str:
        """The code of ``node`` without the parts whose indexes are keys of ``drop``
        (None: the whole part; a set: those entries of the dictionary it passes; a
        dictionary left empty goes as a whole), laid out as the fix lays it out."""
        layout = self.layout(node)
        parts = layout.parts
        close = layout.end - 1
        texts: list[tuple[int, str]] = []  # (index, text of the part alone)
        for i, part in enumerate(parts):
            entries = drop.get(i, ())
            if entries is None:
                continue
            text = self.code(part.start, part.end)
            if entries:
                inner = _passed_dict(node, i)
                assert inner is not None
                smaller = self.without(inner, dict.fromkeys(entries))
                if smaller == "{}":
                    continue
                inner_start, inner_end = self.span(inner)
                text = self.code(part.start, inner_start) + smaller + self.code(inner_end, part.end)
            texts.append((i, text))
        if not texts:
            if isinstance(node, ast.Dict):
                return "{}"
            return self.code(layout.start, layout.open + 1) + ")"
        pieces = [self.code(layout.start, parts[0].start)]
        last = len(parts) - 1
        for n, (i, text) in enumerate(texts):
            if n + 1 < len(texts):
                # The separator after a kept part is its own: comma, spaces, comments.
                pieces.append(text + self.code(parts[i].end, parts[i + 1].start))
            elif i == last:
                pieces.append(text + self.code(parts[last].end, close))
            else:
                # The last kept part takes the call's ending from the original last part
                # (its trailing comma or none, the blanks before the parenthesis) and
                # keeps its own comment, as the libcst fix does (rules/python/analysis/fix.py).
                # A dictionary's entry takes the old last entry's comma as well.
                own = self.code(parts[i].end, parts[i + 1].start)
                tail = self.code(parts[last].end, close)
                pieces.append(text + _now_last(own, tail, isinstance(node, ast.Dict)))
        pieces.append(self.code(close, layout.end))
        return "".join(pieces)


_LINE_BREAK = lazy(r"\r\n?|\n")


def default_newline(source: str) -> str:
    """The file's first line break, its default as libcst reads whole modules: code
    generation writes that one wherever the parse recorded "the default"."""
    first_break = _LINE_BREAK.search(source)
    return first_break.group() if first_break else "\n"


def _now_last(own: str, tail: str, last_comma: bool = False) -> str:
    """The separator after a part that became the last one: ``own`` is what followed it
    (its comma, comment, line break), ``tail`` what followed the original last part.
    The comma is the part's own, or with ``last_comma`` (a dictionary) the last one's.
    Comments between the part and its own comma stay where that comma goes or is
    replaced (:func:`keep_comments_before`)."""
    own_comma, tail_comma = _comma_at(own), _comma_at(tail)
    own_after = own[own_comma + 1 :] if own_comma >= 0 else own
    own_before = own[:own_comma] if own_comma >= 0 else ""
    if tail_comma >= 0:
        if own_comma >= 0 and (not last_comma or "#" in own_before):
            head = own[: own_comma + 1]
        else:
            head = tail[: tail_comma + 1]
        return head + keep_comment(own_after, tail[tail_comma + 1 :])
    return keep_comments_before(own_before, keep_comment(own_after, tail))


def keep_comment(own_after: str, ending: str) -> str:
    """The blanks before the closing bracket after a part that became the last one:
    ``ending`` (what followed the original last part, after its comma) with the first
    line of ``own_after`` (what followed the part's own comma: the comment that
    describes it), so that comment stays.

    When both run over lines, ``own_after``'s first line replaces ``ending``'s. When only
    ``own_after`` does and its first line holds a comment, the bracket moves to a line of
    its own, indented as the line after the comment was (``b=k)`` on the line after
    ``f(a,  # why`` leaves ``    )`` there, never ``f(a)`` without the comment).
    libcst's fix builds the same (:func:`rolecall.rules.python.analysis.fixcst.keep_comment`).
    """
    if "\n" not in own_after:
        return ending
    first_line = own_after[: own_after.index("\n") + 1]
    if "\n" in ending:
        return first_line + ending[ending.index("\n") + 1 :]
    if "#" in first_line:
        return first_line + own_after[own_after.rindex("\n") + 1 :] + ending
    return ending


def keep_comments_before(before: str, ending: str) -> str:
    """``ending`` (the blanks before the closing bracket after a part that became the
    last one) with the lines of ``before``: what stood between the part and the comma
    that goes (``a  # why`` on one line, ``, b`` on the next). Those comments describe
    the part and must not go with the comma.

    Their lines come first; a comment on ``ending``'s own first line moves to a line of
    its own below them, and when ``ending`` has no line break the bracket goes on a line
    of its own. Either is indented as the comma's line was. libcst's fix builds the same
    (:func:`rolecall.rules.python.analysis.fixcst.keep_comments_before`).
    """
    if "#" not in before:
        return ending
    lines, indent = before[: before.rindex("\n") + 1], before[before.rindex("\n") + 1 :]
    if "\n" not in ending:
        return lines + indent + ending
    first, rest = ending[: ending.index("\n") + 1], ending[ending.index("\n") + 1 :]
    if "#" in first:
        return lines + indent + first.lstrip(" \t") + rest
    return lines + rest


def _comma_at(text: str) -> int:
    """The offset of the first comma of ``text`` outside a comment, or -1."""
    i = 0
    while i < len(text):
        char = text[i]
        if char == ",":
            return i
        if char == "#":
            newline = text.find("\n", i)
            if newline == -1:
                return -1
            i = newline
        i += 1
    return -1


def _passed_dict(node: ast.Call | ast.Dict, index: int) -> ast.Dict | None:
    if isinstance(node, ast.Call):
        value = call_args(node)[index].value
        return value if isinstance(value, ast.Dict) else None
    return None


def _skip_right(source: str, i: int, hi: int) -> int:
    """The first offset from ``i`` (below ``hi``) that is not whitespace or a comment."""
    while i < hi:
        char = source[i]
        if char in " \t\f\r\n\\":
            i += 1
        elif char == "#":
            newline = source.find("\n", i, hi)
            i = hi if newline == -1 else newline
        else:
            break
    return i


def _skip_left(source: str, i: int, lo: int) -> int:
    while i > lo and source[i - 1] in " \t\f\r\n\\":
        i -= 1
    return i


def _widen(source: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Grow ``start``..``end`` over pairs of parentheses around it, within ``lo``..``hi``."""
    while True:
        left = _skip_left(source, start, lo)
        right = _skip_right(source, end, hi)
        if left > lo and right < hi and source[left - 1] == "(" and source[right] == ")":
            start, end = left - 1, right + 1
        else:
            return start, end
