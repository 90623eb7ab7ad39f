"""AWS credential values known by their place: in a key id's record, without a name.

A temporary credential comes as three values and a long-term one as two; beside a key id
a secret-shaped value (or, beside a temporary id, a token-shaped one) is that id's
partner even when nothing names it. Windows are bounded (lines and characters) and
merged before they are searched, so a file dense with ids is searched once.
"""

from __future__ import annotations

import bisect
import re

from rolecall import Document
from rolecall.rules.aws.candidates import looks_like_token_beside_key_id
from rolecall.rules.aws.hits import AFTER_SECRET, B64, DOTTED, KeyIdHit, SecretHit, TokenHit, in_url
from rolecall.rules.aws.named_values import plausible_secret
from rolecall.rules.common.placeholders import is_documented_example

#: A token-length base64 run, not part of a dotted (JWT) or base64url token; ``=``
#: before it is an assignment (``TOKEN=...``).
_BESIDE_TOKEN = re.compile(
    r"(?:(?<![A-Za-z0-9/+_.-])|(?<=\\[ntr]))[A-Za-z0-9/+]{64,8192}={0,2}(?![A-Za-z0-9/+=_.-])"
)
#: How far (lines, characters) a secret may be from a key id to count as its pair.
NAMED_PAIR_WINDOW = (5, 2000)
#: A value known only by its shape pairs within 3 lines, or up to 8 lines when no blank
#: line or ``[section]`` header separates it from the id (one record, object or section).
UNNAMED_PAIR_WINDOW = (8, 1200)
UNNAMED_NEAR_LINES = 3
#: A 40-character secret candidate for pairing by position: not part of a longer
#: base64, base64url or percent-encoded run; or right after ``NAME=`` (``PWD=`` in an
#: ODBC DSN, ``Password=`` in a connection string), which :data:`SECRET_KEY_PATTERN`
#: leaves out because ``=`` also ends base64 runs; or after an escaped newline or tab
#: (``\n`` in a notebook's output or a log line in JSON). Linear: fixed-width
#: look-arounds and a fixed-length run.
_UNNAMED_SECRET = re.compile(
    r"(?:(?<![A-Za-z0-9/+=_%-])|(?<=[A-Za-z0-9_\]]=)|(?<=\\[ntr]))"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_%-])"
)


def tokens_beside_temporary_ids(
    doc: Document, ids: list[KeyIdHit], taken: list[TokenHit]
) -> list[TokenHit]:
    """The session token of each ``ASIA`` id, by position: a long base64 run beside it.

    Temporary credentials always come as three values, and a token is the only long
    random base64 value among them, so beside an ``ASIA`` id neither a name nor a known
    prefix is needed, and a shorter floor than a lone value's is enough (a truncated or
    older token). The closest run in the id's record is taken, one per id.
    """
    if not any(hit.info.prefix == "ASIA" and not hit.example for hit in ids):
        return []  # and the line index is not built for a text that may need none
    lines, chars = UNNAMED_PAIR_WINDOW
    index, text = doc.index, doc.text
    spans = sorted((t.start, t.end) for t in taken)
    starts = [a for a, _ in spans]
    plausible: dict[int, bool] = {}  # one check per run, however many ids see it
    found: dict[int, TokenHit] = {}
    for hit in ids:
        if hit.info.prefix != "ASIA" or hit.example:
            continue
        line = index.position(hit.start)[0]
        lo = max(index.line_start(max(1, line - lines)), hit.start - chars)
        hi = min(index.line_end(min(index.line_count, line + lines)), hit.end + chars)
        best: tuple[int, int, int] | None = None
        for match in _BESIDE_TOKEN.finditer(text, lo, hi):
            start, end = match.span()
            if (start == lo and start > 0 and text[start - 1] in DOTTED) or (
                end == hi and text[end : end + 1] in DOTTED
            ):
                continue  # cut out of a longer run by the window edge
            at = bisect.bisect_left(starts, end) - 1
            if at >= 0 and spans[at][1] > start:
                continue  # already a token found by name or prefix (tokens never overlap)
            if not _same_block(doc, line, index.position(start)[0]):
                continue
            if start not in plausible:
                plausible[start] = not (
                    _in_wrapped_base64(doc, start) or _wraps_onto_next_line(doc, start, end)
                ) and looks_like_token_beside_key_id(match.group())
            if not plausible[start]:
                continue  # a line of a PEM or MIME body, or not random enough
            distance = abs(start - hit.start)
            if best is None or distance < best[0]:
                best = (distance, start, end)
        if best is not None and best[1] not in found:
            _, start, end = best
            found[start] = TokenHit(start, end, text[start:end], "", in_url(text, start), False)
    return list(found.values())


def _window(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The offsets of the unnamed pairing window around a key id at ``start:end``."""
    lines, chars = UNNAMED_PAIR_WINDOW
    index = doc.index
    line = index.position(start)[0]
    lo = max(index.line_start(max(1, line - lines)), start - chars)
    hi = min(index.line_end(min(index.line_count, line + lines)), end + chars)
    return lo, hi


def _unnamed_candidates(doc: Document, ids: list[KeyIdHit]) -> list[tuple[int, int]]:
    """``(start, end)`` of the secret-shaped runs in any id's window, in text order.

    Overlapping windows are merged and each merged range is searched once, so a file
    dense with ids (a log of STS responses) is still searched once, not once per id.
    """
    text = doc.text
    ranges: list[list[int]] = []
    for hit in ids:  # ids are found left to right: windows come sorted by start
        lo, hi = _window(doc, hit.start, hit.end)
        if ranges and lo <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], hi)
        else:
            ranges.append([lo, hi])
    found: list[tuple[int, int]] = []
    for lo, hi in ranges:
        for match in _UNNAMED_SECRET.finditer(text, lo, hi):
            start, end = match.span(1)
            if (start == lo and start > 0 and text[start - 1] in AFTER_SECRET) or (
                end == hi and text[end : end + 1] in AFTER_SECRET
            ):
                continue  # cut out of a longer run by the window edge
            found.append((start, end))
    return found


def _unnamed_secrets_near(
    doc: Document,
    hit: KeyIdHit,
    candidates: list[tuple[int, int]],
    examples: bool,
    seen: dict[int, tuple[SecretHit, int] | None],
) -> list[tuple[SecretHit, int]]:
    """``(secret, line)`` within the unnamed window of ``hit``; ``seen`` memoises each
    candidate."""
    lo, hi = _window(doc, hit.start, hit.end)
    line = doc.index.position(hit.start)[0]
    found: list[tuple[SecretHit, int]] = []
    first = bisect.bisect_left(candidates, (lo, lo))
    for start, end in candidates[first:]:
        if end > hi:
            break
        if start not in seen:
            secret = _unnamed_secret(doc, start, end, examples)
            seen[start] = None if secret is None else (secret, doc.index.position(start)[0])
        known = seen[start]
        if known is not None and _same_block(doc, line, known[1]):
            found.append(known)
    return found


def _same_block(doc: Document, a: int, b: int) -> bool:
    """Lines ``a`` and ``b`` are close, or no blank line or ``[section]`` lies between."""
    if abs(a - b) <= UNNAMED_NEAR_LINES:
        return True
    lines = doc.lines
    for number in range(min(a, b), max(a, b) + 1):
        stripped = lines[number - 1].strip()
        if not stripped or (stripped[0] == "[" and stripped[-1] == "]" and number != a):
            return False
    return True


def _unnamed_secret(doc: Document, start: int, end: int, examples: bool) -> SecretHit | None:
    text = doc.text
    if (text[start - 1 : start] == "." and text[start - 2 : start - 1] in DOTTED) or (
        text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum()
    ):
        return None  # a segment of a JWT or another dotted token
    value = text[start:end]
    example = is_documented_example(value)
    if (example and not examples) or not plausible_secret(value, example):
        return None
    if _in_wrapped_base64(doc, start):
        return None
    return SecretHit(start, end, value, "", True, example)


def _in_wrapped_base64(doc: Document, start: int) -> bool:
    """The last line of a wrapped base64 block (PEM, MIME) can be 40 characters long."""
    line = doc.index.position(start)[0]
    if line == 1:
        return False
    above = doc.lines[line - 2].strip()
    return len(above) >= 60 and all(c in B64 for c in above)


def _wraps_onto_next_line(doc: Document, start: int, end: int) -> bool:
    """The first line of a wrapped base64 block: the next line is as long and base64."""
    line = doc.index.position(start)[0]
    if line >= doc.index.line_count or doc.lines[line - 1].strip() != doc.text[start:end]:
        return False
    below = doc.lines[line].strip()
    return len(below) >= end - start - 4 and all(c in B64 for c in below)


def pair(
    doc: Document, ids: list[KeyIdHit], secrets: list[SecretHit], examples: bool
) -> dict[int, SecretHit]:
    """Pair ids with secrets, closest first; each id and each secret pairs at most once."""
    candidates: list[tuple[int, int, SecretHit]] = []
    index = doc.index
    starts = [s.start for s in secrets]  # sorted: found left to right
    max_lines, max_chars = NAMED_PAIR_WINDOW
    lines = {s.start: index.position(s.start)[0] for s in secrets}
    seen: dict[int, tuple[SecretHit, int] | None] = {s.start: (s, lines[s.start]) for s in secrets}
    runs = _unnamed_candidates(doc, ids)
    for hit in ids:
        line = index.position(hit.start)[0]
        # The four closest named secrets on either side are enough to choose from and
        # keep a file packed with credentials (minified JSON) linear.
        at = bisect.bisect_left(starts, hit.start)
        lo = max(bisect.bisect_left(starts, hit.start - max_chars), at - 4)
        hi = min(bisect.bisect_right(starts, hit.start + max_chars), at + 4)
        nearby = [(s, lines[s.start], max_lines) for s in secrets[lo:hi]]
        # Named secrets come back here too: in the id's block they pair as far as
        # unnamed ones do (a plist or Postman item list spreads a pair over 6 lines).
        nearby += [
            (s, at_line, UNNAMED_PAIR_WINDOW[0])
            for s, at_line in _unnamed_secrets_near(doc, hit, runs, examples, seen)
        ]
        for secret, secret_line, window in nearby:
            if secret.example != hit.example or abs(secret_line - line) > window:
                continue
            candidates.append((abs(secret.start - hit.start), hit.start, secret))
    pairs: dict[int, SecretHit] = {}
    used: set[int] = set()
    for _distance, id_start, secret in sorted(candidates, key=lambda c: (c[0], c[1])):
        if id_start not in pairs and secret.start not in used:
            pairs[id_start] = secret
            used.add(secret.start)
    return pairs
