"""The per-finding filters of one file: duplicates, the allowlist, severity overrides
and inline suppression comments, and the notices about suppressions that match nothing.

The engine hands every file's findings here once the rules have run (and supersession
has merged what several rules saw); no rule ever suppresses anything itself. The
baseline, which needs the whole scan's findings, is the other half of this stage
(:mod:`rolecall.suppress.baseline`). Per-file ignores of the configuration are decided
earlier, when rules are selected: a rule a file ignores is not run on it at all.
"""

from __future__ import annotations

import dataclasses
import re

from rolecall.config.options import EngineOptions
from rolecall.model import Finding, Notice, NoticeCode, NoticeLevel
from rolecall.read.document import Document
from rolecall.suppress.inline import (
    Suppression,
    find_suppressions,
    invalid_codes,
    match_suppression,
)


class Filtered:
    """What the filters made of one file's findings (each list sorted). A plain class:
    a dataclass costs start-up time that every scan pays."""

    __slots__ = ("findings", "notices", "suppressed")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.notices: list[Notice] = []


class FindingFilters:
    """The filters of one set of engine options, compiled once per engine."""

    def __init__(self, options: EngineOptions) -> None:
        self.options = options
        self._allow = [re.compile(p) for p in options.allowlist]

    def apply(self, doc: Document, raw: list[Finding]) -> Filtered:
        """Filter ``raw``, the findings of ``doc``: in position order, the first of
        duplicates is kept, allowlisted ones are dropped, severities are overridden, and
        an inline comment on any line of a finding moves it to ``suppressed``."""
        options = self.options
        want_unused = options.report_unused_suppressions
        table = (
            find_suppressions(doc, foreign=options.foreign_pragmas) if (raw or want_unused) else {}
        )
        out = Filtered()
        seen: set[tuple[str, str, int, int]] = set()
        for finding in sorted(raw, key=lambda f: f.sort_key):
            loc = finding.location
            key = (finding.rule_id, finding.fingerprint, loc.line, loc.column)
            if key in seen:
                continue
            seen.add(key)
            if self._allowlisted(doc, finding):
                continue
            severity = options.selection.severity_for(finding.rule_id, finding.severity)
            if severity is not finding.severity:
                finding = dataclasses.replace(finding, severity=severity)
            # A comment on any line of the credential silences it: the key id's or the
            # secret's, the SDK call's or the literal's it resolved.
            suppression = match_suppression(table, finding.lines, finding.rule_id)
            if suppression is not None:
                reason = suppression.reason or f"suppressed by a {suppression.source} comment"
                out.suppressed.append(dataclasses.replace(finding, suppression_reason=reason))
            else:
                out.findings.append(finding)
        if want_unused:
            out.notices.extend(_unused(doc.path, table))
        return out

    def _allowlisted(self, doc: Document, finding: Finding) -> bool:
        if not self._allow:
            return False
        loc = finding.location
        span = doc.text[loc.start_offset : loc.end_offset]
        return any(p.search(span) for p in self._allow)


def _unused(path: str, table: dict[int, list[Suppression]]) -> list[Notice]:
    """Notices for the suppressions that matched no finding, and for unknown codes."""
    notices: list[Notice] = []
    for line, entries in sorted(table.items()):
        for entry in entries:
            if not entry.used:
                codes = ",".join(entry.codes) or "all rules"
                notices.append(
                    Notice(
                        code=NoticeCode.UNUSED_SUPPRESSION,
                        message=f"suppression of {codes} matches no finding",
                        path=path,
                        # Only made on request: shown without -v.
                        level=NoticeLevel.WARNING,
                        line=line,
                    )
                )
    for line, code in invalid_codes(e for es in table.values() for e in es):
        notices.append(
            Notice(
                code=NoticeCode.UNUSED_SUPPRESSION,
                message=f"suppression names unknown rule code {code!r}",
                path=path,
                level=NoticeLevel.WARNING,
                line=line,
            )
        )
    return notices
