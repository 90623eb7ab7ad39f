"""The result of a whole scan, as every reporter receives it: frozen values.

The runner builds a :class:`ScanReport` once, from the file results; the suppress
stage (the baseline) and the command line derive new ones with
``dataclasses.replace``; nothing changes a report in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rolecall.model import Finding, Notice, NoticeCode, Severity

if TYPE_CHECKING:
    from rolecall.plugin.rule import RuleInfo


@dataclass(frozen=True)
class ScanStats:
    files_seen: int = 0  # files the walker offered
    files_scanned: int = 0  # files whose content the rules saw
    files_skipped: int = 0  # binary, too large, unreadable, special
    #: Paths an ignore rule (git's) left out; an ignored directory counts once.
    files_ignored: int = 0
    bytes_scanned: int = 0
    seconds: float = 0.0
    jobs: int = 1
    cached: int = 0  # files answered from the cache


@dataclass(frozen=True)
class ScanReport:
    """Everything a reporter may show. Paths are relative to ``root`` with '/' separators.

    ``findings`` are the unsuppressed ones at any level (after the inline comments and
    the baseline); ``suppressed`` carries inline-suppressed findings with their reason;
    ``rules`` lists the rules that ran. Frozen: its lists are complete when it is made.
    """

    root: str
    tool_version: str
    rules: list[RuleInfo]
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    stats: ScanStats = field(default_factory=ScanStats)
    fail_level: Severity = Severity.WARNING
    #: Set by sharded scans (``K/N``), for reporters that must tell runs apart.
    shard: str | None = None
    #: Paths of the files whose content the rules saw (the baseline judges staleness
    #: only for these: a pre-commit batch must not call other files' entries stale).
    scanned_paths: list[str] = field(default_factory=list)
    #: Paths an ignore rule left out, in walk order; a directory's ends in '/'.
    ignored_paths: list[str] = field(default_factory=list)
    #: GitHub's ``primaryLocationLineHash`` by (path, line) for the lines findings start
    #: on, computed from the bytes the scan read; files above the parse limit have none.
    line_hashes: dict[tuple[str, int], str] = field(default_factory=dict)
    #: Findings a baseline accepted (and so left out of ``findings``).
    accepted_by_baseline: int = 0
    #: Baseline entries that matched no finding (counted when stale entries are
    #: reported; each is also an ``RC911`` notice).
    stale_baseline_entries: int = 0
    #: The project page SARIF logs link to (``[sarif] information-uri``); None: the
    #: project's own URL from rolecall's package metadata.
    information_uri: str | None = None

    def failing(self) -> list[Finding]:
        """Findings at or above the fail level: they make the exit code 1."""
        return [f for f in self.findings if self.fail_level <= f.severity]

    def skipped(self) -> dict[str, int]:
        """How many files were not scanned, by reason (in a fixed order), from the
        notices that name a file: binary, too large, unreadable, links not followed,
        files already scanned through another path, FIFOs and other special files."""
        reasons: dict[str, str] = {}
        for notice in self.notices:
            reason = _skip_reason(notice)
            if reason is not None and notice.path is not None:
                reasons.setdefault(notice.path, reason)
        out = {reason: 0 for reason in SKIP_REASONS}
        for reason in reasons.values():
            out[reason] += 1
        return {reason: n for reason, n in out.items() if n}

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for finding in self.findings:
            out[finding.severity.value] += 1
        return out


#: Reasons a file was not scanned, in the order the summary lists them.
SKIP_REASONS = ("binary", "too large", "unreadable", "link", "duplicate", "special")


def _skip_reason(notice: Notice) -> str | None:
    code = notice.code
    if code is NoticeCode.BINARY:
        return "binary"
    if code is NoticeCode.TOO_LARGE:
        return "too large"
    if code is NoticeCode.UNREADABLE:
        return "unreadable"
    if code is NoticeCode.SKIPPED_SPECIAL:
        if "already scanned" in notice.message:
            return "duplicate"
        return "link" if "symbolic link" in notice.message else "special"
    return None


def skipped_summary(counts: dict[str, int]) -> str:
    """``3 skipped (2 binary, 1 too large)`` (empty when nothing was skipped)."""
    total = sum(counts.values())
    if not total:
        return ""
    by_reason = ", ".join(f"{n} {reason}" for reason, n in counts.items())
    return f"{total} skipped ({by_reason})"
