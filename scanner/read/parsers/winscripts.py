"""Assignments in PowerShell, Windows batch files and Makefiles, with positions.

Not full parsers: line-oriented readers of the statements that set a variable or hand a
credential to a command, which is what a scanner needs from these files. Each yields
:class:`Entry` values (path ``(NAME,)``; ``aws configure set`` values under
``("aws-configure-set", setting)`` as in the shell view) with the offsets of the value:

- PowerShell: ``$env:NAME = "value"``, ``[Environment]::SetEnvironmentVariable("NAME",
  "value", ...)``, ``$Name = 'value'`` and ``Name = 'value'`` (hashtables, splatting),
  and cmdlet parameters ``-AccessKey``/``-SecretKey``/``-SessionToken`` (``Set-AWSCredential``,
  ``Initialize-AWSDefaultConfiguration`` and every AWS Tools cmdlet).
- cmd: ``set NAME=value``, ``set "NAME=value"``, ``setx NAME value``.
- Make: ``[export|override] NAME = value`` with ``=``, ``:=``, ``::=``, ``?=``, ``+=``;
  ``!=`` runs a command, so its value is not literal. Recipe lines are shell and are read
  with :func:`rolecall.read.parsers.shell.scan_shell`.

Values holding an expansion (``$VAR``, ``$(VAR)``, ``%VAR%``, ``${VAR}``) are not literal.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from rolecall.plugin.lazyre import lazy
from rolecall.read.parsers.common import Entry

_PS_ENV = lazy(
    r"(?im)\$env:([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(?:([\"'])([^\"'\r\n]*)\2|([^\s\"'#;]+))"
)
_PS_SETENV = lazy(
    r"(?i)\[(?:System\.)?Environment\]::SetEnvironmentVariable\(\s*([\"'])([A-Za-z_]\w*)\1"
    r"\s*,\s*([\"'])([^\"'\r\n]*)\3"
)
_PS_ASSIGN = lazy(
    r"(?m)^[ \t]*\$?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*([\"'])([^\"'\r\n]*)\2"
    r"[ \t]*;?[ \t]*(?:#.*)?\r?$"
)
_PS_PARAM = lazy(
    # PowerShell also takes an en or em dash (pasted from documents) before a parameter.
    r"(?i)(?<![\w-])[-\u2013\u2014](AccessKey|SecretKey|SessionToken)[ \t]+"
    r"(?:([\"'])([^\"'\r\n]*)\2|([^\s\"'`;|)]+))"
)
_CMD_SET = lazy(
    r"(?im)^[ \t]*@?set[ \t]+(?:\"([A-Za-z_]\w*)=([^\"\r\n]*)\"|([A-Za-z_]\w*)=([^\r\n]*))"
)
_CMD_SETX = lazy(r"(?im)^[ \t]*@?setx[ \t]+([A-Za-z_]\w*)[ \t]+(?:\"([^\"\r\n]*)\"|(\S+))")
_CONFIGURE_SET = lazy(
    r"(?i)\baws[ \t]+configure[ \t]+set[ \t]+([A-Za-z_][\w.]*)[ \t]+"
    r"(?:([\"'])([^\"'\r\n]*)\2|([^\s\"'`;|&)]+))"
)
_MAKE_ASSIGN = lazy(
    r"(?m)^(?:(?:export|override)[ \t]+)*([A-Za-z_][A-Za-z0-9_.]*)[ \t]*(::?=|:::=|\?=|\+=|!=|=)"
    r"[ \t]*([^\r\n#]*?)[ \t]*\r?$"
)
_EXPANSION = lazy(r"\$[({A-Za-z_]|%[A-Za-z_]\w*%|`")

POWERSHELL_SUFFIXES = (".ps1", ".psm1", ".psd1")
BATCH_SUFFIXES = (".bat", ".cmd")


def script_language(path: str) -> str | None:
    """``"powershell"``, ``"cmd"`` or ``"make"`` for such a file name, else None."""
    name = posixpath.basename(path).lower()
    if name.endswith(POWERSHELL_SUFFIXES):
        return "powershell"
    if name.endswith(BATCH_SUFFIXES):
        return "cmd"
    if name in ("makefile", "gnumakefile") or name.endswith((".mk", ".mak")):
        return "make"
    return None


def script_entries(language: str, text: str) -> tuple[Entry, ...]:
    """The assignments of a ``language`` script (see :func:`script_language`)."""
    if language == "powershell":
        found = list(_powershell(text))
    elif language == "cmd":
        found = list(_cmd(text))
    else:
        found = list(_make(text))
    found.extend(_configure_set(text) if language != "make" else ())
    seen: set[int] = set()
    unique = []
    for entry in sorted(found, key=lambda e: e.start):
        if entry.start not in seen:
            seen.add(entry.start)
            unique.append(entry)
    return tuple(unique)


def _entry(path: tuple[str, ...], value: str, start: int, *, literal: bool = True) -> Entry:
    literal = literal and not _EXPANSION.search(value)
    return Entry(path, value, start, start + len(value), literal=literal)


def _quoted_or_bare(match: re.Match[str], quoted: int, bare: int) -> tuple[str, int]:
    if match.group(quoted) is not None:
        return match.group(quoted), match.start(quoted)
    return match.group(bare), match.start(bare)


def _powershell(text: str) -> Iterator[Entry]:
    for m in _PS_ENV.finditer(text):
        value, start = _quoted_or_bare(m, 3, 4)
        yield _entry((m.group(1),), value, start)
    for m in _PS_SETENV.finditer(text):
        yield _entry((m.group(2),), m.group(4), m.start(4))
    for m in _PS_ASSIGN.finditer(text):
        yield _entry((m.group(1),), m.group(3), m.start(3))
    for m in _PS_PARAM.finditer(text):
        value, start = _quoted_or_bare(m, 3, 4)
        yield _entry((m.group(1),), value, start)


def _cmd(text: str) -> Iterator[Entry]:
    for m in _CMD_SET.finditer(text):
        if m.group(1) is not None:
            yield _entry((m.group(1),), m.group(2), m.start(2))
        else:
            value = m.group(4).rstrip()
            yield _entry((m.group(3),), value, m.start(4))
    for m in _CMD_SETX.finditer(text):
        value, start = _quoted_or_bare(m, 2, 3)
        yield _entry((m.group(1),), value, start)


def _configure_set(text: str) -> Iterator[Entry]:
    for m in _CONFIGURE_SET.finditer(text):
        value, start = _quoted_or_bare(m, 3, 4)
        setting = m.group(1).rpartition(".")[2]
        yield _entry(("aws-configure-set", setting), value, start)


def _make(text: str) -> Iterator[Entry]:
    from rolecall.read.parsers.shell import scan_shell

    offset = 0
    for line in text.splitlines(keepends=True):
        if line.startswith("\t"):  # a recipe line: shell
            yield from scan_shell(line, offset).entries
        offset += len(line)
    for m in _MAKE_ASSIGN.finditer(text):
        value = m.group(3)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value, start = value[1:-1], m.start(3) + 1
        else:
            start = m.start(3)
        yield _entry((m.group(1),), value, start, literal=m.group(2) != "!=")
