"""Passwords in ``.netrc`` files (RC154)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import lazy
from rolecall.rules.fakes import fake
from rolecall.rules.tokens.package_auth import literal_value

_NETRC = lazy(r"(?:^|\s)password\s{1,20}(\S{1,500})")


class NetrcPassword(Rule):
    """A password or token is written into a ``.netrc`` file.

    ## What it finds
    ``password`` entries in ``.netrc``/``_netrc`` (``machine host login user password
    secret``), which curl, git, pip and ftp clients read.

    ## Why it is risky
    ``.netrc`` passwords are usually personal tokens for a source host or artifact store,
    long-lived and broad. Committed, they work for anyone.

    ## Use instead
    Use a credential helper that mints short-lived tokens from an identity: Git Credential
    Manager or ``gh auth`` (OAuth, device flow) on workstations; in CI the platform's job
    token (``GITHUB_TOKEN``, ``CI_JOB_TOKEN``) and OIDC federation for cloud registries.

    ## Example
    Before: ``machine git.internal login ci password ...`` in a committed ``.netrc``.
    After: ``git config credential.helper manager`` locally and the job token in CI.
    """

    id = "RC154"
    name = "netrc-password"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Password {evidence} is written into {file}"
    recommendation = (
        "Revoke it and delete the file; use a credential helper that mints short-lived "
        "tokens (Git Credential Manager, gh auth) and, in CI, the job token and OIDC."
    )
    keywords = ("password",)
    VALID = (
        Example("machine git.internal login ci password $GIT_TOKEN\n", filename=".netrc"),
        Example(
            "machine git.internal login ci password " + fake("password") + "\n",
            filename="notes.txt",
        ),
    )
    INVALID = (
        Example(
            "machine git.internal\n  login ci\n  password " + fake("password") + "\n",
            filename=".netrc",
            line=3,
            column=12,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        name = posixpath.basename(doc.path)
        if name not in (".netrc", "_netrc", "netrc"):
            return
        for match in _NETRC.finditer(doc.text):
            value = match.group(1)
            if literal_value(value):
                yield self.finding(
                    doc,
                    match.start(1),
                    match.end(1),
                    material=value,
                    evidence=redact(value),
                    file=name,
                )
