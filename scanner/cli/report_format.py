"""The report's format as the command line decides it: ``--format``, else what
``--output``'s file name says, else text.

This module imports nothing at run time but :mod:`rolecall.errors`: the SARIF writer's
helper is started on it before the command line is loaded
(:mod:`rolecall.output.spawned`).
"""

from __future__ import annotations

from rolecall.errors import UsageError


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
