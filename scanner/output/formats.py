"""Output formats. Each reporter turns a :class:`~rolecall.output.report.ScanReport` into text.

Reporters are looked up by format name and imported only when asked for, so that a
scan printing text never pays for the SARIF object model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rolecall.output.report import ScanReport


class Reporter(Protocol):
    """Writes a whole report to ``out``."""

    def write(self, report: ScanReport, out: TextIO) -> None: ...


#: format name -> "module:Class"; the class is constructed with keyword options.
FORMATS: dict[str, str] = {
    "text": "rolecall.output.text:TextReporter",
    "json": "rolecall.output.json:JsonReporter",
    "sarif": "rolecall.output.sarif:SarifReporter",
    "github": "rolecall.output.github:GithubReporter",
}


def get_reporter(name: str, *, color: bool = False, verbose: int = 0) -> Reporter:
    """The reporter for format ``name``; KeyError when there is none."""
    module_name, class_name = FORMATS[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    reporter: Reporter = cls(color=color, verbose=verbose)
    return reporter


def write_report(
    report: ScanReport,
    out: TextIO,
    name: str = "text",
    *,
    color: bool = False,
    verbose: int = 0,
    width: int | None = None,
) -> None:
    """Write ``report`` in format ``name`` to ``out``, as ``rolecall scan`` does (and
    :class:`rolecall.Report`'s ``to_*`` methods): ``verbose`` is the ``-v`` count
    (``-1``: ``-q``), ``width`` the terminal width text recommendations wrap to."""
    reporter = get_reporter(name, color=color, verbose=verbose)
    if width is not None:
        from rolecall.output.text import TextReporter

        if isinstance(reporter, TextReporter):
            reporter.width = width  # wrap for the reader
    reporter.write(report, out)
