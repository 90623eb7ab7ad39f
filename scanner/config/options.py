"""What a scan is asked to do and what one file gave: plain values, cheap to import.

They live apart from :mod:`rolecall.engine.core` so that the command line and a scan whose
every file is answered from the result cache never import the engine, the rules or
their parsers (start-up is most of a pre-commit run).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rolecall.fingerprints import PUBLIC_SALT, Keying
from rolecall.model import Finding, Notice, Severity


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
    #: Whether results carry GitHub's ``primaryLocationLineHash`` of their findings'
    #: lines (SARIF reports need them; computing them reads each file with findings).
    line_hashes: bool = False
    #: The salt findings' fingerprints are keyed with: the baseline's, else the public
    #: salt (see :mod:`rolecall.fingerprints`).
    fingerprint_salt: str = PUBLIC_SALT
    #: Whether findings also carry rolecall 0.1.0's unkeyed fingerprint (a baseline of
    #: that format is loaded). Such results are never cached.
    legacy_fingerprints: bool = False
    #: Whether low-entropy findings get their scrypt fingerprint (JSON reports, baseline
    #: matching and writing, the library's reports, ``fix``). SARIF, text and GitHub
    #: reports read none: their findings' ``fingerprint`` is then ``""``.
    slow_fingerprints: bool = True

    @property
    def keying(self) -> Keying:
        return Keying(self.fingerprint_salt, self.legacy_fingerprints)


def describe_options(options: EngineOptions) -> list[str]:
    """Every option that changes a file's result, as text (cache keys are made of it)."""
    sel = options.selection
    return [
        f"select {sel.select!r} ignore {sel.ignore!r} enable {sel.enable!r}",
        f"severity {sorted((k, v.value) for k, v in sel.severity_overrides.items())!r}",
        f"per-file-ignores {sel.per_file_ignores!r} base {sel.base!r} root {sel.root!r}",
        f"allowlist {options.allowlist!r}",
        f"examples {options.report_examples} unused {options.report_unused_suppressions}",
        f"foreign-pragmas {options.foreign_pragmas} fix-edits {options.fix_edits}",
        f"line-hashes {options.line_hashes}",
        f"fingerprints {_salt_id(options.fingerprint_salt)} legacy {options.legacy_fingerprints}",
        f"slow-fingerprints {options.slow_fingerprints}",
    ]


def _salt_id(salt: str) -> str:
    """A short name of a salt for cache keys (the salt is no secret, but need not be
    copied around)."""
    return hashlib.sha256(salt.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Profile:
    """The engine options of the files that one configuration governs, and ``key``, a
    digest of them: the engine for them is chosen, and their cached results found, by it."""

    options: EngineOptions
    key: str


def make_profile(options: EngineOptions) -> Profile:
    digest = hashlib.sha256("\0".join(describe_options(options)).encode("utf-8", "surrogatepass"))
    return Profile(options, digest.hexdigest()[:32])


#: The profile of the file at an (absolute) path: its own directory's configuration's.
ProfileResolver = Callable[[str], Profile]


@dataclass(frozen=True)
class FileResult:
    """What scanning one file produced: made once, by the stage that scanned the file
    (a later stage derives a new one with ``dataclasses.replace``)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    kind: str | None = None
    size: int = 0
    scanned: bool = False
    cached: bool = False  # answered from the result cache
    #: GitHub's ``primaryLocationLineHash`` of each line a finding starts on, computed
    #: from the bytes the scan read (SARIF output never opens a file again).
    line_hashes: dict[int, str] = field(default_factory=dict)
