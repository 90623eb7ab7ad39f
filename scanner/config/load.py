"""Configuration: ``[tool.rolecall]`` in ``pyproject.toml`` or a ``.rolecall.toml``.

A file is found by walking up from a directory; in one directory ``.rolecall.toml``
wins over ``pyproject.toml``, and a ``pyproject.toml`` without a ``[tool.rolecall]``
table is passed over. Each scanned file gets the configuration of its own directory
(:class:`ConfigTree`; how it is applied is :mod:`rolecall.config.settings`). Every key is
validated: an unknown key or a bad value is a :class:`ConfigError` of one line naming
the file, the table and the key (exit 2; :mod:`rolecall.config.check` says how).
Command-line flags override the file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rolecall.config.check import Invalid, codes, expected, place, toml_error
from rolecall.config.keys import KEYS as KEYS  # re-exported
from rolecall.config.keys import SARIF_KEYS as SARIF_KEYS  # re-exported
from rolecall.config.keys import Nested, read_key
from rolecall.errors import ConfigError as ConfigError  # re-exported: public API
from rolecall.model import Severity

#: The baseline file ``rolecall baseline`` writes when none is configured.
DEFAULT_BASELINE = ".rolecall-baseline.json"


@dataclass(frozen=True)
class Config:
    """Settings from the file (or defaults); the CLI layers its flags on top."""

    path: str | None = None  # the file it came from
    root: str = "."  # directory paths in the file are relative to
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    fail_level: Severity = Severity.WARNING
    max_file_size: int | None = None
    allowlist: tuple[str, ...] = ()
    respect_gitignore: bool = True
    follow_symlinks: bool = False
    report_examples: bool = False
    foreign_suppressions: bool = True
    jobs: int = 0
    baseline: str | None = None  # relative to ``root``
    report_stale: bool = False
    report_unused_suppressions: bool = False
    cache: bool = True
    #: ``[sarif] information-uri``: the project page SARIF logs link to (None: the
    #: project's own URL from its package metadata).
    sarif_information_uri: str | None = None
    #: ``(file, reason)`` for each ``pyproject.toml`` passed over on the way up because it
    #: is not rolecall's to read (invalid TOML, ``tool`` not a table): scan notices.
    passed_over: tuple[tuple[str, str], ...] = ()


def parse_codes(key: str, text: str) -> tuple[str, ...]:
    """Comma-separated rule codes from the command line."""
    try:
        return codes([c for c in text.split(",") if c.strip()])
    except Invalid as exc:
        raise ConfigError(f"{key}: {exc}") from None


def config_from_mapping(data: Mapping[str, Any], *, path: str | None, root: str) -> Config:
    """Validate a ``[tool.rolecall]`` table (a ``.rolecall.toml``'s top level).

    A mistake is a :class:`ConfigError` of one line that names the file, the table and
    the key: ``pyproject.toml: [tool.rolecall] bogus: unknown key; did you mean ...?``.
    """
    values: dict[str, Any] = {"path": path, "root": root}
    table = ("tool", "rolecall") if path and os.path.basename(path) == "pyproject.toml" else ()
    for key, value in data.items():
        try:
            read_key(values, key, value, table)
        except Nested as exc:
            raise ConfigError(place(path, (*table, key), exc.at) + str(exc)) from None
        except Invalid as exc:
            raise ConfigError(place(path, table, key) + str(exc)) from None
    return Config(**values)


def _read_toml(path: str) -> dict[str, Any]:
    # Imported here: a scan without a configuration file never parses TOML.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        detail = f"cannot read: {exc.strerror}"
        raise ConfigError(place(path, (), None) + detail, detail) from None
    except tomllib.TOMLDecodeError as exc:
        detail = toml_error(exc)
        raise ConfigError(place(path, (), None) + detail, detail) from None


def load_config_file(path: str) -> Config:
    """Read ``path`` (a ``.rolecall.toml`` or a ``pyproject.toml``)."""
    root = os.path.dirname(os.path.abspath(path))
    if os.path.basename(path) == "pyproject.toml":
        table, _reason = _rolecall_table(path)
        return config_from_mapping(table or {}, path=path, root=root)
    return config_from_mapping(_read_toml(path), path=path, root=root)


#: A ``[tool.rolecall]`` table header or a ``tool.rolecall.x = ...`` dotted key: a file
#: that says so is rolecall's to judge even when it is not valid TOML.
_OURS = re.compile(rb"(?m)^[ \t]*(?:\[[ \t]*)?tool[ \t]*\.[ \t]*rolecall\b")


def _rolecall_table(path: str) -> tuple[Mapping[str, Any] | None, str]:
    """The ``[tool.rolecall]`` table of a ``pyproject.toml`` (None when it has none), and
    why the file was passed over ('' when it was not).

    A ``pyproject.toml`` without the table is not rolecall's to judge: invalid TOML or a
    ``tool`` that is not a table only passes the file over (the scan shows a notice).
    Only a file that configures rolecall and is wrong is a :class:`ConfigError`.
    """
    try:
        data = _read_toml(path)
    except ConfigError as exc:
        try:
            with open(path, "rb") as fh:
                ours = bool(_OURS.search(fh.read()))
        except OSError:
            ours = False
        if ours:
            raise
        return None, f"not read for rolecall's configuration: {exc.detail}"
    tool = data.get("tool")
    if tool is None:
        return None, ""
    if not isinstance(tool, dict):
        return None, "not read for rolecall's configuration: `tool` is not a table"
    if "rolecall" not in tool:
        return None, ""
    table = tool["rolecall"]
    if not isinstance(table, dict):
        problem = str(expected("a table", table))
        raise ConfigError(place(path, ("tool",), "rolecall") + problem)
    return table, ""


def find_config_file(start: str) -> str | None:
    """The nearest configuration file at or above ``start``."""
    return _find(start)[0]


def _find(start: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The nearest configuration file at or above ``start``, and the ``pyproject.toml``
    files passed over on the way with the reason."""
    passed: list[tuple[str, str]] = []
    current = os.path.abspath(start)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        own = os.path.join(current, ".rolecall.toml")
        if os.path.isfile(own):
            return own, tuple(passed)
        pyproject = os.path.join(current, "pyproject.toml")
        if os.path.isfile(pyproject):
            table, reason = _rolecall_table(pyproject)
            if table is not None:
                return pyproject, tuple(passed)
            if reason:
                passed.append((pyproject, reason))
        parent = os.path.dirname(current)
        if parent == current:
            return None, tuple(passed)
        current = parent


def load_config(start: str, explicit: str | None = None) -> Config:
    """The configuration for a scan rooted at ``start`` (defaults when there is none)."""
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise ConfigError(place(explicit, (), None) + "configuration file not found")
        return load_config_file(explicit)
    found, passed = _find(start)
    config = default_config(start) if found is None else load_config_file(found)
    if passed:
        import dataclasses

        config = dataclasses.replace(config, passed_over=passed)
    return config


def default_config(start: str) -> Config:
    """The defaults, with excludes relative to the scan root ``start`` (a directory),
    or to the working directory when ``start`` is a file."""
    return Config(root=os.path.abspath(start if os.path.isdir(start) else os.curdir))


class ConfigTree:
    """The configuration that governs each directory: the nearest configuration file at
    or above it (ruff's hierarchy: no merging, the nearest file governs alone), else
    ``default``.

    Answers are cached per directory, and each walk up stops at the first directory
    already answered, so a scan stats each directory's two candidate files once, and
    reads each configuration file once, however many files it governs. The
    ``pyproject.toml`` files passed over on the way are collected in ``passed_over``.
    """

    def __init__(self, default: Config) -> None:
        self.default = default
        self._dirs: dict[str, Config] = {}
        self._files: dict[str, Config] = {}
        #: file -> why it was not read for rolecall, in the order they were met.
        self.passed_over: dict[str, str] = {}

    def for_directory(self, directory: str) -> Config:
        """The configuration governing ``directory`` (an absolute or relative path)."""
        found = self._dirs.get(directory)  # the walk asks with absolute, normal paths
        if found is not None:
            return found
        current = os.path.abspath(directory)
        found = self._dirs.get(current)
        if found is not None:
            self._dirs[directory] = found
            return found
        chain: list[str] = []
        config: Config | None = None
        while True:
            cached = self._dirs.get(current)
            if cached is not None:
                config = cached
                break
            chain.append(current)
            path = self._own_file(current)
            if path is not None:
                config = self._load(path)
                break
            parent = os.path.dirname(current)
            if parent == current:
                config = self.default
                break
            current = parent
        for folder in chain:
            self._dirs[folder] = config
        self._dirs[directory] = config
        return config

    def for_file(self, path: str) -> Config:
        """The configuration governing the directory of file ``path``."""
        return self.for_directory(os.path.dirname(os.path.abspath(path)))

    def _own_file(self, directory: str) -> str | None:
        own = os.path.join(directory, ".rolecall.toml")
        if os.path.isfile(own):
            return own
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject):
            table, reason = _rolecall_table(pyproject)
            if table is not None:
                return pyproject
            if reason:
                self.passed_over.setdefault(pyproject, reason)
        return None

    def _load(self, path: str) -> Config:
        config = self._files.get(path)
        if config is None:
            config = load_config_file(path)
            self._files[path] = config
        return config
