"""The ``rolecall`` command line: parse, run one command, and end with its exit code.

The exit codes and what maps an exception to one are :mod:`rolecall.errors`: 0 nothing
at or above the fail level, 1 findings, 2 usage or configuration error, 3 internal
error. The parser is :mod:`rolecall.cli.parser`; each command is a module of its own
that gets a typed value of its flags (:mod:`rolecall.cli.args`), never argparse's
``Namespace``. Commands are imported when they run: ``rolecall --version`` and the
pre-commit hook's scan load only what they use.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from rolecall.cli.args import command_args
from rolecall.cli.parser import build_parser as build_parser  # re-exported
from rolecall.errors import EXIT_INTERNAL, EXIT_USAGE, error_line, exit_code

if TYPE_CHECKING:
    from rolecall.config.load import Config
    from rolecall.config.options import EngineOptions
    from rolecall.config.settings import ScanSetup
    from rolecall.walk.walker import WalkOptions


def _scan(namespace: argparse.Namespace, out: TextIO) -> int:
    from rolecall.cli.scan_cmd import cmd_scan, scan_args

    return cmd_scan(scan_args(namespace), out)


def _baseline(namespace: argparse.Namespace, out: TextIO) -> int:
    from rolecall.cli.baseline_cmd import cmd_baseline

    return cmd_baseline(command_args(namespace), out)


def _fix(namespace: argparse.Namespace, out: TextIO) -> int:
    from rolecall.cli.fix_cmd import cmd_fix

    return cmd_fix(command_args(namespace), out)


def _rules(namespace: argparse.Namespace, out: TextIO) -> int:
    from rolecall.cli.rules_cmd import cmd_rules

    return cmd_rules(str(namespace.format), out)


def _explain(namespace: argparse.Namespace, out: TextIO) -> int:
    from rolecall.cli.rules_cmd import cmd_explain

    return cmd_explain(str(namespace.rule), out)


def _demo(namespace: argparse.Namespace, out: TextIO) -> int:
    from rolecall.cli.demo import cmd_demo

    keep: str | None = namespace.keep
    return cmd_demo(keep, out)


#: Each command and what runs it: its flags turned into a typed value, then the command.
COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "scan": _scan,
    "rules": _rules,
    "explain": _explain,
    "demo": _demo,
    "baseline": _baseline,
    "fix": _fix,
}


def scan_setup(namespace: argparse.Namespace) -> ScanSetup:
    """:func:`rolecall.config.settings.scan_setup` of a parsed ``scan`` command line."""
    from rolecall.config.settings import scan_setup as setup_of

    return setup_of(command_args(namespace))


def scan_settings(
    namespace: argparse.Namespace,
) -> tuple[Config, WalkOptions, EngineOptions, int]:
    """Merge the configuration files and the flags (flags win); see :func:`scan_setup`."""
    setup = scan_setup(namespace)
    return setup.config, setup.walk, setup.engine, setup.jobs


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
    """Run the command line ``argv`` (default: the process's) and return its exit code."""
    _tolerate_narrow_encodings()
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    try:
        namespace = parser.parse_args(words)
    except SystemExit as exc:  # argparse's own usage errors and --help/--version
        return exit_code(exc)
    if namespace.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[namespace.command](namespace, sys.stdout)
    except (Exception, KeyboardInterrupt) as exc:
        return ended_by(exc)


def ended_by(exc: BaseException) -> int:
    """Say on stderr how a command ended with ``exc`` and return its exit code
    (:func:`rolecall.errors.exit_code` decides it)."""
    code = exit_code(exc)
    line = error_line(exc)
    if line is None and code == EXIT_INTERNAL:
        # The message is left out: it may quote scanned text. Type and place suffice.
        from rolecall.engine.core import describe_exception

        line = f"rolecall: internal error: {describe_exception(exc)}"
    if line is not None:
        print(line, file=sys.stderr)
    return code
