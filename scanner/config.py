"""Configuration: ``[tool.rolecall]`` in ``pyproject.toml`` or a ``.rolecall.toml``.

A file is found by walking up from a directory; in one directory ``.rolecall.toml``
wins over ``pyproject.toml``, and a ``pyproject.toml`` without a ``[tool.rolecall]``
table is passed over. Each scanned file gets the configuration of its own directory
(:class:`ConfigTree`; how it is applied is :mod:`rolecall.settings`). Every key is
validated: an unknown key or a bad value is a :class:`ConfigError` naming the key
(exit 2). Command-line flags override the file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rolecall.model import Severity

#: The baseline file ``rolecall baseline`` writes when none is configured.
DEFAULT_BASELINE = ".rolecall-baseline.json"

CODE = re.compile(r"^(?:RC\d{0,3}|ALL)$")


class ConfigError(Exception):
    """A user's configuration or command-line mistake: one line, exit code 2."""


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
    #: ``(file, reason)`` for each ``pyproject.toml`` passed over on the way up because it
    #: is not rolecall's to read (invalid TOML, ``tool`` not a table): scan notices.
    passed_over: tuple[tuple[str, str], ...] = ()


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings")
    return tuple(value)


def _codes(key: str, value: Any) -> tuple[str, ...]:
    codes = tuple(c.strip().upper() for c in _strings(key, value))
    for code in codes:
        if not CODE.match(code):
            raise ConfigError(f"{key}: {code!r} is not a rule id or prefix (e.g. RC101, RC1)")
    return codes


def parse_codes(key: str, text: str) -> tuple[str, ...]:
    """Comma-separated rule codes from the command line."""
    return _codes(key, [c for c in text.split(",") if c.strip()])


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false")
    return value


def _severity(key: str, value: Any) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected one of note, warning, error")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def _int(key: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{key}: expected a whole number of at least {minimum}")
    return value


def _regexes(key: str, value: Any) -> tuple[str, ...]:
    patterns = _strings(key, value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{key}: bad regular expression {pattern!r}: {exc}") from None
    return patterns


def _glob(key: str, glob: str) -> str:
    if not glob.strip():
        raise ConfigError(f"{key}: an empty glob matches nothing")
    return glob


def _relative_path(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key}: expected a file path (relative to the configuration file)")
    if "\0" in value:
        raise ConfigError(f"{key}: a path cannot contain a NUL character")
    return value


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table")
    return value


def config_from_mapping(data: Mapping[str, Any], *, path: str | None, root: str) -> Config:
    """Validate a ``[tool.rolecall]`` table."""
    values: dict[str, Any] = {"path": path, "root": root}
    prefix = "tool.rolecall." if path and path.endswith("pyproject.toml") else ""
    for raw_key, value in data.items():
        key = f"{prefix}{raw_key}"
        match raw_key:
            case "include":
                values["include"] = _strings(key, value)
            case "exclude":
                values["exclude"] = _strings(key, value)
            case "select":
                values["select"] = _codes(key, value)
            case "ignore":
                values["ignore"] = _codes(key, value)
            case "per-file-ignores":
                values["per_file_ignores"] = tuple(
                    (_glob(key, glob), _codes(f"{key}.{glob}", codes))
                    for glob, codes in _table(key, value).items()
                )
            case "severity-overrides":
                overrides = {}
                for code, level in _table(key, value).items():
                    overrides[_codes(key, [code])[0]] = _severity(f"{key}.{code}", level)
                values["severity_overrides"] = overrides
            case "fail-level":
                values["fail_level"] = _severity(key, value)
            case "max-file-size":
                values["max_file_size"] = _int(key, value, 1)
            case "allowlist":
                values["allowlist"] = _regexes(key, value)
            case "respect-gitignore":
                values["respect_gitignore"] = _bool(key, value)
            case "follow-symlinks":
                values["follow_symlinks"] = _bool(key, value)
            case "report-examples":
                values["report_examples"] = _bool(key, value)
            case "foreign-suppressions":
                values["foreign_suppressions"] = _bool(key, value)
            case "jobs":
                values["jobs"] = _int(key, value, 0)
            case "baseline":
                values["baseline"] = _relative_path(key, value)
            case "report-stale":
                values["report_stale"] = _bool(key, value)
            case "report-unused-suppressions":
                values["report_unused_suppressions"] = _bool(key, value)
            case "cache":
                values["cache"] = _bool(key, value)
            case _:
                raise ConfigError(f"{key}: unknown configuration key")
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
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


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
        reason = str(exc).removeprefix(f"{path}: ")
        return None, f"not read for rolecall's configuration: {reason}"
    tool = data.get("tool")
    if tool is None:
        return None, ""
    if not isinstance(tool, dict):
        return None, "not read for rolecall's configuration: `tool` is not a table"
    if "rolecall" not in tool:
        return None, ""
    return _table("tool.rolecall", tool["rolecall"]), ""


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
            raise ConfigError(f"{explicit}: configuration file not found")
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
