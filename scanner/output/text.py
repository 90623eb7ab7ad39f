"""Human-readable output, grouped by file.

    app/settings.py:3:10: RC101 aws-long-term-access-key-id [error] Long-term AWS ...
        recommendation: Deactivate it now (...)

Colour only when asked (the CLI asks on a TTY). ``verbose=-1`` (``-q``) prints finding
lines only; ``verbose>=1`` adds informational notices and suppressed findings.
"""

from __future__ import annotations

import re
from typing import TextIO

from rolecall.model import Finding, Notice, NoticeLevel, Severity
from rolecall.output.related import with_related
from rolecall.output.report import ScanReport, skipped_summary

_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.NOTE: "\033[36m",
}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"

#: Characters that would move the cursor, end the line, recolour or reorder the
#: terminal's text: C0 and C1 controls, DEL, line/paragraph separators and the
#: bidirectional overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character escaped (``\\n``, ``\\x1b``, ``\\u202e``):
    a file name or a scanned value cannot start a new report line or send the terminal
    an escape sequence."""
    return _UNPRINTABLE.sub(_escape_char, text)


def printable_path(path: str) -> str:
    """A path for one line of text: backslashes doubled (so an escape in the output
    always means an escaped character), then control characters escaped."""
    return printable(path.replace("\\", "\\\\"))


#: Notices in the words findings use (note, warning, error): one scale for the reader.
_NOTICE_WORDS = {
    NoticeLevel.INFO: "note",
    NoticeLevel.WARNING: "warning",
    NoticeLevel.ERROR: "error",
}


class TextReporter:
    def __init__(self, *, color: bool = False, verbose: int = 0) -> None:
        self.color = color
        self.verbose = verbose
        #: The terminal's width when the report goes to one: recommendations wrap there
        #: (None: files and pipes get each recommendation on one line).
        self.width: int | None = None

    def _recommendation(self, text: str) -> str:
        line = f"    recommendation: {printable(text)}"
        if self.width is None or len(line) <= self.width:
            return line + "\n"
        import textwrap

        wrapped = textwrap.wrap(
            line, width=max(self.width, 40), subsequent_indent=" " * 6, break_on_hyphens=False
        )
        return "\n".join(wrapped) + "\n"

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def finding_line(self, finding: Finding) -> str:
        loc = finding.location
        where = self._c(_BOLD, f"{printable_path(loc.path)}:{loc.line}:{loc.column}:")
        level = self._c(_COLORS[finding.severity], f"[{finding.severity.value}]")
        message = printable(with_related(finding))
        return f"{where} {finding.rule_id} {finding.rule_name} {level} {message}"

    def write(self, report: ScanReport, out: TextIO) -> None:
        quiet = self.verbose < 0
        current: str | None = None
        for finding in report.findings:
            if not quiet and current is not None and finding.location.path != current:
                out.write("\n")
            current = finding.location.path
            out.write(self.finding_line(finding) + "\n")
            if not quiet:
                out.write(self._recommendation(finding.recommendation))
                if finding.fix is not None:
                    kind = "safe fix" if finding.fix.safe else "unsafe fix"
                    out.write(f"    {kind} available: {finding.fix.description}\n")
        if quiet:
            return
        if self.verbose >= 1 and report.suppressed:
            out.write("\nSuppressed:\n")
            for finding in report.suppressed:
                reason = printable(finding.suppression_reason or "")
                out.write(f"  {self.finding_line(finding)} ({reason})\n")
        shown = [n for n in report.notices if self.verbose >= 1 or n.level is not NoticeLevel.INFO]
        if shown:
            out.write("\nNotices:\n")
            for notice in shown:
                out.write("  " + self.notice_line(notice) + "\n")
        listed = self.verbose >= 1 and report.ignored_paths
        if listed:
            out.write("\nIgnored (by .gitignore, .git/info/exclude or core.excludesFile):\n")
            for path in report.ignored_paths:
                out.write(f"  {printable_path(path)}\n")
        if current is not None or shown or listed or (self.verbose >= 1 and report.suppressed):
            out.write("\n")  # a blank line after the findings and notices, not before nothing
        out.write(self.summary(report) + "\n")

    def notice_line(self, notice: Notice) -> str:
        where = printable_path(notice.path) if notice.path else "rolecall"
        if notice.line:
            where += f":{notice.line}"
        message = printable(notice.message)
        level = _NOTICE_WORDS[notice.level]
        return f"{where}: {notice.code.value} {notice.title} [{level}] {message}"

    def summary(self, report: ScanReport) -> str:
        counts = report.counts()
        stats = report.stats
        total = len(report.findings)
        if total:
            parts = [
                _count(counts[s.value], s.value) for s in reversed(Severity) if counts[s.value]
            ]
            files = len({f.location.path for f in report.findings})
            head = f"Found {total} finding{'s' * (total != 1)} ({', '.join(parts)}) in {files} "
            head += f"file{'s' * (files != 1)}"
        else:
            head = "No findings"
        scanned = _count(stats.files_scanned, "file")
        tail = f"; scanned {scanned} ({_size(stats.bytes_scanned)}) in {stats.seconds:.2f}s"
        extra = []
        skipped = skipped_summary(report.skipped())
        if skipped:
            extra.append(skipped)
        if report.suppressed:
            extra.append(f"{len(report.suppressed)} suppressed")
        if report.accepted_by_baseline:
            extra.append(f"{report.accepted_by_baseline} accepted by the baseline")
        if stats.files_ignored:
            ignored = f"{stats.files_ignored} ignored by git's ignore rules"
            extra.append(ignored + (" (listed with -v)" if self.verbose < 1 else ""))
        hidden = sum(1 for n in report.notices if n.level is NoticeLevel.INFO)
        if report.notices:
            note = _count(len(report.notices), "notice")
            if hidden and self.verbose < 1:
                note += f" ({hidden} informational, shown with -v)"
            extra.append(note)
        return head + tail + (f"; {', '.join(extra)}" if extra else "") + "."


def _size(n: int) -> str:
    """``2.3 KB`` under 0.1 MB (where MB would say 0.0), else ``4.1 MB``."""
    return f"{n / 1e3:.1f} KB" if n < 100_000 else f"{n / 1e6:.1f} MB"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
