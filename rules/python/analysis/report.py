"""Turning credential uses into findings: severity, evidence, recommendation and fix.

A fix removes every credential argument of the call (or entry of the dictionary)
together, never one. Whether a finding has a fix, and whether it is safe, follow from
the analysis; the edits themselves are built with libcst (:mod:`rolecall.rules.python.analysis.fix`)
only when the scan wants them (``RuleContext.fix_edits``), so a text-mode scan never
loads libcst. The "resulting code" in the recommendation comes from the source text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rolecall import (
    Confidence,
    Document,
    Finding,
    Fix,
    Rule,
    RuleContext,
    Severity,
    TextEdit,
    View,
    redact,
)
from rolecall.plugin.api import KEY_ID_PATTERN, PythonModule, looks_like_secret_key, python_module
from rolecall.plugin.api import scrub as scrub_text
from rolecall.rules.aws.key_ids import account_id_from_key_id
from rolecall.rules.python.analysis.apis import STANDARD_ENV
from rolecall.rules.python.analysis.nodes import Measure
from rolecall.rules.python.analysis.origin import Source
from rolecall.rules.python.analysis.uses import CredArg, Use
from rolecall.rules.python.analysis.view import AWS_CREDENTIALS

if TYPE_CHECKING:
    from rolecall.rules.python.analysis.clean import Cleanup, Index

_UNSAFE_SOURCES = frozenset({Source.LITERAL, Source.ENVIRONMENT, Source.CONFIG})


def findings(
    rule: Rule, doc: Document, ctx: RuleContext, families: Sequence[str]
) -> Iterator[Finding]:
    """The findings of ``rule`` for the uses of ``families`` in ``doc``."""
    analysis = doc.view(AWS_CREDENTIALS)
    module, measure = analysis.module, analysis.measure
    if module is None or measure is None:
        return
    uses = [u for u in analysis.uses if u.family in families]
    secret_literal_in_file = any(
        a.value.source is Source.LITERAL and a.role != "key_id" for u in uses for a in u.args
    )
    for use in uses:
        finding = _finding(rule, doc, ctx, module, measure, use, secret_literal_in_file)
        if finding is not None:
            yield finding


def _finding(
    rule: Rule,
    doc: Document,
    ctx: RuleContext,
    module: PythonModule,
    measure: Measure,
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
    start, end = reported[0].span
    confidence = Confidence.HIGH if use.resolved else Confidence.MEDIUM
    if all(a.value.source is Source.PARAMETER for a in reported):
        confidence = Confidence.LOW  # forwarding a caller's arguments: the key is elsewhere
    if any(
        a.value.literal and a.role == "secret" and not looks_like_secret_key(a.value.literal)
        for a in reported
    ):
        confidence = Confidence.MEDIUM
    sources = sorted({a.value.source.value for a in reported})
    key_id = next((a.value.literal for a in reported if _is_key_id(a)), None)
    properties = {"api": use.api, "family": use.family, "source": ", ".join(sources)}
    if key_id:
        properties["key_id"] = key_id
        account = account_id_from_key_id(key_id)
        if account:
            properties["account_id"] = account
    fix, after = _fix(doc, ctx, module, measure, use)
    literals = [a.value.literal for a in reported if a.value.literal]
    return rule.finding(
        doc,
        module.doc_offset(start),
        module.doc_offset(end),
        material=use.api + "|" + "|".join(_material(measure, a) for a in reported),
        covers=literals,  # none: the key comes from elsewhere (see Rule.finding)
        evidence=", ".join(_evidence(measure, a) for a in reported),
        severity=severity,
        confidence=confidence,
        properties=properties,
        fix=fix,
        related=_literal_spans(module, measure, reported),
        api=use.api,
        source=" and ".join(sources),
        dropped=", ".join(a.name for a in use.args),
        after=after,
        rotate=_rotate(reported, key_id),
    )


#: What a credential argument's literal is, by role, for the finding's related locations.
_ROLE_LABELS = {"key_id": "access key id", "secret": "secret access key", "token": "session token"}


def _literal_spans(
    module: PythonModule, measure: Measure, reported: Sequence[CredArg]
) -> list[tuple[int, int, str]]:
    """Every string literal the reported values are made of, as document spans: the
    constant, dictionary entry or class attribute a call's argument names, each part
    of a concatenation. Ones inside the finding's own span are dropped later."""
    spans = []
    for arg in reported:
        label = _ROLE_LABELS.get(arg.role, "credential")
        for node in arg.value.parts:
            start, end = measure.span(node)
            spans.append((module.doc_offset(start), module.doc_offset(end), label))
    return spans


def _is_key_id(arg: CredArg) -> bool:
    literal = arg.value.literal
    return bool(literal and KEY_ID_PATTERN.fullmatch(literal))


def _material(measure: Measure, arg: CredArg) -> str:
    literal = arg.value.literal
    return f"{arg.name}={literal if literal is not None else _code(measure, arg)}"


def _evidence(measure: Measure, arg: CredArg) -> str:
    literal = arg.value.literal
    if literal is None:
        shown = _code(measure, arg)
        return f"{arg.name}={shown if len(shown) <= 60 else shown[:57] + '...'}"
    return f"{arg.name}={literal if _is_key_id(arg) else redact(literal)}"


def _code(measure: Measure, arg: CredArg) -> str:
    return scrub(re.sub(r"\s+", " ", measure.code(*arg.value_span)).strip())


_QUOTED = re.compile(r"""(?P<q>['"])(?P<s>[^'"\s]{16,})(?P=q)""")


def scrub(code: str) -> str:
    """Code shown in a message, with every string that could be a secret redacted
    (key ids and upper-case names such as environment variables stay readable)."""

    def hide(match: re.Match[str]) -> str:
        text = match.group("s")
        if KEY_ID_PATTERN.fullmatch(text) or re.fullmatch(r"[A-Z0-9_]+", text):
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
    """Dropping the arguments is safe only when the default chain provably reads the
    same values: every argument is itself a plain read of the standard AWS environment
    variable for its role (``os.environ[...]``, ``os.getenv(...)`` without a default; not
    ``os.getenv(...) or fallback``, not a variable holding one), and neither the call nor
    the session it is made from names a profile or another credential source."""
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
        if not isinstance(arg.value_node, (ast.Call, ast.Subscript)):
            return False  # a fallback (``or``, ``if``) or a name: more than the variable
    return True


def _fix(
    doc: Document, ctx: RuleContext, module: PythonModule, measure: Measure, use: Use
) -> tuple[Fix | None, str]:
    container = use.call if use.call is not None else use.dict_node
    if container is None:
        return None, ""
    drop = use.removal()
    after = scrub(_one_line(measure.without(container, drop)))
    if not use.fixable or not module.editable:
        return None, after
    safe = fix_is_safe(use)
    if not safe and any(a.value.source not in _UNSAFE_SOURCES for a in use.reported):
        return None, after  # the key comes from elsewhere: the fix belongs there
    names = ", ".join(a.name for a in use.args)
    description = f"Remove {names} so the default credential provider chain is used"
    clean = _cleanup(doc, module, use) if ctx.fix_edits or _holds_constants(use) else None
    if clean is not None:
        description += _describe_cleanup(clean)
    if not ctx.fix_edits:
        return Fix(description, (), safe=safe), after
    from rolecall.rules.python.analysis.fix import removal_edits

    layout = measure.layout(container)
    edits = removal_edits(doc, module.source, layout.start, layout.end, drop, measure.newline)
    if edits is None:
        return None, after  # libcst cannot rebuild this code: no fix rather than a bad one
    if clean is not None:
        edits += tuple(
            TextEdit(start, end, text, doc.location(start, end)) for start, end, text in clean.edits
        )
    if any(scrub_text(e.replacement) != e.replacement for e in edits):
        return None, after  # an edit would carry secret-shaped text: no fix
    return Fix(description, edits, safe=safe), after


def _holds_constants(use: Use) -> bool:
    """Whether a credential argument's literal is written outside the call (a constant
    the fix may delete or must name)."""
    for arg in use.args:
        inside = {id(node) for node in ast.walk(arg.value_node)}
        if any(id(part) not in inside for part in arg.value.parts):
            return True
    return False


def _cleanup(doc: Document, module: PythonModule, use: Use) -> Cleanup:
    from rolecall.rules.python.analysis.clean import cleanup

    return cleanup(module, doc.view(FIX_INDEX), use.args)


def _describe_cleanup(clean: Cleanup) -> str:
    """``, and the constants KEY, SECRET that held the key; TOKEN still holds ...``"""
    from rolecall.rules.python.analysis.clean import REASONS

    text = ""
    if clean.removed:
        names = ", ".join(clean.removed)
        noun = "constant" if len(clean.removed) == 1 else "constants"
        text += f", and the {noun} {names} that held the key"
    reasons: dict[str, list[str]] = {}
    for name, reason in clean.kept:
        reasons.setdefault(reason, []).append(name)
    for reason, kept in reasons.items():
        one = len(kept) == 1
        why = REASONS[reason][0 if one else 1]
        verb, pronoun = ("holds", "it") if one else ("hold", "them")
        text += f"; {', '.join(kept)} still {verb} the key ({why}): delete {pronoun} by hand"
    return text


def _fix_index(doc: Document) -> Index:
    from rolecall.rules.python.analysis.clean import build_index

    return build_index(python_module(doc).tree)


#: What a fix consults to delete the constants and imports only its arguments used.
FIX_INDEX: View[Index] = View("python-fix-index", _fix_index)


def _one_line(code: str, limit: int = 160) -> str:
    """The code on one line, for a recommendation; long code is cut with an ellipsis."""
    if "\n" in code:
        code = re.sub(r"#[^\n]*", "", code)
        code = re.sub(r"\s*\n\s*", " ", code)
        code = re.sub(r"([(\[{]) ", r"\1", code)
        code = re.sub(r",? ([)\]}])", r"\1", code)
    return code if len(code) <= limit else code[: limit - 3] + "..."
