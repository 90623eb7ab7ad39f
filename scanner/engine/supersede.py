"""Supersession: one credential is one finding, however many rules saw it.

A rule may declare that it supersedes others (``supersedes = ("RC1",)``): its finding
on a value replaces theirs on the same value, and keeps their places as related
locations. This merges the findings of one file before they are filtered; it drops no
credential (the winner reports it), so it is part of scanning, not of suppression.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping

from rolecall.model import Finding, RelatedLocation, Severity, merge_related, related_label

#: Per value and per superseded prefix set: the most severe winners' (line, index).
_Best = dict[tuple[str, tuple[str, ...]], tuple[Severity, list[tuple[int, int]]]]


def superseded(raw: list[Finding], supersedes: Mapping[str, tuple[str, ...]]) -> list[Finding]:
    """``raw`` without findings that a superseding rule reported on the same value
    at the same or a higher severity (``supersedes``: rule id -> id prefixes it wins
    over).

    The nearest such winner keeps each dropped finding's places as related
    locations: a literal on a line of its own (a module constant, a dict entry, an
    earlier assignment) stays in the report through the finding that used it. Linear
    after sorting, also when one value repeats all over a file.
    """
    best = _winners(raw, supersedes)
    if not best:
        return raw
    by_value: dict[str, list[tuple[tuple[str, ...], Severity, list[tuple[int, int]]]]] = {}
    for (value, prefixes), (severity, winners) in best.items():
        winners.sort()
        by_value.setdefault(value, []).append((prefixes, severity, winners))
    adopted: dict[int, list[RelatedLocation]] = {}
    drop: set[int] = set()
    for j, other in enumerate(raw):
        for value in dict.fromkeys(other.covers):
            for prefixes, severity, winners in by_value.get(value, ()):
                # Never trade a finding for a milder one: a key id the SDK rule sees
                # alone (warning) does not hide the text rule's paired key (error).
                if not other.rule_id.startswith(prefixes) or severity < other.severity:
                    continue
                winner = _nearest(winners, other.location.line, j)
                if winner is None:
                    continue
                drop.add(j)
                places = adopted.setdefault(winner, [])
                places.append(RelatedLocation(other.location, related_label(other)))
                places.extend(other.related)
    out = list(raw)
    for i, places in adopted.items():
        winner_finding = raw[i]
        merged = merge_related(winner_finding.location, winner_finding.related, places)
        out[i] = dataclasses.replace(winner_finding, related=merged)
    return [f for j, f in enumerate(out) if j not in drop]


def _winners(raw: list[Finding], supersedes: Mapping[str, tuple[str, ...]]) -> _Best:
    best: _Best = {}
    for i, finding in enumerate(raw):
        prefixes = supersedes.get(finding.rule_id)
        if not prefixes:
            continue
        for value in dict.fromkeys(finding.covers):
            key = (value, prefixes)
            found = best.get(key)
            if found is None or found[0] < finding.severity:
                best[key] = (finding.severity, [(finding.location.line, i)])
            elif found[0] is finding.severity:
                found[1].append((finding.location.line, i))
    return best


def _nearest(winners: list[tuple[int, int]], line: int, not_index: int) -> int | None:
    """The index of the winner (``(line, index)`` pairs, sorted) nearest to ``line``,
    the later one on a tie (a call usually follows the constant it uses); never
    ``not_index`` (a finding does not supersede itself)."""
    at = bisect.bisect_left(winners, (line, -1))
    choices = [w for w in winners[max(0, at - 2) : at + 2] if w[1] != not_index]
    if not choices:
        choices = [w for w in winners if w[1] != not_index][:1]
    if not choices:
        return None
    return min(choices, key=lambda w: (abs(w[0] - line), -w[0]))[1]
