"""The plugin API: what a rule is, what it may declare, and how it reports.

A rule is a class with class attributes describing it, ``VALID``/``INVALID`` examples,
documentation in its docstring, and a ``check`` method that yields findings for one
:class:`~rolecall.read.document.Document`. Rules never read files, never print and never
suppress: the engine does all of that once, for every rule.

Third-party rules register in the ``rolecall.rules`` entry-point group exactly as the
built-in ones do; the entry point names a rule class, a module (every :class:`Rule`
subclass defined in it with an ``id`` is loaded), a sequence of rule classes, or a
package whose ``RULE_MODULES`` lists its rule modules by dotted name (the built-in
rules: one entry point, ``rolecall = "rolecall.rules"``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rolecall.fingerprints import (
    current_keying,
    finding_fingerprint,
    is_low_entropy,
    legacy_fingerprint,
)
from rolecall.model import (
    Confidence,
    Finding,
    Fix,
    RelatedLocation,
    Severity,
    coverage_hash,
    merge_related,
)
from rolecall.read.document import DocKind, Document

RULE_ID = re.compile(r"^RC\d{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Docstring sections every rule documents (``## <title>`` headings), in this order.
DOC_SECTIONS: tuple[str, ...] = ("What it finds", "Why it is risky", "Use instead", "Example")
#: Required in addition when a rule can offer fixes.
FIX_SECTION = "Fix safety"


@dataclass(frozen=True)
class Example:
    """A snippet a rule must (``INVALID``) or must not (``VALID``) report.

    ``filename`` decides the document kind. For INVALID examples, ``count`` is the number
    of findings expected; ``line``/``column`` (1-based) pin the first one; ``fixed`` is
    the expected text after applying the findings' fixes (``unsafe`` allows unsafe fixes);
    ``severity`` pins the first finding's severity. ``options`` sets scan options such
    as ``report_examples`` for this example only.
    """

    code: str
    filename: str = "example.py"
    count: int = 1
    line: int | None = None
    column: int | None = None
    fixed: str | None = None
    unsafe: bool = False
    severity: Severity | None = None
    options: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """Scan-wide settings a rule may consult.

    ``fix_edits``: whether fixes need their edits. When False (a text or annotation
    report), a rule may return a :class:`Fix` with a description, safety and no edits,
    and skip the work of building them (the RC2xx rules then never load libcst).

    ``claims``: ``(rule id, place)`` for every ``"RCnnn@place"`` entry in the
    ``supersedes`` of an installed rule, enabled or not (see :attr:`Rule.supersedes`);
    a rule reads its own with :meth:`claimed`.
    """

    report_examples: bool = False
    fix_edits: bool = True
    claims: frozenset[tuple[str, str]] = frozenset()

    def claimed(self, rule_id: str) -> frozenset[str]:
        """The places that other rules claim from rule ``rule_id``: what it must leave
        to them, whether or not they report anything there."""
        return frozenset(place for rule, place in self.claims if rule == rule_id)


class _Formatter(string.Formatter):
    """``str.format`` that leaves unknown placeholders visible instead of raising."""

    def get_value(
        self, key: int | str, args: Sequence[object], kwargs: Mapping[str, object]
    ) -> object:
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


class Rule:
    """Base class of every rule. Subclasses set the class attributes and ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    confidence: ClassVar[Confidence]
    cwe: ClassVar[int] = 798
    #: What is wrong, with ``{placeholders}`` filled from :meth:`finding` keyword arguments.
    message: ClassVar[str]
    #: The role-based alternative, concrete; placeholders as in ``message``.
    recommendation: ClassVar[str]
    #: Document kinds the rule reads; ``None`` means every document, whatever its kind.
    kinds: ClassVar[frozenset[DocKind] | None] = None
    #: Cheap prefilter: the rule runs on a document only if one of these literals occurs
    #: in its bytes (compared case-insensitively). Empty: always run.
    keywords: ClassVar[tuple[str, ...]] = ()
    #: Whether findings of this rule may carry a :class:`Fix`.
    fixable: ClassVar[bool] = False
    #: False for noisy rules that run only when selected by their exact id.
    default_enabled: ClassVar[bool] = True
    #: Rule ids or prefixes whose findings this rule's findings replace when both are
    #: about the same credential value in one file and this rule's finding is at least
    #: as severe (a config rule that understands the file supersedes the generic text
    #: rule that only saw the value).
    #:
    #: An entry ``"RCnnn@place"`` claims a named place from rule RCnnn instead: that
    #: rule leaves everything in the place to this one, whether this rule reports there
    #: or not, is enabled or not, and before it pairs values (a key id in a claimed
    #: place does not pair with a secret outside it). The engine hands the claims of
    #: every installed rule to the claimed rule (:meth:`RuleContext.claimed`); the
    #: claimed rule names and decides its places (RC301: the places of
    #: ``rolecall.rules.config.places.PLACES``). Only a rule that reads its claims
    #: honours them; a claim does not drop findings after the fact.
    supersedes: ClassVar[tuple[str, ...]] = ()
    #: Extra SARIF/JSON tags (``security`` and the CWE tag are always added).
    tags: ClassVar[tuple[str, ...]] = ()
    VALID: ClassVar[Sequence[Example]] = ()
    INVALID: ClassVar[Sequence[Example]] = ()

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for ``doc``. Must not read files, print or suppress."""
        raise NotImplementedError

    def applies_to(self, doc: Document) -> bool:
        return self.kinds is None or not self.kinds.isdisjoint(doc.kinds)

    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        *,
        material: str,
        evidence: str = "",
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        message: str | None = None,
        recommendation: str | None = None,
        properties: Mapping[str, str] | None = None,
        fix: Fix | None = None,
        covers: Sequence[str] | None = None,
        related: Sequence[tuple[int, int, str]] = (),
        **fmt: object,
    ) -> Finding:
        """Build a finding for ``doc.text[start:end]``.

        ``material`` is the secret (or, for code findings, a stable description of the
        pattern) that the fingerprint is derived from, keyed with the run's salt; it is
        never stored. ``evidence`` must
        already be redacted. ``covers`` lists the credential values the finding is about
        (default: ``material``); only short hashes of them are kept. They also decide
        how the fingerprint is keyed: scrypt when one of them is low-entropy, else a
        keyed fast hash. An empty ``covers`` says the material holds no credential value
        (a code pattern that reads keys from elsewhere): nothing a slow derivation would
        protect. ``related`` gives
        ``(start, end, label)`` for every other span of ``doc.text`` holding the
        credential's material (a paired secret, a literal the code resolved); ``label``
        says what is there and must not hold the secret. Keyword arguments fill the
        message/recommendation templates.
        """
        values = dict(fmt)
        values.setdefault("evidence", evidence)
        location = doc.location(start, end)
        text = _FORMATTER.vformat(message or self.message, (), values)
        advice = _FORMATTER.vformat(recommendation or self.recommendation, (), values)
        fingerprint, coverage, low_entropy, legacy = _identity(self.id, material, covers)
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            message=text,
            recommendation=advice,
            location=location,
            fingerprint=fingerprint,
            evidence=evidence,
            properties=dict(properties or {}),
            fix=fix,
            covers=coverage,
            related=merge_related(
                location, (RelatedLocation(doc.location(s, e), label) for s, e, label in related)
            ),
            low_entropy=low_entropy,
            legacy_fingerprint=legacy,
        )


def _identity(
    rule_id: str, material: str, covers: Sequence[str] | None
) -> tuple[str, tuple[str, ...], bool, str]:
    """What identifies a finding without holding its secret: the fingerprint, the
    coverage hashes, whether a credential value is low-entropy, and the legacy
    fingerprint (empty unless the run's keying asks for it). See :meth:`Rule.finding`."""
    # The credential values decide: a code finding's material also describes the
    # code around them, which no dictionary attack is after.
    credentials = (material,) if covers is None else covers
    low_entropy = any(is_low_entropy(v) for v in credentials)
    # Inside the engine a low-entropy one is a placeholder until the engine knows
    # the finding is reported and its fingerprint is read (see Deferred).
    fingerprint = finding_fingerprint(rule_id, material, low_entropy=low_entropy)
    coverage = tuple(coverage_hash(v) for v in credentials)
    legacy = legacy_fingerprint(rule_id, material) if current_keying().legacy else ""
    return fingerprint, coverage, low_entropy, legacy


@dataclass(frozen=True)
class RuleInfo:
    """A rule's metadata, as the reporters and ``rolecall rules``/``explain`` show it."""

    id: str
    name: str
    severity: Severity
    confidence: Confidence
    cwe: int
    summary: str
    docs: str
    recommendation: str
    kinds: tuple[str, ...]
    fixable: bool
    tags: tuple[str, ...]
    origin: str
    default_enabled: bool = True
    #: Every severity the rule reports, most severe first: its default and those its
    #: examples pin (a temporary key or a value from the environment is less urgent).
    #: AWS's documentation keys, reported as notes only on request, are not counted.
    severities: tuple[Severity, ...] = ()
    #: A rule shipped with rolecall (it has a page in the rule catalogue to link to).
    builtin: bool = False

    @property
    def severity_range(self) -> str:
        """``error/warning``: the severities the rule reports, as ``rules`` shows them."""
        return "/".join(s.value for s in (self.severities or (self.severity,)))

    @property
    def all_tags(self) -> tuple[str, ...]:
        base = ("security", f"external/cwe/cwe-{self.cwe}")
        return base + tuple(t for t in self.tags if t not in base)

    def section(self, title: str) -> str:
        """The body of the ``## title`` section of the docs ('' when absent)."""
        return doc_sections(self.docs).get(title, "")


def doc_sections(docs: str) -> dict[str, str]:
    """Split rule docs into ``{heading: body}`` on ``## heading`` lines."""
    sections: dict[str, str] = {}
    current: str | None = None
    body: list[str] = []
    for line in docs.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(body).strip()
            current = line[3:].strip().rstrip(":?")
            body = []
        elif current is not None:
            body.append(line)
    if current is not None:
        sections[current] = "\n".join(body).strip()
    return sections


def rule_docs(cls: type[Rule]) -> str:
    """The rule's docstring, dedented, with the summary line first."""
    return cleandoc(cls.__doc__ or "")


def cleandoc(doc: str) -> str:
    """``inspect.cleandoc`` without importing :mod:`inspect` (slow to import)."""
    lines = doc.expandtabs().split("\n")
    margins = [len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()]
    lines[0] = lines[0].lstrip()
    if margins:
        margin = min(margins)
        lines[1:] = [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def validate_rule(cls: type[Rule]) -> list[str]:
    """Problems that stop ``cls`` from loading (empty list: the rule is well formed)."""
    problems: list[str] = []
    rule_id = getattr(cls, "id", None)
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        problems.append(f"id {rule_id!r} does not match RC + 3 digits")
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not RULE_NAME.match(name):
        problems.append(f"name {name!r} is not kebab-case")
    for attr, kind in (("severity", Severity), ("confidence", Confidence)):
        if not isinstance(getattr(cls, attr, None), kind):
            problems.append(f"{attr} must be a {kind.__name__}")
    for attr in ("message", "recommendation"):
        value = getattr(cls, attr, None)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{attr} is missing")
    if not isinstance(getattr(cls, "cwe", None), int):
        problems.append("cwe must be an int")
    # The engine relies on these shapes for every file: a wrong one would fail each file.
    kinds = getattr(cls, "kinds", None)
    if kinds is not None and (
        not isinstance(kinds, (set, frozenset)) or not all(isinstance(k, DocKind) for k in kinds)
    ):
        problems.append("kinds must be None or a frozenset of DocKind")
    keywords = getattr(cls, "keywords", ())
    if not isinstance(keywords, (tuple, list)) or not all(
        isinstance(k, str) and k for k in keywords
    ):
        problems.append("keywords must be a tuple of non-empty strings")
    if cls.check is Rule.check:
        problems.append("check() is not implemented")
    docs = rule_docs(cls)
    if not docs:
        problems.append("docstring is missing")
    else:
        sections = doc_sections(docs)
        wanted = DOC_SECTIONS + ((FIX_SECTION,) if getattr(cls, "fixable", False) else ())
        for title in wanted:
            if not sections.get(title):
                problems.append(f"docs lack a '## {title}' section")
    if not getattr(cls, "INVALID", ()):
        problems.append("no INVALID examples")
    if not getattr(cls, "VALID", ()):
        problems.append("no VALID examples")
    return problems


def rule_info(cls: type[Rule], origin: str = "") -> RuleInfo:
    docs = rule_docs(cls)
    summary = docs.split("\n", 1)[0].strip() if docs else cls.name
    return RuleInfo(
        id=cls.id,
        name=cls.name,
        severity=cls.severity,
        confidence=cls.confidence,
        cwe=cls.cwe,
        summary=summary,
        docs=docs,
        recommendation=cls.recommendation,
        kinds=tuple(sorted(k.value for k in cls.kinds)) if cls.kinds is not None else (),
        fixable=cls.fixable,
        tags=tuple(cls.tags),
        origin=origin,
        default_enabled=cls.default_enabled,
        severities=reported_severities(cls),
        builtin=cls.__module__.startswith("rolecall.rules."),
    )


def reported_severities(cls: type[Rule]) -> tuple[Severity, ...]:
    """The rule's default severity and every severity its INVALID examples pin (examples
    that need ``report_examples`` aside), most severe first."""
    found = {cls.severity}
    for example in getattr(cls, "INVALID", ()):
        if example.severity is not None and not example.options.get("report_examples"):
            found.add(example.severity)
    return tuple(sorted(found, reverse=True))
