"""SARIF 2.1.0 output that GitHub code scanning ingests without warnings.

One run per log. ``tool.driver.rules`` lists every rule that ran, with help generated
from the rule's own documentation; results carry an explicit level, exactly one location
with a repository-relative URI and a full UTF-16 region, partial fingerprints that
survive code moves (rolecall's own) and match GitHub's (``primaryLocationLineHash``),
and fixes where the rule offers one. Inline-suppressed findings are not written: GitHub
ignores SARIF suppressions, and the JSON output is where they are listed.

Built on the sarif-om object model (imported here, never at package import time) and
written by :mod:`rolecall.reporters.sarif_json`, which keeps every explicit value.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import sarif_om as so  # type: ignore[import-untyped]  # generated attrs classes, untyped
from rolecall.model import (
    NOTICE_TITLES,
    Confidence,
    Finding,
    Fix,
    Location,
    Notice,
    NoticeCode,
    NoticeLevel,
    Severity,
)
from rolecall.report import ScanReport
from rolecall.reporters.linehash import line_hashes
from rolecall.reporters.sarif_json import dumps, om
from rolecall.rule import DOC_SECTIONS, FIX_SECTION, RuleInfo

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/rolecall/rolecall"
SRCROOT = "%SRCROOT%"
CATEGORY_ENV = "ROLECALL_SARIF_CATEGORY"
FINGERPRINT_KEY = "rolecall/v1"
LINE_HASH_KEY = "primaryLocationLineHash"

#: GitHub code scanning's documented limits for one uploaded file.
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_TAGS = 20
MAX_RUNS = 20
MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_DESCRIPTION = 1024

#: GitHub maps security-severity to critical >= 9.0, high >= 7.0, medium >= 4.0, low
#: otherwise. The values sit well inside their band so rounding never changes the band.
SECURITY_SEVERITY: Mapping[Severity, str] = {
    Severity.ERROR: "8.5",
    Severity.WARNING: "5.5",
    Severity.NOTE: "2.5",
}
PRECISION: Mapping[Confidence, str] = {
    Confidence.HIGH: "high",
    Confidence.MEDIUM: "medium",
    Confidence.LOW: "low",
}
_NOTICE_LEVEL: Mapping[NoticeLevel, str] = {
    NoticeLevel.INFO: "note",
    NoticeLevel.WARNING: "warning",
    NoticeLevel.ERROR: "error",
}
#: What each of the scanner's own notices means, for ``driver.notifications``.
NOTICE_HELP: Mapping[NoticeCode, str] = {
    NoticeCode.INTERNAL: "rolecall hit an internal error on a file; its results may be incomplete.",
    NoticeCode.UNREADABLE: "A file could not be read (permissions, a broken link, or it "
    "disappeared during the scan) and was not scanned.",
    NoticeCode.BINARY: "A binary file was skipped.",
    NoticeCode.TOO_LARGE: "A file larger than the configured size limit was skipped.",
    NoticeCode.DECODING: "A file held bytes that are not valid in its encoding; they were "
    "replaced and the rest of the file was scanned.",
    NoticeCode.UNPARSEABLE: "A file could not be parsed in its format; rules that need the "
    "parsed form were skipped for it, text rules still ran.",
    NoticeCode.SKIPPED_SPECIAL: "A special file (device, FIFO, socket, or a link leaving the "
    "tree) was skipped.",
    NoticeCode.RULE_LOAD: "A rule could not be loaded and did not run.",
    NoticeCode.RULE_ERROR: "A rule failed on a file; other rules and files were still scanned.",
    NoticeCode.UNUSED_SUPPRESSION: "A suppression comment matches no finding or names an "
    "unknown rule.",
    NoticeCode.LIMIT: "A limit was reached (nesting depth, or GitHub's result count); some "
    "results are missing.",
}
_CONFIDENCE_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
_LITERAL = re.compile(r"``(.+?)``")


class SarifReporter:
    """Writes one SARIF 2.1.0 log for the whole scan."""

    def __init__(self, *, color: bool = False, verbose: int = 0) -> None:
        self.verbose = verbose

    def write(self, report: ScanReport, out: TextIO) -> None:
        # Compact unless asked for more: GitHub's limit is on the (gzipped) size.
        out.write(dumps(build_log(report), indent=2 if self.verbose > 0 else None))
        out.write("\n")


def build_log(report: ScanReport) -> so.SarifLog:
    """The sarif-om log for ``report`` (serialize with ``sarif_json.dumps``)."""
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)[:MAX_RULES]
    index = {rule.id: n for n, rule in enumerate(rules)}
    kept, dropped = limit_results([f for f in report.findings if f.rule_id in index])
    notices = list(report.notices)
    unknown = len(report.findings) - len(kept) - dropped
    if dropped:
        notices.append(
            Notice(
                code=NoticeCode.LIMIT,
                message=f"{dropped} of {len(kept) + dropped} results were left out of the "
                f"SARIF log: GitHub accepts at most {MAX_RESULTS} per run (the most "
                "severe were kept; the JSON output lists them all)",
                level=NoticeLevel.WARNING,
            )
        )
    if unknown:
        notices.append(
            Notice(
                code=NoticeCode.INTERNAL,
                message=f"{unknown} results of rules missing from the rule list were left out",
                level=NoticeLevel.ERROR,
            )
        )
    hashes = _line_hashes(report.root, kept)
    results = [_result(f, index[f.rule_id], hashes) for f in kept]
    codes = sorted({n.code for n in notices}, key=lambda c: c.value)
    driver = om(
        so.ToolComponent,
        name="rolecall",
        version=report.tool_version,
        semantic_version=report.tool_version,
        information_uri=INFORMATION_URI,
        rules=[_rule(r) for r in rules],
        notifications=[_notice_descriptor(c) for c in codes] or None,
    )
    run = om(
        so.Run,
        tool=om(so.Tool, driver=driver),
        automation_details=om(so.RunAutomationDetails, id=automation_id(report.shard)),
        column_kind="utf16CodeUnits",
        original_uri_base_ids={SRCROOT: _root_location(report.root)},
        invocations=[_invocation(notices, index, {c: n for n, c in enumerate(codes)})],
        results=results,
    )
    return om(so.SarifLog, version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


def automation_id(shard: str | None, category: str | None = None) -> str:
    """The run's category for GitHub: ``rolecall/``, or ``$ROLECALL_SARIF_CATEGORY/``.

    GitHub's upload action applies its ``category`` input only to runs that have no
    ``automationDetails``, so the category is taken from the environment here to let a
    workflow give each upload its own. Sharded scans add ``shard-K-of-N/`` so that their
    uploads do not replace each other.
    """
    if category is None:
        category = os.environ.get(CATEGORY_ENV, "")
    base = category.strip().strip("/") or "rolecall"
    if not shard:
        return f"{base}/"
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", shard)
    name = f"{match[1]}-of-{match[2]}" if match else re.sub(r"[^A-Za-z0-9._-]+", "-", shard)
    return f"{base}/shard-{name}/"


def limit_results(findings: Sequence[Finding]) -> tuple[list[Finding], int]:
    """At most :data:`MAX_RESULTS` findings, the most severe first chosen, in file order."""
    if len(findings) <= MAX_RESULTS:
        return sorted(findings, key=lambda f: f.sort_key), 0
    ranked = sorted(
        findings,
        key=lambda f: (-f.severity.rank, -_CONFIDENCE_RANK[f.confidence], f.sort_key),
    )
    kept = sorted(ranked[:MAX_RESULTS], key=lambda f: f.sort_key)
    return kept, len(findings) - MAX_RESULTS


# --- rules -------------------------------------------------------------------------


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """``text`` cut to ``limit`` characters (GitHub truncates descriptions at 1024)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _plain(text: str) -> str:
    return _LITERAL.sub(r"\1", text)


def _markdown(text: str) -> str:
    return _LITERAL.sub(r"`\1`", text)


def _one_line(text: str) -> str:
    return " ".join(_plain(text).split())


def help_sections(rule: RuleInfo) -> list[tuple[str, str]]:
    """(title, body) of the documented sections, in the documented order."""
    titles = DOC_SECTIONS + ((FIX_SECTION,) if rule.fixable else ())
    return [(title, rule.section(title)) for title in titles if rule.section(title)]


def help_text(rule: RuleInfo) -> str:
    parts = [_plain(rule.summary)]
    for title, body in help_sections(rule):
        parts.append(f"{title}:\n{_plain(body)}")
    return "\n\n".join(parts)


def help_markdown(rule: RuleInfo) -> str:
    parts = [f"**{_markdown(rule.summary)}**"]
    for title, body in help_sections(rule):
        parts.append(f"## {title}\n\n{_markdown(body)}")
    parts.append(f"Rule `{rule.id}` ({rule.name}), CWE-{rule.cwe}.")
    return "\n\n".join(parts)


def _rule(rule: RuleInfo) -> so.ReportingDescriptor:
    full = _one_line(rule.section("What it finds")) or rule.summary
    return om(
        so.ReportingDescriptor,
        id=rule.id,
        name=rule.name,
        short_description=om(so.MultiformatMessageString, text=clip(_one_line(rule.summary))),
        full_description=om(so.MultiformatMessageString, text=clip(full)),
        help=om(so.MultiformatMessageString, text=help_text(rule), markdown=help_markdown(rule)),
        default_configuration=om(so.ReportingConfiguration, level=rule.severity.value),
        properties={
            "tags": list(rule.all_tags[:MAX_TAGS]),
            "precision": PRECISION[rule.confidence],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    )


# --- results -----------------------------------------------------------------------


def artifact_uri(path: str) -> str:
    """A repository-relative path as a percent-encoded relative URI reference."""
    return quote(path.replace("\\", "/").lstrip("/"), safe="/")


def _artifact(path: str) -> so.ArtifactLocation:
    return om(so.ArtifactLocation, uri=artifact_uri(path), uri_base_id=SRCROOT)


def _region(loc: Location) -> so.Region:
    return om(
        so.Region,
        start_line=loc.line,
        start_column=loc.column_utf16,
        end_line=loc.end_line,
        end_column=loc.end_column_utf16,
    )


def _line_hashes(root: str, findings: Iterable[Finding]) -> dict[tuple[str, int], str]:
    wanted: dict[str, int] = defaultdict(int)
    for finding in findings:
        loc = finding.location
        wanted[loc.path] = max(wanted[loc.path], loc.line)
    out: dict[tuple[str, int], str] = {}
    base = Path(root)
    for path, max_line in wanted.items():
        try:
            data = (base / path).read_bytes()
        except OSError:
            continue  # gone since the scan: GitHub's action would not hash it either
        for line, value in line_hashes(data, max_line).items():
            out[(path, line)] = value
    return out


def result_message(finding: Finding) -> str:
    """The finding's message and recommendation as one flat text (GitHub shows no args)."""
    message = finding.message.strip()
    if message and message[-1] not in ".!?":
        message += "."
    recommendation = finding.recommendation.strip()
    return f"{message} {recommendation}".strip()


def _result(finding: Finding, rule_index: int, hashes: Mapping[tuple[str, int], str]) -> so.Result:
    loc = finding.location
    fingerprints = {FINGERPRINT_KEY: finding.fingerprint}
    line_hash = hashes.get((loc.path, loc.line))
    if line_hash is not None:
        fingerprints[LINE_HASH_KEY] = line_hash
    properties: dict[str, Any] = {"confidence": finding.confidence.value}
    properties.update(finding.properties)
    return om(
        so.Result,
        rule_id=finding.rule_id,
        rule_index=rule_index,
        level=finding.severity.value,
        message=om(so.Message, text=result_message(finding)),
        locations=[
            om(
                so.Location,
                physical_location=om(
                    so.PhysicalLocation,
                    artifact_location=_artifact(loc.path),
                    region=_region(loc),
                ),
            )
        ],
        partial_fingerprints=fingerprints,
        fixes=[_fix(finding.fix)] if finding.fix is not None and finding.fix.edits else None,
        properties=properties,
    )


def _fix(fix: Fix) -> so.Fix:
    by_path: dict[str, list[so.Replacement]] = defaultdict(list)
    for edit in sorted(fix.edits, key=lambda e: (e.location.path, e.start, e.end)):
        by_path[edit.location.path].append(
            om(
                so.Replacement,
                deleted_region=_region(edit.location),
                inserted_content=om(so.ArtifactContent, text=edit.replacement),
            )
        )
    return om(
        so.Fix,
        description=om(so.Message, text=fix.description),
        artifact_changes=[
            om(so.ArtifactChange, artifact_location=_artifact(path), replacements=replacements)
            for path, replacements in by_path.items()
        ],
        properties={"safe": fix.safe},
    )


# --- run metadata ------------------------------------------------------------------


def _root_location(root: str) -> so.ArtifactLocation:
    uri = Path(root).resolve().as_uri()
    return om(
        so.ArtifactLocation,
        uri=uri if uri.endswith("/") else uri + "/",
        description=om(so.Message, text="The directory the scan's paths are relative to."),
    )


def _notice_descriptor(code: NoticeCode) -> so.ReportingDescriptor:
    title = NOTICE_TITLES[code]
    text = NOTICE_HELP.get(code, title.replace("-", " "))
    return om(
        so.ReportingDescriptor,
        id=code.value,
        name=title,
        short_description=om(so.MultiformatMessageString, text=title.replace("-", " ")),
        full_description=om(so.MultiformatMessageString, text=text),
        help=om(so.MultiformatMessageString, text=text, markdown=text),
    )


def _notification(
    notice: Notice, index: Mapping[str, int], codes: Mapping[NoticeCode, int]
) -> so.Notification:
    locations = None
    if notice.path:
        region = om(so.Region, start_line=notice.line) if notice.line else None
        locations = [
            om(
                so.Location,
                physical_location=om(
                    so.PhysicalLocation, artifact_location=_artifact(notice.path), region=region
                ),
            )
        ]
    return om(
        so.Notification,
        message=om(so.Message, text=notice.message),
        level=_NOTICE_LEVEL[notice.level],
        descriptor=om(
            so.ReportingDescriptorReference, id=notice.code.value, index=codes[notice.code]
        ),
        associated_rule=(
            om(so.ReportingDescriptorReference, id=notice.rule_id, index=index[notice.rule_id])
            if notice.rule_id is not None and notice.rule_id in index
            else None
        ),
        locations=locations,
    )


def _invocation(
    notices: Sequence[Notice], index: Mapping[str, int], codes: Mapping[NoticeCode, int]
) -> so.Invocation:
    ordered = sorted(notices, key=lambda n: n.sort_key)
    return om(
        so.Invocation,
        execution_successful=not any(n.level is NoticeLevel.ERROR for n in ordered),
        tool_execution_notifications=[_notification(n, index, codes) for n in ordered] or None,
    )
