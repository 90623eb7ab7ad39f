"""GitHub Actions workflow commands: one annotation per finding and per file notice.

``::error file=app.py,line=3,col=15,endLine=3,endColumn=35,title=RC101 ...::message``
lines make the runner annotate the file in the pull request and the job summary. Values
are escaped as the Actions toolkit does: ``%``, CR and LF everywhere, and additionally
``:`` and ``,`` inside properties, so a message cannot end or inject a command.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from rolecall.model import Finding, Notice, NoticeLevel, Severity
from rolecall.output.related import with_related
from rolecall.output.report import ScanReport, skipped_summary

COMMAND: Mapping[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "notice",
}
NOTICE_COMMAND: Mapping[NoticeLevel, str] = {
    NoticeLevel.ERROR: "error",
    NoticeLevel.WARNING: "warning",
    NoticeLevel.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a command's message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``, ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """One workflow command line; properties that are ``None`` are left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def finding_text(finding: Finding, message: str | None = None) -> str:
    """Message, related lines and recommendation as one text (``message`` replaces the
    message with related lines, e.g. SARIF's, whose lines are links)."""
    message = with_related(finding) if message is None else message.strip()
    if message and message[-1] not in ".!?":
        message += "."
    return f"{message} {finding.recommendation.strip()}".strip()


def finding_command(finding: Finding) -> str:
    loc = finding.location
    return command(
        COMMAND[finding.severity],
        finding_text(finding),
        file=loc.path,
        line=loc.line,
        col=loc.column,
        endLine=loc.end_line,
        endColumn=loc.end_column,
        title=f"{finding.rule_id} {finding.rule_name}",
    )


def notice_command(notice: Notice) -> str:
    return command(
        NOTICE_COMMAND[notice.level],
        notice.message,
        file=notice.path,
        line=notice.line,
        title=f"{notice.code.value} {notice.title}",
    )


class GithubReporter:
    """Prints workflow annotation commands, findings in file order, then notices."""

    def __init__(self, *, color: bool = False, verbose: int = 0) -> None:
        self.verbose = verbose

    def write(self, report: ScanReport, out: TextIO) -> None:
        for finding in sorted(report.findings, key=lambda f: f.sort_key):
            out.write(finding_command(finding) + "\n")
        for notice in sorted(report.notices, key=lambda n: n.sort_key):
            if notice.level is NoticeLevel.INFO and not self.verbose:
                continue  # skipped binaries and the like: noise in a pull request
            out.write(notice_command(notice) + "\n")
        skipped = skipped_summary(report.skipped())
        if skipped:
            # Informational skip notices are hidden above: the count is never hidden.
            hint = "" if self.verbose else " (each listed with -v)"
            out.write(command("notice", f"{skipped}{hint}", title="rolecall skipped files") + "\n")
