"""AWS keys saved in WinSCP's configuration file (RC323)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from rolecall import (
    Confidence,
    DocKind,
    Document,
    Example,
    Finding,
    Rule,
    RuleContext,
    Severity,
    redact,
)
from rolecall.plugin.api import KEY_ID_PATTERN, Entry
from rolecall.rules.aws.key_ids import account_id_from_key_id, is_placeholder_key_id
from rolecall.rules.common.placeholders import is_documented_example, is_placeholder, is_reference
from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_SECRET, FAKE_TEMP_KEY_ID

#: WinSCP writes saved passwords obfuscated: hex digits, reversible without any key.
_OBFUSCATED = "A35C4D5F2E6B0A19" + "6D6E6C6F3B3A39" + "2E33" * 10


class AwsKeysInWinscpSession(Rule):
    """A WinSCP session saved with an AWS access key id and its secret.

    ## What it finds
    A ``[Sessions\\…]`` section of ``WinSCP.ini`` (the portable configuration, also
    exported from the registry) whose ``UserName`` is an access key id (for Amazon S3,
    WinSCP's user name is the access key id and the password the secret access key)
    and that saves a ``Password``. WinSCP stores the password obfuscated, not encrypted
    (no master password): any copy of the file gives the secret back. Reported at the
    password, naming the key id; a session without a saved password is left to the
    text rules (the key id alone).

    ## Why it is risky
    ``WinSCP.ini`` travels with portable installs, USB sticks, backups and shared
    tool folders; the obfuscation is publicly documented and undone by common tools.

    ## Use instead
    No saved secret and no IAM user key: let WinSCP prompt for the secret and log in with
    short-lived credentials of an IAM Identity Center profile (``aws configure
    export-credentials --profile <profile>``); if a secret must be saved, set a WinSCP
    master password, which encrypts saved passwords.

    ## Example
    Before: ``UserName=AKIA…`` and ``Password=A35C…`` under ``[Sessions\\backups]``.
    After: ``Password`` removed; the site is opened with the SSO profile's short-lived
    credentials typed at the prompt.
    """

    id = "RC323"
    name = "aws-keys-in-winscp-session"
    severity = Severity.ERROR
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = (
        "WinSCP session `{session}` saves the secret access key of {what} as its "
        "password (obfuscated, reversible: {evidence})"
    )
    recommendation = (
        "Rotate the key (aws iam update-access-key --access-key-id {key_id} --status "
        "Inactive, then delete it) and remove the saved password. Log in with short-lived "
        "credentials of an IAM Identity Center profile (aws configure export-credentials "
        "--profile <profile>) entered at the prompt instead of an IAM user's key; if a "
        "secret must be saved, set a WinSCP master password so saved passwords are "
        "encrypted."
    )
    kinds = frozenset({DocKind.INI})
    keywords = ("[Sessions\\",)
    VALID = (
        Example(
            f"[Sessions\\backups]\r\nHostName=s3.amazonaws.com\r\nUserName={FAKE_KEY_ID}\r\n"
            "FSProtocol=7\r\n",
            "WinSCP.ini",
        ),
        Example(
            f"[Sessions\\web]\r\nHostName=sftp.example.com\r\nUserName=deploy\r\n"
            f"Password={_OBFUSCATED}\r\n",
            "WinSCP.ini",
        ),
    )
    INVALID = (
        Example(
            f"[Sessions\\backups]\r\nHostName=s3.amazonaws.com\r\nUserName={FAKE_KEY_ID}\r\n"
            f"FSProtocol=7\r\nPassword={_OBFUSCATED}\r\n",
            "tools/WinSCP.ini",
            line=5,
            column=10,
            severity=Severity.ERROR,
        ),
        Example(
            f"[Sessions\\tmp]\nUserName={FAKE_TEMP_KEY_ID}\nPassword={FAKE_SECRET}\n",
            "WinSCP.ini",
            line=3,
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if posixpath.basename(doc.path).lower() != "winscp.ini":
            return
        from rolecall.plugin.api import INI_VIEW

        for section in doc.view(INI_VIEW).sections:
            if not section.name.startswith("Sessions\\"):
                continue
            values = {e.key.lower(): e for e in section.entries}
            user, password = values.get("username"), values.get("password")
            if user is None or password is None:
                continue
            key_id = user.value.strip()
            if not KEY_ID_PATTERN.fullmatch(key_id) or is_placeholder_key_id(key_id):
                continue
            example = is_documented_example(key_id)
            if example and not ctx.report_examples:
                continue
            if is_reference(password.value) or is_placeholder(password.value):
                continue
            yield self._report(doc, section.name, user, password, example)

    def _report(
        self, doc: Document, session: str, user: Entry, password: Entry, example: bool
    ) -> Finding:
        key_id = user.value.strip()
        temporary = key_id.startswith("ASIA")
        account = account_id_from_key_id(key_id)
        term = "temporary" if temporary else "long-term"
        what = f"{term} access key id {key_id}" + (f" of account {account}" if account else "")
        severity = Severity.NOTE if example else (Severity.WARNING if temporary else None)
        return self.finding(
            doc,
            password.start,
            password.end,
            material=password.value,
            evidence=redact(password.value),
            severity=severity,
            properties={"credential": "secret", "name": "Password", "key_id": key_id},
            covers=(password.value, key_id),
            related=[(user.start, user.end, "access key id")],
            session=session.partition("\\")[2],
            what=what,
            key_id=key_id,
        )
