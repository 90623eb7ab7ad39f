"""rolecall: find long-lived cloud credentials and recommend role-based ones.

This package is the engine, the library API (:func:`scan`, :func:`scan_text`,
:class:`Report`; see docs/library.md) and the public plugin API. Importing it is cheap:
the public names below are imported on first use (PEP 562), parsers (libcst, YAML, ...)
and the SARIF model only when a file or format needs them. ``rolecall --version``, and a
scan answered from the result cache, never import the engine or a rule.
"""

# No ``from __future__`` import here: it would import ``__future__`` before the guard
# below has run. The annotations in this module are valid at run time without it.
import sys as _sys


def _drop_working_directory_from_path() -> None:
    """Under ``python -m rolecall``, take the current directory off the import path.

    ``python -m`` puts the current directory first on ``sys.path``, and a scan usually
    runs in the repository being scanned: a ``json.py``, ``typing.py`` or ``hashlib.py``
    there would run in place of the standard module the next time rolecall imports it.
    This runs first thing in the package, before rolecall imports anything else. What
    Python's ``runpy`` imports before any package code runs cannot be protected from
    here; the README tells users to run the ``rolecall`` executable or ``python -P``.
    Nothing is changed when rolecall is imported as a library or run otherwise.
    """
    argv = getattr(_sys, "orig_argv", [])
    run_as_module = _sys.argv[:1] == ["-m"] and any(
        argv[i : i + 2] in (["-m", "rolecall"], ["-m", "rolecall.__main__"])
        for i in range(len(argv))
    )
    if not run_as_module or getattr(_sys.flags, "safe_path", False):
        return  # a library import, another program, or python -P: nothing to do
    import os  # already imported by the interpreter's start-up: no lookup on the path

    here = os.getcwd()
    _sys.path[:] = [p for p in _sys.path if p not in ("", ".", here)]


_drop_working_directory_from_path()

# Not ``typing.TYPE_CHECKING``: importing ``typing`` costs every run several milliseconds,
# a replayed rescan (rolecall.cache.replay) a third of its time.
TYPE_CHECKING = False

# Imported now, not on first use: the module ``rolecall.output.redact`` shares the function's
# name, and importing the module would otherwise leave the module in its place here.
from rolecall.output.redact import redact, secret_hash  # noqa: E402

if TYPE_CHECKING:
    from typing import Any

    from rolecall.api import Report, ReportStats, scan, scan_text
    from rolecall.errors import ConfigError, PathNotFound, UsageError
    from rolecall.model import (
        Confidence,
        Finding,
        Fix,
        Location,
        Notice,
        NoticeCode,
        NoticeLevel,
        RelatedLocation,
        Severity,
        TextEdit,
        fingerprint,
    )
    from rolecall.plugin.rule import Example, Rule, RuleContext, RuleInfo
    from rolecall.read.document import (
        Decoded,
        DocKind,
        Document,
        LineIndex,
        View,
        ViewError,
        decode,
    )

__version__ = "0.1.0"

#: The library (scan, scan_text, Report, ReportStats and the errors they raise) and
#: the plugin API (what a rule uses).
__all__ = [
    "Confidence",
    "ConfigError",
    "Decoded",
    "DocKind",
    "Document",
    "Example",
    "Finding",
    "Fix",
    "LineIndex",
    "Location",
    "Notice",
    "NoticeCode",
    "NoticeLevel",
    "PathNotFound",
    "RelatedLocation",
    "Report",
    "ReportStats",
    "Rule",
    "RuleContext",
    "RuleInfo",
    "Severity",
    "TextEdit",
    "UsageError",
    "View",
    "ViewError",
    "__version__",
    "decode",
    "fingerprint",
    "redact",
    "scan",
    "scan_text",
    "secret_hash",
]

#: Where each public name lives; imported when first asked for.
_HOMES = {
    **dict.fromkeys(
        ("Decoded", "DocKind", "Document", "LineIndex", "View", "ViewError", "decode"),
        "rolecall.read.document",
    ),
    **dict.fromkeys(
        (
            "Confidence",
            "Finding",
            "Fix",
            "Location",
            "Notice",
            "NoticeCode",
            "NoticeLevel",
            "RelatedLocation",
            "Severity",
            "TextEdit",
            "fingerprint",
        ),
        "rolecall.model",
    ),
    **dict.fromkeys(("Example", "Rule", "RuleContext", "RuleInfo"), "rolecall.plugin.rule"),
    **dict.fromkeys(("Report", "ReportStats", "scan", "scan_text"), "rolecall.api"),
    **dict.fromkeys(("ConfigError", "PathNotFound", "UsageError"), "rolecall.errors"),
}


def __getattr__(name: str) -> "Any":
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'rolecall' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (loaded or not yet), for ``dir(rolecall)`` and completion."""
    return sorted(__all__)
