"""AWS credential material in any text (RC1xx)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.secrets import is_documented_example

# Built by concatenation so that this file does not itself hold key-shaped text.
_FAKE_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
_DOC_EXAMPLE_ID = "AKIA" + "IOSFODNN7EXAMPLE"  # AWS's documented example key id

_KEY_ID = re.compile(r"(?<![A-Za-z0-9])(AKIA[A-Z0-9]{16})(?![A-Za-z0-9])")


class LongTermAccessKeyId(Rule):
    """A long-term IAM user access key id (AKIA...) is embedded in the file.

    ## What it finds
    An AWS access key id that starts with ``AKIA``: the id half of a long-term IAM user
    access key, which stays valid until somebody deactivates it. AWS's documented
    example key ids (ending in ``EXAMPLE``) are not reported, or reported as notes with
    ``--report-examples``.

    ## Why it is risky
    Long-term keys do not expire. Once committed they live in every clone and in the
    history; together with the secret key they give the user's permissions to anyone.

    ## Use instead
    Deactivate and delete the key, then let the SDK's default credential provider chain
    find short-lived role credentials: an instance profile, an ECS task role, EKS Pod
    Identity or IRSA, a Lambda execution role, an IAM Identity Center (SSO) profile
    locally, and OIDC federation with ``role-to-assume`` in CI.

    ## Example
    Before: ``AWS_ACCESS_KEY_ID=AKIA...`` in a committed ``.env`` file.
    After: no key in the repository; the workload runs with a role and
    ``boto3.client("s3")`` finds its credentials on its own.
    """

    id = "RC101"
    name = "aws-long-term-access-key-id"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Long-term AWS access key id {key_id} is embedded in the file"
    recommendation = (
        "Deactivate it now (aws iam update-access-key --access-key-id {key_id} "
        "--status Inactive), check CloudTrail for its use, delete it, and use role "
        "credentials from the default provider chain instead of a stored key."
    )
    keywords = ("AKIA",)
    VALID = (
        Example("region = 'eu-west-1'\n"),
        Example("user_id = 'AIDA" + "Q3ZR7HVTX2M4WYLB'\n"),
        Example("x = 'X" + _FAKE_ID + "'\n"),
        Example(f"See the docs: {_DOC_EXAMPLE_ID}\n", filename="README.md"),
    )
    INVALID = (
        Example(f"key = '{_FAKE_ID}'\n", line=1, column=8),
        Example(f"AWS_ACCESS_KEY_ID={_FAKE_ID}\n", filename=".env", line=1, column=19),
        Example(
            f"key = '{_DOC_EXAMPLE_ID}'\n",
            severity=Severity.NOTE,
            options={"report_examples": True},
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in _KEY_ID.finditer(doc.text):
            key_id = match.group(1)
            example = is_documented_example(key_id)
            if example and not ctx.report_examples:
                continue
            yield self.finding(
                doc,
                match.start(1),
                match.end(1),
                material=key_id,
                evidence=key_id,
                severity=Severity.NOTE if example else None,
                key_id=key_id,
                properties={"key_id": key_id},
            )
