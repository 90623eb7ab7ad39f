"""The baseline: findings a team has accepted, so that only new ones are reported.

``.rolecall-baseline.json`` holds a random salt of its own and one entry per accepted
finding: the rule id, the file's path relative to the baseline's own directory, and the
finding's fingerprint keyed with that salt (HMAC-SHA256 for high-entropy secrets,
scrypt for passwords and other low-entropy ones, see :mod:`rolecall.fingerprints`). It
never holds a secret, a redacted secret, an unkeyed hash of one or a line number, so
moving code keeps an entry valid, and a *different* secret on the same line has a
different fingerprint and is reported. The file is written sorted with a fixed layout,
so regenerating it from the same findings gives the same bytes (the salt is kept when
the file is rewritten; a new file gets a new one)::

    {
      "version": 2,
      "tool": "rolecall",
      "salt": "<32 hex>",
      "entries": [
        {"rule_id": "RC101", "path": "app/settings.py", "fingerprint": "<64 hex>"}
      ]
    }

A scan that uses the baseline keys every fingerprint it prints or matches with its salt.

An entry may carry a human-written ``"reason"``; ``rolecall baseline --update`` keeps it.
An entry is *stale* when its rule ran on its file (or the file is gone) and produced no
finding with its fingerprint. Staleness is judged only for files the scan saw, so a
pre-commit batch that scans three files never calls the other files' entries stale.

Version 1 (rolecall 0.1.0) had no salt: its fingerprints are the unkeyed
``SHA-256(rule_id || 0x00 || material)``. Such a file still works: while it is loaded,
findings also carry that fingerprint to match its entries. ``rolecall baseline`` (and
``--update``) writes version 2 with a new salt, migrating the entries that still match
a finding; an entry ``--update`` cannot judge (a file or rule outside the scan) is
kept with ``"unsalted": true`` until a scan sees it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from rolecall.config.load import DEFAULT_BASELINE as DEFAULT_BASELINE  # re-exported
from rolecall.config.load import ConfigError
from rolecall.fingerprints import PUBLIC_SALT, Keying, new_salt
from rolecall.model import Finding, Notice, NoticeCode, NoticeLevel
from rolecall.output.report import ScanReport

#: 2: a salt, keyed fingerprints (1: unkeyed SHA-256, still read).
BASELINE_VERSION = 2
_READ_VERSIONS = (1, 2)

_RULE_ID = re.compile(r"^RC\d{3}$")
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
_SALT = re.compile(r"^[0-9a-f]{32}$")
_ENTRY_KEYS = frozenset({"rule_id", "path", "fingerprint", "reason", "unsalted"})


class BaselineError(ConfigError):
    """A baseline file that is missing, unreadable, malformed or of another version."""


@dataclass(frozen=True, order=True)
class BaselineEntry:
    """One accepted finding. ``path`` is relative to the baseline's directory, '/'."""

    path: str
    rule_id: str
    fingerprint: str
    reason: str | None = None
    #: The fingerprint is rolecall 0.1.0's unkeyed one (a version 1 file's entry).
    unsalted: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.rule_id, self.fingerprint)

    def to_json(self) -> dict[str, str | bool]:
        out: dict[str, str | bool] = {
            "rule_id": self.rule_id,
            "path": self.path,
            "fingerprint": self.fingerprint,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.unsalted:
            out["unsalted"] = True
        return out


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline; ``path`` is absolute. ``salt`` is None for a version 1 file."""

    path: str
    entries: tuple[BaselineEntry, ...]
    salt: str | None = None

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path)

    @property
    def has_unsalted(self) -> bool:
        """Whether matching needs rolecall 0.1.0's unkeyed fingerprints."""
        return any(entry.unsalted for entry in self.entries)

    @property
    def keying(self) -> Keying:
        """How a scan that uses this baseline keys its fingerprints."""
        return Keying(self.salt or PUBLIC_SALT, self.has_unsalted)

    def keys(self) -> frozenset[tuple[str, str, str]]:
        return frozenset(entry.key for entry in self.entries)


def _entry(index: int, raw: Any, source: str, version: int) -> BaselineEntry:
    where = f"{source}: entries[{index}]"
    if not isinstance(raw, dict):
        raise BaselineError(f"{where}: expected an object")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise BaselineError(f"{where}: unknown field {unknown[0]!r}")
    rule_id, path, fp = raw.get("rule_id"), raw.get("path"), raw.get("fingerprint")
    reason = raw.get("reason")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise BaselineError(f"{where}: rule_id must be a rule id such as RC101")
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        raise BaselineError(f"{where}: path must be a relative path with '/' separators")
    if not isinstance(fp, str) or not _FINGERPRINT.match(fp):
        raise BaselineError(f"{where}: fingerprint must be 64 lower-case hex digits")
    if reason is not None and not isinstance(reason, str):
        raise BaselineError(f"{where}: reason must be a string")
    unsalted = raw.get("unsalted", False)
    if not isinstance(unsalted, bool) or (version == 1 and "unsalted" in raw):
        raise BaselineError(f"{where}: unsalted must be true or false (version 2 only)")
    return BaselineEntry(
        path=path,
        rule_id=rule_id,
        fingerprint=fp,
        reason=reason or None,
        unsalted=unsalted or version == 1,
    )


def parse_baseline(data: bytes, path: str) -> Baseline:
    """Validate a baseline's bytes; ``path`` names it in errors and anchors its paths."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a valid baseline (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or "version" not in doc:
        raise BaselineError(f"{path}: not a rolecall baseline (no version field)")
    version = doc["version"]
    if version not in _READ_VERSIONS or isinstance(version, bool):
        raise BaselineError(
            f"{path}: unsupported baseline version {version!r}; this rolecall reads versions "
            "1 and 2 (upgrade rolecall, or recreate it with `rolecall baseline`)"
        )
    salt = doc.get("salt")
    if version == 1 and salt is not None:
        raise BaselineError(f"{path}: a version 1 baseline has no salt")
    if version != 1 and (not isinstance(salt, str) or not _SALT.match(salt)):
        raise BaselineError(f"{path}: salt must be 32 lower-case hex digits")
    raw_entries = doc.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f"{path}: entries must be a list")
    entries = {e.key: e for e in (_entry(i, r, path, version) for i, r in enumerate(raw_entries))}
    return Baseline(os.path.abspath(path), tuple(sorted(entries.values())), salt)


def load_baseline(path: str) -> Baseline:
    """Read and validate the baseline at ``path`` (a missing file is an error)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline not found (create it with `rolecall baseline`)"
        ) from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror}") from None
    return parse_baseline(data, path)


def dump_baseline(entries: Iterable[BaselineEntry], salt: str | None = None) -> bytes:
    """The file's bytes: ``salt`` (a new random one when None), sorted, unique entries,
    fixed layout, trailing newline."""
    unique = {e.key: e for e in entries}
    doc = {
        "version": BASELINE_VERSION,
        "tool": "rolecall",
        "salt": salt if salt is not None else new_salt(),
        "entries": [e.to_json() for e in sorted(unique.values())],
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_baseline(path: str, entries: Iterable[BaselineEntry], salt: str) -> None:
    from rolecall.atomic import write_atomic

    write_atomic(path, dump_baseline(entries, salt))


def _relative(path: str, root: str, directory: str) -> str:
    """A report path (relative to ``root``, or absolute) relative to ``directory``."""
    absolute = os.path.normpath(os.path.join(root, path))
    return os.path.relpath(absolute, directory).replace(os.sep, "/")


def entry_for(finding: Finding, root: str, directory: str) -> BaselineEntry:
    """The baseline entry that accepts ``finding`` (a finding of a scan rooted at ``root``)."""
    return BaselineEntry(
        path=_relative(finding.location.path, root, directory),
        rule_id=finding.rule_id,
        fingerprint=finding.fingerprint,
    )


def _legacy_key(entry: BaselineEntry, finding: Finding) -> tuple[str, str, str] | None:
    """The key an unsalted (version 1) entry for ``finding`` would have, when the scan
    computed the old fingerprint."""
    if not finding.legacy_fingerprint:
        return None
    return (entry.path, entry.rule_id, finding.legacy_fingerprint)


def _judgeable(
    entry: BaselineEntry, directory: str, scanned: Collection[str], rule_ids: Collection[str]
) -> bool:
    """Whether this scan can tell that ``entry`` no longer matches anything."""
    if entry.rule_id not in rule_ids:
        return False
    return entry.path in scanned or not os.path.lexists(os.path.join(directory, entry.path))


def stale_entries(
    baseline: Baseline,
    found: Collection[tuple[str, str, str]],
    scanned: Collection[str],
    rule_ids: Collection[str],
) -> list[BaselineEntry]:
    """Entries that this scan could judge and that matched no finding in ``found``."""
    return [
        e
        for e in baseline.entries
        if e.key not in found and _judgeable(e, baseline.directory, scanned, rule_ids)
    ]


@dataclass(frozen=True)
class BaselineOutcome:
    hidden: int  # findings the baseline accepted (not reported anywhere)
    stale: tuple[BaselineEntry, ...]


def apply_baseline(
    report: ScanReport, baseline: Baseline, *, report_stale: bool = False
) -> tuple[ScanReport, BaselineOutcome]:
    """``report`` without the findings ``baseline`` accepts, and with stale-entry
    notices when asked; and what the baseline did.

    Findings in the baseline file itself are dropped too: it holds only hashes that
    rolecall wrote.
    """
    directory = baseline.directory
    accepted = baseline.keys()
    own = os.path.relpath(baseline.path, directory)
    kept: list[Finding] = []
    found: set[tuple[str, str, str]] = set()
    for finding in report.findings:
        entry = entry_for(finding, report.root, directory)
        key = entry.key
        if key[0] == own:
            continue
        found.add(key)
        legacy = _legacy_key(entry, finding)
        if legacy is not None:
            found.add(legacy)
        if key not in accepted and (legacy is None or legacy not in accepted):
            kept.append(finding)
    hidden = len(report.findings) - len(kept)
    stale: list[BaselineEntry] = []
    notices = report.notices
    if report_stale:
        scanned = {_relative(p, report.root, directory) for p in report.scanned_paths}
        stale = stale_entries(baseline, found, scanned, {r.id for r in report.rules})
        notices = [*notices, *(_stale_notice(e, report.root, directory) for e in stale)]
        notices.sort(key=lambda n: n.sort_key)
    filtered = dataclasses.replace(
        report,
        findings=kept,
        notices=notices,
        accepted_by_baseline=report.accepted_by_baseline + hidden,
        stale_baseline_entries=report.stale_baseline_entries + len(stale),
    )
    return filtered, BaselineOutcome(hidden=hidden, stale=tuple(stale))


def _stale_notice(entry: BaselineEntry, root: str, directory: str) -> Notice:
    path = _relative(entry.path, directory, root)
    return Notice(
        code=NoticeCode.STALE_BASELINE,
        message=(
            f"baseline entry {entry.rule_id} {entry.fingerprint[:12]} matches no finding; "
            "`rolecall baseline --update` drops it"
        ),
        path=path,
        level=NoticeLevel.WARNING,
        rule_id=entry.rule_id,
    )


@dataclass(frozen=True)
class BaselineUpdate:
    entries: tuple[BaselineEntry, ...]
    kept: int
    added: int
    dropped: int


def build_baseline(
    report: ScanReport,
    path: str,
    previous: Baseline | None = None,
) -> BaselineUpdate:
    """The entries for a new baseline file at ``path`` from ``report``'s findings.

    With ``previous`` (``--update``): its entries that still match are kept with their
    reasons, entries this scan cannot judge (files or rules outside it) are kept as they
    are, stale ones are dropped, and new findings are added. An unsalted (version 1)
    entry that matches a finding's old fingerprint is rewritten with the finding's
    keyed one (the scan keys with the new file's salt and computes the old fingerprints
    too, see :attr:`Baseline.keying`).
    """
    directory = os.path.dirname(os.path.abspath(path))
    own = os.path.basename(path)
    fresh: dict[tuple[str, str, str], BaselineEntry] = {}
    #: An unsalted entry's key -> the salted entry of the finding it matches.
    migrated: dict[tuple[str, str, str], BaselineEntry] = {}
    for finding in report.findings:
        entry = entry_for(finding, report.root, directory)
        if entry.path != own:
            fresh.setdefault(entry.key, entry)
            legacy = _legacy_key(entry, finding)
            if legacy is not None:
                migrated.setdefault(legacy, entry)
    if previous is None:
        return BaselineUpdate(tuple(sorted(fresh.values())), 0, len(fresh), 0)
    stale = {
        e.key
        for e in stale_entries(
            previous,
            {*fresh, *migrated},
            {_relative(p, report.root, directory) for p in report.scanned_paths},
            {r.id for r in report.rules},
        )
    }
    merged: dict[tuple[str, str, str], BaselineEntry] = {}
    for e in previous.entries:
        if e.key in stale:
            continue
        if e.unsalted and e.key in migrated:
            # Still matches: rewritten with the salted fingerprint, reason kept.
            e = dataclasses.replace(migrated[e.key], reason=e.reason)
        merged.setdefault(e.key, e)
    kept = len(merged)
    added = 0
    for key, entry in fresh.items():
        if key not in merged:
            merged[key] = entry
            added += 1
    return BaselineUpdate(tuple(sorted(merged.values())), kept, added, len(stale))
