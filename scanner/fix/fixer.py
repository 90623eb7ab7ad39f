"""``rolecall fix``: apply the findings' fixes to files, safely.

For each file: read the bytes once, decode, scan, apply the chosen fixes, scan again
until nothing more applies (so a second run changes nothing), check that the result
still parses, and write it atomically (a temporary file in the same directory, then
``os.replace``), keeping the file's mode, encoding, byte-order mark and line endings.
A file whose content changed since it was read is left alone. With ``diff_only`` a
unified diff is printed and nothing is written; secret-looking strings in it are redacted.

Every file's findings after the fix (or, with ``diff_only``, after the fix it would make)
are handed back, so that the command can list what is left to do by hand
(:func:`describe_left`) and never look finished while a scan would still fail.
"""

from __future__ import annotations

import codecs
import difflib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rolecall import shapes
from rolecall.atomic import write_atomic
from rolecall.engine.core import Engine
from rolecall.fix.edits import OverlappingEdits, apply_edits, choose_fixes
from rolecall.model import Finding
from rolecall.output.redact import redact
from rolecall.read.document import Decoded, DocKind, Document, decode

_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
#: Passes per file: a fix skipped for overlapping an earlier one is retried next pass.
MAX_PASSES = 10


@dataclass(frozen=True)
class FixSummary:
    """What a fix run did."""

    files_changed: int = 0
    fixes_applied: int = 0
    files_failed: int = 0
    unsafe_skipped: int = 0  # fixes available only with --unsafe-fixes

    def describe(self, *, diff_only: bool = False) -> str:
        verb = "would change" if diff_only else "changed"
        text = f"{plural(self.fixes_applied, 'fix')}, {verb} {plural(self.files_changed, 'file')}"
        if self.files_failed:
            text += f", {plural(self.files_failed, 'file')} left alone"
        if self.unsafe_skipped:
            text += f"; {self.unsafe_skipped} more with --unsafe-fixes"
        return text


def plural(count: int, noun: str) -> str:
    """``1 fix``, ``2 fixes``, ``0 files``."""
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun}{'es' if noun.endswith(('x', 's', 'sh', 'ch')) else 's'}"


class _FixFailed(Exception):
    """The file is left alone; the message says why (never quoting its content)."""


def run_fix(
    engine: Engine,
    files: Sequence[tuple[str, str]],
    *,
    unsafe: bool,
    diff_only: bool,
    out: TextIO,
    force: bool = False,
    remaining: list[Left] | None = None,
) -> FixSummary:
    """Fix ``files`` (absolute path, display path); report to ``out``. ``force`` also
    writes read-only files and files with other hard links (see :func:`_write_checked`).

    ``remaining`` receives every finding (not suppressed inline) that the file holds
    after the fix, or would hold (``diff_only``), or still holds when it could not be
    fixed: what a scan after the fix reports.
    """
    changed = applied = failed = skipped = 0
    for path, display in files:
        try:
            outcome = _fix_file(engine, path, display, unsafe, diff_only, out, force)
        except _FixFailed as exc:
            failed += 1
            out.write(f"{display}: not fixed: {exc}\n")
            if remaining is not None:
                remaining.extend(Left(f, False) for f in _findings_on_disk(engine, path, display))
            continue
        skipped += outcome.unsafe_left
        if remaining is not None:
            remaining.extend(Left(f, bool(outcome.count)) for f in outcome.left)
        if outcome.count:
            changed += 1
            applied += outcome.count
            verb = "would apply" if diff_only else "applied"  # after the file's diff
            out.write(f"{display}: {verb} {plural(outcome.count, 'fix')}\n")
            out.writelines(f"  {text}\n" for text in outcome.descriptions)
    return FixSummary(changed, applied, failed, skipped)


@dataclass(frozen=True)
class Left:
    """A finding that a fix run leaves in place; ``after_fix``: in a file it changed."""

    finding: Finding
    after_fix: bool


@dataclass(frozen=True)
class _Outcome:
    count: int  # fixes applied
    unsafe_left: int  # fixes that only --unsafe-fixes would apply
    left: list[Finding]  # the findings of the fixed text
    descriptions: list[str]  # what the applied fixes did, each once


def _findings_on_disk(engine: Engine, path: str, display: str) -> list[Finding]:
    """The findings of a file that could not be fixed, as it is."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []  # already reported as not fixed
    return list(engine.scan_document(Document(display, data)).findings)


def _fix_file(
    engine: Engine,
    path: str,
    display: str,
    unsafe: bool,
    diff_only: bool,
    out: TextIO,
    force: bool,
) -> _Outcome:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _FixFailed(f"cannot read ({exc.strerror or type(exc).__name__})") from None
    decoded = decode(data)
    if decoded.errors:
        raise _FixFailed("undecodable bytes; writing it back would change them")
    text, count, kind = decoded.text, 0, None
    unsafe_left = 0
    reported: set[str] = set()  # every reported value of every pass, masked in a diff
    descriptions: dict[str, None] = {}  # ordered, each once
    findings: Sequence[Finding] = ()
    for passes in range(MAX_PASSES + 1):
        doc = Document(display, _encode(text, decoded), decoded=_same(decoded, text))
        kind = doc.kind
        result = engine.scan_document(doc)
        findings = result.findings
        if diff_only:
            reported.update(reported_values(text, [*findings, *result.suppressed]))
        fixes = choose_fixes(findings, unsafe=unsafe)
        unsafe_left = len(choose_fixes(findings, unsafe=True)) - len(fixes)
        if not fixes or passes == MAX_PASSES:
            break  # ``findings`` are those of the final text
        try:
            text = apply_edits(text, [edit for fix in fixes for edit in fix.edits])
        except OverlappingEdits:
            raise _FixFailed("fixes overlap") from None
        count += len(fixes)
        descriptions.update((fix.description, None) for fix in fixes)
    if not count:
        return _Outcome(0, unsafe_left, list(findings), [])
    _check_parses(kind, text)
    new_data = _encode(text, decoded)
    outcome = _Outcome(count, unsafe_left, list(findings), list(descriptions))
    if diff_only:
        diff = difflib.unified_diff(
            decoded.text.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"a/{display}",
            tofile=f"b/{display}",
        )
        masks = sorted(reported, key=len, reverse=True)  # longest first: no partial masks
        out.writelines(hide_secrets(line, masks) for line in diff)
        if not text.endswith(("\n", "\r")):
            out.write("\n\\ No newline at end of file\n")
        return outcome
    _write_checked(path, data, new_data, force)
    return outcome


def describe_left(left: Sequence[Left], *, unsafe: bool) -> list[str]:
    """The lines that list what a fix run leaves for a person to do: each finding at
    its place, what it holds (redacted) and, on a second line, what to do instead."""
    from rolecall.output.related import related_where, with_related
    from rolecall.output.text import printable, printable_path

    lines: list[str] = []
    for item in sorted(left, key=lambda i: i.finding.sort_key):
        finding = item.finding
        loc = finding.location
        where = f"{printable_path(loc.path)}:{loc.line}:{loc.column}"
        head = f"{where}: {finding.rule_id} {finding.rule_name} [{finding.severity.value}]"
        if item.after_fix and _shows_value(finding.evidence):  # a key in a file it fixed
            held = f"{finding.evidence}{related_where(finding)}"
            lines.append(f"{head}: still holds a key after the fix: {printable(held)}")
        else:
            lines.append(f"{head}: {printable(with_related(finding))}")
        fix = finding.fix
        if fix is not None and fix.edits and not fix.safe and not unsafe:
            todo = f"run `rolecall fix --unsafe-fixes` ({one_line(fix.description, 90)})"
        else:
            todo = one_line(finding.recommendation)
        lines.append(f"    instead: {todo} (rolecall explain {finding.rule_id})")
    return lines


_REDACTED = re.compile(r"…\(\d+ chars\)")


def _shows_value(evidence: str) -> bool:
    """Whether a finding's evidence is a credential value (a key id, or a value shown
    redacted), not code that reads one from elsewhere."""
    return bool(_REDACTED.search(evidence) or shapes.KEY_ID_PATTERN.search(evidence))


_SENTENCE_END = re.compile(r"\.(?=\s+[A-Z`(]|\s*$)")
_ASIDE = re.compile(r"\([^()]*\)")


def one_line(text: str, limit: int = 140, sentences: int = 2) -> str:
    """The gist of a recommendation on one line: its first ``sentences`` sentences
    (the action, then usually the role-based alternative), without their parenthesised
    asides when too long, cut at a word with an ellipsis past ``limit`` characters."""
    text = " ".join(text.split())
    depth, ends = 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and _SENTENCE_END.match(text, i):
            ends += 1
            if ends == sentences:
                text = text[: i + 1]
                break
    while len(text) > limit:  # asides first: "rotate the key (aws iam ...)" reads whole
        shorter = " ".join(_ASIDE.sub("", text).split())
        for mark in ".,;:":
            shorter = shorter.replace(f" {mark}", mark)
        if shorter == text:
            break
        text = shorter
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    text = text[: cut if cut > 0 else limit - 1]
    if text.count("`") % 2:  # never end inside a code span
        text = text[: text.rindex("`")].rstrip()
    return text.rstrip(",;:") + "…"


_SECRET_LIKE = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{32,}(?![A-Za-z0-9/+=])")


def reported_values(text: str, findings: Iterable[Finding]) -> set[str]:
    """The secret values in ``text`` that ``findings`` (reported or suppressed) are about.

    A finding's span, or a related location's (a pair's secret on another line), is a
    value when the evidence shows it redacted (every token rule, every named secret);
    spans the evidence shows whole (key ids, which users need
    to deactivate the key) or that cover code around a value are not values.
    """
    values: set[str] = set()
    for finding in findings:
        for loc in (finding.location, *(r.location for r in finding.related)):
            span = text[loc.start_offset : loc.end_offset]
            if span and "\n" not in span and redact(span) in finding.evidence:
                values.add(span)
    return values


def hide_secrets(line: str, reported: Sequence[str] = ()) -> str:
    """A diff line with every reported value and every other secret-looking string
    redacted: a diff goes to terminals and CI logs, which must never receive a whole
    secret. (It is for reading, not applying.)"""
    for value in reported:
        if value in line:
            line = line.replace(value, redact(value))

    def hide(match: re.Match[str]) -> str:
        value = match.group(0)
        if shapes.looks_like_secret_key(value) or (
            len(value) >= 64 and shapes.shannon_entropy(value) >= 4.5
        ):
            return redact(value)
        return value

    return _SECRET_LIKE.sub(hide, line)


def _same(decoded: Decoded, text: str) -> Decoded:
    return Decoded(text, decoded.encoding, decoded.bom, 0)


def _encode(text: str, decoded: Decoded) -> bytes:
    bom = _BOMS.get(decoded.encoding, b"") if decoded.bom else b""
    return bom + text.encode(decoded.encoding)


def _check_python(text: str) -> None:
    from rolecall.read.parsers.python import parse_python

    parse_python(text)


def _check_json(text: str) -> None:
    json.loads(text)


_CHECKS: dict[DocKind, Callable[[str], None]] = {
    DocKind.PYTHON: _check_python,
    DocKind.NOTEBOOK: _check_json,
    DocKind.JSON: _check_json,
}


def _check_parses(kind: DocKind | None, text: str) -> None:
    check = _CHECKS.get(kind) if kind is not None else None
    if check is None:
        return
    try:
        check(text)
    except Exception:  # any parser's error: the fixed text must not be written
        raise _FixFailed("the fixed file would not parse; no change written") from None


def _write_checked(path: str, original: bytes, new_data: bytes, force: bool) -> None:
    """Write the fixed bytes, unless the file changed on disk or must not be rewritten.

    A read-only file is refused (somebody meant it not to change), and so is a file
    with other hard links: the atomic rename would give this path the fix and leave the
    key in every other link. With ``force`` a read-only file is written anyway and a
    hard-linked one is rewritten in place, so that every link gets the fix.
    """
    real = os.path.realpath(path)  # through a symlink: the link stays a link
    try:
        with open(real, "rb") as handle:
            current = handle.read()
            st = os.fstat(handle.fileno())
    except OSError as exc:
        raise _FixFailed(f"cannot re-read ({exc.strerror or type(exc).__name__})") from None
    if current != original:
        raise _FixFailed("changed on disk while being fixed; run again")
    if not force:
        if not st.st_mode & stat.S_IWUSR or not os.access(real, os.W_OK):
            raise _FixFailed("read-only; make it writable or use --force")
        if st.st_nlink > 1:
            raise _FixFailed(
                f"has {plural(st.st_nlink - 1, 'other hard link')}, which would keep the key; "
                "use --force to rewrite it in place (all links)"
            )
    try:
        if st.st_nlink > 1:
            _write_in_place(real, new_data)
        else:
            write_atomic(real, new_data)
    except OSError as exc:
        raise _FixFailed(f"cannot write ({exc.strerror or type(exc).__name__})") from None


def _write_in_place(path: str, data: bytes) -> None:
    """Overwrite a hard-linked file's content (every link sees it); mode kept."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if not mode & stat.S_IWUSR:
        os.chmod(path, mode | stat.S_IWUSR)
    try:
        with open(path, "r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        if not mode & stat.S_IWUSR:
            os.chmod(path, mode)
