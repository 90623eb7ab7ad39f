"""Shared parts of the RC1xx rules: recommendation texts and the key-id rule base."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rolecall import Confidence, Document, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.aws.hits import KeyIdHit, SecretHit
from rolecall.rules.aws.material import material

NOTE = "AWS's documented example key id {key_id}%s (not a credential; report_examples is on)"
EXAMPLE_SECRET_NOTE = "AWS's documented example secret key {secret} (report_examples is on)"
EXAMPLE_TOKEN_NOTE = "AWS's documented example session token {token} (report_examples is on)"
#: The secret's line is not in the message: it is the finding's related location, which
#: every output shows (text "line N", JSON ``related``, SARIF ``relatedLocations``).
PAIR = " together with its secret access key {secret}"
CHAIN = (
    "Instead of a stored key, let the SDK's default credential provider chain find role "
    "credentials (instance profile, ECS task role, EKS Pod Identity/IRSA, Lambda role; "
    "an IAM Identity Center profile locally; OIDC role-to-assume in CI). "
    "Details: rolecall explain {rule_id}."
)
LOOKUP = (
    "aws cloudtrail lookup-events --lookup-attributes "
    "AttributeKey=AccessKeyId,AttributeValue={key_id}"
)


class KeyIdRule(Rule):
    """Base of the key-id rules: one finding per id, with its secret when paired."""

    prefixes: ClassVar[tuple[str, ...]]
    pair_message: ClassVar[str]

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        found = material(doc, ctx.report_examples)
        for hit in found.ids:
            if hit.info.prefix in self.prefixes:
                yield self._finding(doc, hit, found.pairs.get(hit.start))

    def _finding(self, doc: Document, hit: KeyIdHit, secret: SecretHit | None) -> Finding:
        info = hit.info
        props = {"key_id": info.key_id, "key_type": info.kind}
        props["id_format"] = "legacy" if info.legacy else "modern"
        props["in_url"] = str(hit.in_url).lower()
        if info.account_id:
            props["account_id"] = info.account_id
        material_text, evidence, shown, secret_line = info.key_id, info.key_id, "", 0
        message, confidence = self.message, self.confidence
        related: list[tuple[int, int, str]] = []
        if secret is not None:
            shown = redact(secret.value)
            secret_line = doc.index.position(secret.start)[0]
            props.update(paired_secret=shown, secret_line=str(secret_line))
            material_text = f"{info.key_id}:{secret.value}"
            evidence = f"{info.key_id} + {shown}"
            message, confidence = self.pair_message, Confidence.HIGH
            related.append((secret.start, secret.end, "secret access key"))
        severity = self.severity
        if info.impossible:
            # Reported all the same: the user decides; the reason is in the message.
            severity = severity.lowered()
            message = message + " (" + info.impossible.replace("{", "{{") + ")"
            confidence = Confidence.LOW
            props["impossible"] = info.impossible
        if hit.example:
            severity = Severity.NOTE
            message = NOTE % (" with its example secret {secret}" if secret else "")
        return self.finding(
            doc,
            hit.start,
            hit.end,
            material=material_text,
            covers=(info.key_id, *((secret.value,) if secret is not None else ())),
            related=related,
            evidence=evidence,
            severity=severity,
            confidence=confidence,
            message=message,
            properties=props,
            key_id=info.key_id,
            account=info.account_text,
            kind=info.kind,
            rule_id=self.id,
            secret=shown,
            secret_line=secret_line,
        )
