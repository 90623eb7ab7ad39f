"""The ``rolecall`` command line. Errors become exit codes here, and only here:

0 nothing at or above the fail level, 1 findings, 2 usage or configuration error,
3 internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from rolecall import __version__
from rolecall.cli.baseline_cmd import (
    add_baseline_command,
    add_scan_baseline_options,
    cmd_baseline,
    keyed_setup,
    scan_baseline,
)
from rolecall.cli.rules_cmd import cmd_explain, cmd_rules
from rolecall.cli.scan_command import UsageError as UsageError  # re-exported
from rolecall.config.load import (
    Config,
    ConfigError,
)
from rolecall.config.options import EngineOptions
from rolecall.config.settings import ScanSetup as ScanSetup  # re-exported
from rolecall.config.settings import scan_setup
from rolecall.model import Severity
from rolecall.walk.walker import DEFAULT_MAX_FILE_SIZE, PathNotFound, WalkOptions

if TYPE_CHECKING:
    from rolecall.fix.fixer import Left
    from rolecall.suppress.baseline import Baseline

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


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


def scan_settings(args: argparse.Namespace) -> tuple[Config, WalkOptions, EngineOptions, int]:
    """Merge the configuration files and the flags (flags win); see :func:`scan_setup`."""
    setup = scan_setup(args)
    return setup.config, setup.walk, setup.engine, setup.jobs


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return (
        stream.isatty() and os.environ.get("NO_COLOR") is None and os.environ.get("TERM") != "dumb"
    )


def output_format(fmt: str | None, output: str | None) -> str:
    """The report format: ``--format``, else what ``--output``'s extension names
    (``.sarif``/``.sarif.json``: sarif, ``.json``: json), else text. A file named for one
    format never receives another: that is a usage error."""
    name = (output or "").lower()
    named = (
        "sarif"
        if name.endswith((".sarif", ".sarif.json"))
        else "json"
        if name.endswith(".json")
        else None
    )
    if fmt is None:
        return named or "text"
    if named is not None and fmt != named:
        raise UsageError(
            f"--output {output}: a .{named} file name, but --format {fmt}; "
            f"use --format {named} or another file name"
        )
    return fmt


def cmd_scan(args: argparse.Namespace, out: TextIO) -> int:
    """``rolecall scan``: :func:`~rolecall.cli.scan_command.run_scan_command` (which
    :func:`rolecall.scan` runs too), then the report written where the flags say."""
    from rolecall.cli.scan_command import run_scan_command
    from rolecall.output.formats import write_report

    args.format = output_format(args.format, args.output)
    progress = None
    if args.quiet == 0 and sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
        from rolecall.output.progress import Progress

        progress = Progress(sys.stderr)
    report, _stale = run_scan_command(args, progress=progress)
    verbose = args.verbose - args.quiet
    color = args.output is None and _use_color(args.color, out)
    if args.output:
        buffer = io.StringIO()
        write_report(report, buffer, args.format, color=color, verbose=verbose)
        from rolecall.atomic import write_atomic

        try:
            write_atomic(args.output, buffer.getvalue().encode("utf-8"))
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write: {exc.strerror}") from None
        if args.quiet == 0:  # the terminal still hears how the scan went
            from rolecall.output.text import TextReporter

            summary = TextReporter().summary(report)
            print(f"{summary} Report written to {args.output} ({args.format}).", file=sys.stderr)
    else:
        width = None
        if out.isatty() and args.format == "text":
            import shutil

            width = shutil.get_terminal_size().columns  # wrap for the reader
        write_report(report, out, args.format, color=color, verbose=verbose, width=width)
    return EXIT_FINDINGS if report.failing() else EXIT_OK


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    import tempfile

    from rolecall.cli.demo import write_sample

    if args.keep:
        target = os.path.abspath(args.keep)
        os.makedirs(target, exist_ok=True)
        return _demo_scan(write_sample(target), out)
    with tempfile.TemporaryDirectory(prefix="rolecall-demo-") as tmp:
        code = _demo_scan(write_sample(tmp), out)
    out.write(
        "\nThe sample was in a temporary directory and is removed now; "
        "`rolecall demo --keep DIR` keeps it, to try `rolecall fix` and the baseline on.\n"
    )
    return code


def _demo_scan(directory: str, out: TextIO) -> int:
    out.write(f"Sample application with freshly generated fake keys: {directory}\n\n")
    args = build_parser().parse_args(["scan", "--isolated", "--color", "never", directory])
    return cmd_scan(args, out)


def cmd_fix(args: argparse.Namespace, out: TextIO) -> int:
    """Apply fixes, then list what is left to do by hand. Exit 1 when a file could not
    be fixed, (``--diff``) something would change, or a finding at or above the fail
    level remains (the baseline's accepted findings aside): a fix run never looks
    finished when the next scan would fail."""
    from rolecall.config.options import make_profile
    from rolecall.engine.core import Engine
    from rolecall.fix.fixer import FixSummary, Left, describe_left, plural, run_fix
    from rolecall.plugin.registry import default_registry
    from rolecall.walk.walker import FileEntry, walk

    setup = scan_setup(args)
    baseline = scan_baseline(args, setup.config)
    setup = keyed_setup(setup, baseline)  # fingerprints as the baseline keys them
    registry = default_registry()
    engines: dict[str, Engine] = {}
    default = make_profile(setup.engine)

    def engine_for(path: str) -> Engine:
        """The engine of the configuration governing ``path``'s directory."""
        profile = default if setup.settings is None else setup.settings.profile(path)
        engine = engines.get(profile.key)
        if engine is None:
            engine = engines[profile.key] = Engine(registry, profile.options)
        return engine

    from rolecall.read.files import PARSE_LIMIT

    # Fixes come from parsed views, which files above the parse limit do not get: they
    # are only scanned, for the list of what is left.
    entries = [item for item in walk(args.paths, os.getcwd(), setup.walk)]
    files = [e for e in entries if isinstance(e, FileEntry) and e.size <= PARSE_LIMIT]
    large = [e for e in entries if isinstance(e, FileEntry) and e.size > PARSE_LIMIT]
    summary = FixSummary()
    left: list[Left] = []
    for file in files:  # one at a time: each with its own configuration's engine
        part = run_fix(
            engine_for(file.path),
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
    if large:
        from rolecall.engine.filescan import scan_entry

        for entry in large:
            result = scan_entry(engine_for(entry.path), entry, setup.walk.max_file_size)
            left.extend(Left(f, False) for f in result.findings)
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


def _failing_left(left: list[Left], config: Config, baseline: Baseline | None) -> list[Left]:
    """The findings a fix run leaves that a scan would fail on: at or above the fail
    level and not accepted by the baseline."""
    failing = [item for item in left if config.fail_level <= item.finding.severity]
    if baseline is None or not failing:
        return failing
    from rolecall.output.report import ScanReport
    from rolecall.suppress.baseline import apply_baseline

    findings = [item.finding for item in failing]
    report = ScanReport(root=os.getcwd(), tool_version=__version__, rules=[], findings=findings)
    kept = {id(finding) for finding in apply_baseline(report, baseline)[0].findings}
    return [item for item in failing if id(item.finding) in kept]


COMMANDS = {
    "scan": cmd_scan,
    "rules": cmd_rules,
    "explain": cmd_explain,
    "demo": cmd_demo,
    "baseline": cmd_baseline,
    "fix": cmd_fix,
}


def _tolerate_narrow_encodings() -> None:
    """Let stdout and stderr replace what their encoding cannot write.

    Reports hold non-ASCII text (the ``…`` of every redaction, file names); under
    ``PYTHONIOENCODING=ascii`` or a Latin-1 locale a strict stream raised
    UnicodeEncodeError at the first finding. ``?`` in its place keeps the report.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_narrow_encodings()
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # argparse's own usage errors and --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args, sys.stdout)
    except (ConfigError, UsageError) as exc:
        print(f"rolecall: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PathNotFound as exc:
        print(f"rolecall: error: {exc}: no such file or directory", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("rolecall: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        # The message is left out: it may quote scanned text. Type and place suffice.
        from rolecall.engine.core import describe_exception

        print(f"rolecall: internal error: {describe_exception(exc)}", file=sys.stderr)
        return EXIT_INTERNAL
