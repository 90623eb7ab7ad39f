"""Access keys in the IAM console's CSV downloads (RC324)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry
from rolecall.rules.common.pairing import findings, locate
from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_SECRET

#: The header row of ``accessKeys.csv`` and of ``<user>_credentials.csv`` (user name,
#: password, keys, console link), comma-separated, or tab-separated after Excel saved
#: the file as "Unicode Text" (UTF-16).
_HEADER = re.compile(r"[^\n]*?Access key ID[\"']?([,;\t])[\"']?Secret access key[^\n]*", re.I)
_COLUMNS = {"access key id": "aws_access_key_id", "secret access key": "aws_secret_access_key"}


class AccessKeyInIamConsoleDownload(Rule):
    """An access key downloaded from the IAM console is committed.

    ## What it finds
    The CSV files the IAM console offers when a key or user is created:
    ``accessKeys.csv`` (``Access key ID,Secret access key``) and
    ``<user>_credentials.csv`` (``User name,Password,Access key ID,Secret access
    key,Console login link``), also with a byte-order mark, CRLF line ends, quoted cells
    or re-saved by a spreadsheet as tab-separated UTF-16. One finding per row with a key,
    at the secret, naming the key id.

    ## Why it is risky
    The download exists to hand a long-term IAM user key to a person; committed, it
    hands it to everyone with the repository, with the user name and sign-in link.

    ## Use instead
    No IAM user keys for people: IAM Identity Center users who get short-lived
    credentials (``aws configure sso``, ``aws sso login``); for workloads, the role of the
    compute they run on. Delete the file, deactivate and delete the key.

    ## Example
    Before: ``keys/accessKeys.csv`` committed. After: the file removed from the
    repository and its history; the developer runs ``aws configure sso`` instead.
    """

    id = "RC324"
    name = "access-key-in-iam-console-download"
    severity = Severity.ERROR
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "IAM console download `{file}` holds {what}"
    recommendation = (
        "Deactivate and delete the key (aws iam update-access-key --access-key-id {key_id} "
        "--status Inactive, then aws iam delete-access-key) and remove the file from the "
        "repository and its history. Instead of IAM user keys, give people IAM Identity "
        "Center access with short-lived credentials (aws configure sso, aws sso login) "
        "and give workloads the role of the compute they run on."
    )
    kinds = frozenset({DocKind.TEXT})
    keywords = ("Secret access key",)
    VALID = (
        Example("User name,Password,Access key ID,Secret access key,Console login link\n"
                "viewer,,,,https://111122223333.signin.aws.amazon.com/console\n",
                "viewer_credentials.csv"),
        Example("Access key ID,Secret access key\n<your key id>,<your secret>\n",
                "docs/accessKeys.csv"),
    )  # fmt: skip
    INVALID = (
        Example(
            f"\ufeffAccess key ID,Secret access key\r\n{FAKE_KEY_ID},{FAKE_SECRET}\r\n",
            "accessKeys.csv",
            line=2,
            column=22,
            severity=Severity.ERROR,
        ),
        Example(
            "User name,Password,Access key ID,Secret access key,Console login link\n"
            f"ci,,{FAKE_KEY_ID},{FAKE_SECRET},https://111122223333.signin.aws.amazon.com/console\n",
            "ci_credentials.csv",
            line=2,
            column=26,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        header = _HEADER.match(doc.text)
        if header is None:
            return
        delimiter = header.group(1)
        titles = header.group().rstrip("\r").split(delimiter)
        names = [_COLUMNS.get(_cell(c).lower(), _cell(c)) for c in titles]
        file = doc.path.rsplit("/", 1)[-1]
        for row, start in _rows(doc.text, header.end()):
            cells = _cells(row, start, delimiter)
            pairs = [(n, e) for n, e in zip(names, cells, strict=False) if n in _COLUMNS.values()]
            yield from findings(self, doc, locate(pairs, ctx), file=file)


def _cell(raw: str) -> str:
    return raw.strip().strip("\"'").strip()


def _rows(text: str, pos: int) -> Iterator[tuple[str, int]]:
    """(line without its break, offset) of each line after ``pos``."""
    while pos < len(text):
        if text[pos] in "\r\n":
            pos += 1
            continue
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        yield text[pos:end].rstrip("\r"), pos
        pos = end + 1


def _cells(row: str, start: int, delimiter: str) -> list[Entry]:
    """The row's cells as entries of one group (the row), quotes stripped."""
    cells: list[Entry] = []
    offset = start
    for raw in row.split(delimiter):
        value = _cell(raw)
        at = offset + raw.find(value) if value else offset
        cells.append(Entry((f"row@{start}", str(len(cells))), value, at, at + len(value)))
        offset += len(raw) + 1
    return cells
