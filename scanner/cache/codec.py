"""The result cache's value format: one file's result as compact JSON arrays.

Every field of :class:`~rolecall.model.Finding` and :class:`~rolecall.model.Notice` is
kept (SARIF needs UTF-16 columns, fixes need offsets), paths equal to the file's own are
left out. Decoding is strict: anything unexpected raises ValueError, KeyError or
TypeError, and the cache treats the entry as a miss.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rolecall.model import (
    Confidence,
    Finding,
    Fix,
    Location,
    Notice,
    NoticeCode,
    NoticeLevel,
    RelatedLocation,
    Severity,
    TextEdit,
)

if TYPE_CHECKING:
    from rolecall.config.options import FileResult

#: 2: findings carry the values they cover; 3: and their related locations; 4: results
#: carry the line hashes of their findings' lines; 5: a pathless notice stays pathless;
#: 6: findings carry whether their material is low-entropy (fingerprints are keyed, line
#: hashes mask such secrets). A finding's ``legacy_fingerprint`` is never stored: scans
#: that need it use no cache. A low-entropy finding's ``fingerprint`` is stored as the
#: scan made it, ``""`` when the scan derived none: such a scan's entries are keyed
#: apart (``slow-fingerprints`` in :func:`rolecall.config.options.describe_options`), so a
#: reader of fingerprints never gets one of them.
FORMAT = 6


def _loc(loc: Location, path: str) -> list[Any]:
    return [
        None if loc.path == path else loc.path,
        loc.line,
        loc.column,
        loc.end_line,
        loc.end_column,
        loc.column_utf16,
        loc.end_column_utf16,
        loc.start_offset,
        loc.end_offset,
    ]


def _unloc(data: list[Any], path: str) -> Location:
    p, line, col, end_line, end_col, col16, end_col16, start, end = data
    return Location(
        path if p is None else str(p), line, col, end_line, end_col, col16, end_col16, start, end
    )


def _finding(f: Finding, path: str) -> list[Any]:
    fix = None
    if f.fix is not None:
        edits = [[e.start, e.end, e.replacement, _loc(e.location, path)] for e in f.fix.edits]
        fix = [f.fix.description, f.fix.safe, edits]
    return [
        f.rule_id,
        f.rule_name,
        f.severity.value,
        f.confidence.value,
        f.message,
        f.recommendation,
        _loc(f.location, path),
        f.fingerprint,
        f.evidence,
        dict(f.properties),
        fix,
        f.suppression_reason,
        [],  # covers: only the engine's superseding step uses them (see coverage_hash)
        [[_loc(r.location, path), r.label] for r in f.related],
        f.low_entropy,
    ]


def _unfinding(data: list[Any], path: str) -> Finding:
    (
        rule_id,
        name,
        sev,
        conf,
        msg,
        rec,
        loc,
        fp,
        evidence,
        props,
        fix,
        reason,
        covers,
        rel,
        low,
    ) = data
    decoded_fix = None
    if fix is not None:
        description, safe, edits = fix
        decoded_fix = Fix(
            str(description),
            tuple(TextEdit(s, e, str(r), _unloc(loc_, path)) for s, e, r, loc_ in edits),
            bool(safe),
        )
    return Finding(
        rule_id=str(rule_id),
        rule_name=str(name),
        severity=Severity(sev),
        confidence=Confidence(conf),
        message=str(msg),
        recommendation=str(rec),
        location=_unloc(loc, path),
        fingerprint=str(fp),
        evidence=str(evidence),
        properties={str(k): str(v) for k, v in dict(props).items()},
        fix=decoded_fix,
        suppression_reason=None if reason is None else str(reason),
        covers=tuple(str(c) for c in covers),
        related=tuple(RelatedLocation(_unloc(where, path), str(label)) for where, label in rel),
        low_entropy=bool(low),
    )


def _notice(n: Notice, path: str | None) -> list[Any]:
    # None: the file's own path; "": no path (a notice about the scan, such as RC912).
    where = None if n.path == path else "" if n.path is None else n.path
    return [
        n.code.value,
        n.message,
        where,
        n.level.value,
        n.line,
        n.rule_id,
    ]


def _unnotice(data: list[Any], path: str | None) -> Notice:
    code, message, p, level, line, rule_id = data
    return Notice(
        code=NoticeCode(code),
        message=str(message),
        path=path if p is None else str(p) or None,
        level=NoticeLevel(level),
        line=line,
        rule_id=rule_id,
    )


#: Prefix of the short form of a result without findings or notices (most files).
EMPTY = b"E"


def encode_result(result: FileResult) -> bytes:
    path = result.path
    if not (result.findings or result.suppressed or result.notices) and result.scanned:
        return EMPTY + (result.kind or "").encode("utf-8")
    body = [
        FORMAT,
        result.kind,
        result.scanned,
        [_finding(f, path) for f in result.findings],
        [_finding(f, path) for f in result.suppressed],
        [_notice(n, path) for n in result.notices],
        [[line, value] for line, value in sorted(result.line_hashes.items())],
    ]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_result(value: bytes, path: str, size: int = 0) -> FileResult:
    """The result :func:`encode_result` stored, for the file at ``path`` of ``size``
    bytes (the size is not stored: the caller knows it)."""
    from rolecall.config.options import FileResult

    if value[:1] == EMPTY:
        kind_text = value[1:].decode("utf-8")
        return FileResult(path=path, kind=kind_text or None, size=size, scanned=True, cached=True)
    fmt, kind, scanned, findings, suppressed, notices, hashes = json.loads(value)
    if fmt != FORMAT:
        raise ValueError(f"cache entry format {fmt!r}")
    return FileResult(
        path=path,
        findings=[_unfinding(f, path) for f in findings],
        suppressed=[_unfinding(f, path) for f in suppressed],
        notices=[_unnotice(n, path) for n in notices],
        kind=None if kind is None else str(kind),
        size=size,
        scanned=bool(scanned),
        cached=True,
        line_hashes={int(line): str(text) for line, text in hashes},
    )


def encode_notices(notices: list[Notice]) -> bytes:
    """Notices that belong to no one file (e.g. a rule plugin that failed to load)."""
    return json.dumps([FORMAT, [_notice(n, None) for n in notices]]).encode("utf-8")


def decode_notices(value: bytes) -> list[Notice]:
    fmt, body = json.loads(value)
    if fmt != FORMAT:
        raise ValueError(f"cache entry format {fmt!r}")
    return [_unnotice(n, None) for n in body]
