"""Shell view: variable assignments and ``aws configure set`` calls, with positions.

Not a full shell parser: a word tokenizer that knows quoting (``'...'``, ``"..."``,
``\\`` escapes and line continuations), comments and the operators that start a new
command (``;``, ``&&``, ``||``, ``|``, newlines, ``then``/``do``...). At each command
start it reads ``export``/``declare -x``/``readonly``/``local``/``env`` prefixes and
``NAME=value`` words, and ``aws configure set <setting> <value>``. A value is *literal*
when it holds no expansion (``$VAR``, ``${VAR}``, ``$(...)``, backquotes) outside
single quotes. Used for shell scripts, Dockerfile ``RUN`` lines and CI ``run:`` blocks
(:func:`scan_shell` takes the offset of the snippet inside the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View
from rolecall.read.parsers.common import Entry

_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=")
_OPERATORS = (";;", "&&", "||", ";", "|", "&", "(", ")", "\n")
_OPERATOR_STARTS = frozenset(o[0] for o in _OPERATORS)
_STARTERS = frozenset({"then", "do", "else", "elif", "if", "while", "until", "{", "}", "!"})
_PREFIXES = frozenset({"export", "declare", "typeset", "readonly", "local", "env", "sudo"})
#: The setting name that ``aws configure set`` writes the static credentials under.
CONFIGURE_SET = "aws-configure-set"


@dataclass(frozen=True)
class Word:
    value: str
    start: int
    end: int
    #: Offsets of the value's content (inside the quotes when the word is one quoted part).
    vstart: int
    vend: int
    literal: bool
    is_operator: bool = False
    #: Offsets of the content of each quoted part of the word.
    quotes: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ShellScript:
    #: ``NAME=value`` assignments (path ``(NAME,)``) and ``aws configure set`` values
    #: (path ``("aws-configure-set", setting)``), in text order.
    entries: tuple[Entry, ...] = field(default=())


def tokenize(text: str, base: int = 0) -> list[Word]:
    """Words and operators of ``text``; offsets are ``base`` + offsets in ``text``."""
    words: list[Word] = []
    pos, size = 0, len(text)
    while pos < size:
        ch = text[pos]
        if ch in " \t\r":
            pos += 1
            continue
        if ch == "\\" and text.startswith("\n", pos + 1):
            pos += 2
            continue
        if ch == "#":
            eol = text.find("\n", pos)
            pos = size if eol == -1 else eol
            continue
        # Only an operator's first character starts one: a word never pays for the search.
        if ch in _OPERATOR_STARTS:
            op = next((o for o in _OPERATORS if text.startswith(o, pos)), None)
            if op is not None:
                words.append(Word(op, base + pos, base + pos + len(op), 0, 0, False, True))
                pos += len(op)
                continue
        word, pos = _word(text, pos, base)
        words.append(word)
    return words


def _word(text: str, pos: int, base: int) -> tuple[Word, int]:
    """The word that starts at ``pos``, and the offset past it: its quoted parts, escapes
    and expansions read as the shell reads them (an expansion makes it non-literal)."""
    size = len(text)
    start, literal = pos, True
    parts: list[str] = []
    quoted_parts: list[tuple[int, int]] = []
    while pos < size and text[pos] not in " \t\r\n;&|()":
        ch = text[pos]
        if ch == "'":
            close = text.find("'", pos + 1)
            close = size if close == -1 else close
            parts.append(text[pos + 1 : close])
            quoted_parts.append((pos + 1, close))
            pos = close + 1
        elif ch == '"':
            close = pos + 1
            while close < size and text[close] != '"':
                close += 2 if text[close] == "\\" else 1
            inner = text[pos + 1 : min(close, size)]
            literal = literal and "$" not in inner and "`" not in inner
            parts.append(re.sub(r'\\([$`"\\\n])', r"\1", inner))
            quoted_parts.append((pos + 1, min(close, size)))
            pos = close + 1
        elif text.startswith(("${{", "$(", "${"), pos):
            # CI template expressions and command substitutions may hold spaces and
            # operators: they belong to the word, and make it non-literal.
            close = _closing(text, pos)
            parts.append(text[pos:close])
            literal = False
            pos = close
        elif ch == "\\" and pos + 1 < size:
            parts.append(text[pos + 1])
            pos += 2
        else:
            if ch in "$`":
                literal = False
            parts.append(ch)
            pos += 1
    end = min(pos, size)
    vstart, vend = start, end
    if quoted_parts == [(start + 1, end - 1)]:
        vstart, vend = quoted_parts[0]
    quotes = tuple((base + a, base + b) for a, b in quoted_parts)
    word = Word(
        "".join(parts),
        base + start,
        base + end,
        base + vstart,
        base + vend,
        literal,
        quotes=quotes,
    )
    return word, pos


def scan_shell(text: str, base: int = 0) -> ShellScript:
    """Assignments and ``aws configure set`` values in shell ``text`` at offset ``base``."""
    words = tokenize(text, base)
    entries: list[Entry] = []
    at_start = True
    i = 0
    while i < len(words):
        word = words[i]
        if word.is_operator:
            at_start = True
            i += 1
            continue
        if not at_start:
            i += 1
            continue
        if word.value in _STARTERS:
            i += 1
            continue
        if word.value in _PREFIXES:
            i += 1
            while i < len(words) and words[i].value.startswith("-") and not words[i].is_operator:
                i += 1  # declare -x, export -n, sudo -E
            continue
        match = _ASSIGN.match(word.value)
        if match is not None:
            entries.append(_assignment(word, match))
            i += 1
            continue
        if [w.value for w in words[i : i + 3]] == ["aws", "configure", "set"]:
            entries.extend(_configure_set(words, i + 3))
        at_start = False
        i += 1
    return ShellScript(tuple(entries))


def _assignment(word: Word, match: re.Match[str]) -> Entry:
    name = match.group(1)
    value = word.value[match.end() :]
    raw_start = word.start + len(match.group())
    start, end = raw_start, word.end
    if (raw_start + 1, word.end - 1) in word.quotes:
        start, end = raw_start + 1, word.end - 1  # NAME='value': inside the quotes
    return Entry((name,), value, start, end, quoted=start != raw_start, literal=word.literal)


def _configure_set(words: list[Word], i: int) -> list[Entry]:
    args: list[Word] = []
    while i < len(words) and not words[i].is_operator:
        if words[i].value.startswith("--"):
            i += 2  # --profile NAME, --region X
            continue
        args.append(words[i])
        i += 1
    if len(args) < 2:
        return []
    setting, value = args[0].value, args[1]
    return [
        Entry(
            (CONFIGURE_SET, setting.rsplit(".", 1)[-1]),
            value.value,
            value.vstart,
            value.vend,
            quoted=value.vstart != value.start,
            literal=value.literal,
        )
    ]


def _build(doc: Document) -> ShellScript:
    return scan_shell(doc.text)


SHELL_VIEW: View[ShellScript] = View("shell", _build)


def _closing(text: str, pos: int) -> int:
    """Offset just past the ``}}``/``)``/``}`` that closes the expansion at ``pos``."""
    if text.startswith("${{", pos):
        close = text.find("}}", pos + 3)
        return len(text) if close == -1 else close + 2
    opener = text[pos + 1]
    closer = ")" if opener == "(" else "}"
    depth, i = 0, pos + 1
    while i < len(text):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        elif text[i] == "\n" and opener == "{":
            break
        i += 1
    return i
