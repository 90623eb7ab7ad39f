"""Shared helpers of the configuration rules (RC3xx): credential hits and findings.

Not a rule module (it defines no rule). Where things are (workflows, env blocks,
Terraform providers, scripts) is :mod:`rolecall.rules.config.places`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from rolecall import Confidence, Document, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import KEY_ID_PATTERN, Entry, decodes_to_text, has_placeholder_word
from rolecall.rules.aws.examples import AKIA
from rolecall.rules.aws.key_ids import account_id_from_key_id, key_id_info
from rolecall.rules.aws.names import (
    CONFIG_SESSION_PREFIXES,
    CredentialValue,
    credential_name,
    credential_value,
)

# Fakes for the rules' examples, built by concatenation so no file holds key-shaped text.
FAKE_KEY_ID = AKIA
FAKE_TEMP_KEY_ID = "ASIA" + AKIA[4:]
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
    #: Where that key id is written (its own line is a location of the same credential).
    paired_entry: Entry | None = None


def find_credentials(pairs: Iterable[tuple[str, Entry]], ctx: RuleContext) -> list[Hit]:
    """The credentials among ``(binding name, entry)`` pairs, one hit per credential set.

    Only literal entries count. A value counts when its name is credential-named, and,
    whatever its name, when it sits in a group (a profile, an env map, an INI section,
    a file) beside an access key id: a secret-key-shaped value next to ``UID=AKIA...``
    is its ``PWD``. Within one group each secret takes the nearest access key id (by
    order in the group), so a key pair is one finding, at the secret, naming the key id.
    """
    literal = [(name, entry) for name, entry in pairs if entry.literal]
    if not any(20 <= len(e.value) <= 40 and _may_be_key_id(e.value) for _, e in literal):
        # No key id anywhere: nothing is a secret by position, and only credential
        # names count (a large file, such as an API model, is judged in one pass).
        named = [_named_hit(n, e, ctx) for n, e in literal if credential_name(n) is not None]
        return _pair_in_groups(_first_per_value([h for h in named if h is not None]))
    literal = _distinct(literal)
    found = [_named_hit(name, entry, ctx) for name, entry in literal]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, (_, entry) in enumerate(literal):
        groups.setdefault(_group(entry), []).append(i)
    for members in groups.values():
        _by_position(literal, found, members, ctx)
    return _pair_in_groups([h for h in found if h is not None])


def _named_hit(name: str, entry: Entry, ctx: RuleContext) -> Hit | None:
    """The credential a credential-named entry holds (None for other names or values)."""
    cred = credential_value(name, entry.value)
    if cred is None or (cred.example and not ctx.report_examples):
        return None
    return Hit(name, entry, cred)


def _first_per_value(hits: list[Hit]) -> list[Hit]:
    """One hit per value (what :func:`_distinct` does, for hits that all have names)."""
    seen: set[tuple[int, str]] = set()
    kept: list[Hit] = []
    for hit in hits:
        key = (hit.entry.start, hit.entry.value)
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


def _distinct(pairs: list[tuple[str, Entry]]) -> list[tuple[str, Entry]]:
    """One pair per value: a rule may reach a value twice (``{name: X, value: Y}`` as the
    binding ``X`` and as the key ``value``); the credential name wins."""
    at: dict[tuple[int, str], int] = {}
    kept: list[tuple[str, Entry]] = []
    for name, entry in pairs:
        seen = at.get((entry.start, entry.value))
        if seen is None:
            at[(entry.start, entry.value)] = len(kept)
            kept.append((name, entry))
        elif credential_name(name) is not None and credential_name(kept[seen][0]) is None:
            kept[seen] = (name, entry)
    return kept


def _group(entry: Entry) -> tuple[str, ...]:
    """The group whose members belong together: ``default``/``value`` entries (template
    parameters, ``- name: X / value: Y`` env items) group with their siblings' parent."""
    if entry.key.lower() in ("default", "value") and len(entry.path) >= 2:
        return entry.path[:-2]
    return entry.parent


def _by_position(
    literal: list[tuple[str, Entry]], found: list[Hit | None], members: list[int], ctx: RuleContext
) -> None:
    """Add the credential-shaped values of a group with a key id, whatever their names.

    A secret key or session token beside a key id is that key's. A key id under another
    name (``UID``, ``User``) joins only when a secret is beside it, so that the pair is one
    finding; alone it is left to the text rules (RC1xx), which report every key id.
    """
    if not any(_may_be_key_id(literal[i][1].value) for i in members):
        return  # no key id in the group: nothing is anybody's secret by position
    shaped: dict[int, CredentialValue] = {}
    for i in members:
        name, entry = literal[i]
        if found[i] is not None or credential_name(name) is not None:
            continue  # judged by its name (a credential name with another shape is not one)
        cred = _shaped(entry.value.strip())
        if cred is not None and not (cred.example and not ctx.report_examples):
            shaped[i] = cred
    kinds = {i: found[i].cred.kind for i in members if found[i] is not None}  # type: ignore[union-attr]
    kinds.update((i, cred.kind) for i, cred in shaped.items())
    if "key_id" not in kinds.values():
        return
    has_secret = "secret" in kinds.values()
    for i, cred in shaped.items():
        if cred.kind != "key_id" or has_secret:
            found[i] = Hit(literal[i][0], literal[i][1], cred)


def _may_be_key_id(value: str) -> bool:
    """A cheap first look: could ``value`` (surrounding blanks aside) be a key id?"""
    value = value.strip()
    return len(value) == 20 and value[:4] in ("AKIA", "ASIA", "ABIA", "ACCA")


def _shaped(value: str) -> CredentialValue | None:
    """The credential ``value`` is by its shape alone: a key id, a random 40-character
    secret key (not hex, not a word or path) or a token with an STS prefix."""
    if KEY_ID_PATTERN.fullmatch(value):
        return credential_value("aws_access_key_id", value)
    if len(value) == 40:
        # Beside a key id, an AWS name's rule (40 characters, not hex, high entropy) with
        # the path and placeholder checks, but not looks_like_secret_key's "//" test:
        # random secrets contain "//" (about one in 100).
        if value.startswith("/") or value.count("/") > 4:
            return None
        if has_placeholder_word(value) or decodes_to_text(value):
            return None
        return credential_value("aws_secret_access_key", value)
    if value.startswith(CONFIG_SESSION_PREFIXES):
        return credential_value("aws_session_token", value)
    return None


def _pair_in_groups(hits: list[Hit]) -> list[Hit]:
    """Fold each key id into a secret of its group, in one pass (each id used once).

    A secret takes the nearest unpaired id written before it; a secret with none takes
    the first id after it, unless that id is directly followed by a secret of its own.
    """
    by_group: dict[tuple[str, ...], list[int]] = {}
    for i, hit in enumerate(hits):
        by_group.setdefault(_group(hit.entry), []).append(i)
    folded: set[int] = set()
    partner: dict[int, Hit] = {}

    def fold(secret: int, key: int) -> None:
        folded.add(key)
        if hits[key].cred.key_id is not None:
            partner[secret] = hits[key]

    for members in by_group.values():
        before: list[int] = []  # unpaired ids so far, the nearest last
        waiting: deque[int] = deque()  # secrets that found no id before them
        for pos, i in enumerate(members):
            kind = hits[i].cred.kind
            if kind == "secret":
                if before:
                    fold(i, before.pop())
                else:
                    waiting.append(i)
            elif kind == "key_id":
                follows = pos + 1 < len(members) and hits[members[pos + 1]].cred.kind == "secret"
                if waiting and not follows:
                    fold(waiting.popleft(), i)
                else:
                    before.append(i)
    return [
        _pair(hit, partner.get(i)) if hit.cred.kind == "secret" else hit
        for i, hit in enumerate(hits)
        if i not in folded
    ]


def _pair(hit: Hit, key: Hit | None) -> Hit:
    key_id = None if key is None else key.cred.key_id
    if key is None or key_id is None:
        return hit
    # The secret of a temporary (ASIA) key pair is itself temporary.
    cred = replace(hit.cred, long_term=hit.cred.long_term and not key_id.startswith("ASIA"))
    return replace(hit, paired_key_id=key_id, paired_entry=key.entry, cred=cred)


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
