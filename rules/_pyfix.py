"""The edits of RC2xx fixes, built with libcst (imported only when edits are wanted).

The call (or dictionary) a finding is about is parsed on its own with
``libcst.parse_expression``, rebuilt without its credential arguments, and only the
characters that changed are replaced, so formatting and comments elsewhere in the call
stay as they were. Arguments and entries are found by their index, which the ``ast``
analysis counts the same way (every argument in source order).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from rolecall import Document, TextEdit

_LINE_BREAK = re.compile(r"\r\n?|\n")


def removal_edit(
    doc: Document, source: str, start: int, end: int, drop: Mapping[int, set[int] | None]
) -> TextEdit | None:
    """The edit that rewrites ``source[start:end]`` (a call or a dictionary) without the
    arguments or entries in ``drop`` (see :meth:`rolecall.rules._pynodes.Measure.without`);
    None when libcst cannot read that code."""
    old_code = source[start:end]
    new_code = rebuilt(source, start, end, drop)
    if new_code is None:
        return None
    prefix = 0
    limit = min(len(old_code), len(new_code))
    while prefix < limit and old_code[prefix] == new_code[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and old_code[len(old_code) - 1 - suffix] == new_code[len(new_code) - 1 - suffix]
    ):
        suffix += 1
    edit_start, edit_end = start + prefix, end - suffix
    replacement = new_code[prefix : len(new_code) - suffix]
    return TextEdit(edit_start, edit_end, replacement, doc.location(edit_start, edit_end))


def rebuilt(source: str, start: int, end: int, drop: Mapping[int, set[int] | None]) -> str | None:
    """libcst's code for ``source[start:end]`` without the parts in ``drop``."""
    # The file's first line break is its default, as libcst reads whole modules: code
    # generation writes that one wherever the parse recorded "the default".
    first_break = _LINE_BREAK.search(source)
    newline = first_break.group() if first_break else "\n"
    try:
        config = cst.PartialParserConfig(default_newline=newline)
        node = cst.parse_expression(source[start:end], config=config)
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
        last = original[-1]
        kept[-1] = kept[-1].with_changes(
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
        )
    return call.with_changes(args=kept)


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
