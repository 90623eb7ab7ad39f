"""The engine: runs the selected rules over documents and files, never knowing a rule.

Per document it applies the kind filter and the keyword prefilter, runs each rule in
isolation (a rule that raises becomes a notice naming the rule and file), turns failed
parsed views into one notice each, merges what several rules saw of one credential
(:mod:`rolecall.engine.supersede`), hands the findings to the per-file filters of the
suppress stage (:mod:`rolecall.suppress.findings`), and returns one frozen
:class:`FileResult` with findings and notices in a deterministic order.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolecall.config.options import EngineOptions as EngineOptions  # re-exported: public API
from rolecall.config.options import FileResult as FileResult  # re-exported
from rolecall.config.options import RuleSelection as RuleSelection  # re-exported
from rolecall.engine.prefilter import KeywordSet
from rolecall.fingerprints import Deferred, keying_scope
from rolecall.model import Finding, Notice, NoticeCode, NoticeLevel
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

if TYPE_CHECKING:
    from rolecall.suppress.findings import FindingFilters


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
        #: The suppress stage's per-file filters, made on the first file that runs a rule
        #: (an engine made only for the rules' metadata never imports them).
        self._filters: FindingFilters | None = None
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

    def _no_rules(self) -> list[Notice]:
        """The notices every result starts with: ``RC912`` when no rule is enabled."""
        if self.specs:
            return []
        return [Notice(NoticeCode.NO_RULES, self.no_rules_message(), None, NoticeLevel.WARNING)]

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

    def scan_document(self, doc: Document) -> FileResult:
        """Run every applicable rule on ``doc``."""
        hits = self.keywords.search(_haystack(doc.data, doc.decoded))
        selected = self._select(doc.path, doc.kinds, hits)
        return self._run(doc, selected, self._no_rules())

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
        return self._run(doc, selected, self._no_rules())

    def scan_bytes(self, path: str, data: bytes) -> FileResult:
        """Scan a file's bytes, decoding and parsing them only if a rule will run.

        One keyword pass over the raw bytes decides which rules run; a file that no rule
        wants is not decoded (unless its bytes are not ASCII: then it is, only to count
        undecodable bytes for the notice). The result equals
        ``scan_document(Document(path, data))`` plus that decoding notice (and the
        findings' line hashes, when the options ask for them).
        """
        planned = self.plan(path, data)
        return planned if isinstance(planned, FileResult) else self.run_plan(planned)

    def plan(self, path: str, data: bytes) -> Plan | FileResult:
        """The cheap half of :meth:`scan_bytes`: kind, keyword pass, rule selection.

        Returns the finished result when no rule runs, else the plan for
        :meth:`run_plan`. A cached engine consults its cache only between the two, so
        files that need no work never cost a cache lookup.
        """
        notices = self._no_rules()
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
            notices.append(decoding_notice(path, decoded))
        notices.sort(key=lambda n: n.sort_key)
        return FileResult(path, notices=notices, kind=kind.value, size=len(data), scanned=True)

    def run_plan(self, plan: Plan) -> FileResult:
        """Decode, parse and run the planned rules."""
        doc = Document(plan.path, plan.data, kind=plan.kind, decoded=plan.decoded)
        notices = self._no_rules()
        if doc.decoded.errors:
            notices.append(decoding_notice(plan.path, doc.decoded))
        result = self._run(doc, plan.selected, notices)
        if not self.options.line_hashes:
            return result
        from rolecall.output.linehash import finding_line_hashes

        hashes = finding_line_hashes(plan.data, result.findings, result.suppressed)
        return dataclasses.replace(result, line_hashes=hashes)

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
            # The configuration's per-file ignores: a rule the file ignores never runs.
            if sel.ignored_for_path(spec.id, path):
                continue
            out.append(i)
        return out

    def _run(self, doc: Document, selected: list[int], notices: list[Notice]) -> FileResult:
        """Run the ``selected`` rules on ``doc``, merge what several saw, filter; the
        result starts with ``notices``."""
        raw: list[Finding] = []
        deferred = Deferred()
        for i in selected:
            try:
                rule = self.rule(i)
            except Exception as exc:  # its module changed under a current manifest
                why = f"could not be loaded: {describe_exception(exc)}"
                notices.append(_rule_error(self.specs[i].id, why, doc.path))
                continue
            if self.specs[i].custom_applies and not rule.applies_to(doc):
                continue
            raw.extend(self._run_rule(rule, doc, notices, deferred))
        for name, error in sorted(doc.view_errors.items()):
            notices.append(
                Notice(
                    code=NoticeCode.UNPARSEABLE,
                    message=f"cannot parse as {name}: {error.message}; text rules still ran",
                    path=doc.path,
                    level=NoticeLevel.WARNING,
                    line=error.line,
                )
            )
        if self._filters is None:
            from rolecall.suppress.findings import FindingFilters

            self._filters = FindingFilters(self.options)
        from rolecall.engine.supersede import superseded

        kept = self._filters.apply(doc, superseded(raw, self._supersedes))
        findings, suppressed = kept.findings, kept.suppressed
        if deferred:
            # Only now, for the findings reported: superseded, duplicate and allowlisted
            # ones never pay for scrypt, and no one does when the scan reads none.
            findings = self._resolve(findings, deferred)
            suppressed = self._resolve(suppressed, deferred)
        notices.extend(kept.notices)
        notices.sort(key=lambda n: n.sort_key)
        return FileResult(
            path=doc.path,
            findings=findings,
            suppressed=suppressed,
            notices=notices,
            kind=doc.kind.value,
            size=len(doc.data),
            scanned=True,
        )

    def _run_rule(
        self, rule: Rule, doc: Document, notices: list[Notice], deferred: Deferred
    ) -> list[Finding]:
        from rolecall.read.document import ViewError

        try:
            with keying_scope(self._keying, deferred):
                return list(rule.check(doc, self.context))
        except ViewError:
            return []  # reported once per view from doc.view_errors
        except RecursionError:
            notices.append(
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
            notices.append(_rule_error(rule.id, why, doc.path))
            return []

    def _resolve(self, findings: list[Finding], deferred: Deferred) -> list[Finding]:
        """``findings`` with each placeholder fingerprint replaced by the real one, or
        by ``""`` when the scan reads no low-entropy fingerprint."""
        salt = self._keying.salt
        derive = self.options.slow_fingerprints
        out = []
        for finding in findings:
            value = deferred.resolve(finding.fingerprint, salt, derive=derive)
            if value != finding.fingerprint:
                finding = dataclasses.replace(finding, fingerprint=value)
            out.append(finding)
        return out


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
    import traceback  # only on a failure: a clean run does not pay its import

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
