"""Dockerfile view: instructions with positions, and the values ENV/ARG/RUN set.

Reads the Dockerfile syntax: the ``# escape=`` parser directive, line continuations,
comment lines inside continued instructions, and instruction keywords case-insensitively.
``ENV`` accepts both ``ENV KEY=value ...`` and the legacy ``ENV KEY value``; ``ARG``
``NAME[=default]``; ``RUN`` in shell form is read with the shell view's tokenizer
(assignments, ``export`` and ``aws configure set``). Exec-form (JSON array) ``RUN`` and
heredocs are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View
from rolecall.read.parsers.common import Entry
from rolecall.read.parsers.shell import scan_shell, tokenize

_DIRECTIVE = re.compile(r"#\s*escape\s*=\s*([\\`])\s*$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"[ \t]*([A-Za-z]+)[ \t]*")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case
    #: The arguments with continuations kept (offsets into the document text).
    args: str
    args_start: int
    line: int


@dataclass(frozen=True)
class DockerfileDocument:
    instructions: tuple[Instruction, ...]
    #: ``("ENV", name)``, ``("ARG", name)`` (value '' and literal False without a
    #: default), and RUN's shell entries under ``("RUN", ...)``.
    entries: tuple[Entry, ...] = field(default=())


def parse_dockerfile(text: str) -> DockerfileDocument:
    lines = text.splitlines(keepends=True)
    escape = "\\"
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if match:
            escape = match.group(1)
        if not line.startswith("#"):
            break
    instructions: list[Instruction] = []
    offset, i = 0, 0
    while i < len(lines):
        line, start, number = lines[i], offset, i + 1
        offset += len(line)
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        end = start + len(line)
        body = line.rstrip("\r\n").rstrip()
        while body.endswith(escape) and i < len(lines):
            nxt = lines[i]
            offset += len(nxt)
            i += 1
            end += len(nxt)
            if nxt.lstrip().startswith("#"):
                continue
            body = nxt.rstrip("\r\n").rstrip()
        match = _INSTRUCTION.match(text, start, end)
        if match is None or not match.group(1):
            continue
        args = text[match.end() : end].rstrip()
        instructions.append(Instruction(match.group(1).upper(), args, match.end(), number))
    entries: list[Entry] = []
    for ins in instructions:
        if ins.keyword == "ENV":
            entries.extend(_env(ins))
        elif ins.keyword == "ARG":
            entries.extend(_arg(ins))
        elif ins.keyword == "RUN" and not ins.args.lstrip().startswith(("[", "<<")):
            args = ins.args if escape == "\\" else ins.args.replace("`\n", "\\\n")
            entries.extend(
                Entry(("RUN", *e.path), e.value, e.start, e.end, quoted=e.quoted, literal=e.literal)
                for e in scan_shell(args, ins.args_start).entries
            )
    return DockerfileDocument(tuple(instructions), tuple(entries))


def _env(ins: Instruction) -> list[Entry]:
    words = [w for w in tokenize(ins.args, ins.args_start) if not w.is_operator]
    if not words:
        return []
    if "=" not in words[0].value:
        # Legacy form: ENV KEY the rest of the line is the value.
        name, rest = words[0], words[1:]
        if not rest:
            return []
        start, end = rest[0].vstart, rest[-1].vend if len(rest) == 1 else rest[-1].end
        value = " ".join(w.value for w in rest)
        literal = all(w.literal for w in rest)
        return [Entry(("ENV", name.value), value, start, end, literal=literal)]
    found: list[Entry] = []
    for w in words:
        key, _, value = w.value.partition("=")
        head = w.start + len(key) + 1
        start, end = head, w.end
        if (head + 1, w.end - 1) in w.quotes:
            start, end = head + 1, w.end - 1
        found.append(
            Entry(("ENV", key), value, start, end, quoted=start != head, literal=w.literal)
        )
    return found


def _arg(ins: Instruction) -> list[Entry]:
    found: list[Entry] = []
    for w in tokenize(ins.args, ins.args_start):
        if w.is_operator:
            continue
        name, eq, value = w.value.partition("=")
        head = w.start + len(name) + len(eq)
        start, end = head, w.end
        if (head + 1, w.end - 1) in w.quotes:
            start, end = head + 1, w.end - 1
        found.append(Entry(("ARG", name), value, start, end, literal=bool(eq) and w.literal))
    return found


def _build(doc: Document) -> DockerfileDocument:
    return parse_dockerfile(doc.text)


DOCKERFILE_VIEW: View[DockerfileDocument] = View("dockerfile", _build)
