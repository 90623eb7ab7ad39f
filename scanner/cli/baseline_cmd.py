"""The command-line side of the baseline: ``rolecall baseline`` and ``scan --baseline``
(their flags are in :mod:`rolecall.cli.parser`)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from rolecall.config.load import DEFAULT_BASELINE, Config

if TYPE_CHECKING:
    # Imported where used: a scan without a baseline never loads them.
    from rolecall.cli.args import CommandArgs
    from rolecall.config.settings import ScanSetup, SetupArgs
    from rolecall.suppress.baseline import Baseline


def baseline_path(args: SetupArgs, config: Config) -> str | None:
    """The baseline a command uses: the flag, else the configuration's, else none."""
    if getattr(args, "no_baseline", False):
        return None
    if args.baseline:
        return str(args.baseline)
    if config.baseline:
        return os.path.join(config.root, config.baseline)
    return None


def scan_baseline(args: SetupArgs, config: Config) -> Baseline | None:
    """The baseline ``scan`` filters through, loaded before the scan so that a bad file
    fails fast; None when there is none."""
    path = baseline_path(args, config)
    if path is None:
        return None
    from rolecall.suppress.baseline import load_baseline

    return load_baseline(path)


def keyed_setup(setup: ScanSetup, baseline: Baseline | None) -> ScanSetup:
    """``setup`` with fingerprints keyed for ``baseline`` (its salt; the old unkeyed
    fingerprints too while it has version 1 entries); unchanged without one."""
    if baseline is None:
        return setup
    from rolecall.config.settings import with_keying

    return with_keying(setup, baseline.keying)


def report_stale(args: SetupArgs, config: Config) -> bool:
    """Whether stale baseline entries are reported: the flag, else the configuration."""
    return bool(args.report_stale if args.report_stale is not None else config.report_stale)


def cmd_baseline(args: CommandArgs, out: TextIO) -> int:
    """Write (or ``--update``) the baseline from a scan's findings."""
    from rolecall import __version__
    from rolecall.config.settings import scan_setup, with_keying
    from rolecall.engine.runner import ScanRequest, run_scan
    from rolecall.errors import EXIT_OK
    from rolecall.fingerprints import Keying
    from rolecall.model import NoticeLevel
    from rolecall.suppress.baseline import build_baseline, load_baseline, write_baseline

    setup = scan_setup(args)
    path = baseline_path(args, setup.config) or DEFAULT_BASELINE
    previous = load_baseline(path) if args.update and os.path.exists(path) else None
    salt = _salt_to_write(path, previous)
    # The file's own salt keys the findings; an update of a version 1 file also needs
    # the old fingerprints, to migrate the entries that still match.
    setup = with_keying(setup, Keying(salt, previous is not None and previous.has_unsalted))
    request = ScanRequest(
        paths=tuple(args.paths),
        base=os.getcwd(),
        walk=setup.walk,
        engine=setup.engine,
        jobs=setup.jobs,
        profiles=setup.settings.profile if setup.settings is not None else None,
    )
    report = run_scan(request, tool_version=__version__)
    update = build_baseline(report, path, previous)
    write_baseline(path, update.entries, salt)
    for notice in report.notices:
        if notice.level is not NoticeLevel.INFO:
            where = f"{notice.path}: " if notice.path else ""
            print(f"rolecall: {where}{notice.code.value} {notice.message}", file=sys.stderr)
    count = len(update.entries)
    detail = f"{update.added} new"
    if previous is not None:
        detail = f"{update.kept} kept, {detail}, {update.dropped} stale dropped"
    out.write(f"Wrote {count} entr{'y' if count == 1 else 'ies'} to {path} ({detail}).\n")
    if report.suppressed:
        n = len(report.suppressed)
        were = "finding was" if n == 1 else "findings were"
        out.write(f"{n} inline-suppressed {were} left out.\n")
    return EXIT_OK


def _salt_to_write(path: str, previous: Baseline | None) -> str:
    """The salt of the file ``rolecall baseline`` writes: the existing file's, so that
    rewriting it from the same findings gives the same bytes; a new one for a new file
    or one without a salt (version 1) or that cannot be read (it is overwritten)."""
    from rolecall.fingerprints import new_salt
    from rolecall.suppress.baseline import BaselineError, load_baseline

    if previous is None and os.path.exists(path):
        try:
            previous = load_baseline(path)
        except BaselineError:
            previous = None
    if previous is not None and previous.salt is not None:
        return previous.salt
    return new_salt()
