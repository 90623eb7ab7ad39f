"""What :func:`rolecall.config.settings.scan_setup` and the scan behind ``rolecall scan``
read from a request: the flags of ``scan``, ``baseline`` and ``fix``, by name.

A :class:`typing.Protocol`, so that the command line's immutable value
(:mod:`rolecall.cli.args`) and the library's :class:`rolecall.api.ScanOptions` are both
accepted without either depending on the other, and without argparse's untyped
``Namespace`` leaving the command line. Imported for type checking only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class SetupArgs(Protocol):
    """The request of a scan, one read-only attribute per flag (argparse's names)."""

    @property
    def command(self) -> str: ...  # "scan", "baseline" or "fix"
    @property
    def paths(self) -> Sequence[str]: ...
    @property
    def select(self) -> Sequence[str]: ...  # comma-separated codes, as the flags take them
    @property
    def ignore(self) -> Sequence[str]: ...
    @property
    def exclude(self) -> Sequence[str]: ...
    @property
    def no_gitignore(self) -> bool: ...
    @property
    def follow_symlinks(self) -> bool: ...
    @property
    def max_file_size(self) -> int | None: ...
    @property
    def jobs(self) -> int | None: ...
    @property
    def config(self) -> str | None: ...
    @property
    def isolated(self) -> bool: ...
    @property
    def report_examples(self) -> bool: ...
    @property
    def report_unused_suppressions(self) -> bool: ...
    @property
    def fail_level(self) -> str | None: ...
    @property
    def format(self) -> str: ...  # the report's format ("text" for baseline and fix)
    @property
    def output(self) -> str | None: ...
    @property
    def baseline(self) -> str | None: ...
    @property
    def no_baseline(self) -> bool: ...
    @property
    def report_stale(self) -> bool | None: ...  # None: the configuration's
    @property
    def no_cache(self) -> bool: ...
    @property
    def shard(self) -> str | None: ...
    @property
    def slow_fingerprints(self) -> bool: ...  # every low-entropy fingerprint, whatever the format
