"""Encryption keys assigned a literal: Fernet keys such as Airflow's (RC162)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, RuleContext, Severity
from rolecall.rules.fakes import fake
from rolecall.rules.tokens.signing_keys import DEFAULT, SigningKeyRule


def is_fernet_key(value: str) -> bool:
    """A urlsafe-base64 string of 44 characters that decodes to 32 bytes."""
    if len(value) != 44 or not value.endswith("="):
        return False
    try:
        return len(base64.urlsafe_b64decode(value)) == 32
    except (binascii.Error, ValueError):
        return False


class FernetKey(SigningKeyRule):
    """A Fernet encryption key (Airflow ``fernet_key``, ``Fernet(b"...")``) is in the file.

    ## What it finds
    32-byte urlsafe-base64 keys assigned to ``fernet_key``/``FERNET_KEY`` (Airflow's
    ``[core] fernet_key``, ``AIRFLOW__CORE__FERNET_KEY``) or passed to ``Fernet(...)``.

    ## Why it is risky
    The key decrypts everything encrypted with it: for Airflow, every connection password
    and variable in the metadata database. It cannot be revoked, only re-encrypted away.

    ## Use instead
    Keep the key out of configuration: Airflow's ``fernet_key_secret`` (or
    ``AIRFLOW__CORE__FERNET_KEY_SECRET``) with a secrets backend such as AWS Secrets Manager
    read with the scheduler's role, or envelope encryption with a KMS key (KMS data keys)
    so no plaintext key is ever stored. Rotate by re-encrypting with a new key.

    ## Example
    Before: ``fernet_key = 6gW...=`` in ``airflow.cfg``.
    After: ``AIRFLOW__CORE__FERNET_KEY_SECRET=airflow/fernet-key`` with the Secrets
    Manager backend and the scheduler's IAM role.
    """

    id = "RC162"
    name = "fernet-key"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "Fernet key {evidence} is assigned a literal{where}"
    recommendation = (
        "Generate a new key, re-encrypt, and load it from a secrets backend read with the "
        "service's role (Airflow fernet_key_secret, AWS Secrets Manager) or use KMS envelope "
        "encryption so no plaintext key is stored."
    )
    keywords = ("fernet",)
    tags = ("encryption-key",)
    pattern = re.compile(
        r"(?i)(?:fernet_key[\"']?[ \t]*[=:]|fernet\([ \t]*)[ \t]*(?:"
        + DEFAULT
        + r")?(?:[rRbBuU]{0,2}(?P<quote>[\"']))?(?P<value>[A-Za-z0-9_-]{43}=)"
    )
    VALID = (
        Example("[core]\nfernet_key = \n", filename="airflow.cfg"),
        Example("f = Fernet(Fernet.generate_key())\n"),
        Example("AIRFLOW__CORE__FERNET_KEY_CMD=cat /run/secrets/fernet\n", filename=".env"),
    )
    INVALID = (
        Example(
            "[core]\nfernet_key = " + fake("fernet_key") + "\n",
            filename="airflow.cfg",
            line=2,
            column=14,
        ),
        Example('f = Fernet(b"' + fake("fernet_key") + '")\n'),
        Example("AIRFLOW__CORE__FERNET_KEY=" + fake("fernet_key") + "\n", filename=".env"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for finding in super().check(doc, ctx):
            loc = finding.location
            if is_fernet_key(doc.text[loc.start_offset : loc.end_offset]):
                yield finding
