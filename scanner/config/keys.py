"""The keys of ``[tool.rolecall]`` and how each value is checked.

:func:`read_key` turns one key's value into :class:`~rolecall.config.load.Config` fields or
raises :class:`~rolecall.config.check.Invalid` (:class:`Nested` for a key of a nested
table); :func:`rolecall.config.load.config_from_mapping` names the file, table and key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rolecall.config.check import Invalid, codes, expected, strings, suggestion
from rolecall.model import Severity
from rolecall.output.redact import scrub

#: Every key of ``[tool.rolecall]`` (a ``.rolecall.toml``'s top level).
KEYS = (
    "include",
    "exclude",
    "select",
    "ignore",
    "per-file-ignores",
    "severity-overrides",
    "fail-level",
    "max-file-size",
    "allowlist",
    "respect-gitignore",
    "follow-symlinks",
    "report-examples",
    "foreign-suppressions",
    "jobs",
    "baseline",
    "report-stale",
    "report-unused-suppressions",
    "cache",
    "sarif",
)
#: Every key of ``[tool.rolecall.sarif]``.
SARIF_KEYS = ("information-uri",)


class Nested(Invalid):
    """A problem in a nested table: ``at`` is the key under the top-level key."""

    def __init__(self, message: str, at: str) -> None:
        super().__init__(message)
        self.at = at


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise expected("true or false", value)
    return value


def _severity(value: Any) -> Severity:
    if not isinstance(value, str):
        raise expected("one of note, warning, error", value)
    try:
        return Severity.parse(value)
    except ValueError as exc:
        hint = suggestion(value.strip().lower(), [s.value for s in Severity])
        raise Invalid(f"{exc}{hint}") from None


def _int(value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise expected(f"a whole number of at least {minimum}", value)
    if value < minimum:
        raise Invalid(f"expected a whole number of at least {minimum}, got {value}")
    return value


def _regexes(value: Any) -> tuple[str, ...]:
    patterns = strings(value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise Invalid(f"bad regular expression {scrub(repr(pattern))}: {exc}") from None
    return patterns


def _relative_path(value: Any) -> str:
    if not isinstance(value, str):
        raise expected("a file path (relative to the configuration file)", value)
    if not value.strip():
        raise Invalid("expected a file path (relative to the configuration file), got ''")
    if "\0" in value:
        raise Invalid("a path cannot contain a NUL character")
    return value


def _table(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise expected("a table", value)
    return value


def _per_file_ignores(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for glob, listed in _table(value).items():
        try:
            if not glob.strip():
                raise Invalid("an empty glob matches nothing")
            out.append((glob, codes(listed)))
        except Invalid as exc:
            raise Nested(str(exc), glob) from None
    return tuple(out)


def _severity_overrides(value: Any) -> dict[str, Severity]:
    overrides = {}
    for code, level in _table(value).items():
        try:
            overrides[codes([code])[0]] = _severity(level)
        except Invalid as exc:
            raise Nested(str(exc), code) from None
    return overrides


def _information_uri(value: Any) -> str:
    if not isinstance(value, str):
        raise expected("an absolute http(s) URL", value)
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("https", "http") or not parts.netloc:
        # Quoted redacted: a key pasted into the wrong setting must not reach a CI log.
        raise Invalid(f"expected an absolute http(s) URL, got {scrub(repr(value))}")
    if any(c.isspace() or not c.isprintable() for c in value):
        raise Invalid("a URL cannot contain spaces or control characters")
    return value


def _sarif(value: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, item in _table(value).items():
        try:
            if key == "information-uri":
                values["sarif_information_uri"] = _information_uri(item)
            else:
                raise Invalid(f"unknown key{suggestion(key, SARIF_KEYS)}")
        except Invalid as exc:
            raise Nested(str(exc), key) from None
    return values


def _unknown_key(key: str, table: tuple[str, ...]) -> Invalid:
    if key == "tool" and not table:
        return Invalid(
            "unknown key; a .rolecall.toml holds the keys at its top level, without [tool.rolecall]"
        )
    return Invalid(f"unknown key{suggestion(key, KEYS)}")


def read_key(values: dict[str, Any], key: str, value: Any, table: tuple[str, ...]) -> None:
    match key:
        case "include":
            values["include"] = strings(value)
        case "exclude":
            values["exclude"] = strings(value)
        case "select":
            values["select"] = codes(value)
        case "ignore":
            values["ignore"] = codes(value)
        case "per-file-ignores":
            values["per_file_ignores"] = _per_file_ignores(value)
        case "severity-overrides":
            values["severity_overrides"] = _severity_overrides(value)
        case "fail-level":
            values["fail_level"] = _severity(value)
        case "max-file-size":
            values["max_file_size"] = _int(value, 1)
        case "allowlist":
            values["allowlist"] = _regexes(value)
        case "respect-gitignore":
            values["respect_gitignore"] = _bool(value)
        case "follow-symlinks":
            values["follow_symlinks"] = _bool(value)
        case "report-examples":
            values["report_examples"] = _bool(value)
        case "foreign-suppressions":
            values["foreign_suppressions"] = _bool(value)
        case "jobs":
            values["jobs"] = _int(value, 0)
        case "baseline":
            values["baseline"] = _relative_path(value)
        case "report-stale":
            values["report_stale"] = _bool(value)
        case "report-unused-suppressions":
            values["report_unused_suppressions"] = _bool(value)
        case "cache":
            values["cache"] = _bool(value)
        case "sarif":
            values.update(_sarif(value))
        case _:
            raise _unknown_key(key, table)
