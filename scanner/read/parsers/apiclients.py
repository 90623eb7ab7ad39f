"""Views of API client request files: Bruno ``.bru`` and REST Client ``.http``.

Bruno (``.bru``): top-level blocks ``name {`` ... ``}``; dictionary blocks (``meta``,
``vars``, ``vars:pre-request``, ``headers``, ``auth:awsv4``, ``auth:basic``, ...) hold one
``key: value`` per line (``~key`` is disabled, still written); text blocks (``body:*``,
``script:*``, ``tests``, ``docs``) hold free text and are not read here; list blocks
(``vars:secret [ ... ]``) hold names only. Entries are ``(block@offset, key)``.

REST Client (VS Code) and the JetBrains HTTP client (``.http``, ``.rest``): file
variables ``@name = value`` (one group for the file) and, per request, the AWS
signature header ``Authorization: AWS <accessId> <secretKey> [token:<sessionToken>]
[region:<region>] [service:<service>]`` and ``X-Amz-Security-Token:`` headers.
Neither parser raises: a line that does not fit is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolecall.read.document import Document, View
from rolecall.read.parsers.common import Entry

_BRU_OPEN = re.compile(r"([A-Za-z][\w:\-]*)[ \t]*([{\[])[ \t]*$")
_BRU_TEXT_BLOCKS = ("body", "script", "tests", "docs", "example")

_HTTP_VAR = re.compile(r"[ \t]*@([A-Za-z_][\w.\-]*)[ \t]*=[ \t]*(.*)$")
_HTTP_AWS = re.compile(r"[ \t]*Authorization[ \t]*:[ \t]*AWS[ \t]+(\S+)[ \t]+(\S+)(.*)$", re.I)
_HTTP_TOKEN_HEADER = re.compile(r"[ \t]*X-Amz-Security-Token[ \t]*:[ \t]*(\S+)[ \t]*$", re.I)
_HTTP_OPTION = re.compile(r"(token|region|service):(\S+)", re.I)


@dataclass(frozen=True)
class RequestFile:
    entries: tuple[Entry, ...] = field(default=())


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its break) of every line."""
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((offset, line.rstrip("\r\n")))
        offset += len(line)
    return out


def parse_bru(text: str) -> RequestFile:
    entries: list[Entry] = []
    block: tuple[str, ...] | None = None  # the open dictionary block's path
    skipping = False  # inside a text or list block
    for offset, line in _lines(text):
        if line[:1] == "}" or line[:1] == "]":
            block, skipping = None, False
            continue
        if block is None and not skipping:
            head = _BRU_OPEN.match(line)
            if head is not None:
                name = head.group(1)
                text_block = head.group(2) == "[" or name.split(":")[0] in _BRU_TEXT_BLOCKS
                skipping = text_block
                block = None if text_block else (f"{name}@{offset}",)
            continue
        if block is None:
            continue
        pair = _bru_pair(line, offset)
        if pair is not None:
            key, value, start = pair
            literal = "{{" not in value
            entries.append(Entry((*block, key), value, start, start + len(value), literal=literal))
    return RequestFile(tuple(entries))


def _bru_pair(line: str, offset: int) -> tuple[str, str, int] | None:
    """(key, value, value offset) of an indented ``key: value`` line (``~`` marks a
    disabled key; it is still saved). Split with str methods: no regex backtracking."""
    body = line.lstrip(" \t")
    if body == line or not body:
        return None
    raw_key, colon, rest = body.partition(":")
    key = raw_key.strip().removeprefix("~")
    value = rest.strip(" \t")
    if not colon or not key or not value:
        return None
    indent = len(line) - len(body)
    start = offset + indent + len(raw_key) + 1 + (len(rest) - len(rest.lstrip(" \t")))
    return key, value, start


def parse_http(text: str) -> RequestFile:
    entries: list[Entry] = []
    request = 0  # requests are separated by lines starting with ###
    for offset, line in _lines(text):
        if line.startswith("###"):
            request = offset
            continue
        var = _HTTP_VAR.match(line)
        if var is not None:
            entries.append(_at(("variables", var.group(1)), var, 2, offset))
            continue
        group = f"request@{request}"
        aws = _HTTP_AWS.match(line)
        if aws is not None:
            entries.append(_at((group, "accessKeyId"), aws, 1, offset))
            entries.append(_at((group, "secretAccessKey"), aws, 2, offset))
            rest, base = aws.group(3), offset + aws.start(3)
            for option in _HTTP_OPTION.finditer(rest):
                if option.group(1).lower() == "token":
                    start = base + option.start(2)
                    value = option.group(2)
                    entries.append(Entry((group, "sessionToken"), value, start, start + len(value)))
            continue
        token = _HTTP_TOKEN_HEADER.match(line)
        if token is not None:
            entries.append(_at((group, "X-Amz-Security-Token"), token, 1, offset))
    return RequestFile(tuple(entries))


def _at(path: tuple[str, ...], match: re.Match[str], group: int, offset: int) -> Entry:
    value = match.group(group).rstrip(" \t")
    start = offset + match.start(group)
    # A {{variable}} reference is resolved by the client: not a literal.
    literal = "{{" not in value
    return Entry(path, value, start, start + len(value), literal=literal)


BRU_VIEW: View[RequestFile] = View("bru", lambda doc: parse_bru(doc.text))
HTTP_FILE_VIEW: View[RequestFile] = View("http-file", lambda doc: parse_http(doc.text))


def request_file(doc: Document, bru: bool) -> RequestFile:
    """The view of ``doc`` as a Bruno (``bru``) or REST Client file."""
    return doc.view(BRU_VIEW if bru else HTTP_FILE_VIEW)
