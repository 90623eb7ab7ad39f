"""The engine: runs the selected rules over documents and files, never knowing a rule.

Per document it applies the kind filter and the keyword prefilter, runs each rule in
isolation (a rule that raises becomes a notice naming the rule and file), turns failed
parsed views into one notice each, applies severity overrides, the allowlist and inline
suppressions, and returns findings and notices in a deterministic order.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rolecall.document import (
    Decoded,
    DocKind,
    Document,
    bom_encoding,
    decode,
    detect_kind,
    kind_family,
)
from rolecall.model import Finding, Notice, NoticeCode, NoticeLevel, Severity
from rolecall.prefilter import KeywordSet
from rolecall.registry import Registry
from rolecall.rule import Rule, RuleContext
from rolecall.suppression import find_suppressions, invalid_codes, match_suppression


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run, on which paths, at which severity."""

    select: tuple[str, ...] = ()  # ids or prefixes; empty: every rule
    ignore: tuple[str, ...] = ()
    #: Exact ids of off-by-default rules to run in addition to the selection.
    enable: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    #: (glob, ids-or-prefixes) pairs: those rules do not report on matching paths.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The per-file-ignores globs are relative to ``root`` (the configuration file's
    #: directory); document paths are relative to ``base`` (the scan's directory).
    base: str | None = None
    root: str | None = None

    def enabled(self, rule_id: str, default: bool = True) -> bool:
        """Whether ``rule_id`` runs. A rule that is off by default (``default`` False)
        runs only when named by its exact id in ``select`` or ``enable``: prefixes and
        ``ALL`` never switch on a noisy rule by accident."""
        if not default:
            named = rule_id in self.select or rule_id in self.enable
            return named and not _matches_any(rule_id, self.ignore)
        if self.select and not _matches_any(rule_id, self.select):
            return False
        return not _matches_any(rule_id, self.ignore)

    def ignored_for_path(self, rule_id: str, path: str) -> bool:
        if not self.per_file_ignores:
            return False
        if self.base is not None and self.root is not None and self.base != self.root:
            absolute = os.path.normpath(os.path.join(self.base, path))
            path = os.path.relpath(absolute, self.root).replace(os.sep, "/")
        for pattern, codes in self.per_file_ignores:
            if _matches_any(rule_id, codes) and _path_matches(path, pattern):
                return True
        return False

    def severity_for(self, rule_id: str, default: Severity) -> Severity:
        best: tuple[int, Severity] | None = None
        for code, severity in self.severity_overrides.items():
            # "ALL" (accepted like in select/ignore) is the least specific code.
            length = 0 if code == "ALL" else len(code)
            if _matches_any(rule_id, (code,)) and (best is None or length > best[0]):
                best = (length, severity)
        return best[1] if best else default


def _matches_any(rule_id: str, codes: Iterable[str]) -> bool:
    return any(code == "ALL" or rule_id.startswith(code) for code in codes)


def _path_matches(path: str, pattern: str) -> bool:
    if fnmatch.fnmatchcase(path, pattern):
        return True
    # A pattern without a slash matches the file name anywhere, as in .gitignore.
    return "/" not in pattern and fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern)


@dataclass(frozen=True)
class EngineOptions:
    """Everything about a scan that is not about finding files."""

    selection: RuleSelection = field(default_factory=RuleSelection)
    allowlist: tuple[str, ...] = ()  # regexes; a finding whose span matches one is dropped
    report_examples: bool = False
    report_unused_suppressions: bool = False
    foreign_pragmas: bool = True
    #: Whether fixes carry their edits (``rolecall fix``, JSON and SARIF reports need
    #: them; a text report only names the fix). See :class:`rolecall.RuleContext`.
    fix_edits: bool = True


@dataclass
class FileResult:
    """What scanning one file produced."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    kind: str | None = None
    size: int = 0
    scanned: bool = False
    cached: bool = False  # answered from the result cache


@dataclass(frozen=True)
class Plan:
    """What :meth:`Engine.plan` decided for one file: the rules to run on it."""

    path: str
    data: bytes
    kind: DocKind
    decoded: Decoded | None
    selected: list[int]


class Engine:
    """Runs rules; one instance per process, reused for every file."""

    def __init__(self, registry: Registry, options: EngineOptions | None = None) -> None:
        self.registry = registry
        self.options = options or EngineOptions()
        sel = self.options.selection
        self.rules: list[Rule] = [
            cls() for cls in registry.rules if sel.enabled(cls.id, cls.default_enabled)
        ]
        self.context = RuleContext(
            report_examples=self.options.report_examples, fix_edits=self.options.fix_edits
        )
        self._supersedes = {rule.id: tuple(rule.supersedes) for rule in self.rules}
        self._allow = [re.compile(p) for p in self.options.allowlist]
        self.keywords = KeywordSet(k for rule in self.rules for k in rule.keywords)
        #: Per rule: the keyword ids that let it run (None: no keywords, always runs).
        self._wants: list[frozenset[int] | None] = [
            self.keywords.ids(rule.keywords) if rule.keywords else None for rule in self.rules
        ]
        # A rule that overrides applies_to() needs the document to decide.
        self._custom_applies = [type(r).applies_to is not Rule.applies_to for r in self.rules]

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self.rules]

    def scan_document(self, doc: Document, result: FileResult | None = None) -> FileResult:
        """Run every applicable rule on ``doc``."""
        if result is None:
            result = FileResult(path=doc.path, size=len(doc.data))
        hits = self.keywords.search(_haystack(doc.data, doc.decoded))
        selected = self._select(doc.path, doc.kinds, hits)
        return self._run(doc, selected, result)

    def scan_bytes(self, path: str, data: bytes, result: FileResult | None = None) -> FileResult:
        """Scan a file's bytes, decoding and parsing them only if a rule will run.

        One keyword pass over the raw bytes decides which rules run; a file that no rule
        wants is not decoded (unless its bytes are not ASCII: then it is, only to count
        undecodable bytes for the notice). The result equals
        ``scan_document(Document(path, data))`` plus that decoding notice.
        """
        if result is None:
            result = FileResult(path=path, size=len(data))
        plan = self.plan(path, data, result)
        return result if plan is None else self.run_plan(plan, result)

    def plan(self, path: str, data: bytes, result: FileResult) -> Plan | None:
        """The cheap half of :meth:`scan_bytes`: kind, keyword pass, rule selection.

        Returns None when no rule runs (``result`` is then complete), else the plan for
        :meth:`run_plan`. The runner consults the result cache only between the two, so
        files that need no work never cost a cache lookup.
        """
        decoded: Decoded | None = None
        found = bom_encoding(data)
        if found is not None and found[0] != "utf-8":
            decoded = decode(data)  # UTF-16/32: keywords are searched in the text
            kind = detect_kind(path, decoded.text)
        else:
            kind = detect_kind(path, _first_line(data, 3 if found else 0))
        hits = self.keywords.search(_haystack(data, decoded))
        selected = self._select(path, kind_family(kind), hits)
        if selected or self.options.report_unused_suppressions:
            return Plan(path, data, kind, decoded, selected)
        if decoded is None and not data.isascii():
            decoded = decode(data)
        if decoded is not None and decoded.errors:
            result.notices.append(decoding_notice(path, decoded))
        result.kind = kind.value
        result.scanned = True
        result.notices.sort(key=lambda n: n.sort_key)
        return None

    def run_plan(self, plan: Plan, result: FileResult) -> FileResult:
        """Decode, parse and run the planned rules."""
        doc = Document(plan.path, plan.data, kind=plan.kind, decoded=plan.decoded)
        if doc.decoded.errors:
            result.notices.append(decoding_notice(plan.path, doc.decoded))
        return self._run(doc, plan.selected, result)

    def _select(self, path: str, kinds: frozenset[DocKind], hits: frozenset[int]) -> list[int]:
        """Indices of the rules that run on a file of ``kinds`` with keyword ``hits``."""
        sel = self.options.selection
        out: list[int] = []
        for i, rule in enumerate(self.rules):
            wants = self._wants[i]
            if wants is not None and wants.isdisjoint(hits):
                continue
            if (
                not self._custom_applies[i]
                and rule.kinds is not None
                and rule.kinds.isdisjoint(kinds)
            ):
                continue
            if sel.ignored_for_path(rule.id, path):
                continue
            out.append(i)
        return out

    def _run(self, doc: Document, selected: list[int], result: FileResult) -> FileResult:
        result.kind = doc.kind.value
        result.scanned = True
        raw: list[Finding] = []
        for i in selected:
            rule = self.rules[i]
            if self._custom_applies[i] and not rule.applies_to(doc):
                continue
            raw.extend(self._run_rule(rule, doc, result))
        for name, error in sorted(doc.view_errors.items()):
            result.notices.append(
                Notice(
                    code=NoticeCode.UNPARSEABLE,
                    message=f"cannot parse as {name}: {error.message}; text rules still ran",
                    path=doc.path,
                    level=NoticeLevel.WARNING,
                    line=error.line,
                )
            )
        self._finish(doc, raw, result)
        return result

    def _run_rule(self, rule: Rule, doc: Document, result: FileResult) -> list[Finding]:
        from rolecall.document import ViewError

        try:
            return list(rule.check(doc, self.context))
        except ViewError:
            return []  # reported once per view from doc.view_errors
        except RecursionError:
            result.notices.append(
                Notice(
                    code=NoticeCode.LIMIT,
                    message=f"rule {rule.id} stopped: input nested too deeply",
                    path=doc.path,
                    rule_id=rule.id,
                )
            )
            return []
        except Exception as exc:  # one rule's bug must not stop the scan
            result.notices.append(
                Notice(
                    code=NoticeCode.RULE_ERROR,
                    message=f"rule {rule.id} ({rule.name}) failed: {describe_exception(exc)}",
                    path=doc.path,
                    level=NoticeLevel.ERROR,
                    rule_id=rule.id,
                )
            )
            return []

    def _superseded(self, raw: list[Finding]) -> list[Finding]:
        """``raw`` without findings that a superseding rule reported on the same value
        at the same or a higher severity."""
        winners = [(f, self._supersedes[f.rule_id]) for f in raw if self._supersedes.get(f.rule_id)]
        if not winners:
            return raw
        drop: set[int] = set()
        for winner, prefixes in winners:
            covered = set(winner.covers)
            for other in raw:
                if (
                    other is not winner
                    and other.rule_id.startswith(prefixes)
                    and not covered.isdisjoint(other.covers)
                    # Never trade a finding for a milder one: a key id the SDK rule sees
                    # alone (warning) does not hide the text rule's paired key (error).
                    and other.severity <= winner.severity
                ):
                    drop.add(id(other))
        return [f for f in raw if id(f) not in drop]

    def _finish(self, doc: Document, raw: list[Finding], result: FileResult) -> None:
        raw = self._superseded(raw)
        sel = self.options.selection
        want_unused = self.options.report_unused_suppressions
        table = (
            find_suppressions(doc, foreign=self.options.foreign_pragmas)
            if (raw or want_unused)
            else {}
        )
        seen: set[tuple[str, str, int, int]] = set()
        for finding in sorted(raw, key=lambda f: f.sort_key):
            loc = finding.location
            key = (finding.rule_id, finding.fingerprint, loc.line, loc.column)
            if key in seen:
                continue
            seen.add(key)
            if self._allowlisted(doc, finding):
                continue
            severity = sel.severity_for(finding.rule_id, finding.severity)
            if severity is not finding.severity:
                finding = dataclasses.replace(finding, severity=severity)
            suppression = match_suppression(table, loc.line, finding.rule_id)
            if suppression is not None:
                reason = suppression.reason or f"suppressed by a {suppression.source} comment"
                result.suppressed.append(dataclasses.replace(finding, suppression_reason=reason))
            else:
                result.findings.append(finding)
        if want_unused:
            for line, entries in sorted(table.items()):
                for entry in entries:
                    if not entry.used:
                        codes = ",".join(entry.codes) or "all rules"
                        result.notices.append(
                            Notice(
                                code=NoticeCode.UNUSED_SUPPRESSION,
                                message=f"suppression of {codes} matches no finding",
                                path=doc.path,
                                # Only made on request: shown without -v.
                                level=NoticeLevel.WARNING,
                                line=line,
                            )
                        )
            for line, code in invalid_codes(e for es in table.values() for e in es):
                result.notices.append(
                    Notice(
                        code=NoticeCode.UNUSED_SUPPRESSION,
                        message=f"suppression names unknown rule code {code!r}",
                        path=doc.path,
                        level=NoticeLevel.WARNING,
                        line=line,
                    )
                )
        result.notices.sort(key=lambda n: n.sort_key)

    def _allowlisted(self, doc: Document, finding: Finding) -> bool:
        if not self._allow:
            return False
        loc = finding.location
        span = doc.text[loc.start_offset : loc.end_offset]
        return any(p.search(span) for p in self._allow)


def _haystack(data: bytes, decoded: Decoded | None) -> bytes:
    """What keywords are searched in: the raw bytes, or for UTF-16/32 the text as UTF-8."""
    if decoded is None or decoded.encoding == "utf-8":
        return data
    return decoded.text.lower().encode("utf-8", "replace")


def _first_line(data: bytes, skip: int) -> str:
    """The decoded first line, which is all kind detection reads of the content."""
    if not data.startswith(b"#!", skip):
        return ""
    end = data.find(b"\n", skip)
    return data[skip : end if end >= 0 else len(data)].decode("utf-8", "replace")


def decoding_notice(path: str, decoded: Decoded) -> Notice:
    """The notice for bytes that did not decode (they were replaced with U+FFFD)."""
    return Notice(
        code=NoticeCode.DECODING,
        message=f"{decoded.errors} undecodable byte sequence(s) in {decoded.encoding} "
        "replaced with U+FFFD; the rest was scanned",
        path=path,
        level=NoticeLevel.WARNING,
    )


def describe_exception(exc: BaseException) -> str:
    """Exception type and where it was raised, without its message.

    Exception messages may quote the scanned text, and with it a secret; the type and
    the rule's source line are enough to find the bug.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}"
    return f"{type(exc).__name__}{where}"


def scan_text(engine: Engine, path: str, text: str | bytes) -> FileResult:
    """Scan content that is not on disk (examples, tests, editors)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return engine.scan_document(Document(path, data))


def sort_results(results: Sequence[FileResult]) -> list[FileResult]:
    return sorted(results, key=lambda r: r.path)
