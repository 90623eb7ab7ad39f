"""The one scan behind ``rolecall scan`` and the library's :func:`rolecall.scan`.

The command line passes its parsed flags, the library its
:class:`~rolecall.api.ScanOptions` (the same names), so both get the same answer. This
module is small and imports the rest on use: the command line's start-up pays for no
more than it did.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rolecall.errors import UsageError as UsageError  # re-exported

if TYPE_CHECKING:
    from rolecall.config.load import Config
    from rolecall.config.settings import SetupArgs
    from rolecall.output.progress import Progress
    from rolecall.output.report import ScanReport
    from rolecall.plugin.registry import Registry
    from rolecall.suppress.baseline import Baseline


def run_scan_command(
    options: SetupArgs,
    *,
    cwd: str | None = None,
    progress: Progress | None = None,
    registry: Registry | None = None,
) -> tuple[ScanReport, int]:
    """The scan of ``rolecall scan``: configuration, walk, rules, baseline, fail level.

    The baseline goes into the scan request: :func:`rolecall.engine.runner.run_scan`
    applies it (the suppress stage), as it does for any caller.

    ``options`` is ``scan``'s parsed command line, or the library's
    :class:`~rolecall.api.ScanOptions`. ``cwd`` is the directory the scan runs from
    (default: the working directory; relative paths in ``options`` are relative to the
    working directory either way). Returns the report and the number of stale baseline
    entries (counted with ``report_stale``). Raises
    :class:`~rolecall.config.load.ConfigError` (and its :class:`UsageError`, baseline
    errors) and :class:`~rolecall.walk.walker.PathNotFound` for the user's mistakes.

    ``registry``: the rules to run instead of the installed ones (the test suite's
    golden files come from this, the command line's own scan, with fixture rules).
    """
    import dataclasses

    from rolecall import __version__
    from rolecall.cli.baseline_cmd import keyed_setup, report_stale
    from rolecall.config.settings import passed_over_notices, scan_setup
    from rolecall.engine.runner import ScanRequest, run_scan

    setup = scan_setup(options, cwd)
    config = setup.config
    output = options.output
    if output and not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise UsageError(f"--output {output}: the directory does not exist")
    baseline = _baseline(options, config)
    setup = keyed_setup(setup, baseline)
    request = ScanRequest(
        paths=tuple(options.paths),
        base=cwd if cwd is not None else os.getcwd(),
        walk=setup.walk,
        engine=setup.engine,
        jobs=setup.jobs,
        cache_dir=_cache_dir(options, config),
        shard=_shard(options),
        # Only these need the rules' metadata: without it, a text scan that the cache
        # answers never loads a rule.
        rule_infos=options.format in ("json", "sarif") or baseline is not None,
        profiles=setup.settings.profile if setup.settings is not None else None,
        baseline=baseline,
        report_stale=baseline is not None and report_stale(options, config),
    )
    report = run_scan(request, registry=registry, tool_version=__version__, progress=progress)
    notices = report.notices
    passed_over = passed_over_notices(setup, cwd)
    if passed_over:
        notices = sorted([*notices, *passed_over], key=lambda n: n.sort_key)
    level, uri = config.fail_level, config.sarif_information_uri
    report = dataclasses.replace(report, notices=notices, fail_level=level, information_uri=uri)
    return report, report.stale_baseline_entries


def _baseline(options: SetupArgs, config: Config) -> Baseline | None:
    """The baseline the scan filters through, loaded before the scan (a bad file fails
    fast), and noted as an input of the report that a replay must stat."""
    from rolecall.cli.baseline_cmd import baseline_path, scan_baseline

    if options.report_stale and baseline_path(options, config) is None:
        raise UsageError("--report-stale needs a baseline (--baseline FILE or config)")
    baseline = scan_baseline(options, config)
    if baseline is not None:
        from rolecall.cache.replay import note_input

        path = baseline_path(options, config)
        if path is not None:
            note_input(path)
    return baseline


def _shard(options: SetupArgs) -> tuple[int, int] | None:
    """``--shard K/N`` parsed (None without it)."""
    if not options.shard:
        return None
    from rolecall.walk.shard import ShardError, parse_shard

    try:
        return parse_shard(options.shard)
    except ShardError as exc:
        raise UsageError(f"--shard: {exc}") from None


def _cache_dir(options: SetupArgs, config: Config) -> str | None:
    """The result cache's directory, or None when caching is off."""
    if not config.cache or options.no_cache:
        return None
    from rolecall.cache.key import user_cache_dir

    # Never inside the scanned tree: a scan (and the pre-commit hook) writes nothing there.
    return user_cache_dir()
