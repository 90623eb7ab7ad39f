"""Applying fixes to text: the one place edits are merged and applied."""

from __future__ import annotations

from collections.abc import Iterable

from rolecall.model import Finding, Fix, TextEdit


class OverlappingEdits(ValueError):
    """Two edits touch the same text; the later fix is left for the next run."""


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits to ``text``; raise :class:`OverlappingEdits` otherwise."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos or edit.end < edit.start or edit.end > len(text):
            raise OverlappingEdits(f"edit at offset {edit.start} overlaps or is out of range")
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def choose_fixes(findings: Iterable[Finding], *, unsafe: bool) -> list[Fix]:
    """The fixes to apply, in file order, skipping unsafe ones unless allowed and any
    fix whose edits overlap an earlier chosen one (it is retried on the next run)."""
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        fix = finding.fix
        if fix is None or not fix.edits or (not fix.safe and not unsafe) or fix in chosen:
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any((s < te and ts < e) or (s == e == ts) for s, e in spans for ts, te in taken):
            continue
        chosen.append(fix)
        taken.extend(spans)
    return chosen


def fixed_text(text: str, findings: Iterable[Finding], *, unsafe: bool) -> str:
    """``text`` with every applicable fix of ``findings`` applied."""
    edits = [edit for fix in choose_fixes(findings, unsafe=unsafe) for edit in fix.edits]
    return apply_edits(text, edits)
