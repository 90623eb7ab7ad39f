"""The engine: runs the selected rules over documents and files, never knowing a rule.

Per document it applies the kind filter and the keyword prefilter, runs each rule in
isolation (a rule that raises becomes a notice naming the rule and file), turns failed
parsed views into one notice each, applies severity overrides, the allowlist and inline
suppressions, and returns findings and notices in a deterministic order.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import re
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from rolecall.config.options import EngineOptions as EngineOptions  # re-exported: public API
from rolecall.config.options import FileResult as FileResult  # re-exported
from rolecall.config.options import RuleSelection as RuleSelection  # re-exported
from rolecall.engine.prefilter import KeywordSet
from rolecall.fingerprints import Deferred, keying_scope
from rolecall.model import (
    Finding,
    Notice,
    NoticeCode,
    NoticeLevel,
    RelatedLocation,
    Severity,
    merge_related,
    related_label,
)
from rolecall.plugin.manifest import RuleSpec
from rolecall.plugin.registry import Registry
from rolecall.plugin.rule import Rule, RuleContext
from rolecall.read.document import (
    Decoded,
    DocKind,
    Document,
    bom_encoding,
    decode,
    detect_kind,
    kind_family,
)
from rolecall.suppress.inline import find_suppressions, invalid_codes, match_suppression


@dataclass(frozen=True)
class Plan:
    """What :meth:`Engine.plan` decided for one file: the rules to run on it."""

    path: str
    data: bytes
    kind: DocKind
    decoded: Decoded | None
    selected: list[int]


class Engine:
    """Runs rules; one instance per process, reused for every file.

    An engine with no enabled rule (an empty registry, or a selection that leaves none)
    still scans, but never silently: every result it gives holds an ``RC912``
    notice that says so (:meth:`no_rules_message`), without a path, so that a scan
    report shows it once.
    """

    def __init__(self, registry: Registry, options: EngineOptions | None = None) -> None:
        self.registry = registry
        self.options = options or EngineOptions()
        sel = self.options.selection
        every = registry.specs()
        #: The enabled rules' specs; a rule is imported and instantiated on first use.
        self.specs: list[RuleSpec] = [
            spec for spec in every if sel.enabled(spec.id, spec.default_enabled)
        ]
        self._installed = len(every)
        self._instances: list[Rule | None] = [None] * len(self.specs)
        self._kinds = [
            None if s.kinds is None else frozenset(DocKind(k) for k in s.kinds) for s in self.specs
        ]
        self.context = RuleContext(
            report_examples=self.options.report_examples,
            fix_edits=self.options.fix_edits,
            claims=_claims(every),
        )
        self._supersedes = {
            spec.id: tuple(s for s in spec.supersedes if "@" not in s) for spec in self.specs
        }
        self._keying = self.options.keying
        self._allow = [re.compile(p) for p in self.options.allowlist]
        self.keywords = KeywordSet(k for spec in self.specs for k in spec.keywords)
        #: Per rule: the keyword ids that let it run (None: no keywords, always runs).
        self._wants: list[frozenset[int] | None] = [
            self.keywords.ids(spec.keywords) if spec.keywords else None for spec in self.specs
        ]

    @property
    def rule_ids(self) -> list[str]:
        return [spec.id for spec in self.specs]

    def no_rules_message(self) -> str:
        """Why this engine runs no rule (for an engine that runs none)."""
        if not self._installed:
            return (
                "no rule is enabled: the registry holds no rule (none installed, or every "
                "one failed to load); nothing was looked for"
            )
        sel = self.options.selection
        chosen = [f"select {','.join(sel.select)}"] if sel.select else []
        chosen += [f"ignore {','.join(sel.ignore)}"] if sel.ignore else []
        where = ""
        if sel.root is not None and sel.base is not None and sel.root != sel.base:
            import os

            # The configuration's directory, when it is inside the scan's: where a
            # per-directory configuration turned every rule off.
            inside = os.path.relpath(sel.root, sel.base).replace(os.sep, "/")
            if not inside.startswith("../") and inside != "..":
                where = f" for the files under {inside}/"
        n = self._installed
        return (
            f"no rule is enabled{where}: {' and '.join(chosen) or 'the selection'} "
            f"leave{'s' if len(chosen) < 2 else ''} none of the {n} installed "
            f"rule{'s' if n != 1 else ''}; nothing was looked for"
        )

    def _say_no_rules(self, result: FileResult) -> None:
        if not self.specs:
            result.notices.append(
                Notice(NoticeCode.NO_RULES, self.no_rules_message(), None, NoticeLevel.WARNING)
            )

    @property
    def rules(self) -> list[Rule]:
        """Every enabled rule, instantiated (importing the modules not imported yet)."""
        return [self.rule(i) for i in range(len(self.specs))]

    def rule(self, index: int) -> Rule:
        """The enabled rule at ``index``, imported and instantiated on first use."""
        rule = self._instances[index]
        if rule is None:
            rule = self.registry.load(self.specs[index])()
            self._instances[index] = rule
        return rule

    def load_all(self) -> None:
        """Instantiate every rule now (before forking workers, which then share them)."""
        for i in range(len(self.specs)):
            with contextlib.suppress(Exception):  # reported when the rule is used
                self.rule(i)

    def scan_document(self, doc: Document, result: FileResult | None = None) -> FileResult:
        """Run every applicable rule on ``doc``."""
        if result is None:
            result = FileResult(path=doc.path, size=len(doc.data))
        self._say_no_rules(result)
        hits = self.keywords.search(_haystack(doc.data, doc.decoded))
        selected = self._select(doc.path, doc.kinds, hits)
        return self._run(doc, selected, result)

    def reads_text(self, index: int) -> bool:
        """Whether the rule at ``index`` reads plain text: it declares no kinds (any
        file) or plain text among them, so a window of a file too large to parse is a
        document it can read."""
        kinds = self.specs[index].kinds
        return kinds is None or DocKind.TEXT.value in kinds

    def scan_text_rules(self, doc: Document) -> FileResult:
        """Run only the rules that read text, not a parsed view (see :meth:`reads_text`),
        on ``doc``: a window of a file too large to parse (see ``chunks``)."""
        hits = self.keywords.search(_haystack(doc.data, doc.decoded))
        selected = [i for i in self._select(doc.path, doc.kinds, hits) if self.reads_text(i)]
        result = FileResult(path=doc.path, size=len(doc.data))
        self._say_no_rules(result)
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
        self._say_no_rules(result)
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
        for i, spec in enumerate(self.specs):
            wants = self._wants[i]
            if wants is not None and wants.isdisjoint(hits):
                continue
            rule_kinds = self._kinds[i]
            if not spec.custom_applies and rule_kinds is not None and rule_kinds.isdisjoint(kinds):
                continue
            if sel.ignored_for_path(spec.id, path):
                continue
            out.append(i)
        return out

    def _run(self, doc: Document, selected: list[int], result: FileResult) -> FileResult:
        result.kind = doc.kind.value
        result.scanned = True
        raw: list[Finding] = []
        deferred = Deferred()
        for i in selected:
            try:
                rule = self.rule(i)
            except Exception as exc:  # its module changed under a current manifest
                why = f"could not be loaded: {describe_exception(exc)}"
                result.notices.append(_rule_error(self.specs[i].id, why, doc.path))
                continue
            if self.specs[i].custom_applies and not rule.applies_to(doc):
                continue
            raw.extend(self._run_rule(rule, doc, result, deferred))
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
        self._finish(doc, raw, result, deferred)
        return result

    def _run_rule(
        self, rule: Rule, doc: Document, result: FileResult, deferred: Deferred
    ) -> list[Finding]:
        from rolecall.read.document import ViewError

        try:
            with keying_scope(self._keying, deferred):
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
            why = f"({rule.name}) failed: {describe_exception(exc)}"
            result.notices.append(_rule_error(rule.id, why, doc.path))
            return []

    def _superseded(self, raw: list[Finding]) -> list[Finding]:
        """``raw`` without findings that a superseding rule reported on the same value
        at the same or a higher severity.

        The nearest such winner keeps each dropped finding's places as related
        locations: a literal on a line of its own (a module constant, a dict entry, an
        earlier assignment) stays in the report through the finding that used it. Linear
        after sorting, also when one value repeats all over a file.
        """
        # Per value and per superseded prefix set: the most severe winners, by line.
        best: dict[tuple[str, tuple[str, ...]], tuple[Severity, list[tuple[int, int]]]] = {}
        for i, finding in enumerate(raw):
            prefixes = self._supersedes.get(finding.rule_id)
            if not prefixes:
                continue
            for value in dict.fromkeys(finding.covers):
                key = (value, prefixes)
                found = best.get(key)
                if found is None or found[0] < finding.severity:
                    best[key] = (finding.severity, [(finding.location.line, i)])
                elif found[0] is finding.severity:
                    found[1].append((finding.location.line, i))
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

    def _finish(
        self, doc: Document, raw: list[Finding], result: FileResult, deferred: Deferred
    ) -> None:
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
            # A comment on any line of the credential silences it: the key id's or the
            # secret's, the SDK call's or the literal's it resolved.
            suppression = match_suppression(table, finding.lines, finding.rule_id)
            if suppression is not None:
                reason = suppression.reason or f"suppressed by a {suppression.source} comment"
                result.suppressed.append(dataclasses.replace(finding, suppression_reason=reason))
            else:
                result.findings.append(finding)
        if deferred:
            # Only now, for the findings reported: superseded, duplicate and allowlisted
            # ones never pay for scrypt, and no one does when the scan reads none.
            self._resolve(result.findings, deferred)
            self._resolve(result.suppressed, deferred)
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

    def _resolve(self, findings: list[Finding], deferred: Deferred) -> None:
        """Replace each placeholder fingerprint in ``findings`` with the real one, or
        with ``""`` when the scan reads no low-entropy fingerprint."""
        salt = self._keying.salt
        derive = self.options.slow_fingerprints
        for i, finding in enumerate(findings):
            value = deferred.resolve(finding.fingerprint, salt, derive=derive)
            if value != finding.fingerprint:
                findings[i] = dataclasses.replace(finding, fingerprint=value)

    def _allowlisted(self, doc: Document, finding: Finding) -> bool:
        if not self._allow:
            return False
        loc = finding.location
        span = doc.text[loc.start_offset : loc.end_offset]
        return any(p.search(span) for p in self._allow)


def _claims(specs: Sequence[RuleSpec]) -> frozenset[tuple[str, str]]:
    """``(claimed rule id, place)`` of every ``"RCnnn@place"`` supersedes entry of the
    installed rules, enabled or not: a place is its owner's even when the owner does not
    run (see ``Rule.supersedes``)."""
    return frozenset(
        (rule, place)
        for spec in specs
        for entry in spec.supersedes
        if "@" in entry
        for rule, _, place in (entry.partition("@"),)
    )


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


def _haystack(data: bytes, decoded: Decoded | None) -> bytes:
    """What keywords are searched in: the raw bytes, or for UTF-16/32 the text as UTF-8."""
    if decoded is None or decoded.encoding == "utf-8":
        return data
    return decoded.text.lower().encode("utf-8", "replace")


def _first_line(data: bytes, skip: int) -> str:
    """The decoded first line, which is all kind detection reads of the content."""
    if not data.startswith((b"#!", b"#cloud-config"), skip):
        return ""
    end = data.find(b"\n", skip)
    return data[skip : end if end >= 0 else len(data)].decode("utf-8", "replace")


def decoding_notice(path: str, decoded: Decoded) -> Notice:
    """The notice for bytes that did not decode (they were replaced with U+FFFD)."""
    return Notice(
        code=NoticeCode.DECODING,
        message=f"{decoded.errors} undecodable byte sequence{'s' * (decoded.errors != 1)} "
        f"in {decoded.encoding} replaced with U+FFFD; the rest was scanned",
        path=path,
        level=NoticeLevel.WARNING,
    )


def _rule_error(rule_id: str, why: str, path: str) -> Notice:
    return Notice(
        code=NoticeCode.RULE_ERROR,
        message=f"rule {rule_id} {why}",
        path=path,
        level=NoticeLevel.ERROR,
        rule_id=rule_id,
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
