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
    own = arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else None
    if isinstance(last.comma, cst.Comma):
        after = _keep_comment(own, last.comma.whitespace_after)
        comma = (
            arg.comma.with_changes(whitespace_after=after)
            if isinstance(arg.comma, cst.Comma)
            else last.comma
        )
        return arg.with_changes(comma=comma, whitespace_after_arg=last.whitespace_after_arg)
    ending = _keep_comment(own, last.whitespace_after_arg)
    return arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=ending)


def _keep_comment(
    own: cst.BaseParenthesizableWhitespace | None, ending: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """``ending`` (the blanks before the closing parenthesis), with the comment that
    ``own`` (the blanks after the kept argument's comma) carried on its first line."""
    if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(
        ending, cst.ParenthesizedWhitespace
    ):
        return ending.with_changes(first_line=own.first_line)
    return ending


def _drop_elements(node: cst.Dict, drop: set[int]) -> cst.Dict:
    original = list(node.elements)
    kept = [e for e in original if id(e) not in drop]
    if kept and kept[-1] is not original[-1]:
        kept[-1] = kept[-1].with_changes(comma=original[-1].comma)
    if not kept:
        return node.with_changes(
            elements=(), lbrace=cst.LeftCurlyBrace(), rbrace=cst.RightCurlyBrace()
        )
    return node.with_changes(elements=kept)
