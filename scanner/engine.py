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

from rolecall.document import Document
from rolecall.model import Finding, Notice, NoticeCode, NoticeLevel, Severity
from rolecall.registry import Registry
from rolecall.rule import Rule, RuleContext
from rolecall.suppression import find_suppressions, invalid_codes, match_suppression


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run, on which paths, at which severity."""

    select: tuple[str, ...] = ()  # ids or prefixes; empty: every rule
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    #: (glob, ids-or-prefixes) pairs: those rules do not report on matching paths.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The per-file-ignores globs are relative to ``root`` (the configuration file's
    #: directory); document paths are relative to ``base`` (the scan's directory).
    base: str | None = None
    root: str | None = None

    def enabled(self, rule_id: str) -> bool:
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


class Engine:
    """Runs rules; one instance per process, reused for every file."""

    def __init__(self, registry: Registry, options: EngineOptions | None = None) -> None:
        self.registry = registry
        self.options = options or EngineOptions()
        sel = self.options.selection
        self.rules: list[Rule] = [cls() for cls in registry.rules if sel.enabled(cls.id)]
        self.context = RuleContext(report_examples=self.options.report_examples)
        self._allow = [re.compile(p) for p in self.options.allowlist]

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self.rules]

    def scan_document(self, doc: Document, result: FileResult | None = None) -> FileResult:
        """Run every applicable rule on ``doc``."""
        if result is None:
            result = FileResult(path=doc.path, size=len(doc.data))
        result.kind = doc.kind.value
        result.scanned = True
        sel = self.options.selection
        lowered: bytes | None = None
        raw: list[Finding] = []
        for rule in self.rules:
            if not rule.applies_to(doc) or sel.ignored_for_path(rule.id, doc.path):
                continue
            if rule.keywords:
                if lowered is None:
                    lowered = (
                        doc.data.lower()
                        if doc.decoded.encoding == "utf-8"
                        else (doc.text.lower().encode("utf-8", "replace"))
                    )
                if not any(k.lower().encode() in lowered for k in rule.keywords):
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

    def _finish(self, doc: Document, raw: list[Finding], result: FileResult) -> None:
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
