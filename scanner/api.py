"""The library API: :func:`scan`, :func:`scan_text` and the frozen :class:`Report`.

:func:`scan` turns its arguments into :class:`ScanOptions`, the names of ``rolecall
scan``'s flags, and runs :func:`rolecall.cli.request.run_scan_command`, the function
the command line runs with its parsed flags: the two give the same answer (each file's
own configuration, or one ``config``, or none; the baseline; the fail level; the
notices; the exit code). The command line never imports this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, TextIO, TypeVar, Union

from rolecall.cli.request import run_scan_command
from rolecall.errors import UsageError as UsageError  # re-exported
from rolecall.model import Finding, Notice, Severity

if TYPE_CHECKING:
    from rolecall.engine.core import Engine
    from rolecall.output.report import ScanReport
    from rolecall.plugin.rule import RuleInfo

#: A path argument: a string or an ``os.PathLike`` such as ``pathlib.Path``.
StrPath = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class ScanOptions:
    """What ``rolecall scan`` reads from its command line, one field per flag (the
    names are argparse's). :func:`rolecall.scan` fills them from its arguments."""

    paths: tuple[str, ...] = (".",)
    select: tuple[str, ...] = ()  # comma-separated codes, as the flags take them
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    no_gitignore: bool = False
    follow_symlinks: bool = False
    max_file_size: int | None = None
    jobs: int | None = None  # None: the configuration's
    config: str | None = None
    isolated: bool = False
    report_examples: bool = False
    report_unused_suppressions: bool = False
    fail_level: str | None = None  # None: the configuration's
    #: The report format: it decides what the scan computes (fix edits for JSON and
    #: SARIF, line hashes for SARIF, rule metadata for both).
    format: str = "text"
    baseline: str | None = None
    no_baseline: bool = False
    report_stale: bool | None = None  # None: the configuration's
    no_cache: bool = False
    shard: str | None = None
    #: The report file; checked (its directory must exist) before the scan starts.
    output: str | None = None
    command: str = "scan"
    #: Whether low-entropy findings get their scrypt fingerprint whatever ``format``
    #: is: a :class:`Report` holds every fingerprint (:meth:`Report.to_json`).
    slow_fingerprints: bool = True


def _paths(value: StrPath | Iterable[StrPath]) -> tuple[str, ...]:
    if isinstance(value, (str, os.PathLike)):
        return (os.fspath(value),)
    return tuple(os.fspath(p) for p in value)


def _codes(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _at(base: str, path: StrPath | None) -> str | None:
    """``path`` relative to ``base`` (an absolute path stays as it is)."""
    return None if path is None else os.path.join(base, os.fspath(path))


def _given(paths: StrPath | Iterable[StrPath], where: str | None) -> tuple[str, ...]:
    """The paths to scan (default: the base directory), joined to ``where``."""
    given = _paths(paths) or (".",)
    return given if where is None else tuple(os.path.join(where, p) for p in given)


def _level(fail_level: Severity | str | None) -> str | None:
    """The fail level's name, checked (a bad one is the user's mistake)."""
    level = fail_level.value if isinstance(fail_level, Severity) else fail_level
    if level is not None:
        try:
            Severity.parse(level)
        except ValueError as exc:
            raise UsageError(f"fail_level: {exc}") from None
    return level


def scan(
    paths: StrPath | Iterable[StrPath] = ".",
    *,
    config: StrPath | None = None,
    isolated: bool = False,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    baseline: StrPath | Literal[False] | None = None,
    report_stale: bool | None = None,
    fail_level: Severity | str | None = None,
    base: StrPath | None = None,
    cache: bool = False,
    jobs: int | None = 1,
    gitignore: bool = True,
    follow_symlinks: bool = False,
    max_file_size: int | None = None,
    report_examples: bool = False,
    report_unused_suppressions: bool = False,
    shard: str | None = None,
) -> Report:
    """Scan files and directories; the answer of ``rolecall scan`` run in ``base``.

    Each file gets the configuration of its own directory, or ``config`` (a file) for
    every file, or none with ``isolated``. The other arguments are the command line's
    flags (docs/library.md has the table) and override the configuration; ``baseline``
    None is the configured one, False none; ``jobs`` None is the configuration's;
    ``cache`` uses the user's result cache when the configuration allows it. Relative
    paths (``paths``, ``config``, ``baseline``) are relative to ``base`` (default: the
    working directory), and so are the reported paths.

    Raises :class:`rolecall.ConfigError` (a bad configuration or baseline file; a bad
    argument: :class:`rolecall.UsageError`) and :class:`rolecall.PathNotFound`: exit 2.
    """
    where = os.path.abspath(os.fspath(base)) if base is not None else None
    options = ScanOptions(
        paths=_given(paths, where),
        select=_codes(select),
        ignore=_codes(ignore),
        exclude=_codes(exclude),
        no_gitignore=not gitignore,
        follow_symlinks=follow_symlinks,
        max_file_size=max_file_size,
        jobs=jobs,
        config=_at(where or "", config),
        isolated=isolated,
        report_examples=report_examples,
        report_unused_suppressions=report_unused_suppressions,
        fail_level=_level(fail_level),
        # The superset: fix edits, line hashes and rule metadata, so that every one of
        # the report's formats is what the command line writes in it.
        format="sarif",
        baseline=None if baseline is None or baseline is False else _at(where or "", baseline),
        no_baseline=baseline is False,
        report_stale=report_stale,
        no_cache=not cache,
        shard=shard,
    )
    report, stale = run_scan_command(options, cwd=where)
    return Report.from_scan_report(report, stale=stale)


#: Engines made by :func:`scan_text`, by their options' digest (a few at most).
_ENGINES: dict[str, Engine] = {}


def scan_text(
    text: str,
    filename: str,
    *,
    config: StrPath | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    report_examples: bool = False,
) -> list[Finding]:
    """The findings in ``text`` if it were the file ``filename``.

    The file's kind (Python, ``.env``, YAML workflow, Dockerfile, ...) comes from
    ``filename`` and, for scripts, the text's first line; nothing is read from disk but
    ``config`` (a ``.rolecall.toml`` or ``pyproject.toml``) when one is given:
    ``filename`` is then relative to that file's directory (for its
    ``per-file-ignores``). Inline suppressions, the allowlist and severity overrides
    apply as in a scan; a baseline does not. ``select``, ``ignore`` and
    ``report_examples`` work as in :func:`scan`.

    Raises :class:`rolecall.UsageError` when no rule is enabled (a ``select`` that names
    no installed rule): an empty answer then would mean nothing.
    """
    from rolecall.config.load import default_config, load_config_file, parse_codes
    from rolecall.config.options import make_profile
    from rolecall.config.settings import Flags, engine_options
    from rolecall.engine.core import Engine
    from rolecall.plugin.registry import default_registry

    loaded = (
        load_config_file(os.fspath(config)) if config is not None else default_config(os.curdir)
    )
    flags = Flags(
        base=loaded.root,
        select=tuple(c for v in _codes(select) for c in parse_codes("select", v)),
        ignore=tuple(c for v in _codes(ignore) for c in parse_codes("ignore", v)),
        report_examples=report_examples,
    )
    profile = make_profile(engine_options(loaded, flags))
    engine = _ENGINES.get(profile.key)
    if engine is None:
        if len(_ENGINES) >= 8:
            _ENGINES.clear()
        engine = _ENGINES[profile.key] = Engine(default_registry(), profile.options)
    if not engine.rule_ids:
        raise UsageError(engine.no_rules_message())
    result = engine.scan_bytes(filename, text.encode("utf-8"))
    return sorted(result.findings, key=lambda f: f.sort_key)


@dataclass(frozen=True)
class ReportStats:
    """What a scan went through: the counts of :class:`ScanStats`, frozen."""

    files_seen: int = 0
    files_scanned: int = 0
    files_skipped: int = 0
    files_ignored: int = 0
    bytes_scanned: int = 0
    seconds: float = 0.0
    jobs: int = 1
    cached: int = 0


_Stats = TypeVar("_Stats")


def _same_stats(cls: type[_Stats], source: Any) -> _Stats:
    """``source``'s counts as a ``cls`` (ReportStats and ScanStats share their fields)."""
    return cls(**{f.name: getattr(source, f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Report:
    """The answer of :func:`rolecall.scan`: what ``rolecall scan`` reports, frozen.

    ``findings`` are the reported findings (after inline suppressions and the baseline),
    sorted by path and position; ``suppressed`` the inline-suppressed ones (with their
    reason); ``notices`` what could not be scanned, or only partly (``RC9xx``).
    :attr:`exit_code` is the command line's; :meth:`to_text`, :meth:`to_json` and
    :meth:`to_sarif` return exactly what it writes in those formats.
    """

    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    notices: tuple[Notice, ...]
    stats: ReportStats
    #: The lowest severity that fails the scan (the configuration's, or the argument's).
    fail_level: Severity = Severity.WARNING
    #: Findings the baseline accepted (left out of ``findings``).
    accepted_by_baseline: int = 0
    #: Baseline entries that matched nothing (counted with ``report_stale``; each is
    #: also an ``RC911`` notice).
    stale_baseline_entries: int = 0
    #: The rules that ran (on some file), with their documentation.
    rules: tuple[RuleInfo, ...] = ()
    #: The directory the paths are relative to.
    root: str = ""
    tool_version: str = ""
    shard: str | None = None
    #: The files whose content the rules saw, and the paths an ignore rule left out.
    scanned_paths: tuple[str, ...] = ()
    ignored_paths: tuple[str, ...] = ()
    #: GitHub's ``primaryLocationLineHash`` as (path, line, hash), for SARIF.
    line_hashes: tuple[tuple[str, int, str], ...] = ()
    #: SARIF ``informationUri`` from the configuration (None: the project's URL).
    information_uri: str | None = None

    @classmethod
    def from_scan_report(cls, report: ScanReport, *, stale: int = 0) -> Report:
        """Freeze a :class:`ScanReport` (``stale``: stale baseline entries counted)."""
        return cls(
            findings=tuple(report.findings),
            suppressed=tuple(report.suppressed),
            notices=tuple(report.notices),
            stats=_same_stats(ReportStats, report.stats),
            fail_level=report.fail_level,
            accepted_by_baseline=report.accepted_by_baseline,
            stale_baseline_entries=stale,
            rules=tuple(report.rules),
            root=report.root,
            tool_version=report.tool_version,
            shard=report.shard,
            scanned_paths=tuple(report.scanned_paths),
            ignored_paths=tuple(report.ignored_paths),
            line_hashes=tuple((p, n, h) for (p, n), h in report.line_hashes.items()),
            information_uri=report.information_uri,
        )

    def scan_report(self) -> ScanReport:
        """A mutable copy, as the reporters take it."""
        from rolecall.output.report import ScanReport, ScanStats

        return ScanReport(
            root=self.root,
            tool_version=self.tool_version,
            rules=list(self.rules),
            findings=list(self.findings),
            suppressed=list(self.suppressed),
            notices=list(self.notices),
            stats=_same_stats(ScanStats, self.stats),
            fail_level=self.fail_level,
            shard=self.shard,
            scanned_paths=list(self.scanned_paths),
            ignored_paths=list(self.ignored_paths),
            line_hashes={(p, n): h for p, n, h in self.line_hashes},
            accepted_by_baseline=self.accepted_by_baseline,
            information_uri=self.information_uri,
        )

    def failing(self) -> tuple[Finding, ...]:
        """Findings at or above :attr:`fail_level`: they make the exit code 1."""
        return tuple(f for f in self.findings if self.fail_level <= f.severity)

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this answer: 1 when a finding is at or above
        :attr:`fail_level`, else 0."""
        return 1 if self.failing() else 0

    def with_fail_level(self, level: Severity | str) -> Report:
        """This report judged at another fail level (``"note"``, ``"warning"``,
        ``"error"``): :attr:`exit_code` and the reports' summaries follow it."""
        import dataclasses

        parsed = level if isinstance(level, Severity) else Severity.parse(level)
        return dataclasses.replace(self, fail_level=parsed)

    def write(
        self,
        out: TextIO,
        format: str = "text",
        *,
        color: bool = False,
        verbose: int = 0,
        width: int | None = None,
    ) -> None:
        """Write the report to ``out`` in ``format`` (text, json, sarif, github), as the
        command line does: ``verbose`` is its ``-v`` count (``-1``: ``-q``), ``width``
        the terminal's width that text recommendations wrap to (None: no wrapping)."""
        from rolecall.output.formats import write_report

        write_report(self.scan_report(), out, format, color=color, verbose=verbose, width=width)

    def render(self, format: str = "text", *, verbose: int = 0) -> str:
        """The report in ``format`` as one string (see :meth:`write`)."""
        import io

        buffer = io.StringIO()
        self.write(buffer, format, verbose=verbose)
        return buffer.getvalue()

    def to_text(self, *, verbose: int = 0, color: bool = False, width: int | None = None) -> str:
        """What ``rolecall scan`` prints (``-v`` ``verbose`` times; ``-q`` is ``-1``)."""
        import io

        buffer = io.StringIO()
        self.write(buffer, "text", color=color, verbose=verbose, width=width)
        return buffer.getvalue()

    def to_json(self) -> str:
        """What ``rolecall scan --format json`` writes (schema: docs/json-format.md)."""
        return self.render("json")

    def to_sarif(self, *, indent: bool = False) -> str:
        """What ``rolecall scan --format sarif`` writes: a SARIF 2.1.0 log (indented,
        as with ``-v``, when ``indent``)."""
        return self.render("sarif", verbose=1 if indent else 0)
