"""SARIF 2.1.0 output that GitHub code scanning ingests without warnings.

One run per log. ``tool.driver.rules`` lists every rule that ran, with help generated
from the rule's own documentation; results carry an explicit level, exactly one location
with a repository-relative URI and a full UTF-16 region, partial fingerprints that
survive code moves (rolecall's own) and match GitHub's (``primaryLocationLineHash``),
and fixes where the rule offers one. The line hashes come from the bytes the scan read
(:attr:`ScanReport.line_hashes`): no file is opened again after the scan.
Inline-suppressed findings are not written: GitHub ignores SARIF suppressions, and the
JSON output is where they are listed.

Built on the sarif-om object model (imported here, never at package import time) and
written by :mod:`rolecall.output.sarif_json`, which keeps every explicit value.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TextIO

import sarif_om as so  # type: ignore[import-untyped]  # generated attrs classes, untyped
from rolecall.model import Confidence, Finding, Fix, Location, Notice, NoticeCode, NoticeLevel
from rolecall.output.github import finding_text
from rolecall.output.related import with_related
from rolecall.output.report import ScanReport
from rolecall.output.sarif_json import dumps, om
from rolecall.output.sarif_rules import (
    help_uri,
    notice_descriptor,
    project_url,
    rule_descriptor,
    rules_json,
)

# Re-exported: the log's URI names, public here before they had a module of their own.
from rolecall.output.sarif_uris import SRCROOT as SRCROOT
from rolecall.output.sarif_uris import UriBases as UriBases
from rolecall.output.sarif_uris import artifact_uri as artifact_uri
from rolecall.output.sarif_uris import percent_encode as percent_encode
from rolecall.output.sarif_uris import root_uri as root_uri

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
CATEGORY_ENV = "ROLECALL_SARIF_CATEGORY"
#: v2: fingerprints are keyed (see :mod:`rolecall.fingerprints`); a low-entropy
#: finding's value is its masked-line identity instead (see :func:`partial_fingerprints`).
FINGERPRINT_KEY = "rolecall/v2"
LINE_HASH_KEY = "primaryLocationLineHash"

#: GitHub code scanning's limits for one run (see also sarif_checks).
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_GZIP_BYTES = 10 * 1024 * 1024

_NOTICE_LEVEL: Mapping[NoticeLevel, str] = {
    NoticeLevel.INFO: "note",
    NoticeLevel.WARNING: "warning",
    NoticeLevel.ERROR: "error",
}
_CONFIDENCE_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


class SarifReporter:
    """Writes one SARIF 2.1.0 log for the whole scan."""

    def __init__(self, *, color: bool = False, verbose: int = 0) -> None:
        self.verbose = verbose

    def write(self, report: ScanReport, out: TextIO) -> None:
        out.write(render(report, indent=2 if self.verbose > 0 else None))
        out.write("\n")

    def prepare(self) -> None:
        """Write, and throw away, the log of an empty report that lists every rule the
        default registry knows: each rule's descriptor is then made and serialized (and
        kept, :func:`~rolecall.output.sarif_rules.rules_json`) and the writer's own
        first-call work done before a report arrives. The SARIF writer's helper
        (:mod:`rolecall.output.spawned`) runs this while the scan runs."""
        from rolecall.plugin.registry import default_registry

        render(ScanReport(root=os.getcwd(), tool_version="", rules=default_registry().infos()))


def render(report: ScanReport, *, indent: int | None = None) -> str:
    """The log as JSON text, within GitHub's result count and gzipped size limits.

    Compact unless ``indent`` is given. A log over :data:`MAX_GZIP_BYTES` gzipped is
    written again with fewer results (the most severe kept) until it fits.
    """
    limit, reason = MAX_RESULTS, f"GitHub accepts at most {MAX_RESULTS} per run"
    while True:
        log = build_log(report, limit=limit, reason=reason, splice=indent is None)
        text = dumps(log, indent=indent)
        # gzip never shrinks JSON below ~1/100: only a large log needs compressing here.
        if len(text) <= MAX_GZIP_BYTES or limit == 0:
            return text
        import gzip  # only a log this large needs it

        size = len(gzip.compress(text.encode("utf-8"), compresslevel=6))
        if size <= MAX_GZIP_BYTES:
            return text
        shown = min(limit, len(report.findings))
        limit = max(0, min(shown - 1, int(shown * MAX_GZIP_BYTES / size * 0.9)))
        reason = f"GitHub accepts at most {MAX_GZIP_BYTES // 2**20} MB gzipped per file"


def build_log(
    report: ScanReport, *, limit: int | None = None, reason: str | None = None, splice: bool = False
) -> so.SarifLog:
    """The sarif-om log for ``report`` (serialize with ``sarif_json.dumps``).

    At most ``limit`` results (default :data:`MAX_RESULTS`) are written; ``reason`` says
    why in the notice about the rest. With ``splice`` the driver's rules are their
    compact JSON text (:func:`rules_json`), for ``dumps`` without ``indent`` only.
    """
    limit = MAX_RESULTS if limit is None else limit
    reason = reason or f"GitHub accepts at most {MAX_RESULTS} per run"
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)[:MAX_RULES]
    index = {rule.id: n for n, rule in enumerate(rules)}
    kept, dropped = limit_results([f for f in report.findings if f.rule_id in index], limit)
    notices = _with_left_out(report, len(kept), dropped, reason)
    hashes = report.line_hashes
    bases = UriBases(report.root, _paths(kept, notices))
    results = [_result(f, index[f.rule_id], hashes, bases) for f in kept]
    codes = sorted({n.code for n in notices}, key=lambda c: c.value)
    information_uri = report.information_uri or project_url()
    driver = om(
        so.ToolComponent,
        name="rolecall",
        version=report.tool_version,
        semantic_version=report.tool_version,
        information_uri=information_uri,
        rules=rules_json(rules, information_uri)
        if splice
        else [rule_descriptor(r, help_uri(r, information_uri)) for r in rules],
        notifications=[notice_descriptor(c) for c in codes] or None,
    )
    run = om(
        so.Run,
        tool=om(so.Tool, driver=driver),
        automation_details=om(so.RunAutomationDetails, id=automation_id(report.shard)),
        column_kind="utf16CodeUnits",
        original_uri_base_ids=bases.original_uri_base_ids(),
        invocations=[
            _invocation(
                notices,
                index,
                {c: n for n, c in enumerate(codes)},
                report.stats.files_ignored,
                bases,
            )
        ],
        results=results,
    )
    return om(so.SarifLog, version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


def _with_left_out(report: ScanReport, kept: int, dropped: int, reason: str) -> list[Notice]:
    """The report's notices, and one for each kind of result the log leaves out: over
    the limit (``dropped``, for ``reason``), or of a rule missing from the rule list."""
    notices = list(report.notices)
    unknown = len(report.findings) - kept - dropped
    if dropped:
        notices.append(
            Notice(
                code=NoticeCode.LIMIT,
                message=f"{dropped} of {kept + dropped} results were left out of the "
                f"SARIF log: {reason} (the most severe were kept; the JSON output lists "
                "them all)",
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
    return notices


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


def limit_results(findings: Sequence[Finding], limit: int) -> tuple[list[Finding], int]:
    """At most ``limit`` findings, the most severe chosen first, in file order."""
    if len(findings) <= limit:
        return sorted(findings, key=lambda f: f.sort_key), 0
    ranked = sorted(
        findings,
        key=lambda f: (-f.severity.rank, -_CONFIDENCE_RANK[f.confidence], f.sort_key),
    )
    kept = sorted(ranked[:limit], key=lambda f: f.sort_key)
    return kept, len(findings) - limit


# --- results -----------------------------------------------------------------------


def _paths(findings: Iterable[Finding], notices: Iterable[Notice]) -> Iterator[str]:
    """Every path the log names."""
    for finding in findings:
        yield finding.location.path
        for related in finding.related:
            yield related.location.path
        if finding.fix is not None:
            for edit in finding.fix.edits:
                yield edit.location.path
    for notice in notices:
        if notice.path:
            yield notice.path


def _region(loc: Location) -> so.SarifLog:
    return om(
        so.Region,
        start_line=loc.line,
        start_column=loc.column_utf16,
        end_line=loc.end_line,
        end_column=loc.end_column_utf16,
    )


def _result(
    finding: Finding,
    rule_index: int,
    hashes: Mapping[tuple[str, int], str],
    bases: UriBases,
) -> so.SarifLog:
    loc = finding.location
    fingerprints = partial_fingerprints(finding, hashes.get((loc.path, loc.line)))
    properties: dict[str, Any] = {"confidence": finding.confidence.value}
    properties.update(finding.properties)
    # GitHub shows a related location only when the message links to it: "[line 7](1)".
    message = with_related(
        finding, lambda n, text: f"[{text}]({n})", message=escape_links(finding.message)
    )
    return om(
        so.Result,
        rule_id=finding.rule_id,
        rule_index=rule_index,
        level=finding.severity.value,
        message=om(so.Message, text=finding_text(finding, message)),
        locations=[_location(loc, bases)],
        related_locations=[
            _location(r.location, bases, id=n, message=om(so.Message, text=r.label))
            for n, r in enumerate(finding.related, 1)
        ]
        or None,
        partial_fingerprints=fingerprints,
        fixes=[_fix(finding.fix, bases)] if finding.fix is not None and finding.fix.edits else None,
        properties=properties,
    )


def partial_fingerprints(finding: Finding, line_hash: str | None) -> dict[str, str]:
    """A result's ``partialFingerprints``.

    A high-entropy secret's is its keyed fingerprint. A low-entropy one's (a password)
    carries nothing derived from the secret: SARIF logs are uploaded and shared, and
    even an scrypt derivation lets a dictionary be tried against it. Its identity is
    SHA-256 over the rule id, the path and the line's hash computed with the secret
    masked (:func:`rolecall.output.linehash.mask_secrets`; the line number when the
    scan kept no line hash, as for files too large to parse): stable while the line
    stays, and the same for a new password on it.
    """
    out: dict[str, str] = {}
    if finding.low_entropy:
        import hashlib

        line = line_hash if line_hash is not None else f"line {finding.location.line}"
        text = "\0".join((finding.rule_id, finding.location.path, line))
        out[FINGERPRINT_KEY] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    else:
        out[FINGERPRINT_KEY] = finding.fingerprint
    if line_hash is not None:
        out[LINE_HASH_KEY] = line_hash
    return out


def _location(loc: Location, bases: UriBases, **extra: Any) -> so.Location:
    physical = om(
        so.PhysicalLocation, artifact_location=bases.artifact(loc.path), region=_region(loc)
    )
    return om(so.Location, physical_location=physical, **extra)


_LINK_SHAPED = re.compile(r"\[([^\[\]]*)\]\(")


def escape_links(text: str) -> str:
    """``text`` with brackets escaped where they would read as an embedded link
    (SARIF 2.1.0 §3.11.6): code such as ``f["k"](x)`` in a message is not a link."""
    return _LINK_SHAPED.sub(lambda m: "\\[" + m.group(1) + "\\](", text)


def _fix(fix: Fix, bases: UriBases) -> so.SarifLog:
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
            om(
                so.ArtifactChange,
                artifact_location=bases.artifact(path),
                replacements=replacements,
            )
            for path, replacements in by_path.items()
        ],
        properties={"safe": fix.safe},
    )


# --- run metadata ------------------------------------------------------------------


def _notification(
    notice: Notice,
    index: Mapping[str, int],
    codes: Mapping[NoticeCode, int],
    bases: UriBases,
) -> so.SarifLog:
    locations = None
    if notice.path:
        region = om(so.Region, start_line=notice.line) if notice.line else None
        locations = [
            om(
                so.Location,
                physical_location=om(
                    so.PhysicalLocation,
                    artifact_location=bases.artifact(notice.path),
                    region=region,
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
    notices: Sequence[Notice],
    index: Mapping[str, int],
    codes: Mapping[NoticeCode, int],
    files_ignored: int,
    bases: UriBases,
) -> so.SarifLog:
    ordered = sorted(notices, key=lambda n: n.sort_key)
    return om(
        so.Invocation,
        execution_successful=not any(n.level is NoticeLevel.ERROR for n in ordered),
        tool_execution_notifications=[_notification(n, index, codes, bases) for n in ordered]
        or None,
        # Paths git's ignore rules left out: a count (a list would swamp the log).
        properties={"filesIgnored": files_ignored} if files_ignored else None,
    )
