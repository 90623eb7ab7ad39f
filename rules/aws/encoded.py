"""AWS credentials inside base64-encoded text (RC106): a Kubernetes Secret's ``data``
holding a whole credentials file, an encoded environment file, a notebook attachment."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.aws import examples as ex
from rolecall.rules.aws.base import CHAIN
from rolecall.rules.common.decoded import occurrences, report_decoded

#: Base64 of the words that mark AWS credential material, at each of the three byte
#: alignments a word can have inside encoded text (the characters that depend on the
#: word alone): ``AKIA``, ``ASIA``, ``secret_access_key``, ``SECRET_ACCESS_KEY``,
#: ``SecretAccessKey``, ``session_token``, ``SESSION_TOKEN``.
ENCODED_WORDS = (
    "QUtJQ", "FLSU", "BS0lB",
    "QVNJQ", "FTSU", "BU0lB",
    "c2VjcmV0X2FjY2Vzc19rZX", "NlY3JldF9hY2Nlc3Nfa2V5", "zZWNyZXRfYWNjZXNzX2tle",
    "U0VDUkVUX0FDQ0VTU19LRV", "NFQ1JFVF9BQ0NFU1NfS0VZ", "TRUNSRVRfQUNDRVNTX0tFW",
    "U2VjcmV0QWNjZXNzS2V5", "NlY3JldEFjY2Vzc0tle", "TZWNyZXRBY2Nlc3NLZX",
    "c2Vzc2lvbl90b2tlb", "Nlc3Npb25fdG9rZW", "zZXNzaW9uX3Rva2Vu",
    "U0VTU0lPTl9UT0tFT", "NFU1NJT05fVE9LRU", "TRVNTSU9OX1RPS0VO",
)  # fmt: skip
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
#: Base64 of a bare key id is 28 characters; shorter runs cannot hold a credential.
_MIN_RUN = 28
#: A blob larger than this is not decoded (a credentials file is a few hundred bytes).
_MAX_RUN = 1 << 20
_PADDING = re.compile(r"={0,2}")


def _runs(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each base64 run that contains an encoded credential word,
    each run once, left to right: linear in the text (runs are never re-read)."""
    done = 0
    for pos in occurrences(text, ENCODED_WORDS):
        if pos < done:
            continue
        start = pos
        while start > 0 and text[start - 1] in _B64_CHARS:
            start -= 1
        end = pos
        while end < len(text) and text[end] in _B64_CHARS:
            end += 1
        padding = _PADDING.match(text, end)
        end = padding.end() if padding else end
        done = end
        if _MIN_RUN <= end - start <= _MAX_RUN:
            yield start, end


def decoded_text(blob: str) -> str | None:
    """The text a base64 (or base64url) blob encodes, or None when it is not text."""
    raw_blob = blob.rstrip("=")
    if "-" in raw_blob or "_" in raw_blob:
        raw_blob = raw_blob.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(raw_blob + "=" * (-len(raw_blob) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\t\r\n")
    return text if text and printable / len(text) >= 0.95 else None


class EncodedAwsCredentials(Rule):
    """Base64-encoded text in the file holds AWS credentials.

    ## What it finds
    A base64 (or base64url) run that decodes to text in which RC101-RC105 find AWS
    credential material: a whole ``credentials`` or ``.env`` file in a Kubernetes
    Secret's ``data``, an encoded environment file in a CI variable or a manifest, a
    notebook attachment. The decoded text is read with the same analysis as any file
    (key ids, named secrets, pairs, session tokens, the example and placeholder policy);
    the finding is on the encoded run and names what it holds, redacted.

    ## Why it is risky
    Base64 is an encoding, not encryption: ``base64 -d`` gives the keys back. A
    Kubernetes Secret's ``data`` is readable by anyone with the manifest or ``get
    secret`` rights, and the keys are as long-lived as in plain text.

    ## Use instead
    Remove the encoded file and rotate the keys. Give the workload a role instead: IRSA
    or EKS Pod Identity on Kubernetes, a task role on ECS, an instance profile on EC2;
    elsewhere IAM Roles Anywhere or OIDC federation.

    ## Example
    Before: a Secret with ``data: {credentials: W2RlZmF1bHRdCmF3c19hY2Nlc3Nf...}``
    mounted at ``~/.aws``. After: no Secret; the service account carries
    ``eks.amazonaws.com/role-arn`` and the SDK finds role credentials on its own.
    """

    id = "RC106"
    name = "aws-credentials-in-base64-text"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Base64-encoded text holds {what}"
    recommendation = (
        "Decoding it gives the keys back: remove it, then deactivate and delete the key "
        "(aws iam update-access-key --access-key-id {key_id} --status Inactive; "
        "aws iam delete-access-key --access-key-id {key_id}) or revoke the role's sessions "
        "for temporary keys. Give the workload a role instead (IRSA or EKS Pod Identity, "
        "task role, instance profile). " + CHAIN
    )
    keywords = ENCODED_WORDS
    tags = ("aws", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example(f"icon: {ex.PNG}\n", "page.yaml"),
        Example(
            "data:\n  config: "
            + base64.b64encode(b"[default]\nregion = eu-west-1\noutput = json\n").decode()
            + "\n",
            "secret.yaml",
        ),
        Example(
            "data:\n  credentials: "
            + base64.b64encode(
                f"[default]\naws_access_key_id = {ex.EXAMPLE_ID}\n"
                f"aws_secret_access_key = {ex.EXAMPLE_SECRET}\n".encode()
            ).decode()
            + "\n",
            "secret.yaml",
        ),
    )
    INVALID = (
        Example(
            "apiVersion: v1\nkind: Secret\ndata:\n  credentials: "
            + base64.b64encode(
                f"[default]\naws_access_key_id = {ex.AKIA}\n"
                f"aws_secret_access_key = {ex.SECRET}\n".encode()
            ).decode()
            + "\n",
            "k8s/secret.yaml",
            line=4,
            column=16,
            severity=Severity.ERROR,
        ),
        Example(
            "ENV_FILE="
            + base64.b64encode(f"AWS_ACCESS_KEY_ID={ex.ASIA}\n".encode()).decode()
            + "\n",
            ".gitlab-ci.env",
            severity=Severity.WARNING,
        ),
        Example(
            '{"attachments": {"creds.txt": {"text/plain": "'
            + base64.b64encode(f"aws_secret_access_key: {ex.SECRET}\n".encode()).decode()
            + '"}}}',
            "notes.ipynb",
        ),
        Example(
            "blob = '"
            + base64.urlsafe_b64encode(f"key={ex.AKIA_2} secret={ex.SECRET_2}".encode())
            .decode()
            .rstrip("=")
            + "'\n",
            "app.py",
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        for start, end in _runs(text):
            plain = decoded_text(text[start:end])
            if plain is not None:
                yield from report_decoded(self, doc, ctx, start, end, plain)
