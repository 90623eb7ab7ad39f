"""The library API: :func:`scan` and :func:`scan_text`, and the one scan that both the
library and ``rolecall scan`` run (:func:`run_scan_command`).

``rolecall scan`` turns its command line into :class:`ScanOptions` and calls
:func:`run_scan_command`; :func:`scan` turns its arguments into the same options, so the
two give the same answer: each file's own configuration (or one ``config``, or none),
the baseline, the fail level, the notices and the exit code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Union

from rolecall.config import ConfigError
from rolecall.model import Severity

if TYPE_CHECKING:
    from rolecall.engine import Engine
    from rolecall.model import Finding
    from rolecall.progress import Progress
    from rolecall.report import Report

#: A path argument: a string or an ``os.PathLike`` such as ``pathlib.Path``.
StrPath = Union[str, "os.PathLike[str]"]


class UsageError(ConfigError):
    """A mistake in how rolecall was asked to scan (a bad option value or combination):
    exit code 2 on the command line, this exception from the library."""


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


def run_scan_command(
    options: ScanOptions, *, cwd: str | None = None, progress: Progress | None = None
) -> Report:
    """The scan of ``rolecall scan``: configuration, walk, rules, baseline, fail level.

    ``cwd`` is the directory the scan runs from (default: the working directory); the
    paths in ``options`` are relative to the working directory either way. Raises
    :class:`~rolecall.config.ConfigError` (and its :class:`UsageError`, baseline
    errors) and :class:`~rolecall.walker.PathNotFound` for the user's mistakes.
    """
    from rolecall import __version__
    from rolecall.baseline_cmd import scan_baseline, use_baseline
    from rolecall.report import Report
    from rolecall.runner import ScanRequest, run_scan
    from rolecall.settings import passed_over_notices, scan_setup

    setup = scan_setup(options, cwd)
    config = setup.config
    output = options.output
    if output and not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise UsageError(f"--output {output}: the directory does not exist")
    baseline = scan_baseline(options, config)
    shard = None
    if options.shard:
        from rolecall.shard import ShardError, parse_shard

        try:
            shard = parse_shard(options.shard)
        except ShardError as exc:
            raise UsageError(f"--shard: {exc}") from None
    cache_dir = None
    if config.cache and not options.no_cache:
        from rolecall.cachekey import user_cache_dir

        # Never inside the scanned tree: a scan (and the pre-commit hook) writes nothing there.
        cache_dir = user_cache_dir()
    request = ScanRequest(
        paths=options.paths,
        base=cwd if cwd is not None else os.getcwd(),
        walk=setup.walk,
        engine=setup.engine,
        jobs=setup.jobs,
        cache_dir=cache_dir,
        shard=shard,
        # Only these need the rules' metadata: without it, a text scan that the cache
        # answers never loads a rule.
        rule_infos=options.format in ("json", "sarif") or baseline is not None,
        profiles=setup.settings.profile if setup.settings is not None else None,
    )
    report = run_scan(request, tool_version=__version__, progress=progress)
    passed_over = passed_over_notices(setup, cwd)
    if passed_over:
        report.notices.extend(passed_over)
        report.notices.sort(key=lambda n: n.sort_key)
    outcome = use_baseline(options, config, report, baseline)
    report.fail_level = config.fail_level
    return Report.from_scan_report(report, stale=len(outcome.stale) if outcome else 0)


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

    Each file gets the configuration of its own directory (the nearest
    ``.rolecall.toml`` or ``pyproject.toml`` with a ``[tool.rolecall]`` table), or
    ``config`` (a file) for every file, or none with ``isolated``. The other arguments
    are the command line's flags and override the configuration: ``select``/``ignore``
    (rule ids or prefixes), ``exclude`` (gitignore-style patterns), ``baseline`` (a
    baseline file; None: the configured one; False: none), ``report_stale``,
    ``fail_level``, ``gitignore`` (False: ``--no-gitignore``), ``follow_symlinks``,
    ``max_file_size``, ``report_examples``, ``report_unused_suppressions``, ``shard``
    (``"K/N"``). ``jobs``: worker processes (0: every core; None: the configuration's).
    ``cache``: use the result cache in the user cache directory when the configuration
    allows it (the command line's default; off here unless asked).

    Relative paths (``paths``, ``config``, ``baseline``) are relative to ``base``
    (default: the working directory), and so are the reported paths.

    Raises :class:`rolecall.ConfigError` for a bad configuration or baseline file or a
    bad argument (:class:`rolecall.UsageError`, a subclass), and
    :class:`rolecall.PathNotFound` for a path that does not exist: the command line's
    exit code 2.
    """
    where = os.path.abspath(os.fspath(base)) if base is not None else None
    given = _paths(paths) or (".",)
    if where is not None:
        given = tuple(os.path.join(where, p) for p in given)
    level = fail_level.value if isinstance(fail_level, Severity) else fail_level
    if level is not None:
        try:
            Severity.parse(level)
        except ValueError as exc:
            raise UsageError(f"fail_level: {exc}") from None
    options = ScanOptions(
        paths=given,
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
        fail_level=level,
        # The superset: fix edits, line hashes and rule metadata, so that every one of
        # the report's formats is what the command line writes in it.
        format="sarif",
        baseline=None if baseline is None or baseline is False else _at(where or "", baseline),
        no_baseline=baseline is False,
        report_stale=report_stale,
        no_cache=not cache,
        shard=shard,
    )
    return run_scan_command(options, cwd=where)


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
    from rolecall.config import default_config, load_config_file, parse_codes
    from rolecall.engine import Engine
    from rolecall.options import make_profile
    from rolecall.registry import default_registry
    from rolecall.settings import Flags, engine_options

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
