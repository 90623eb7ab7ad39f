"""The command line's parsed flags as one typed, immutable value: argparse stays in here.

argparse gives an untyped, mutable ``Namespace``; the commands and everything they call
(:func:`rolecall.config.settings.scan_setup`, the scan, the baseline) get a
:class:`CommandArgs` instead, built once where the command line is parsed. Its fields
are argparse's names, so that it reads like the flags and like the library's
:class:`rolecall.api.ScanOptions`; both satisfy
:class:`rolecall.config.setup_args.SetupArgs`.

A ``NamedTuple``, not a frozen dataclass: a dataclass of this many fields generates its
methods by compiling source when the module is imported, about 1 ms each on the
pre-commit hook's path; a named tuple is made in a fifth of that. And no ``from
__future__ import annotations`` here: ``NamedTuple`` turns string annotations into
``ForwardRef`` objects, compiling each one (29 compiles, as long again as the class).
"""

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import argparse


class CommandArgs(NamedTuple):
    """The flags of ``scan``, ``baseline`` and ``fix``: what to scan and with which
    rules (all three), and each command's own. A flag a command does not have keeps
    the default here, the value that command scans with."""

    command: str
    paths: tuple[str, ...] = (".",)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    no_gitignore: bool = False
    follow_symlinks: bool = False
    max_file_size: int | None = None
    jobs: int | None = None
    config: str | None = None
    isolated: bool = False
    report_examples: bool = False
    report_unused_suppressions: bool = False
    fail_level: str | None = None
    format: str = "text"
    output: str | None = None
    baseline: str | None = None
    no_baseline: bool = False
    report_stale: bool | None = None
    no_cache: bool = False
    shard: str | None = None
    #: The command line computes low-entropy fingerprints only where its output shows
    #: them (see rolecall.config.settings); the library asks for every one.
    slow_fingerprints: bool = False
    # scan: how the report is shown
    color: str = "auto"
    quiet: int = 0
    verbose: int = 0
    # baseline
    update: bool = False
    # fix
    diff: bool = False
    unsafe_fixes: bool = False
    force: bool = False


def command_args(namespace: "argparse.Namespace", **given: Any) -> CommandArgs:
    """The value of ``namespace``'s flags (lists become tuples); ``given`` replaces
    some."""
    values = {
        name: _frozen(getattr(namespace, name))
        for name in CommandArgs._fields
        if hasattr(namespace, name)
    }
    return CommandArgs(**{**values, **given})


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
