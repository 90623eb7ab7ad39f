"""Shared helpers of the configuration rules (RC3xx): credential hits and findings.

Not a rule module (it defines no rule). Where things are (workflows, env blocks,
Terraform providers, scripts) is :mod:`rolecall.rules.config_places`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from rolecall import Confidence, Document, Finding, Rule, RuleContext, Severity, redact
from rolecall.credential_names import CredentialValue, credential_value
from rolecall.parsers.common import Entry
from rolecall.secrets import account_id_from_key_id, key_id_info

# Fakes for the rules' examples, built by concatenation so no file holds key-shaped text.
FAKE_KEY_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
FAKE_TEMP_KEY_ID = "ASIA" + "Q3ZR7HVTX2M4WYLB"
FAKE_SECRET = "q9Lr2vXb" + "T7mK4pZc1NwY8sHd0FgJ" + "6aUe3RiO" + "Ab12"
FAKE_TOKEN = "IQoJb3JpZ2lu" + "X2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ" * 4

#: The prefilter of rules that look for credential-named keys bound to literals: every
#: name credential_value() accepts contains one of these, or the value does (key ids,
#: session tokens), compared case-insensitively by the engine.
CREDENTIAL_WORDS = (
    "secret",
    "access_key",
    "accesskey",
    "access-key",
    "access.key",
    "session_token",
    "sessiontoken",
    "session-token",
    "security_token",
    "securitytoken",
    "security-token",
    "security.token",
    "session.token",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "IQoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AgoJb3JpZ2lu",
)


@dataclass(frozen=True)
class Hit:
    """A literal credential bound to a credential-named key."""

    name: str
    entry: Entry
    cred: CredentialValue
    #: The access key id paired with this secret in the same group, when there is one.
    paired_key_id: str | None = None
    #: Where that key id is written (a related location of the finding).
    paired_entry: Entry | None = None


def find_credentials(pairs: Iterable[tuple[str, Entry]], ctx: RuleContext) -> list[Hit]:
    """The credentials among ``(binding name, entry)`` pairs, one hit per credential set.

    Only literal entries count. Within one group (same parent path: a profile, an env
    map, a file) an access key id is folded into the secret it belongs with, so a key
    pair is one finding, at the secret, naming the key id.
    """
    hits: list[Hit] = []
    for name, entry in pairs:
        if not entry.literal:
            continue
        cred = credential_value(name, entry.value)
        if cred is None or (cred.example and not ctx.report_examples):
            continue
        hits.append(Hit(name, entry, cred))
    secrets = {h.entry.parent for h in hits if h.cred.kind == "secret"}
    ids = {h.entry.parent: h for h in hits if h.cred.kind == "key_id" and h.entry.parent in secrets}
    return [
        _pair(h, ids.get(h.entry.parent)) if h.cred.kind == "secret" else h
        for h in hits
        if not (h.cred.kind == "key_id" and h.entry.parent in secrets)
    ]


def _pair(hit: Hit, key_hit: Hit | None) -> Hit:
    key_id = key_hit.cred.key_id if key_hit is not None else None
    if key_hit is None or key_id is None:
        return hit
    # The secret of a temporary (ASIA) key pair is itself temporary.
    cred = replace(hit.cred, long_term=hit.cred.long_term and not key_id.startswith("ASIA"))
    return replace(hit, paired_key_id=key_id, paired_entry=key_hit.entry, cred=cred)


def severity_of(cred: CredentialValue) -> Severity:
    if cred.example:
        return Severity.NOTE
    severity = Severity.ERROR if cred.long_term else Severity.WARNING
    if _impossible(cred):
        return severity.lowered()  # reported all the same, one step lower
    return severity


def _impossible(cred: CredentialValue) -> str:
    """Why AWS cannot have issued the key id ('' when nothing says so or no id)."""
    info = key_id_info(cred.key_id) if cred.kind == "key_id" and cred.key_id else None
    return info.impossible if info is not None else ""


def describe(hit: Hit) -> tuple[str, str]:
    """(what the credential is, redacted evidence) for messages."""
    cred = hit.cred
    if cred.kind == "key_id" and cred.key_id is not None:
        term = "long-term" if cred.long_term else "temporary"
        account = account_id_from_key_id(cred.key_id)
        where = f" of account {account}" if account else ""
        why = _impossible(cred)
        where += f" ({why})" if why else ""
        return f"{term} access key id {cred.key_id}{where}", cred.key_id
    evidence = redact(hit.entry.value)
    if cred.kind == "session":
        return f"an AWS session token ({evidence})", evidence
    paired = f" (paired with access key id {hit.paired_key_id})" if hit.paired_key_id else ""
    return f"an AWS secret access key ({evidence}){paired}", evidence


def report(
    rule: Rule, doc: Document, hit: Hit, recommendation: str | None = None, **fmt: str
) -> Finding:
    """A finding at the hit's value, with severity from the credential's kind.

    ``fmt`` fills the rule's message and recommendation placeholders (besides ``name``,
    ``what`` and ``key_id``, which come from the hit).
    """
    what, evidence = describe(hit)
    props = {"credential": hit.cred.kind, "name": hit.name}
    key_id = hit.cred.key_id or hit.paired_key_id
    if key_id:
        props["key_id"] = key_id
    values: dict[str, Any] = {"name": hit.name, "what": what, "key_id": key_id or "<key id>"}
    values.update(fmt)
    return rule.finding(
        doc,
        hit.entry.start,
        hit.entry.end,
        material=hit.entry.value,
        evidence=evidence,
        severity=severity_of(hit.cred),
        confidence=None if hit.cred.high_confidence else Confidence.MEDIUM,
        recommendation=recommendation,
        properties=props,
        covers=(hit.entry.value, *((key_id,) if key_id else ())),
        related=_related(hit),
        **values,
    )


def _related(hit: Hit) -> list[tuple[int, int, str]]:
    entry = hit.paired_entry
    return [] if entry is None else [(entry.start, entry.end, "access key id")]


def binding_name(entry: Entry) -> str:
    """The name a value is bound to: its key, or for ``default``/``value`` keys (Terraform
    variables, CloudFormation parameters) the key of the enclosing block."""
    if entry.key.lower() in ("default", "value") and len(entry.path) >= 2:
        return entry.path[-2]
    return entry.key
