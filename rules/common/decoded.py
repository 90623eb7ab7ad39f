"""Reporting AWS credential material found in decoded text (RC106, RC107).

Not a rule module: the shared half of the rules that decode text (base64, escape
sequences) and read the result with the same analysis as RC101-RC105.
"""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Document, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.aws.hits import Material
from rolecall.rules.aws.material import material


def occurrences(text: str, words: tuple[str, ...]) -> list[int]:
    """Every offset where one of ``words`` starts in ``text``, in order (``str.find``
    per word: linear in the text for a fixed set of words)."""
    found: list[int] = []
    for word in words:
        pos = text.find(word)
        while pos != -1:
            found.append(pos)
            pos = text.find(word, pos + 1)
    return sorted(found)


def report_decoded(
    rule: Rule, doc: Document, ctx: RuleContext, start: int, end: int, plain: str
) -> Iterator[Finding]:
    """One finding on ``doc.text[start:end]`` when its decoded form ``plain`` holds AWS
    credential material (examples only with ``report_examples``, as a note)."""
    found = material(Document(doc.path, plain.encode("utf-8")), ctx.report_examples)
    if not (found.ids or found.secrets or found.tokens):
        return
    what, key_id, long_term, example = describe(found)
    if example and not ctx.report_examples:
        return
    severity = Severity.ERROR if long_term else Severity.WARNING
    yield rule.finding(
        doc,
        start,
        end,
        material=plain,
        covers=(
            *(h.info.key_id for h in found.ids),
            *(s.value for s in found.secrets),
            *(s.value for s in found.pairs.values()),
            *(t.value for t in found.tokens),
        ),
        evidence=what,
        severity=Severity.NOTE if example else severity,
        properties={"key_id": key_id} if key_id != "<key-id>" else {},
        what=what,
        key_id=key_id,
        rule_id=rule.id,
    )


def describe(found: Material) -> tuple[str, str, bool, bool]:
    """(what the text holds, its first key id or a placeholder, long-term, all examples)."""
    parts: list[str] = []
    long_term = False
    for hit in found.ids:
        secret = found.pairs.get(hit.start)
        with_secret = f" with its secret {redact(secret.value)}" if secret else ""
        parts.append(f"access key id {hit.info.key_id}{with_secret}")
        long_term = long_term or (hit.info.prefix == "AKIA" and not hit.info.impossible)
    paired = found.paired_secrets
    for secret in found.secrets:
        if secret.start not in paired:
            parts.append(f"secret access key {redact(secret.value)}")
            # A secret next to a session token belongs to temporary credentials.
            long_term = long_term or not found.tokens
    for token in found.tokens:
        parts.append(f"session token {redact(token.value)}")
    examples = [h.example for h in found.ids] + [s.example for s in found.secrets]
    examples += [t.example for t in found.tokens]
    key_id = found.ids[0].info.key_id if found.ids else "<key-id>"
    return "AWS " + ", ".join(parts), key_id, long_term, all(examples)
