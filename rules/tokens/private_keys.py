"""Private keys in any text: PEM blocks and OpenSSH key files (RC120)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import shannon_entropy
from rolecall.rules.common.placeholders import is_placeholder
from rolecall.rules.fakes import fake

_DASH = "-" * 5
# Bounded label: the pattern is linear however many dashes or capitals a file holds.
_BEGIN = re.compile(_DASH + r"BEGIN ((?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?)" + _DASH)
_WINDOW = 20_000  # a 16384-bit RSA key is ~12.6 KB of PEM
_ESCAPES = re.compile(r"\\r|\\n|\\")
_B64_LINE = re.compile(r"[A-Za-z0-9+/=]{8,}")
_MIN_MATERIAL = 60  # an Ed25519 OpenSSH key has ~400 characters, a P-256 PEM key ~160
_SA_CONTEXT = re.compile(r"""private_key\\?["']?\s*[:=]\s*\\?["']?\s*$""")


def key_material(text: str, start: int) -> tuple[str, bool]:
    """Base64 material of the PEM block whose header ends at ``start``, and whether a
    ``Proc-Type: 4,ENCRYPTED`` header marks it as encrypted."""
    window = text[start : start + _WINDOW]
    end = window.find("-" * 5)  # the END line, or the next BEGIN: key bodies hold no dashes
    body = _ESCAPES.sub("\n", window if end < 0 else window[:end])
    encrypted = "4,ENCRYPTED" in body
    parts: list[str] = []
    for raw in body.split("\n"):
        line = raw.strip().strip("'\",|+;").strip()
        if not line or ":" in line:
            continue  # blank, or a header such as DEK-Info / Comment / Version
        if not _B64_LINE.fullmatch(line):
            if parts:
                break
            continue
        parts.append(line)
    return "".join(parts), encrypted


def openssh_cipher(material: str) -> str | None:
    """The cipher name in an ``openssh-key-v1`` blob (``none`` when unencrypted)."""
    try:
        raw = base64.b64decode(material[:64] + "=" * (-len(material[:64]) % 4))
    except (binascii.Error, ValueError):
        return None
    magic = b"openssh-key-v1\x00"
    if not raw.startswith(magic) or len(raw) < len(magic) + 4:
        return None
    size = int.from_bytes(raw[len(magic) : len(magic) + 4], "big")
    name = raw[len(magic) + 4 : len(magic) + 4 + size]
    return name.decode("ascii", "replace") if 0 < size < 32 else None


class PrivateKey(Rule):
    """A private key (PEM or OpenSSH) is embedded in the file.

    ## What it finds
    ``-----BEGIN ... PRIVATE KEY-----`` blocks (PKCS#1 RSA, SEC1 EC, DSA, PKCS#8,
    OpenSSH, PGP) followed by real key material, also when the key sits in a JSON or YAML
    string with ``\\n`` escapes. The finding is on the BEGIN line. Encrypted keys
    (``ENCRYPTED PRIVATE KEY``, ``Proc-Type: 4,ENCRYPTED``, an OpenSSH key with a
    cipher) are reported as a warning: the passphrase still protects them, for now.

    ## Why it is risky
    A private key does not expire. Whoever clones the repository can impersonate the
    host, sign as the service or log in to every server that trusts the public half, until
    the key is replaced everywhere. An encrypted key only moves the secret to its passphrase,
    which is open to offline guessing.

    ## Use instead
    Replace the key pair and stop storing private keys: SSH through EC2 Instance Connect,
    SSM Session Manager or short-lived SSH certificates; TLS through managed certificates
    (ACM, cert-manager) whose keys never leave the service; signing through a KMS
    asymmetric key called with role credentials; service authentication through workload
    identity federation (OIDC) instead of key-pair credentials.

    ## Example
    Before: ``deploy/id_rsa`` committed next to the playbook.
    After: no key file; ``aws ssm start-session --target i-...`` with the operator's
    role, or ``aws kms sign --key-id alias/release`` in the release job.
    """

    id = "RC120"
    name = "private-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    cwe = 321
    message = "{label} is embedded in the file ({evidence})"
    recommendation = (
        "Replace the key pair now and remove the private key from the repository and its "
        "history. Use keyless access instead: SSM Session Manager or EC2 Instance Connect "
        "for SSH, managed certificates (ACM, cert-manager) for TLS, a KMS asymmetric key "
        "with role credentials for signing, or workload identity federation (OIDC)."
    )
    keywords = ("PRIVATE KEY",)
    tags = ("private-key",)
    VALID = (
        Example('if line.startswith("' + _DASH + "BEGIN RSA PRIVATE KEY" + _DASH + '"):\n'),
        Example(
            _DASH + "BEGIN PRIVATE KEY" + _DASH + "\n...\n" + _DASH + "END PRIVATE KEY" + _DASH,
            filename="README.md",
        ),
        Example(
            "key: |\n  " + _DASH + "BEGIN EC PRIVATE KEY" + _DASH + "\n  <your key here>\n",
            filename="values.yaml",
        ),
        Example(_DASH + "BEGIN PUBLIC KEY" + _DASH + "\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"),
        Example("\nEXAMPLE".join(fake("rsa_pem").split("\n", 1)), filename="docs/ec2-key.pem"),
    )
    INVALID = (
        Example(fake("rsa_pem"), filename="deploy/id_rsa", line=1, column=1),
        Example(fake("openssh"), filename="id_ed25519", line=1),
        Example(
            'tls:\n  key: "' + fake("pem_escaped") + '"\n',
            filename="values.yaml",
            line=2,
            column=9,
        ),
        Example(fake("encrypted_pem"), filename="key.pem", severity=Severity.WARNING),
        Example(fake("openssh_encrypted"), filename="id_rsa", severity=Severity.WARNING),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        service_account: bool | None = None  # looked for at the first header, if any
        for match in _BEGIN.finditer(text):
            lo = max(0, match.start() - 200)  # bounded: a minified file is one long line
            line_start = max(lo, text.rfind("\n", lo, match.start()) + 1)
            if service_account is None:
                service_account = "service_account" in text
            if service_account and _SA_CONTEXT.search(text, line_start, match.start()):
                continue  # a GCP service-account key file: RC110 reports it, specifically
            label = match.group(1)
            material, encrypted = key_material(text, match.end())
            if len(material) < _MIN_MATERIAL or is_placeholder(material):
                continue
            if shannon_entropy(material) < 4.5:
                continue
            # AWS's documentation shows key bodies that begin with EXAMPLE (EC2 key pairs,
            # CloudFront signers): documented examples, like the example access keys.
            example = material.upper().startswith("EXAMPLE")
            if example and not ctx.report_examples:
                continue
            if label.startswith("OPENSSH"):
                cipher = openssh_cipher(material)
                encrypted = encrypted or (cipher is not None and cipher != "none")
            encrypted = encrypted or label.startswith("ENCRYPTED")
            kind = ("encrypted " if encrypted else "") + label.lower()
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                material=material,
                evidence=redact(material),
                severity=Severity.NOTE if example else Severity.WARNING if encrypted else None,
                confidence=Confidence.MEDIUM if encrypted else None,
                label=kind[0].upper() + kind[1:],
                properties={"key_type": label, "encrypted": str(encrypted).lower()},
            )
