"""Turning credential uses into findings: severity, evidence, recommendation and fix.

Fixes are built with libcst: the call (or dictionary) is rebuilt without its credential
arguments and only the characters that changed are replaced, so formatting and comments
elsewhere in the call stay as they were. All credential arguments go together, never one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import libcst as cst
from rolecall import (
    Confidence,
    Document,
    Finding,
    Fix,
    Rule,
    RuleContext,
    Severity,
    TextEdit,
    redact,
    secrets,
)
from rolecall.parsers.python import PythonModule
from rolecall.rules._pyapis import STANDARD_ENV
from rolecall.rules._pysdk import AWS_CREDENTIALS, CredArg, Use
from rolecall.rules._pyvalues import Source

_UNSAFE_SOURCES = frozenset({Source.LITERAL, Source.ENVIRONMENT, Source.CONFIG})


def findings(
    rule: Rule, doc: Document, ctx: RuleContext, families: Sequence[str]
) -> Iterator[Finding]:
    """The findings of ``rule`` for the uses of ``families`` in ``doc``."""
    analysis = doc.view(AWS_CREDENTIALS)
    module = analysis.module
    if module is None:
        return
    uses = [u for u in analysis.uses if u.family in families]
    secret_literal_in_file = any(
        a.value.source is Source.LITERAL and a.role != "key_id" for u in uses for a in u.args
    )
    for use in uses:
        finding = _finding(rule, doc, ctx, module, use, secret_literal_in_file)
        if finding is not None:
            yield finding


def _finding(
    rule: Rule,
    doc: Document,
    ctx: RuleContext,
    module: PythonModule,
    use: Use,
    secret_literal_in_file: bool,
) -> Finding | None:
    reported = use.reported
    severity: Severity
    if reported:
        literal = [a for a in reported if a.value.source is Source.LITERAL]
        embeds_secret = any(a.role != "key_id" for a in literal)
        grouped = use.family in ("settings", "environ") and literal and secret_literal_in_file
        severity = Severity.ERROR if embeds_secret or grouped else Severity.WARNING
    else:
        reported = [a for a in use.args if a.value.source is Source.EXAMPLE]
        if not reported or not ctx.report_examples:
            return None
        severity = Severity.NOTE
    spans = module.spans(a.node for a in use.args)
    start, end = spans[id(reported[0].node)]
    confidence = Confidence.HIGH if use.resolved else Confidence.MEDIUM
    if all(a.value.source is Source.PARAMETER for a in reported):
        confidence = Confidence.LOW  # forwarding a caller's arguments: the key is elsewhere
    if any(
        a.value.literal
        and a.role == "secret"
        and not secrets.looks_like_secret_key(a.value.literal)
        for a in reported
    ):
        confidence = Confidence.MEDIUM
    sources = sorted({a.value.source.value for a in reported})
    key_id = next((a.value.literal for a in reported if _is_key_id(a)), None)
    properties = {"api": use.api, "family": use.family, "source": ", ".join(sources)}
    if key_id:
        properties["key_id"] = key_id
        account = secrets.account_id_from_key_id(key_id)
        if account:
            properties["account_id"] = account
    fix, after = _fix(doc, module, use)
    literals = [a.value.literal for a in reported if a.value.literal]
    return rule.finding(
        doc,
        module.doc_offset(start),
        module.doc_offset(end),
        material=use.api + "|" + "|".join(_material(module, a) for a in reported),
        covers=literals or None,
        evidence=", ".join(_evidence(module, a) for a in reported),
        severity=severity,
        confidence=confidence,
        properties=properties,
        fix=fix,
        api=use.api,
        source=" and ".join(sources),
        dropped=", ".join(a.name for a in use.args),
        after=after,
        rotate=_rotate(reported, key_id),
    )


def _is_key_id(arg: CredArg) -> bool:
    literal = arg.value.literal
    return bool(literal and secrets.KEY_ID_PATTERN.fullmatch(literal))


def _material(module: PythonModule, arg: CredArg) -> str:
    literal = arg.value.literal
    return f"{arg.name}={literal if literal is not None else _code(module, arg.value_node)}"


def _evidence(module: PythonModule, arg: CredArg) -> str:
    literal = arg.value.literal
    if literal is None:
        shown = _code(module, arg.value_node)
        return f"{arg.name}={shown if len(shown) <= 60 else shown[:57] + '...'}"
    return f"{arg.name}={literal if _is_key_id(arg) else redact(literal)}"


def _code(module: PythonModule, node: cst.CSTNode) -> str:
    return scrub(re.sub(r"\s+", " ", module.code_for(node)).strip())


_QUOTED = re.compile(r"""(?P<q>['"])(?P<s>[^'"\s]{16,})(?P=q)""")


def scrub(code: str) -> str:
    """Code shown in a message, with every string that could be a secret redacted
    (key ids and upper-case names such as environment variables stay readable)."""

    def hide(match: re.Match[str]) -> str:
        text = match.group("s")
        if secrets.KEY_ID_PATTERN.fullmatch(text) or re.fullmatch(r"[A-Z0-9_]+", text):
            return match.group(0)
        return match.group("q") + redact(text) + match.group("q")

    return _QUOTED.sub(hide, code)


def _rotate(reported: Sequence[CredArg], key_id: str | None) -> str:
    if key_id:
        return (
            f" Then deactivate the embedded key (aws iam update-access-key --access-key-id "
            f"{key_id} --status Inactive), check CloudTrail for its use and delete it."
        )
    if any(a.value.source is Source.LITERAL for a in reported):
        return " Then rotate the embedded key: it stays in the repository's history."
    return ""


def fix_is_safe(use: Use) -> bool:
    """Dropping the arguments is safe when every one of them reads the standard AWS
    environment variable for its role (the default chain reads the same variable) and
    no profile is named alongside them."""
    if use.profile:
        return False
    for arg in use.args:
        value = arg.value
        if value.source is Source.ABSENT and value.literal is None:
            continue
        if value.source is not Source.ENVIRONMENT or value.has_default:
            return False
        if value.env_var != STANDARD_ENV[arg.role]:
            return False
    return True


def _fix(doc: Document, module: PythonModule, use: Use) -> tuple[Fix | None, str]:
    container: cst.CSTNode | None = use.call if use.call is not None else use.dict_node
    if container is None:
        return None, ""
    drop = {id(a.node) for a in use.args}
    new: cst.CSTNode
    if isinstance(container, cst.Call):
        new = drop_arguments(container, drop)
    else:
        assert isinstance(container, cst.Dict)
        new = _drop_elements(container, drop)
    after = scrub(_one_line(module.code_for(new)))
    new_code = module.code_for(new, like=container)
    if not use.fixable or not module.editable:
        return None, after
    safe = fix_is_safe(use)
    if not safe and any(a.value.source not in _UNSAFE_SOURCES for a in use.reported):
        return None, after  # the key comes from elsewhere: the fix belongs there
    start, end = module.spans([container])[id(container)]
    old_code = module.source[start:end]
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
    edit = TextEdit(
        edit_start,
        edit_end,
        new_code[prefix : len(new_code) - suffix],
        doc.location(edit_start, edit_end),
    )
    names = ", ".join(a.name for a in use.args)
    description = f"Remove {names} so the default credential provider chain is used"
    return Fix(description, (edit,), safe=safe), after


def _one_line(code: str, limit: int = 160) -> str:
    """The code on one line, for a recommendation; long code is cut with an ellipsis."""
    if "\n" in code:
        code = re.sub(r"#[^\n]*", "", code)
        code = re.sub(r"\s*\n\s*", " ", code)
        code = re.sub(r"([(\[{]) ", r"\1", code)
        code = re.sub(r",? ([)\]}])", r"\1", code)
    return code if len(code) <= limit else code[: limit - 3] + "..."


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
