"""The code of RC2xx fixes rebuilt with libcst: the fallback of
:mod:`rolecall.rules.python.analysis.fix`.

The call (or dictionary) a finding is about is parsed on its own with
``libcst.parse_expression`` and rebuilt without its credential arguments, so formatting
and comments elsewhere in the call stay as they were. Arguments and entries are found by
their index, which the ``ast`` analysis counts the same way (every argument in source
order). :mod:`rolecall.rules.python.analysis.fixfast` builds the same code from the text where that
is certain; this module (and libcst) is imported only for the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import libcst as cst
from rolecall.rules.python.analysis.nodes import default_newline


@functools.lru_cache(maxsize=4)
def _config(newline: str) -> cst.PartialParserConfig:
    # Made once per line-break style: building one parses version strings, which cost
    # about a tenth of a fix when a module has thousands of them.
    return cst.PartialParserConfig(default_newline=newline)


def rebuilt(
    source: str,
    start: int,
    end: int,
    drop: Mapping[int, set[int] | None],
    newline: str | None = None,
) -> str | None:
    """libcst's code for ``source[start:end]`` without the parts in ``drop``."""
    if newline is None:
        newline = default_newline(source)
    try:
        node = cst.parse_expression(source[start:end], config=_config(newline))
    except (cst.ParserSyntaxError, ValueError, TypeError, IndexError, SyntaxError):
        return None
    ids: set[int] = set()
    if isinstance(node, cst.Call):
        for index, entries in drop.items():
            if index >= len(node.args):
                return None
            arg = node.args[index]
            if entries is None:
                ids.add(id(arg))
            elif isinstance(arg.value, cst.Dict):
                ids.update(id(e) for i, e in enumerate(arg.value.elements) if i in entries)
        new: cst.CSTNode = drop_arguments(node, ids)
    elif isinstance(node, cst.Dict):
        ids.update(id(e) for i, e in enumerate(node.elements) if i in drop)
        new = _drop_elements(node, ids)
    else:
        return None
    return cst.Module(body=[], default_newline=newline).code_for_node(new)


def drop_arguments(call: cst.Call, drop: set[int]) -> cst.Call:
    """``call`` without the arguments (or storage_options entries) whose ids are in
    ``drop``; a storage_options dictionary left empty goes as well."""
    original = list(call.args)
    kept: list[cst.Arg] = []
    for arg in original:
        if id(arg) in drop:
            continue
        value = arg.value
        if isinstance(value, cst.Dict) and any(id(e) in drop for e in value.elements):
            smaller = _drop_elements(value, drop)
            if not smaller.elements:
                continue
            arg = arg.with_changes(value=smaller)
        kept.append(arg)
    if not kept:
        return call.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
    if kept[-1] is not original[-1]:
        kept[-1] = _now_last(kept[-1], original[-1])
    return call.with_changes(args=kept)


def _now_last(arg: cst.Arg, last: cst.Arg) -> cst.Arg:
    """``arg``, which the removal of ``last`` (and what followed it) made the last one.

    It takes over the call's ending from ``last`` (a trailing comma or none, the line
    break and indentation before the closing parenthesis) and keeps its own comment:
    the comment after its comma describes it; ``last``'s comment leaves with ``last``.
    """
    own = _after_comma(arg.comma)
    if isinstance(last.comma, cst.Comma):
        after = keep_comment(own, last.comma.whitespace_after)
        comma = (
            arg.comma.with_changes(whitespace_after=after)
            if isinstance(arg.comma, cst.Comma)
            else last.comma
        )
        return arg.with_changes(comma=comma, whitespace_after_arg=last.whitespace_after_arg)
    ending = keep_comments_before(
        _before_comma(arg.comma), keep_comment(own, last.whitespace_after_arg)
    )
    return arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=ending)


def _after_comma(
    comma: cst.Comma | cst.MaybeSentinel,
) -> cst.BaseParenthesizableWhitespace | None:
    return comma.whitespace_after if isinstance(comma, cst.Comma) else None


def _before_comma(
    comma: cst.Comma | cst.MaybeSentinel,
) -> cst.BaseParenthesizableWhitespace | None:
    return comma.whitespace_before if isinstance(comma, cst.Comma) else None


def _has_comment(whitespace: cst.BaseParenthesizableWhitespace | None) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace) and (
        whitespace.first_line.comment is not None
        or any(line.comment is not None for line in whitespace.empty_lines)
    )


def keep_comments_before(
    before: cst.BaseParenthesizableWhitespace | None, ending: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """``ending`` with the lines of ``before``, the blanks between a part that became the
    last one and the comma that goes: their comments describe the part. A comment on
    ``ending``'s first line moves to a line of its own below them; without a line break
    in ``ending`` the bracket goes on a line of its own (the text path,
    :func:`rolecall.rules.python.analysis.nodes.keep_comments_before`, builds the same)."""
    if not _has_comment(before):
        return ending
    assert isinstance(before, cst.ParenthesizedWhitespace)
    if isinstance(ending, cst.SimpleWhitespace):
        return before.with_changes(
            last_line=cst.SimpleWhitespace(before.last_line.value + ending.value)
        )
    if not isinstance(ending, cst.ParenthesizedWhitespace):
        return ending
    lines = list(before.empty_lines)
    if ending.first_line.comment is not None:
        lines.append(
            cst.EmptyLine(
                indent=False,
                whitespace=before.last_line,
                comment=ending.first_line.comment,
                newline=ending.first_line.newline,
            )
        )
    return ending.with_changes(
        first_line=before.first_line, empty_lines=[*lines, *ending.empty_lines]
    )


def keep_comment(
    own: cst.BaseParenthesizableWhitespace | None, ending: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """``ending`` (the blanks before the closing bracket), with the comment that
    ``own`` (the blanks after the kept part's comma) carried on its first line.

    When ``ending`` runs over lines, ``own``'s first line replaces its first line; when
    it does not and ``own``'s first line has a comment, the bracket moves to a line of
    its own, indented as the line after the comment was: the comment must not go, and
    nothing can follow it on its line (the text path,
    :func:`rolecall.rules.python.analysis.nodes.keep_comment`, builds the same).
    """
    if not isinstance(own, cst.ParenthesizedWhitespace):
        return ending
    if isinstance(ending, cst.ParenthesizedWhitespace):
        return ending.with_changes(first_line=own.first_line)
    if own.first_line.comment is not None and isinstance(ending, cst.SimpleWhitespace):
        return own.with_changes(
            empty_lines=(), last_line=cst.SimpleWhitespace(own.last_line.value + ending.value)
        )
    return ending


def _drop_elements(node: cst.Dict, drop: set[int]) -> cst.Dict:
    """``node`` without the entries whose ids are in ``drop``. A kept entry made the
    last takes the old last entry's comma (or none); the blanks before the closing
    brace stay the dictionary's, with the kept entry's comment (:func:`keep_comment`)."""
    original = list(node.elements)
    kept = [e for e in original if id(e) not in drop]
    if not kept:
        return node.with_changes(
            elements=(), lbrace=cst.LeftCurlyBrace(), rbrace=cst.RightCurlyBrace()
        )
    if kept[-1] is original[-1]:
        return node.with_changes(elements=kept)
    own, before = _after_comma(kept[-1].comma), _before_comma(kept[-1].comma)
    comma = original[-1].comma
    ending = keep_comment(own, node.rbrace.whitespace_before)
    if isinstance(comma, cst.Comma):
        if _has_comment(before):  # the last entry's comma, after this entry's comments
            assert before is not None
            comma = comma.with_changes(whitespace_before=before)
    else:
        ending = keep_comments_before(before, ending)
    kept[-1] = kept[-1].with_changes(comma=comma)
    rbrace = node.rbrace.with_changes(whitespace_before=ending)
    return node.with_changes(elements=kept, rbrace=rbrace)
