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
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from rolecall.config import Config, ConfigTree
from rolecall.ignore import ExcludeScope, IgnoreRules
from rolecall.options import EngineOptions, Profile, RuleSelection, make_profile


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
    common = os.path.commonpath(absolute)
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
        directory = os.path.dirname(path)
        profile = self._dir_profiles.get(directory)
        if profile is not None:
            return profile
        config = self.tree.for_directory(directory or os.curdir)
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
