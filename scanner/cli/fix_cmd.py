"""``rolecall fix`` on the command line: each file fixed with the engine of its own
configuration, then the list of what is left to do by hand and the exit code.

How one file is fixed (safely, atomically, with a diff) is :mod:`rolecall.fix.fixer`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from rolecall.errors import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from rolecall.cli.args import CommandArgs
    from rolecall.config.load import Config
    from rolecall.config.settings import ScanSetup
    from rolecall.engine.core import Engine
    from rolecall.fix.fixer import FixSummary, Left
    from rolecall.suppress.baseline import Baseline
    from rolecall.walk.walker import FileEntry


def cmd_fix(args: CommandArgs, out: TextIO) -> int:
    """Apply fixes, then list what is left to do by hand. Exit 1 when a file could not
    be fixed, (``--diff``) something would change, or a finding at or above the fail
    level remains (the baseline's accepted findings aside): a fix run never looks
    finished when the next scan would fail."""
    from rolecall.cli.baseline_cmd import keyed_setup, scan_baseline
    from rolecall.config.settings import scan_setup
    from rolecall.fix.fixer import describe_left, plural
    from rolecall.read.files import PARSE_LIMIT
    from rolecall.walk.walker import FileEntry, walk

    setup = scan_setup(args)
    baseline = scan_baseline(args, setup.config)
    setup = keyed_setup(setup, baseline)  # fingerprints as the baseline keys them
    engines = _Engines(setup)
    # Fixes come from parsed views, which files above the parse limit do not get: they
    # are only scanned, for the list of what is left.
    entries = [e for e in walk(args.paths, os.getcwd(), setup.walk) if isinstance(e, FileEntry)]
    left: list[Left] = []
    summary = _fix_files(args, engines, [e for e in entries if e.size <= PARSE_LIMIT], out, left)
    large = [e for e in entries if e.size > PARSE_LIMIT]
    if large:
        left.extend(_scan_large(engines, large, setup.walk.max_file_size))
    failing = _failing_left(left, setup.config, baseline)
    if failing:
        out.write(
            f"Left to do by hand ({plural(len(failing), 'finding')} at or above "
            f"{setup.config.fail_level.value}):\n"
        )
        out.writelines(f"  {line}\n" for line in describe_left(failing, unsafe=args.unsafe_fixes))
    text = summary.describe(diff_only=args.diff)
    if failing:
        text += f"; {plural(len(failing), 'finding')} left to fix by hand (listed above)"
    out.write(text + "\n")
    failed = summary.files_failed or (args.diff and summary.files_changed) or failing
    return EXIT_FINDINGS if failed else EXIT_OK


class _Engines:
    """The engine of the configuration governing each path's directory, one per
    configuration."""

    def __init__(self, setup: ScanSetup) -> None:
        from rolecall.config.options import make_profile
        from rolecall.plugin.registry import default_registry

        self._settings = setup.settings
        self._default = make_profile(setup.engine)
        self._registry = default_registry()
        self._engines: dict[str, Engine] = {}

    def __call__(self, path: str) -> Engine:
        from rolecall.engine.core import Engine

        profile = self._default if self._settings is None else self._settings.profile(path)
        engine = self._engines.get(profile.key)
        if engine is None:
            engine = self._engines[profile.key] = Engine(self._registry, profile.options)
        return engine


def _fix_files(
    args: CommandArgs, engines: _Engines, files: list[FileEntry], out: TextIO, left: list[Left]
) -> FixSummary:
    """Fix ``files`` one at a time, each with its own configuration's engine; what each
    leaves is added to ``left``."""
    from rolecall.fix.fixer import FixSummary, run_fix

    summary = FixSummary()
    for file in files:
        part = run_fix(
            engines(file.path),
            [(file.path, file.display)],
            unsafe=args.unsafe_fixes,
            diff_only=args.diff,
            out=out,
            force=args.force,
            remaining=left,
        )
        summary = FixSummary(
            summary.files_changed + part.files_changed,
            summary.fixes_applied + part.fixes_applied,
            summary.files_failed + part.files_failed,
            summary.unsafe_skipped + part.unsafe_skipped,
        )
    return summary


def _scan_large(engines: _Engines, large: list[FileEntry], max_file_size: int) -> list[Left]:
    """The findings of files too large to fix: scanned only, for the list."""
    from rolecall.engine.filescan import scan_entry
    from rolecall.fix.fixer import Left

    left: list[Left] = []
    for entry in large:
        result = scan_entry(engines(entry.path), entry, max_file_size)
        left.extend(Left(f, False) for f in result.findings)
    return left


def _failing_left(left: list[Left], config: Config, baseline: Baseline | None) -> list[Left]:
    """The findings a fix run leaves that a scan would fail on: at or above the fail
    level and not accepted by the baseline."""
    failing = [item for item in left if config.fail_level <= item.finding.severity]
    if baseline is None or not failing:
        return failing
    from rolecall import __version__
    from rolecall.output.report import ScanReport
    from rolecall.suppress.baseline import apply_baseline

    findings = [item.finding for item in failing]
    report = ScanReport(root=os.getcwd(), tool_version=__version__, rules=[], findings=findings)
    kept = {id(finding) for finding in apply_baseline(report, baseline)[0].findings}
    return [item for item in failing if id(item.finding) in kept]
