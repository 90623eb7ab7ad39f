"""Shared machinery of the token rules: one pattern, format checks, context-aware advice.

Not a rules module (it defines no rule with an id, and has no entry point): the token
rules in ``tokens_*.py`` subclass :class:`TokenRule` and set a pattern and checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from rolecall import DocKind, Document, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.common.placeholders import is_not_a_literal_secret, looks_random

#: Prefixes of the token formats the RC13x/RC14x rules recognise. Rules about files that
#: hold credentials (``.npmrc``, ``.pypirc``, URLs) leave values with these prefixes to the
#: token rule, which knows the format and gives the more specific advice.
KNOWN_TOKEN_PREFIXES: tuple[str, ...] = (
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "npm_",
    "pypi-",
    "xoxb-",
    "xoxp-",
    "sk_live_",
    "rk_live_",
    "SG.",
)


def has_known_token_prefix(value: str) -> bool:
    return value.startswith(KNOWN_TOKEN_PREFIXES)


class TokenRule(Rule):
    """Base of rules that find one token format with a regex (group 1 is the token)."""

    pattern: ClassVar[re.Pattern[str]]
    #: Minimum entropy of the token body (what follows the fixed prefix) in bits/char.
    min_entropy: ClassVar[float] = 3.0
    #: Length of the fixed prefix that :meth:`accept` and the randomness check skip.
    prefix_length: ClassVar[int] = 0
    #: Advice replacing ``recommendation`` when the token sits in a CI workflow.
    workflow_recommendation: ClassVar[str | None] = None

    def accept(self, token: str) -> bool:
        """Format checks beyond the pattern (checksums); True to report."""
        return True

    def describe(self, token: str) -> str:
        """What kind of token this is, for the ``{kind}`` placeholder."""
        return self.name.replace("-", " ")

    def severity_of(self, token: str) -> Severity | None:
        return None

    def matches(self, doc: Document) -> Iterator[re.Match[str]]:
        """``pattern.finditer(doc.text)``; a rule may find the same matches faster."""
        return self.pattern.finditer(doc.text)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        in_workflow = DocKind.GITHUB_WORKFLOW in doc.kinds
        for match in self.matches(doc):
            token = match.group(1)
            if is_not_a_literal_secret(token) or not self.accept(token):
                continue
            if not looks_random(token[self.prefix_length :], min_entropy=self.min_entropy):
                continue
            advice = self.workflow_recommendation if in_workflow else None
            yield self.finding(
                doc,
                match.start(1),
                match.end(1),
                material=token,
                evidence=redact(token),
                severity=self.severity_of(token),
                recommendation=advice,
                kind=self.describe(token),
                properties={"token_type": self.describe(token)},
            )
