"""``primaryLocationLineHash``, computed exactly as GitHub's upload action computes it.

When a SARIF result has no ``partialFingerprints.primaryLocationLineHash``, the
``upload-sarif`` action reads the file and adds one; an upload through the REST API gets
none, and then alerts do not dedupe across runs. Computing it here makes both paths
agree.

The action's algorithm: read the file as UTF-8, work on UTF-16 code units; drop spaces
and tabs; turn ``\\r\\n`` and a lone ``\\r`` into ``\\n``; append the code unit 65535 as
an end-of-file marker and enough zeros to fill a window. A line's hash is the 64-bit
polynomial hash (base 37, wrapping) of the 100 code units starting at the line's first
code unit, written in hex, plus ``:n`` where ``n`` counts how often that hash value has
occurred so far in the file (identical lines stay distinguishable).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rolecall.plugin.lazyre import lazy

if TYPE_CHECKING:
    from rolecall.model import Finding

BLOCK_SIZE = 100
_BASE = 37
_MASK = (1 << 64) - 1
_EOF = 0xFFFF
_BASE_POW_BLOCK = pow(_BASE, BLOCK_SIZE, 1 << 64)
_DROP = str.maketrans("", "", " \t")


def _code_units(text: str) -> array[int]:
    normal = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP)
    units = array("H")
    units.frombytes(normal.encode("utf-16-le", "surrogatepass"))
    return units


def line_hashes(data: bytes, max_line: int | None = None) -> dict[int, str]:
    """The hash of every 1-based line of ``data`` (up to ``max_line`` when given).

    A file that ends with a line break gets one more, empty, line: the action hashes it
    too, and the occurrence counts depend on every line before the one asked for.
    """
    units = _code_units(data.decode("utf-8", "replace"))
    starts = [0]
    newline = 0x0A
    for pos, unit in enumerate(units):
        if unit == newline:
            starts.append(pos + 1)
            if max_line is not None and len(starts) > max_line:
                break
    if max_line is not None:
        del starts[max_line:]
    last = starts[-1] + BLOCK_SIZE if starts else 0
    stream = units[: min(len(units), last)].tolist()
    if len(stream) < last:
        stream.append(_EOF)
        stream.extend([0] * (last - len(stream)))
    # prefix[i] is the hash of stream[:i]; a window's hash is a difference of two.
    prefix = [0] * (len(stream) + 1)
    acc = 0
    for i, unit in enumerate(stream):
        acc = (acc * _BASE + unit) & _MASK
        prefix[i + 1] = acc
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for line, start in enumerate(starts, 1):
        value = (prefix[start + BLOCK_SIZE] - prefix[start] * _BASE_POW_BLOCK) & _MASK
        text = format(value, "x")
        seen[text] = seen.get(text, 0) + 1
        out[line] = f"{text}:{seen[text]}"
    return out


def finding_line_hashes(
    data: bytes, findings: Iterable[Finding], masked: Iterable[Finding] = ()
) -> dict[int, str]:
    """The hashes of the lines ``findings`` start on, from ``data`` (the bytes the scan
    read): the report never reads a file again, which might since have become a FIFO, a
    link or other content.

    A low-entropy secret (a password) is masked first, wherever a finding of
    ``findings`` or ``masked`` (the inline-suppressed ones) holds it: a line hash is a
    fast 64-bit hash of up to 100 characters, and a dictionary could test guesses of
    the password against it. High-entropy material stays: no dictionary holds it, and
    the hashes then equal the ones GitHub's upload action computes.
    """
    findings = list(findings)
    lines = {f.location.line for f in findings}
    if not lines:
        return {}
    secrets = [f for f in (*findings, *masked) if f.low_entropy]
    if secrets:
        data = mask_secrets(data.decode("utf-8", "replace"), secrets).encode("utf-8")
    hashes = line_hashes(data, max(lines))
    return {line: hashes[line] for line in sorted(lines) if line in hashes}


#: What a masked secret reads as: fixed, so the hash says nothing of its length either.
SECRET_MASK = "***"
_LINE_BREAK = lazy(r"\r\n|\r|\n")
_NOT_LINE_BREAK = lazy(r"[^\r\n]+")


def mask_secrets(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with the span of every finding of ``findings``, and of each of its
    related locations in the same file, replaced by :data:`SECRET_MASK` line by line
    (line breaks stay, so line numbers do not move)."""
    base = 1 if text.startswith("\ufeff") else 0  # the decoded document has no BOM
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text, base)]
    starts[0] = base

    def offset(line: int, column: int) -> int:
        if line > len(starts):
            return len(text)
        return min(len(text), starts[line - 1] + column - 1)

    spans: list[tuple[int, int]] = []
    for finding in findings:
        path = finding.location.path
        places = [finding.location]
        places.extend(r.location for r in finding.related if r.location.path == path)
        for loc in places:
            spans.append((offset(loc.line, loc.column), offset(loc.end_line, loc.end_column)))
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end in spans:
        start = max(start, pos)
        if end <= start:
            continue
        out.append(text[pos:start])
        out.append(_NOT_LINE_BREAK.sub(SECRET_MASK, text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)
