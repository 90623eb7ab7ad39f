"""The result of a whole scan, as every reporter receives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from rolecall.model import Finding, Notice, NoticeCode, Severity

if TYPE_CHECKING:
    from rolecall.rule import RuleInfo


@dataclass
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


@dataclass
class ScanReport:
    """Everything a reporter may show. Paths are relative to ``root`` with '/' separators.

    ``findings`` are the unsuppressed ones at any level; ``suppressed`` carries inline-
    suppressed findings with their reason; ``rules`` lists the rules that ran.
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


@dataclass(frozen=True)
class ReportStats:
    """What a scan went through: the counts of :class:`ScanStats`, frozen."""

    files_seen: int = 0
    files_scanned: int = 0
    files_skipped: int = 0
    files_ignored: int = 0
    bytes_scanned: int = 0
    seconds: float = 0.0
    jobs: int = 1
    cached: int = 0


@dataclass(frozen=True)
class Report:
    """The answer of :func:`rolecall.scan`: what ``rolecall scan`` reports, frozen.

    ``findings`` are the reported findings (after inline suppressions and the baseline),
    sorted by path and position; ``suppressed`` the inline-suppressed ones (with their
    reason); ``notices`` what could not be scanned, or only partly (``RC9xx``).
    :attr:`exit_code` is the command line's; :meth:`to_text`, :meth:`to_json` and
    :meth:`to_sarif` return exactly what it writes in those formats.
    """

    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    notices: tuple[Notice, ...]
    stats: ReportStats
    #: The lowest severity that fails the scan (the configuration's, or the argument's).
    fail_level: Severity = Severity.WARNING
    #: Findings the baseline accepted (left out of ``findings``).
    accepted_by_baseline: int = 0
    #: Baseline entries that matched nothing (counted with ``report_stale``; each is
    #: also an ``RC911`` notice).
    stale_baseline_entries: int = 0
    #: The rules that ran (on some file), with their documentation.
    rules: tuple[RuleInfo, ...] = ()
    #: The directory the paths are relative to.
    root: str = ""
    tool_version: str = ""
    shard: str | None = None
    #: The files whose content the rules saw, and the paths an ignore rule left out.
    scanned_paths: tuple[str, ...] = ()
    ignored_paths: tuple[str, ...] = ()
    #: GitHub's ``primaryLocationLineHash`` as (path, line, hash), for SARIF.
    line_hashes: tuple[tuple[str, int, str], ...] = ()

    @classmethod
    def from_scan_report(cls, report: ScanReport, *, stale: int = 0) -> Report:
        """Freeze a :class:`ScanReport` (``stale``: stale baseline entries counted)."""
        s = report.stats
        return cls(
            findings=tuple(report.findings),
            suppressed=tuple(report.suppressed),
            notices=tuple(report.notices),
            stats=ReportStats(
                s.files_seen,
                s.files_scanned,
                s.files_skipped,
                s.files_ignored,
                s.bytes_scanned,
                s.seconds,
                s.jobs,
                s.cached,
            ),
            fail_level=report.fail_level,
            accepted_by_baseline=report.accepted_by_baseline,
            stale_baseline_entries=stale,
            rules=tuple(report.rules),
            root=report.root,
            tool_version=report.tool_version,
            shard=report.shard,
            scanned_paths=tuple(report.scanned_paths),
            ignored_paths=tuple(report.ignored_paths),
            line_hashes=tuple((p, n, h) for (p, n), h in report.line_hashes.items()),
        )

    def scan_report(self) -> ScanReport:
        """A mutable copy, as the reporters take it."""
        s = self.stats
        return ScanReport(
            root=self.root,
            tool_version=self.tool_version,
            rules=list(self.rules),
            findings=list(self.findings),
            suppressed=list(self.suppressed),
            notices=list(self.notices),
            stats=ScanStats(
                s.files_seen,
                s.files_scanned,
                s.files_skipped,
                s.files_ignored,
                s.bytes_scanned,
                s.seconds,
                s.jobs,
                s.cached,
            ),
            fail_level=self.fail_level,
            shard=self.shard,
            scanned_paths=list(self.scanned_paths),
            ignored_paths=list(self.ignored_paths),
            line_hashes={(p, n): h for p, n, h in self.line_hashes},
            accepted_by_baseline=self.accepted_by_baseline,
        )

    def failing(self) -> tuple[Finding, ...]:
        """Findings at or above :attr:`fail_level`: they make the exit code 1."""
        return tuple(f for f in self.findings if self.fail_level <= f.severity)

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this answer: 1 when a finding is at or above
        :attr:`fail_level`, else 0."""
        return 1 if self.failing() else 0

    def with_fail_level(self, level: Severity | str) -> Report:
        """This report judged at another fail level (``"note"``, ``"warning"``,
        ``"error"``): :attr:`exit_code` and the reports' summaries follow it."""
        import dataclasses

        parsed = level if isinstance(level, Severity) else Severity.parse(level)
        return dataclasses.replace(self, fail_level=parsed)

    def write(
        self,
        out: TextIO,
        format: str = "text",
        *,
        color: bool = False,
        verbose: int = 0,
        width: int | None = None,
    ) -> None:
        """Write the report to ``out`` in ``format`` (text, json, sarif, github), as the
        command line does: ``verbose`` is its ``-v`` count (``-1``: ``-q``), ``width``
        the terminal's width that text recommendations wrap to (None: no wrapping)."""
        from rolecall.reporters import get_reporter

        reporter = get_reporter(format, color=color, verbose=verbose)
        if width is not None:
            from rolecall.reporters.text import TextReporter

            if isinstance(reporter, TextReporter):
                reporter.width = width
        reporter.write(self.scan_report(), out)

    def render(self, format: str = "text", *, verbose: int = 0) -> str:
        """The report in ``format`` as one string (see :meth:`write`)."""
        import io

        buffer = io.StringIO()
        self.write(buffer, format, verbose=verbose)
        return buffer.getvalue()

    def to_text(self, *, verbose: int = 0, color: bool = False, width: int | None = None) -> str:
        """What ``rolecall scan`` prints (``-v`` ``verbose`` times; ``-q`` is ``-1``)."""
        import io

        buffer = io.StringIO()
        self.write(buffer, "text", color=color, verbose=verbose, width=width)
        return buffer.getvalue()

    def to_json(self) -> str:
        """What ``rolecall scan --format json`` writes (schema: docs/json-format.md)."""
        return self.render("json")

    def to_sarif(self, *, indent: bool = False) -> str:
        """What ``rolecall scan --format sarif`` writes: a SARIF 2.1.0 log (indented,
        as with ``-v``, when ``indent``)."""
        return self.render("sarif", verbose=1 if indent else 0)
