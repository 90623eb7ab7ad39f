"""Credentials of one record found by name and by position (RC320-RC322).

Not a rule module. Files that tools write (API client environments, XML credential
stores, property lists) often bind a key pair to names that say nothing about AWS
(``Username``/``Password`` of a Cyberduck bookmark, ``awsKey``/``awsSecret`` of a Bruno
environment). Within one record (an entry group: same parent path) that holds an access
key id, a value with the exact shape of a secret access key is that key's secret, and a
value with the shape of a session token its token, whatever they are called.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from rolecall import Document, Finding, Rule, RuleContext
from rolecall.plugin.api import (
    KEY_ID_PATTERN,
    Entry,
    looks_like_secret_key,
    looks_like_session_token,
)
from rolecall.rules.aws.names import credential_value
from rolecall.rules.common.placeholders import is_placeholder
from rolecall.rules.config.support import Hit, find_credentials, report

#: Names under which a positional value is judged (they carry the shape the value has).
_ID_NAME = "aws_access_key_id"
_SECRET_NAME = "aws_secret_access_key"
_TOKEN_NAME = "aws_session_token"


def locate(pairs: Iterable[tuple[str, Entry]], ctx: RuleContext) -> list[Hit]:
    """The credentials among ``(name, entry)`` pairs, named or by position in a record
    that holds a key id; one per credential set (a secret carries its key id's entry)."""
    pairs = [(n, e) for n, e in pairs if e.literal]
    with_id = {e.parent for _, e in pairs if KEY_ID_PATTERN.fullmatch(e.value.strip())}
    judged: list[tuple[str, Entry]] = []
    shown: dict[int, str] = {}
    for name, entry in pairs:
        as_name = name
        value = entry.value.strip()
        if entry.parent in with_id and credential_value(name, value) is None:
            if KEY_ID_PATTERN.fullmatch(value):
                as_name = _ID_NAME
            elif _secret_shaped(value) and not is_placeholder(value):
                as_name = _SECRET_NAME
            elif looks_like_session_token(value):
                as_name = _TOKEN_NAME
        judged.append((as_name, entry))
        shown[entry.start] = name
    hits = find_credentials(judged, ctx)
    return [dataclasses.replace(h, name=shown.get(h.entry.start, h.name)) for h in hits]


def _secret_shaped(value: str) -> bool:
    """A secret key's shape, judged beside a key id: the shared test, and also values
    with ``//`` (about 1 in 100 random secrets has it; beside a key id it is no path)."""
    if looks_like_secret_key(value):
        return True
    return (
        len(value) == 40
        and looks_like_secret_key(value.replace("/", "x"))
        and not value.startswith("/")
        and value.count("/") <= 4
    )


def findings(rule: Rule, doc: Document, hits: Iterable[Hit], **fmt: str) -> Iterator[Finding]:
    """One finding per credential set, at the secret (or the lone id or token)."""
    for hit in hits:
        yield report(rule, doc, hit, **fmt)
