"""The command line's parser: every command's flags, and argparse made to say a usage
error in one line and to measure the terminal only when it shows help.

Building every command's options is a few milliseconds of a pre-commit run, so
:func:`build_parser` can build just the command being run.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn, cast

from rolecall import __version__
from rolecall.config.load import DEFAULT_BASELINE
from rolecall.errors import EXIT_USAGE
from rolecall.model import Severity
from rolecall.walk.walker import DEFAULT_MAX_FILE_SIZE


def add_selection_options(p: argparse.ArgumentParser) -> None:
    """What to scan and with which rules: shared by ``scan``, ``baseline`` and ``fix``."""
    p.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rule ids or prefixes (comma-separated, repeatable)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rule ids or prefixes (comma-separated, repeatable)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="gitignore-style pattern of paths to skip (repeatable)",
    )
    p.add_argument(
        "--no-gitignore",
        action="store_true",
        help="scan files that .gitignore and .git/info/exclude ignore",
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symbolic links that stay inside the scanned directory",
    )
    p.add_argument(
        "--max-file-size",
        type=int,
        metavar="BYTES",
        help=f"skip larger files with a notice (default: {DEFAULT_MAX_FILE_SIZE})",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: all cores; 1: no workers)",
    )
    p.add_argument("--config", metavar="FILE", help="use this configuration file")
    p.add_argument("--isolated", action="store_true", help="ignore configuration files")
    p.add_argument(
        "--report-examples",
        action="store_true",
        help="report AWS's documented example keys as notes",
    )
    p.set_defaults(fail_level=None, report_unused_suppressions=False)


def _add_scan_options(p: argparse.ArgumentParser) -> None:
    from rolecall.output.formats import FORMATS

    add_selection_options(p)
    p.add_argument(
        "--format",
        choices=sorted(FORMATS),
        help="output format (default: from --output's extension, .sarif or .json; else text)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report to FILE (atomically); the summary still goes to stderr",
    )
    p.add_argument(
        "--fail-level",
        choices=[s.value for s in Severity],
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache (config: cache = false)",
    )
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="scan only the K-th of N disjoint parts of the files (split by path hash)",
    )
    p.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        help="report suppression comments that silence nothing",
    )
    p.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text report: auto (only on a terminal, and not with NO_COLOR or "
        "TERM=dumb), always, never",
    )
    p.add_argument("-q", "--quiet", action="count", default=0, help="print finding lines only")
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="also print informational notices and suppressed findings",
    )


def add_scan_baseline_options(p: argparse.ArgumentParser) -> None:
    """``scan``'s baseline flags."""
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings that are not in this baseline (config: baseline)",
    )
    p.add_argument(
        "--no-baseline",
        action="store_true",
        help="ignore the configured baseline and report every finding",
    )
    p.add_argument(
        "--report-stale",
        action="store_true",
        default=None,
        help="list baseline entries that match no finding any more (config: report-stale)",
    )


def add_baseline_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``rolecall baseline [PATH...]``: accept every current finding."""
    p = sub.add_parser(
        "baseline",
        help="write a baseline of the current findings, so that scans report only new ones",
        description="Scan like `rolecall scan` and write every finding into the baseline "
        f"file (default: the configured baseline, else ./{DEFAULT_BASELINE}).",
    )
    add_selection_options(p)
    p.add_argument("--baseline", metavar="FILE", help="the baseline file to write")
    p.add_argument(
        "--update",
        action="store_true",
        help="keep the file's entries that still match (and their reasons) and entries "
        "for files or rules outside this scan, drop stale ones, add new findings",
    )


def _add_fix_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fix",
        help="apply the fixes that findings carry (safe ones by default)",
        description="Rewrite files to remove what the findings point at, preserving "
        "formatting. Safe fixes keep behaviour (credential arguments read from the standard "
        "AWS environment variables, which the default provider chain reads anyway); unsafe "
        "fixes remove literal keys and change behaviour. Afterwards, every finding a scan "
        "would still fail on is listed with what to do instead, and the exit code is 1.",
    )
    add_selection_options(p)
    p.add_argument(
        "--diff", action="store_true", help="print a unified diff of the changes; write nothing"
    )
    p.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply fixes that change behaviour (removing literal keys)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="also fix read-only files, and files with other hard links (rewritten in "
        "place, so that every link loses the key)",
    )
    # What is left after the fix is judged as `scan` judges it: the configured baseline's
    # accepted findings do not count.
    p.set_defaults(baseline=None, no_baseline=False, report_stale=False)


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, sized to the terminal only when it formats text.

    argparse makes a formatter for every ``add_argument`` (to check the metavar), and
    each asked for the terminal's size, which imports :mod:`shutil` (and its compression
    modules) on every run, also when no help or usage is shown. The width is the same as
    argparse's own: the terminal's columns less 2, unless ``width`` is given.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        # The width is a placeholder until format_help() measures the terminal.
        super().__init__(prog, indent_increment, max_help_position, 80 if width is None else width)
        self._pending = None if width is not None else (indent_increment, max_help_position)

    def format_help(self) -> str:
        if self._pending is not None:
            import shutil

            indent_increment, max_help_position = self._pending
            self._pending = None
            self._width = shutil.get_terminal_size().columns - 2
            self._max_help_position = min(
                max_help_position, max(self._width - 20, indent_increment * 2)
            )
        return super().format_help()


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line (the usage is one ``--help`` away),
    and help formatted by :class:`_Formatter` (subparsers too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"rolecall: error: {message} (see `{self.prog} --help`)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line parser; with ``only``, just that command's subparser (building
    every command's options is a few ms of a pre-commit run; help lists them all)."""
    parser = _Parser(
        prog="rolecall",
        description="Find long-lived cloud credentials in code and configuration, and "
        "replace them with role-based, short-lived credentials.",
    )
    parser.add_argument("--version", action="version", version=f"rolecall {__version__}")
    # Subparsers are _Parser too (argparse makes them of the parent's class); typed as
    # plain parsers for the helpers that add commands. ``prog`` is what argparse would
    # format from the usage (no positionals yet: the program's name), given so that no
    # formatter measures the terminal unless help is shown.
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", prog=parser.prog),
    )
    if only in (None, "scan"):
        scan = sub.add_parser("scan", help="scan files and directories")
        _add_scan_options(scan)
        add_scan_baseline_options(scan)
    if only in (None, "baseline"):
        add_baseline_command(sub)
    if only in (None, "fix"):
        _add_fix_command(sub)
    if only in (None, "rules"):
        rules = sub.add_parser("rules", help="list every rule")
        rules.add_argument("--format", choices=["text", "json"], default="text")
    if only in (None, "explain"):
        explain = sub.add_parser("explain", help="show a rule's documentation and examples")
        explain.add_argument("rule", help="rule id (e.g. RC101) or name")
    if only in (None, "demo"):
        demo = sub.add_parser("demo", help="scan a generated sample application with fake keys")
        demo.add_argument("--keep", metavar="DIR", help="write the sample into DIR and keep it")
    return parser
