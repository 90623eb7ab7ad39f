"""Credentials written inline in connection strings and colon-separated password files.

Two small formats that no tree parser reads, each flattened to :class:`Entry` values
with the offsets of the values in the document, so findings point at them:

- JDBC URLs of the Athena and Redshift drivers (``jdbc:awsathena://``,
  ``jdbc:athena://``, ``jdbc:redshift:iam://``) and one-line ODBC connection strings
  (``Driver=...;AuthenticationType=IAM Credentials;UID=...;PWD=...``): options
  separated by ``;`` (or ``?``/``&`` in Redshift URLs), values optionally in quotes.
- s3fs password files: ``accessKeyId:secretAccessKey`` or
  ``bucketName:accessKeyId:secretAccessKey`` per line, ``#`` comments.

Option names are mapped to the credential names the drivers document: Athena's ``User``
and ``UID`` hold the access key id, its ``Password``/``PWD`` the secret access key; in a
Redshift URL ``User``/``Password`` are a database login and keep their own names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall.read.parsers.common import Entry

_JDBC = re.compile(r"(?i)jdbc:(awsathena|athena|redshift)(?::iam)?://")
_ODBC = re.compile(r"(?i)\b(?:AuthenticationType|Driver|DSN)\s*=")
#: One ``;name=value`` option of a URL, the value optionally in double quotes. Blanks and
#: names are entered only at their first character, so a search stays linear.
_URL_OPTION = re.compile(
    r"[;?&]?(?<![ \t])[ \t]*(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_]*)[ \t]*="
    r"[ \t]*(\"([^\"\n]*)\"|[^;&\s\"'`<>]*)"
)
#: One option of an ODBC string: values may hold spaces (``IAM Credentials``).
_ODBC_OPTION = re.compile(
    r";?(?<![ \t])[ \t]*(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_]*)[ \t]*="
    r"[ \t]*(\{([^}\n]*)\}|[^;\n\"'`]*)"
)
# A name starts after a non-name character, so a search over a long word stays linear.
_OPTION_START = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*[ \t]*=")
_HOST = re.compile(r"[^;?&\s\"'`<>]*")

#: Credential names by lower-case option name, for Athena (JDBC and ODBC) and Redshift.
_ATHENA = {
    "user": "AccessKeyId",
    "uid": "AccessKeyId",
    "accesskeyid": "AccessKeyId",
    "password": "SecretAccessKey",
    "pwd": "SecretAccessKey",
    "secretaccesskey": "SecretAccessKey",
    "sessiontoken": "SessionToken",
}
_REDSHIFT = {
    "accesskeyid": "AccessKeyId",
    "secretaccesskey": "SecretAccessKey",
    "sessiontoken": "SessionToken",
}


def connection_entries(text: str) -> tuple[Entry, ...]:
    """Credential options of the JDBC URLs and one-line ODBC strings in ``text``.

    Each string is one group (``path`` = ``("connection@<offset>", name)``), so an id and
    its secret in one string pair up and two strings never mix.
    """
    found: list[Entry] = []
    for match in _JDBC.finditer(text):
        names = _REDSHIFT if match.group(1).lower() == "redshift" else _ATHENA
        pos = match.end()
        if not _OPTION_START.match(text, pos):  # Athena 2.x starts with options
            host = _HOST.match(text, pos)
            pos = host.end() if host else pos
        found.extend(_options(_URL_OPTION, text, pos, names, f"connection@{match.start()}"))
    for match in _ODBC.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.start())
        line = text[line_start : len(text) if line_end == -1 else line_end]
        if ";" not in line or _JDBC.search(line):
            continue
        # Start at the option itself (its own name is not a credential).
        group = f"connection@{match.start()}"
        found.extend(_options(_ODBC_OPTION, text, match.start(), _ATHENA, group))
    return tuple(_unique(found))


def _options(
    pattern: re.Pattern[str], text: str, pos: int, names: dict[str, str], group: str
) -> Iterator[Entry]:
    while True:
        option = pattern.match(text, pos)
        if option is None or option.end() == pos:
            return
        name = names.get(option.group(1).lower())
        if name is not None:
            quoted = option.group(3) is not None
            start = option.start(3) if quoted else option.start(2)
            value = option.group(3) if quoted else option.group(2).rstrip()
            yield Entry((group, name), value, start, start + len(value), quoted=quoted)
        pos = option.end()


def _unique(entries: list[Entry]) -> Iterator[Entry]:
    seen: set[int] = set()
    for entry in entries:
        if entry.start not in seen:
            seen.add(entry.start)
            yield entry


_S3FS_LINE = re.compile(r"(?m)^[ \t]*(?:([^:#\s]+):)?([A-Z0-9]{16,128}):([^\s:]+)[ \t]*\r?$")


def s3fs_password_entries(text: str) -> tuple[Entry, ...]:
    """``accessKeyId`` and ``secretAccessKey`` entries of an s3fs password file; each line
    (one bucket's credentials) is its own group."""
    found: list[Entry] = []
    for match in _S3FS_LINE.finditer(text):
        group = f"line@{match.start()}"
        if match.group(1):
            group = f"{match.group(1)}@{match.start()}"
        found.append(Entry((group, "accessKeyId"), match.group(2), match.start(2), match.end(2)))
        found.append(
            Entry((group, "secretAccessKey"), match.group(3), match.start(3), match.end(3))
        )
    return tuple(found)
