"""Generic password assignments: a low-confidence note, off by default (RC199)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import (
    Confidence,
    DocKind,
    Document,
    Example,
    Finding,
    Rule,
    RuleContext,
    Severity,
    redact,
)
from rolecall.rules.common.placeholders import is_not_a_literal_secret, looks_random
from rolecall.rules.common.tokens import has_known_token_prefix
from rolecall.rules.fakes import fake

# Starts at the keyword (a literal first character keeps the scan fast and linear).
_ASSIGNMENT = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:password|passwd|pwd)(?:[_-]?[A-Za-z0-9]{1,20})?[\"']?[ \t]{0,4}"
    r"(?:=|:|:=|=>)[ \t]{0,4}(?P<quote>[\"']?)(?P<value>[^\s\"'`,;)}\]]{6,128})"
)
_UNQUOTED_KINDS = frozenset({DocKind.ENV, DocKind.INI, DocKind.YAML, DocKind.TOML})
_NOT_VALUES = re.compile(r"(?i)^(?:true|false|none|null|required|optional|str|string|bytes)$")


class GenericPasswordAssignment(Rule):
    """A literal is assigned to a variable or key named like a password (off by default).

    ## What it finds
    ``password = "..."``, ``db_password: ...``, ``PASSWD=...`` with a literal value that is
    not a placeholder, a reference, a type name or a local-development default. The rule is
    noisy by nature (test fixtures, sample configs), so it is a low-confidence note and runs
    only when selected by its id (``--select RC199`` or ``enable = ["RC199"]``).

    ## Why it is risky
    Passwords in code are shared, rarely rotated and copied into every clone and log.

    ## Use instead
    Replace the password with the service's identity-based authentication (IAM database
    authentication, managed identities, workload identity federation) or, where a password
    must exist, a secrets manager with rotation that the workload reads with its own role.

    ## Example
    Before: ``DB_PASSWORD = "..."`` in a settings module.
    After: ``password = rds.generate_db_auth_token(host, 5432, user)``.
    """

    id = "RC199"
    name = "generic-password-assignment"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    default_enabled = False
    message = "A literal password {evidence} is assigned in the file"
    recommendation = (
        "Use identity-based authentication (IAM database auth, managed identity, workload "
        "identity federation) or a secrets manager with rotation read with the workload's role."
    )
    keywords = ("pass", "pwd")
    VALID = (
        Example('password = os.environ["DB_PASSWORD"]\n'),
        Example('password = "changeme"\n'),
        Example("password: ${DB_PASSWORD}\n", filename="config.yaml"),
        Example("def login(password: str) -> None: ...\n"),
        Example("password = get_password()\n"),
    )
    INVALID = (
        Example('DB_PASSWORD = "' + fake("password") + '"\n', line=1, column=16),
        Example("database:\n  password: " + fake("password") + "\n", filename="config.yaml"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        unquoted_ok = not _UNQUOTED_KINDS.isdisjoint(doc.kinds)
        for match in _ASSIGNMENT.finditer(doc.text):
            value = match.group("value")
            if not match.group("quote") and not unquoted_ok:
                continue  # code: a name or a call, not a literal
            if is_not_a_literal_secret(value) or _NOT_VALUES.match(value):
                continue
            if has_known_token_prefix(value):  # its own rule reports it
                continue
            if not looks_random(value, min_entropy=2.5):
                continue
            yield self.finding(
                doc,
                match.start("value"),
                match.end("value"),
                material=value,
                evidence=redact(value),
            )
