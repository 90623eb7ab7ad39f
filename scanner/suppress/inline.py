"""Inline suppression comments, handled once for every rule.

``rolecall: ignore`` or ``rolecall: ignore[RC101,RC2]`` in a comment of any syntax
(``#``, ``//``, ``/* */``, ``<!-- -->``, ``--``, ``;``) suppresses a finding on any of its
lines (a key id's secret on another line, a literal an SDK call resolved): a trailing
comment covers its own line, a comment-only line covers itself and the next line, and
nothing else. Text after `` -- `` is the reason, carried into JSON and SARIF; it ends
where the comment ends (``*/``, ``-->``, ...), so code after a block comment never becomes
the reason, and it is scrubbed of anything secret-shaped before it goes anywhere.
Codes may be whole ids or prefixes (``RC2`` covers every RC2xx rule). detect-secrets'
``pragma: allowlist secret`` (and its ``nextline`` form) and gitleaks'
``gitleaks:allow`` are honoured too, unless switched off, so a team can migrate
without rewriting its comments.
"""

from __future__ import annotations

from collections.abc import Iterable

from rolecall.output.redact import scrub
from rolecall.plugin.lazyre import lazy
from rolecall.read.document import Document

_ROLECALL = lazy(
    r"rolecall:\s*ignore(?:\[(?P<codes>[^\]\r\n]*)\])?"
    # "--" starts the reason, but "-->" closes an HTML comment.
    r"(?:[ \t]+--(?!>)[ \t]*(?P<reason>[^\r\n]*))?"
)
_FOREIGN = lazy(r"pragma:\s*allowlist[ \t]+(?P<next>nextline[ \t]+)?secret|gitleaks:allow")
#: Where a block comment (C, HTML, Jinja, OCaml, Go templates) ends: the reason stops
#: there, whatever follows on the line.
_COMMENT_END = lazy(r"\*/|-->|#}|%}|\*\)|\}\}")
#: What may stand before the suppression on a comment-only line: blanks and a comment
#: opener of some syntax (``#``, ``//``, ``/*``, ``*``, ``<!--``, ``--``, ``;``, ``%``,
#: ``{#``, ``{{/*``, ``'``, ``REM``, ``::``).
_COMMENT_ONLY = lazy(
    r"[ \t]*(?:#+|//+|/\*+|\*|<!--|--|;+|%+|\{#|\{\{-?[ \t]*/\*|'|(?i:rem)|::)?[ \t]*"
    r"(?:pragma:|gitleaks:|rolecall:)?"
)
_CODE = lazy(r"^RC\d{0,3}$")


class Suppression:
    """One suppression comment and whether it silenced anything.

    Mutable scan state, so a plain class: Python 3.11 compiles a dataclass's methods
    from source at import, on every run."""

    __slots__ = ("codes", "line", "next_line", "reason", "source", "used")

    def __init__(
        self,
        line: int,
        codes: tuple[str, ...],  # empty: every rule
        reason: str | None,
        source: str,  # "rolecall" or the foreign tool's name
        used: set[str] | None = None,
        next_line: bool = False,
    ) -> None:
        self.line = line
        self.codes = codes
        self.reason = reason
        self.source = source
        self.used: set[str] = set() if used is None else used
        #: Whether it also covers the next line: a comment-only line (or detect-secrets'
        #: ``pragma: allowlist nextline secret``, which says so).
        self.next_line = next_line

    def covers(self, rule_id: str) -> bool:
        return not self.codes or any(rule_id.startswith(code) for code in self.codes)


def find_suppressions(doc: Document, *, foreign: bool = True) -> dict[int, list[Suppression]]:
    """Suppression comments in ``doc`` by the line they stand on."""
    found: dict[int, list[Suppression]] = {}
    text = doc.text
    if "rolecall:" not in text and not (foreign and ("pragma:" in text or "gitleaks:" in text)):
        return found
    index = doc.index
    for match in _ROLECALL.finditer(text):
        line, _ = index.position(match.start())
        codes_text = match.group("codes")
        codes = tuple(c.strip().upper() for c in (codes_text or "").split(",") if c.strip())
        reason = match.group("reason")
        if reason is not None:
            end = _COMMENT_END.search(reason)
            reason = scrub(reason[: end.start()] if end else reason).strip() or None
        alone = _comment_only(doc, line, match.start())
        suppression = Suppression(line, codes, reason, "rolecall", next_line=alone)
        found.setdefault(line, []).append(suppression)
    if foreign:
        for match in _FOREIGN.finditer(text):
            line, _ = index.position(match.start())
            source = "gitleaks" if match.group(0).startswith("gitleaks") else "detect-secrets"
            alone = bool(match.groupdict().get("next")) or _comment_only(doc, line, match.start())
            found.setdefault(line, []).append(Suppression(line, (), None, source, next_line=alone))
    return found


def _comment_only(doc: Document, line: int, start: int) -> bool:
    """Whether nothing but blanks and a comment opener stand before ``start`` on its line."""
    line_start = doc.index.line_start(line)
    return _COMMENT_ONLY.fullmatch(doc.text, line_start, start) is not None


def invalid_codes(suppressions: Iterable[Suppression]) -> list[tuple[int, str]]:
    """(line, code) pairs naming something that is not a rule id or prefix."""
    return [(s.line, c) for s in suppressions for c in s.codes if not _CODE.match(c)]


def match_suppression(
    table: dict[int, list[Suppression]], lines: int | Iterable[int], rule_id: str
) -> Suppression | None:
    """The suppression that covers a finding of ``rule_id`` on ``lines``, if any.

    ``lines`` are every line the finding points at (its location and its related
    locations, e.g. a key id's and its secret's): a comment on any of them, or a
    comment-only line just above one, silences the finding.
    """
    if not table:
        return None
    for line in (lines,) if isinstance(lines, int) else lines:
        for candidate_line in (line, line - 1):
            for suppression in table.get(candidate_line, ()):
                if candidate_line != line and not suppression.next_line:
                    continue  # a trailing comment covers its own line only
                if suppression.covers(rule_id):
                    suppression.used.add(rule_id)
                    return suppression
    return None
