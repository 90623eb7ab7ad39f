"""The command line's parsed flags as typed, frozen values: argparse stays in here.

argparse gives an untyped, mutable ``Namespace``; the commands and everything they call
(:func:`rolecall.config.settings.scan_setup`, the scan, the baseline) get one of these
instead, built once where the command line is parsed. Their fields are argparse's
names, so that they read like the flags and like the library's
:class:`rolecall.api.ScanOptions`; both satisfy
:class:`rolecall.config.setup_args.SetupArgs`.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

_Args = TypeVar("_Args", bound="CommonArgs")


@dataclass(frozen=True)
class CommonArgs:
    """The flags ``scan``, ``baseline`` and ``fix`` share (what to scan, which rules),
    and the scan's own with the values the other two commands scan with."""

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

    @classmethod
    def from_namespace(cls: type[_Args], namespace: argparse.Namespace, **given: Any) -> _Args:
        """The value of ``namespace``'s flags (lists become tuples); ``given`` replaces
        some. A field the command has no flag for keeps its default."""
        values = {
            f.name: _frozen(getattr(namespace, f.name))
            for f in dataclasses.fields(cls)
            if hasattr(namespace, f.name)
        }
        return cls(**{**values, **given})


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class ScanArgs(CommonArgs):
    """``rolecall scan``: what to scan and how to show it."""

    color: str = "auto"
    quiet: int = 0
    verbose: int = 0


@dataclass(frozen=True)
class BaselineArgs(CommonArgs):
    """``rolecall baseline``."""

    update: bool = False


@dataclass(frozen=True)
class FixArgs(CommonArgs):
    """``rolecall fix``."""

    diff: bool = False
    unsafe_fixes: bool = False
    force: bool = False
    # A fix run judges what is left as `scan` does, without reporting stale entries.
    report_stale: bool | None = False
