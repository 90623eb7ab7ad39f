"""Each file's settings: the configuration that governs its own directory, with the
command line's flags on top.

Like ruff's hierarchical configuration, the nearest ``.rolecall.toml`` or
``pyproject.toml`` with a ``[tool.rolecall]`` table at or above a file's directory
governs the file alone (no merging with the files above it). What it decides per file:
which rules run and how loud (``select``, ``ignore``, ``per-file-ignores``,
``severity-overrides``), ``allowlist``, ``report-examples``, ``foreign-suppressions``,
``report-unused-suppressions``, and which files are scanned (``include``, ``exclude``,
relative to that file's directory). So a pre-commit batch's result for a file never
depends on which other files are in the batch.

The settings that belong to the whole run (``jobs``, ``cache``, ``baseline``,
``report-stale``, ``fail-level``, ``max-file-size``, ``respect-gitignore``,
``follow-symlinks``) come from one configuration: the one governing the working
directory when every scanned path is inside it (pre-commit and CI run at the
repository's root), else the one governing the deepest directory that holds every
scanned path. See :func:`top_directory`.

:func:`scan_setup` merges the configuration files and the command line's flags for
``scan``, ``baseline`` and ``fix``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolecall.config.load import Config, ConfigTree, default_config, load_config, parse_codes
from rolecall.config.options import EngineOptions, Profile, RuleSelection, make_profile
from rolecall.errors import UsageError
from rolecall.fingerprints import PUBLIC_SALT, Keying
from rolecall.model import Notice, NoticeCode, NoticeLevel, Severity
from rolecall.walk.ignore import ExcludeScope, IgnoreRules, parent_directory
from rolecall.walk.walker import DEFAULT_MAX_FILE_SIZE, WalkOptions, display_path

if TYPE_CHECKING:
    # What scan_setup reads: the command line's typed flags or the library's ScanOptions.
    from rolecall.config.setup_args import SetupArgs as SetupArgs


@dataclass(frozen=True)
class Flags:
    """The command line's per-file options; they override every file's configuration
    (``--select`` replaces, ``--ignore`` and ``--exclude`` add)."""

    base: str  # the working directory: display paths are relative to it
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    report_examples: bool = False
    report_unused_suppressions: bool = False
    fix_edits: bool = True
    line_hashes: bool = False
    fingerprint_salt: str = PUBLIC_SALT
    legacy_fingerprints: bool = False
    slow_fingerprints: bool = True


def engine_options(config: Config, flags: Flags) -> EngineOptions:
    """The engine options for the files ``config`` governs."""
    return EngineOptions(
        selection=RuleSelection(
            select=flags.select or config.select,
            ignore=config.ignore + flags.ignore,
            severity_overrides=config.severity_overrides,
            per_file_ignores=config.per_file_ignores,
            base=flags.base,
            root=config.root,
        ),
        allowlist=config.allowlist,
        report_examples=config.report_examples or flags.report_examples,
        report_unused_suppressions=(
            flags.report_unused_suppressions or config.report_unused_suppressions
        ),
        foreign_pragmas=config.foreign_suppressions,
        fix_edits=flags.fix_edits,
        line_hashes=flags.line_hashes,
        fingerprint_salt=flags.fingerprint_salt,
        legacy_fingerprints=flags.legacy_fingerprints,
        slow_fingerprints=flags.slow_fingerprints,
    )


def top_directory(paths: Sequence[str], cwd: str) -> str:
    """The directory whose configuration decides the run's global settings: the working
    directory when it holds every path, else the deepest directory holding them all.

    Independent of the paths' order, and, for a pre-commit batch (files below the
    repository's root, where pre-commit runs), of which files are in it.
    """
    cwd = os.path.abspath(cwd)
    absolute = [os.path.abspath(p) for p in paths] or [cwd]
    if all(_within(path, cwd) for path in absolute):
        return cwd
    try:
        common = os.path.commonpath(absolute)
    except ValueError:  # no common directory (Windows drives)
        return cwd
    return common if os.path.isdir(common) else os.path.dirname(common)


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


class Settings:
    """Per directory: the configuration governing it (cached in ``tree``), turned into
    the walk's include/exclude scope and the engine's :class:`Profile`, each made once
    per configuration file."""

    def __init__(self, tree: ConfigTree, flags: Flags) -> None:
        self.tree = tree
        self.flags = flags
        self._profiles: dict[str, Profile] = {}
        self._scopes: dict[str, ExcludeScope] = {}
        # By directory: the walk asks for every entry, so one lookup answers.
        self._dir_profiles: dict[str, Profile] = {}
        self._dir_scopes: dict[str, ExcludeScope] = {}

    @staticmethod
    def _name(config: Config) -> str:
        return config.path or ""  # one default configuration per tree

    def profile(self, path: str) -> Profile:
        """The engine profile of the file at ``path``."""
        directory = parent_directory(path if os.path.isabs(path) else os.path.abspath(path))
        profile = self._dir_profiles.get(directory)
        if profile is not None:
            return profile
        config = self.tree.for_directory(directory)
        name = self._name(config)
        profile = self._profiles.get(name)
        if profile is None:
            profile = make_profile(engine_options(config, self.flags))
            self._profiles[name] = profile
        self._dir_profiles[directory] = profile
        return profile

    def scope(self, directory: str) -> ExcludeScope:
        """The include and exclude patterns for the entries of ``directory``."""
        scope = self._dir_scopes.get(directory)
        if scope is not None:
            return scope
        config = self.tree.for_directory(directory)
        name = self._name(config)
        scope = self._scopes.get(name)
        if scope is None:
            exclude = config.exclude + self.flags.exclude
            scope = ExcludeScope(
                root=os.path.abspath(config.root),
                exclude=IgnoreRules(exclude) if exclude else None,
                include=IgnoreRules(config.include) if config.include else None,
            )
            self._scopes[name] = scope
        self._dir_scopes[directory] = scope
        return scope


# --- the command line: flags and configuration files merged ---------------------------


def _split_codes(key: str, values: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(parse_codes(key, value))
    return tuple(out)


#: Report formats that show whether a fix exists but not its edits.
_NO_EDITS = frozenset({"text", "github"})
#: The formats that show no low-entropy fingerprint (SARIF identifies such a finding by
#: its masked line): a scan in one of them, without a baseline, derives no scrypt.
_NO_SLOW_FINGERPRINTS = frozenset({"sarif", "text", "github"})


@dataclass(frozen=True)
class ScanSetup:
    """What ``scan``, ``baseline`` and ``fix`` run with (see :func:`scan_setup`)."""

    #: The run's configuration: its global settings (fail level, baseline, jobs, ...).
    config: Config
    walk: WalkOptions
    #: The engine options of the files ``config`` governs (and the cache's fingerprint).
    engine: EngineOptions
    jobs: int
    #: Each file's own configuration; None with ``--config`` or ``--isolated``.
    settings: Settings | None


def scan_setup(args: SetupArgs, cwd: str | None = None) -> ScanSetup:
    """Merge the configuration files and the flags (flags win).

    Each file gets the configuration governing its own directory (``settings``); the
    run's global settings come from the configuration governing
    :func:`~rolecall.config.settings.top_directory`. ``--config FILE`` and ``--isolated`` apply
    one configuration to every file. ``cwd``: the directory the scan runs from (default:
    the working directory; the library's ``base``), with the paths given absolute.
    """
    here = os.path.abspath(cwd) if cwd is not None else os.getcwd()
    paths = list(args.paths) or ["."]
    start = paths[0]
    flags = Flags(
        base=here,
        select=_split_codes("--select", args.select),
        ignore=_split_codes("--ignore", args.ignore),
        exclude=tuple(args.exclude),
        report_examples=args.report_examples,
        report_unused_suppressions=args.report_unused_suppressions,
        # Only fixing and the JSON/SARIF reports use edits; building them costs libcst.
        fix_edits=args.command == "fix" or args.format not in _NO_EDITS,
        # Only SARIF reports carry line hashes; a text scan (the hook) never pays for them.
        line_hashes=args.format == "sarif",
        # Only a report that shows them reads low-entropy fingerprints (JSON, the
        # library's); a baseline needs them too (see with_keying).
        slow_fingerprints=_reads_slow_fingerprints(args),
    )
    settings = None
    # The defaults' excludes are relative to the first path when it is a directory,
    # else to the directory the scan runs from.
    first = os.path.join(here, start)
    default = default_config(first if os.path.isdir(first) else here)
    if args.isolated:
        config = default
    elif args.config is not None:
        config = load_config(start, args.config)
    else:
        tree = ConfigTree(default)
        config = tree.for_directory(top_directory(paths, here))
        settings = Settings(tree, flags)
    max_size = args.max_file_size or config.max_file_size or DEFAULT_MAX_FILE_SIZE
    if args.max_file_size is not None and args.max_file_size < 1:
        raise UsageError("--max-file-size: expected a positive number of bytes")
    jobs = args.jobs if args.jobs is not None else config.jobs
    if jobs < 0:
        raise UsageError("--jobs: expected 0 (all cores) or more")
    walk = WalkOptions(
        include=config.include,
        exclude=config.exclude + flags.exclude,
        exclude_root=config.root,
        use_gitignore=config.respect_gitignore and not args.no_gitignore,
        follow_symlinks=config.follow_symlinks or args.follow_symlinks,
        max_file_size=max_size,
        scopes=settings.scope if settings is not None else None,
    )
    engine = engine_options(config, flags)
    if args.fail_level:
        config = _replace_fail_level(config, Severity.parse(args.fail_level))
    return ScanSetup(config, walk, engine, jobs, settings)


def with_keying(setup: ScanSetup, keying: Keying) -> ScanSetup:
    """``setup`` with every file's fingerprints keyed by ``keying`` (a baseline's salt).

    Known only once the run's configuration has named the baseline, so applied after
    :func:`scan_setup`, to the run's engine options and to each file's.
    """
    import dataclasses

    # Matching or writing a baseline compares every fingerprint: scrypt ones too.
    engine = dataclasses.replace(
        setup.engine,
        fingerprint_salt=keying.salt,
        legacy_fingerprints=keying.legacy,
        slow_fingerprints=True,
    )
    settings = setup.settings
    if settings is not None:
        flags = dataclasses.replace(
            settings.flags,
            fingerprint_salt=keying.salt,
            legacy_fingerprints=keying.legacy,
            slow_fingerprints=True,
        )
        settings = Settings(settings.tree, flags)
    return dataclasses.replace(setup, engine=engine, settings=settings)


def _reads_slow_fingerprints(args: SetupArgs) -> bool:
    """Whether the run's output shows low-entropy fingerprints: every command but a
    ``scan`` in a format that shows none (the library asks for them itself)."""
    if args.slow_fingerprints:
        return True
    return args.command != "scan" or args.format not in _NO_SLOW_FINGERPRINTS


def _replace_fail_level(config: Config, level: Severity) -> Config:
    import dataclasses

    return dataclasses.replace(config, fail_level=level)


def passed_over_notices(setup: ScanSetup, cwd: str | None = None) -> list[Notice]:
    """A notice for each ``pyproject.toml`` that was not rolecall's to read: on the way
    up from a scanned file's directory, or from the run's top directory (paths relative
    to ``cwd``, default: the working directory)."""
    base = os.path.abspath(cwd) if cwd is not None else os.getcwd()
    passed = dict(setup.config.passed_over)
    if setup.settings is not None:
        passed.update(setup.settings.tree.passed_over)
    return [
        Notice(NoticeCode.UNPARSEABLE, reason, display_path(path, base), NoticeLevel.WARNING)
        for path, reason in passed.items()
    ]
