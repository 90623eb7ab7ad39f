"""``rolecall scan`` on the command line: the report's format, colour and width, the
progress bar, and where the report goes. The scan itself is
:func:`rolecall.cli.request.run_scan_command`, which the library runs too."""

from __future__ import annotations

import io
import os
import sys
from typing import TYPE_CHECKING, TextIO

from rolecall.cli.args import CommandArgs, command_args
from rolecall.cli.report_format import output_format
from rolecall.errors import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    import argparse

    from rolecall.output.report import ScanReport


def scan_args(namespace: argparse.Namespace) -> CommandArgs:
    """``scan``'s flags, with the report format decided (see :func:`output_format`)."""
    fmt = output_format(namespace.format, namespace.output)
    return command_args(namespace, format=fmt)


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return (
        stream.isatty() and os.environ.get("NO_COLOR") is None and os.environ.get("TERM") != "dumb"
    )


def cmd_scan(args: CommandArgs, out: TextIO) -> int:
    """``rolecall scan``: :func:`~rolecall.cli.request.run_scan_command` (which
    :func:`rolecall.scan` runs too), then the report written where the flags say."""
    from rolecall.output import spawned

    verbose = args.verbose - args.quiet
    color = args.output is None and _use_color(args.color, out)
    # The SARIF reporter is imported in a helper while the scan runs (executable only).
    writer = spawned.take(args.format)
    try:
        from rolecall.cli.request import run_scan_command

        progress = None
        if args.quiet == 0 and sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
            from rolecall.output.progress import Progress

            progress = Progress(sys.stderr)
        report, _stale = run_scan_command(args, progress=progress)
        text = None if writer is None else writer.render(report, color=color, verbose=verbose)
        if text is not None:
            if args.output:
                _write_output(args.output, text, args, report)
            else:
                out.write(text)
            return EXIT_FINDINGS if report.failing() else EXIT_OK
    finally:
        if writer is not None:
            writer.close()  # after the text is written: the helper has ended by then
    from rolecall.output.formats import write_report

    if args.output:
        buffer = io.StringIO()
        write_report(report, buffer, args.format, color=color, verbose=verbose)
        _write_output(args.output, buffer.getvalue(), args, report)
    else:
        width = None
        if out.isatty() and args.format == "text":
            import shutil

            width = shutil.get_terminal_size().columns  # wrap for the reader
        write_report(report, out, args.format, color=color, verbose=verbose, width=width)
    return EXIT_FINDINGS if report.failing() else EXIT_OK


def _write_output(path: str, text: str, args: CommandArgs, report: ScanReport) -> None:
    """Write the report to ``path`` (``--output``) atomically; the terminal still hears
    how the scan went (unless ``-q``)."""
    from rolecall.atomic import write_atomic

    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot write: {exc.strerror}") from None
    if args.quiet == 0:
        from rolecall.output.text import TextReporter

        summary = TextReporter().summary(report)
        print(f"{summary} Report written to {path} ({args.format}).", file=sys.stderr)
