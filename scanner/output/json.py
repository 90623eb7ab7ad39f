"""Machine-readable output: a stable, versioned JSON document (docs/json-format.md)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rolecall.model import Finding, Fix, Location, Notice, RelatedLocation
from rolecall.output.report import ScanReport

SCHEMA_VERSION = 1


def location_json(loc: Location) -> dict[str, Any]:
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
    }


def fix_json(fix: Fix) -> dict[str, Any]:
    return {
        "description": fix.description,
        "safe": fix.safe,
        "edits": [{**location_json(e.location), "replacement": e.replacement} for e in fix.edits],
    }


def related_json(related: RelatedLocation) -> dict[str, Any]:
    return {**location_json(related.location), "label": related.label}


def finding_json(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "message": finding.message,
        "recommendation": finding.recommendation,
        **location_json(finding.location),
        "fingerprint": finding.fingerprint,
        "evidence": finding.evidence,
        "properties": dict(finding.properties),
        "fix": fix_json(finding.fix) if finding.fix is not None else None,
        "related": [related_json(r) for r in finding.related],
    }
    if finding.suppression_reason is not None:
        out["suppression_reason"] = finding.suppression_reason
    return out


def notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "code": notice.code.value,
        "title": notice.title,
        "level": notice.level.value,
        "path": notice.path,
        "line": notice.line,
        "rule_id": notice.rule_id,
        "message": notice.message,
    }


def report_json(report: ScanReport) -> dict[str, Any]:
    stats = report.stats
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "rolecall", "version": report.tool_version},
        "summary": {
            "findings": len(report.findings),
            "by_severity": report.counts(),
            "suppressed": len(report.suppressed),
            "notices": len(report.notices),
            "fail_level": report.fail_level.value,
            "failed": bool(report.failing()),
        },
        "findings": [finding_json(f) for f in report.findings],
        "suppressed": [finding_json(f) for f in report.suppressed],
        "notices": [notice_json(n) for n in report.notices],
        "rules": [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "confidence": r.confidence.value,
                "cwe": r.cwe,
                "summary": r.summary,
                "fixable": r.fixable,
            }
            for r in report.rules
        ],
        "stats": {
            "files_seen": stats.files_seen,
            "files_scanned": stats.files_scanned,
            "files_skipped": stats.files_skipped,
            "files_ignored": stats.files_ignored,
            "bytes_scanned": stats.bytes_scanned,
            "seconds": round(stats.seconds, 3),
            "jobs": stats.jobs,
            "cached": stats.cached,
        },
    }


class JsonReporter:
    def __init__(self, *, color: bool = False, verbose: int = 0) -> None:
        self.verbose = verbose

    def write(self, report: ScanReport, out: TextIO) -> None:
        json.dump(report_json(report), out, indent=2, ensure_ascii=False)
        out.write("\n")
