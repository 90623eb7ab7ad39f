"""Value types shared by the engine, the rules and the reporters.

Everything here is a frozen dataclass or an enum, so findings can be passed between
worker processes, compared in tests and hashed into baselines without surprises.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class Severity(enum.Enum):
    """How bad a finding is. Ordered: NOTE < WARNING < ERROR."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def lowered(self) -> Severity:
        """One step down (error to warning, warning to note; note stays note)."""
        return Severity.WARNING if self is Severity.ERROR else Severity.NOTE

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Read a severity from user input (case-insensitive); ValueError when unknown."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {choices})") from None


_SEVERITY_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Confidence(enum.Enum):
    """How sure a rule is that a finding is real. A separate scale from severity."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class NoticeLevel(enum.Enum):
    """How loudly a notice is shown. Every notice reaches JSON and SARIF output."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Location:
    """A span in a scanned file.

    ``path`` is relative to the scan's base directory with forward slashes. Lines and
    columns are 1-based; columns count Unicode code points, ``end_column`` is one past the
    last character. The ``*_utf16`` columns count UTF-16 code units (what SARIF and
    GitHub use) and equal the plain columns for text without astral characters.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    column_utf16: int = 0
    end_column_utf16: int = 0
    start_offset: int = 0
    end_offset: int = 0

    def __post_init__(self) -> None:
        if self.column_utf16 == 0:
            object.__setattr__(self, "column_utf16", self.column)
        if self.end_column_utf16 == 0:
            object.__setattr__(self, "end_column_utf16", self.end_column)


@dataclass(frozen=True)
class TextEdit:
    """Replace ``text[start:end]`` of a document's decoded text with ``replacement``."""

    start: int
    end: int
    replacement: str
    location: Location


@dataclass(frozen=True)
class Fix:
    """A change that removes the finding. ``safe`` fixes keep behaviour unchanged.

    ``edits`` is empty when the scan did not ask for edits (``EngineOptions.fix_edits``):
    such a fix is described in reports but never applied.
    """

    description: str
    edits: tuple[TextEdit, ...]
    safe: bool


@dataclass(frozen=True)
class RelatedLocation:
    """Another place that holds part of a finding's credential material.

    A key id's secret on another line, or a literal that a superseding SDK or config
    finding resolved. ``label`` names what is there ("secret access key") and, like all
    output, never holds a whole secret.
    """

    location: Location
    label: str


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Finding:
    """One problem a rule found.

    ``evidence`` is already redacted (see :mod:`rolecall.output.redact`); ``fingerprint`` is 64
    hex digits keyed from the rule id and the secret material (never the line), stable
    when code moves (see :mod:`rolecall.fingerprints`); ``""`` for a low-entropy finding
    of a scan whose output reads no such fingerprint (``EngineOptions.slow_fingerprints``
    off: SARIF, text, GitHub), which derives no scrypt. ``properties`` carries
    rule-specific facts such as ``key_id`` or ``account_id`` for the reporters.
    """

    rule_id: str
    rule_name: str
    severity: Severity
    confidence: Confidence
    message: str
    recommendation: str
    location: Location
    fingerprint: str
    evidence: str = ""
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    fix: Fix | None = None
    suppression_reason: str | None = None
    #: Short hashes of the credential values this finding is about (never the values),
    #: so that a rule that understands a file can supersede a generic text finding.
    #: Keyed per process and not part of equality: a finding from the result cache
    #: (which stores none) equals the same finding scanned now.
    covers: tuple[str, ...] = field(default=(), compare=False)
    #: Every other location holding this credential's material (in file order): one
    #: credential is one finding, and each of its lines is one of the finding's locations.
    related: tuple[RelatedLocation, ...] = ()
    #: Whether the material is low-entropy (a password): its fingerprint is then an
    #: scrypt derivation, and SARIF identifies it by its masked line instead.
    low_entropy: bool = False
    #: rolecall 0.1.0's unkeyed fingerprint, only while a baseline of that format is
    #: loaded (to match its entries); never printed, cached or written.
    legacy_fingerprint: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.properties, MappingProxyType):
            object.__setattr__(self, "properties", _frozen(self.properties))

    def __reduce__(self) -> tuple[object, ...]:
        # MappingProxyType cannot be pickled; worker processes need to send findings.
        return (
            _rebuild_finding,
            (
                self.rule_id,
                self.rule_name,
                self.severity,
                self.confidence,
                self.message,
                self.recommendation,
                self.location,
                self.fingerprint,
                self.evidence,
                dict(self.properties),
                self.fix,
                self.suppression_reason,
                self.covers,
                self.related,
                self.low_entropy,
                self.legacy_fingerprint,
            ),
        )

    @property
    def lines(self) -> tuple[int, ...]:
        """The line the finding starts on, then every line of its related locations in
        its own file (where a suppression comment may stand)."""
        loc = self.location
        out = [loc.line]
        for rel in self.related:
            if rel.location.path == loc.path:
                out.extend(range(rel.location.line, rel.location.end_line + 1))
        return tuple(out)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id)


def merge_related(
    primary: Location, *groups: Iterable[RelatedLocation]
) -> tuple[RelatedLocation, ...]:
    """Related locations in file order, each place once, none inside ``primary``.

    A place inside the primary span (the literal inside the reported argument) would
    point the reader where the finding already points; a place overlapping an earlier
    one (a text rule's span of the bare value inside a rule's span of the quoted
    literal) is the same place. One sort and one sweep: linear after sorting.
    """
    items = [
        item
        for group in groups
        for item in group
        if not (item.location.path == primary.path and _within(item.location, primary))
    ]
    items.sort(key=lambda r: (r.location.path, _start(r.location), _negated_end(r.location)))
    kept: list[RelatedLocation] = []
    for item in items:
        loc = item.location
        if kept:
            last = kept[-1].location
            if last.path == loc.path and _start(loc) < _end(last):
                continue
        kept.append(item)
    return tuple(kept)


def _start(loc: Location) -> tuple[int, int]:
    return (loc.line, loc.column)


def _end(loc: Location) -> tuple[int, int]:
    return (loc.end_line, loc.end_column)


def _negated_end(loc: Location) -> tuple[int, int]:
    return (-loc.end_line, -loc.end_column)


def related_label(finding: Finding) -> str:
    """What a finding's own location holds, named for another finding that adopts it
    ("access key id", "secret access key"): the rule's name without its vendor prefix."""
    if "key_id" in finding.properties and finding.rule_id.startswith("RC1"):
        return "access key id"
    name = finding.rule_name.removeprefix("aws-").replace("-", " ")
    return name


def _within(inner: Location, outer: Location) -> bool:
    return _start(outer) <= _start(inner) and _end(inner) <= _end(outer)


def _rebuild_finding(*args: object) -> Finding:
    return Finding(*args)  # type: ignore[arg-type]


class NoticeCode(enum.Enum):
    """The scanner's own notices (RC9xx). Never silent: each reaches every output."""

    INTERNAL = "RC900"
    UNREADABLE = "RC901"
    BINARY = "RC902"
    TOO_LARGE = "RC903"
    DECODING = "RC904"
    UNPARSEABLE = "RC905"
    SKIPPED_SPECIAL = "RC906"
    RULE_LOAD = "RC907"
    RULE_ERROR = "RC908"
    UNUSED_SUPPRESSION = "RC909"
    LIMIT = "RC910"
    STALE_BASELINE = "RC911"
    NO_RULES = "RC912"


NOTICE_TITLES: Mapping[NoticeCode, str] = MappingProxyType(
    {
        NoticeCode.INTERNAL: "internal-error",
        NoticeCode.UNREADABLE: "unreadable-file",
        NoticeCode.BINARY: "binary-file-skipped",
        NoticeCode.TOO_LARGE: "large-file-skipped",
        NoticeCode.DECODING: "undecodable-bytes",
        NoticeCode.UNPARSEABLE: "unparseable-file",
        NoticeCode.SKIPPED_SPECIAL: "special-file-skipped",
        NoticeCode.RULE_LOAD: "rule-load-failed",
        NoticeCode.RULE_ERROR: "rule-failed",
        NoticeCode.UNUSED_SUPPRESSION: "unused-suppression",
        NoticeCode.LIMIT: "limit-reached",
        NoticeCode.STALE_BASELINE: "stale-baseline-entry",
        NoticeCode.NO_RULES: "no-rules-enabled",
    }
)


@dataclass(frozen=True)
class Notice:
    """Something the scanner could not do, or did only partly, for one file or rule.

    The message never contains scanned content (parser errors are summarised, not quoted),
    so a notice cannot leak a secret.
    """

    code: NoticeCode
    message: str
    path: str | None = None
    level: NoticeLevel = NoticeLevel.WARNING
    line: int | None = None
    rule_id: str | None = None

    @property
    def title(self) -> str:
        return NOTICE_TITLES[self.code]

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path or "", self.line or 0, self.code.value, self.message)


#: The key of :func:`coverage_hash`: random per process, never stored.
_COVERAGE_KEY: list[bytes] = []


def coverage_hash(value: str) -> str:
    """A short hash naming a credential value inside one scan (see ``Finding.covers``).

    Keyed with a random per-process key: the hashes only compare findings of one file
    within one process (the engine's superseding step), so nothing that outlives the
    process (the result cache stores no ``covers``) could be checked against a list of
    passwords.
    """
    import hmac  # here, not at start-up: most files produce no finding

    if not _COVERAGE_KEY:
        import os

        _COVERAGE_KEY.append(os.urandom(16))
    data = value.encode("utf-8", "surrogatepass")
    return hmac.new(_COVERAGE_KEY[0], data, "sha256").hexdigest()[:16]


def fingerprint(rule_id: str, material: str | bytes, salt: str | None = None) -> str:
    """Stable identity of a finding: the rule id and the material, keyed with ``salt``.

    HMAC-SHA256 for high-entropy material, scrypt for low-entropy material (see
    :mod:`rolecall.fingerprints`); ``salt`` defaults to the running scan's (its
    baseline's, else the public salt). Line numbers are deliberately not part of it, so
    moving code keeps the fingerprint and a different secret on the same line gets a
    different one.
    """
    from rolecall.fingerprints import keyed_fingerprint  # most files produce no finding

    return keyed_fingerprint(rule_id, material, salt)
