"""How a configuration mistake is found and said.

One line names the file, the table and the key, says what was expected and what was
found, and offers the closest valid name when there is one::

    pyproject.toml: [tool.rolecall] bogus: unknown key; did you mean "ignore"?
    .rolecall.toml: [per-file-ignores] "a.json": expected a list of strings, got a string
    pyproject.toml: [tool.rolecall] select: unknown rule id RC1011; did you mean RC101?
    .rolecall.toml: line 3, column 9: invalid TOML: invalid value

A validator raises :class:`Invalid` with the problem only; :func:`place` puts the file,
table and key in front (:mod:`rolecall.config.load` does both).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rolecall.plugin.lazyre import lazy

#: A rule id (``RC`` + up to three digits: an id or a prefix of ids) or ``ALL``.
CODE = lazy(r"^(?:RC\d{0,3}|ALL)$")
_FULL_ID = lazy(r"^RC\d{3}$")
_BARE_KEY = lazy(r"^[A-Za-z0-9_-]+$")
_TOML_POSITION = lazy(r"\(at line (\d+), column (\d+)\)\Z")
_TOML_END = " (at end of document)"


class Invalid(Exception):
    """A value's problem, said without where it is: the caller names the place."""


def kind_of(value: Any) -> str:
    """What TOML type a parsed value has, with its article (``an integer``)."""
    import datetime  # here and below: only a mistake pays for these imports

    if isinstance(value, bool):  # before int: a bool is an int to Python
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.datetime):
        return "a date-time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time"
    return f"a {type(value).__name__}"  # pragma: no cover - TOML has no other types


def expected(what: str, value: Any) -> Invalid:
    """``expected <what>, got <the value's type>``."""
    return Invalid(f"expected {what}, got {kind_of(value)}")


def strings(value: Any) -> tuple[str, ...]:
    """A list of strings, or :class:`Invalid` naming what was found instead."""
    if not isinstance(value, list):
        raise expected("a list of strings", value)
    for item in value:
        if not isinstance(item, str):
            raise Invalid(f"expected a list of strings, got {kind_of(item)} in the list")
    return tuple(value)


def suggestion(word: str, choices: Iterable[str]) -> str:
    """``; did you mean "x"?`` for the closest of ``choices``, or ``''``."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        return ""
    return f'; did you mean "{close[0]}"?'


def toml_key(key: str) -> str:
    """``key`` as TOML writes it: bare when it can be, else a quoted string on one line."""
    if _BARE_KEY.match(key):
        return key
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{_printable(escaped)}"'


def shown_path(path: str) -> str:
    """A configuration file's path as the user knows it: relative to the working
    directory when inside it, else absolute; on one printable line."""
    from rolecall.walk.paths import display_path

    return _printable(display_path(os.path.abspath(path), os.getcwd()))


def place(path: str | None, table: Sequence[str], key: str | None) -> str:
    """``file: [table] key: `` in front of a message; the parts that do not apply are
    left out (``[table]: `` for the table itself)."""
    parts = f"{shown_path(path)}: " if path else ""
    header = f"[{'.'.join(toml_key(t) for t in table)}]" if table else ""
    if key is None:
        return f"{parts}{header}: " if header else parts
    return f"{parts}{header} {toml_key(key)}: " if header else f"{parts}{toml_key(key)}: "


def toml_error(exc: ValueError) -> str:
    """A TOML parser's error as ``line N, column M: invalid TOML: <what>``."""
    message = str(exc).split("\n", 1)[0]
    line = getattr(exc, "lineno", None)  # Python 3.14's tomllib gives the position
    column = getattr(exc, "colno", None)
    found = _TOML_POSITION.search(message)
    if found is not None:
        message = message[: found.start()].rstrip()
        line, column = int(found.group(1)), int(found.group(2))
    message = message.removesuffix(_TOML_END)
    message = message[:1].lower() + message[1:]
    if isinstance(line, int) and isinstance(column, int):
        return f"line {line}, column {column}: invalid TOML: {_printable(message)}"
    return f"invalid TOML: {_printable(message)}"


# --- rule codes -------------------------------------------------------------------------

_KNOWN_IDS: frozenset[str] | None = None


def _manifest_ids() -> frozenset[str]:
    """The built-in rules' ids, from the manifest alone (no rule module imported, no
    digest computed: an id found here is known; one not found is looked up in the
    registry, which also knows the plugins)."""
    import json

    from rolecall.plugin.manifest import MANIFEST_NAME, rules_folder

    folder = rules_folder()
    if folder is None:
        return frozenset()
    try:
        with open(os.path.join(folder, MANIFEST_NAME), encoding="utf-8") as fh:
            modules = json.load(fh)["modules"]
        return frozenset(str(spec["id"]) for specs in modules.values() for spec in specs)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return frozenset()


def _registry_ids() -> frozenset[str]:
    from rolecall.plugin.registry import default_registry

    return frozenset(spec.id for spec in default_registry().specs())


def _known(code: str, ids: frozenset[str]) -> bool:
    return code == "ALL" or any(rule_id.startswith(code) for rule_id in ids)


def rule_ids() -> frozenset[str]:
    """Every installed rule's id, built-in and plugin (loads the registry)."""
    global _KNOWN_IDS
    if _KNOWN_IDS is None:
        _KNOWN_IDS = _registry_ids()
    return _KNOWN_IDS


def codes(value: Any) -> tuple[str, ...]:
    """A list of rule ids or prefixes, each naming at least one installed rule."""
    out = tuple(c.strip().upper() for c in strings(value))
    for code in out:
        check_code(code)
    return out


def check_code(code: str) -> None:
    """:class:`Invalid` unless ``code`` (upper case) is ``ALL`` or an installed rule's id
    or a prefix of one; the closest id is suggested."""
    if not CODE.match(code):
        hint = _closest(code)
        raise Invalid(
            f"{_printable(repr(code))} is not a rule id or prefix (e.g. RC101, RC1){hint}"
        )
    if _known(code, _manifest_ids()) or _known(code, rule_ids()):
        return
    if code.startswith("RC9"):
        raise Invalid(
            f"{code} is a notice code, not a rule: notices (RC9xx) cannot be selected, "
            "ignored or given a severity"
        )
    what = "rule id" if _FULL_ID.match(code) else "rule prefix"
    hint = _closest(code)
    raise Invalid(f"unknown {what} {code}{hint or ': no rule id starts with it'}")


def _common_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


#: Letters typed for the digits they look like (``RC1O1``, ``RCl01``).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _closest(code: str) -> str:
    """``; did you mean X?`` for the installed id or prefix ``code`` most likely meant."""
    import difflib

    ids = sorted(rule_ids())
    fixed = re.sub(r"\s+", "", code.upper()).translate(_LOOKALIKES)
    if fixed != code and CODE.match(fixed) and _known(fixed, frozenset(ids)):
        return f"; did you mean {fixed}?"
    longer = [rule_id for rule_id in ids if code.startswith(rule_id)]
    if longer:  # a digit too many: RC1011
        return f"; did you mean {longer[-1]}?"
    # An id for an id, a prefix for a prefix of the same length: RC4 is not "nearly RC14".
    candidates = sorted({rule_id[: len(code)] for rule_id in ids if len(rule_id) >= len(code)})
    # Ties go to the longest common start (RC804 is nearer RC801 than RC104), then the
    # lowest id.
    scored = [
        (
            difflib.SequenceMatcher(None, code, c).ratio(),
            _common_start(code, c),
            -i,
            c,
        )
        for i, c in enumerate(candidates)
    ]
    best = max(scored, default=None)
    return f"; did you mean {best[3]}?" if best is not None and best[0] >= 0.75 else ""


def _printable(text: str) -> str:
    from rolecall.output.text import printable

    return printable(text)
