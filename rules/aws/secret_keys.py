"""AWS secret access keys and STS session tokens in any text (RC104-RC105)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import SESSION_TOKEN_PREFIXES
from rolecall.rules.aws import examples as ex
from rolecall.rules.aws.base import CHAIN, EXAMPLE_SECRET_NOTE, EXAMPLE_TOKEN_NOTE
from rolecall.rules.aws.beside_ids import NAMED_PAIR_WINDOW
from rolecall.rules.aws.material import material
from rolecall.rules.aws.names import SESSION_TOKEN_NAME_PARTS, SESSION_TOKEN_PREFIX_STEMS


class SecretAccessKey(Rule):
    """An AWS secret access key is embedded in the file, without its key id nearby.

    ## What it finds
    A 40-character value of ``[A-Za-z0-9/+]`` (not part of a longer base64 run) keyed by
    a secret-key name in any syntax: ``aws_secret_access_key``, ``AWS_SECRET_ACCESS_KEY``,
    ``secretAccessKey``, ``SecretAccessKey``, ``aws_secret``, and generic ``secret_key``
    names when the file is about AWS. Hex digests, base64 of text, paths, placeholders and
    references are not reported. A secret next to its key id is reported once, as a pair,
    by RC101-RC103; this rule reports the secrets left over.

    ## Why it is risky
    The secret is what signs requests. With the key id (often in another file, a CI
    variable or the history) it grants the IAM user's permissions to anyone.

    ## Use instead
    Deactivate and delete the key it belongs to, check CloudTrail, and let workloads get
    role credentials from the default provider chain; use OIDC federation in CI.

    ## Example
    Before: ``aws_secret_access_key = ...`` in ``settings.py``. After: the setting is
    gone and ``boto3.client("s3")`` finds role credentials on its own.
    """

    id = "RC104"
    name = "aws-secret-access-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "AWS secret access key {secret} is embedded in the file ({name})"
    recommendation = (
        "Find the key id it belongs to (aws iam list-access-keys --user-name <user>), "
        "deactivate it: aws iam update-access-key --access-key-id <key-id> --status Inactive, "
        "check CloudTrail (aws cloudtrail lookup-events --lookup-attributes "
        "AttributeKey=AccessKeyId,AttributeValue=<key-id>), then delete it: "
        "aws iam delete-access-key --access-key-id <key-id>. " + CHAIN
    )
    keywords = ("secret",)
    tags = ("aws", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example(f"AWS_ACCESS_KEY_ID={ex.AKIA}\nAWS_SECRET_ACCESS_KEY={ex.SECRET}\n", ".env"),
        Example(f"checksum = '{ex.SECRET}'\n"),
        Example("aws_secret_access_key = DescribeVpcEndpointServiceConfigurations\n"),
        Example(
            "aws_secret_access_key: >-\n  " + ex.SECRET[:20] + "\n  " + ex.SECRET[20:] + "\n",
            "split.yaml",
        ),
    )
    INVALID = (
        Example(f"aws_secret_access_key = {ex.SECRET}\n", "credentials", line=1, column=25),
        Example(f"AWS_SECRET_ACCESS_KEY='{ex.SECRET}'\r\nREGION=eu-west-1\r\n", "run.sh"),
        Example(f'{{"secretAccessKey":"{ex.SECRET}","region":"us-east-1"}}', "c.json"),
        Example(f"s3:\n  SecretAccessKey: |\n    {ex.SECRET}\n", "c.yaml", line=3),
        Example(f'import boto3\nSECRET_KEY = "{ex.SECRET}"\n', severity=Severity.ERROR),
        Example(f"| aws_secret | `{ex.SECRET}` |\n", "doc.md"),
        # Random secrets start with "/" or hold "//" now and then.
        Example(f"aws_secret_access_key = /{ex.SECRET[1:12]}//{ex.SECRET[14:]}\n", "credentials"),
        # A string prefix or a type annotation between the name and the value.
        Example(f'AWS_SECRET_ACCESS_KEY = b"{ex.SECRET}"\n', "settings.py"),
        Example(f'def connect(aws_secret_access_key: str = "{ex.SECRET}"): ...\n', "s3.py"),
        # The name in an element or item before the value's own.
        Example(f"<key>SecretAccessKey</key>\n<string>{ex.SECRET}</string>\n", "a.plist", line=2),
        Example(
            '{"service": "s3", "values": [\n'
            f'  {{"key": "secretKey", "value": "{ex.SECRET}", "enabled": true}}]}}\n',
            "prod.postman_environment.json",
            line=2,
        ),
        Example(
            f"aws_secret_access_key={ex.SECRET}\naws_session_token={ex.TOKEN}\n",
            "tmp.ini",
            severity=Severity.WARNING,
        ),
        Example(
            f"aws_secret_access_key = {ex.EXAMPLE_SECRET}\n",
            severity=Severity.NOTE,
            options={"report_examples": True},
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        found = material(doc, ctx.report_examples)
        paired = found.paired_secrets
        if all(secret.start in paired for secret in found.secrets):
            return  # nothing to report: no line index is built (botocore models: 1.5 M lines)
        index = doc.index
        token_lines = [index.position(t.start)[0] for t in found.tokens]  # ascending
        window = NAMED_PAIR_WINDOW[0]
        for secret in found.secrets:
            if secret.start in paired:
                continue
            line = index.position(secret.start)[0]
            first = bisect.bisect_left(token_lines, line - window)
            near_token = first < len(token_lines) and token_lines[first] <= line + window
            severity = Severity.WARNING if near_token else self.severity
            message = self.message + (" (base64-encoded)" if secret.encoded else "")
            message += " next to a session token (temporary)" if near_token else ""
            if secret.example:
                severity = Severity.NOTE
                message = EXAMPLE_SECRET_NOTE
            props = {"name": secret.name, "temporary": str(near_token).lower()}
            yield self.finding(
                doc,
                secret.start,
                secret.end,
                material=secret.value,
                evidence=redact(secret.value),
                severity=severity,
                # A digit-less value is a random secret one time in 900: less sure.
                confidence=Confidence.HIGH
                if secret.strong and any(c.isdigit() for c in secret.value)
                else Confidence.MEDIUM,
                message=message,
                properties=props,
                secret=redact(secret.value),
                name=secret.name,
                rule_id=self.id,
            )


class SessionToken(Rule):
    """An AWS STS session token is embedded in the file (also in presigned URLs).

    ## What it finds
    The value of ``aws_session_token``, ``AWS_SESSION_TOKEN``, ``SessionToken``,
    ``X-Amz-Security-Token`` (also percent-encoded in a presigned URL's query) and bare
    tokens with the recognisable STS prefix (``IQoJb3JpZ2lu...``). Beside a temporary
    (``ASIA``) key id, the closest long random base64 value in its block is its token
    whatever its name (``session:``, ``token:``), without the prefix and from 64
    characters on.

    ## Why it is risky
    A session token completes a set of temporary credentials; until it expires (up to
    36 hours) it works for anyone, and a presigned URL with it grants its object access.

    ## Use instead
    Do not store STS output or presigned URLs. Let the SDK assume roles itself (a profile
    with ``role_arn``, the default provider chain), and generate presigned URLs at run
    time with a short expiry instead of committing them.

    ## Example
    Before: ``AWS_SESSION_TOKEN=IQoJ...`` in ``.env``. After: ``AWS_PROFILE=deploy`` with
    a ``role_arn`` profile, or nothing at all on a workload with a role.
    """

    id = "RC105"
    name = "aws-session-token"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "AWS session token {token} is embedded in the file{where}"
    recommendation = (
        "If it may still be valid, revoke the issuing role's active sessions (IAM console, "
        "Roles, Revoke active sessions). Never store STS output or presigned URLs; let the "
        "SDK assume the role (role_arn with source_profile or credential_source) and "
        "presign at run time. " + CHAIN
    )
    keywords = (*SESSION_TOKEN_NAME_PARTS, *SESSION_TOKEN_PREFIX_STEMS, "ASIA")
    tags = ("aws", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example("csrf_session_token = 'abc'\nAWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}\n", ".env"),
        Example(f"security_token = '{ex.TOKEN_NO_PREFIX}'\n", "app.py"),
        Example(f'"SessionToken": "{ex.EXAMPLE_TOKEN}",\n{ex.EXAMPLE_TOKEN}\n', "sts.json"),
        # Neither name, prefix nor a temporary id: not known to be a token.
        Example(f"blob: {ex.TOKEN_NO_PREFIX}\n", "data.yaml"),
        Example(f"key: {ex.ASIA}\nauth: {ex.JWT}\n", "session.yaml"),
    )
    INVALID = (
        Example(f"AWS_SESSION_TOKEN={ex.TOKEN}\r\n", ".env", line=1, column=19),
        Example(f"aws_session_token = {ex.TOKEN_NO_PREFIX}\n", "credentials"),
        Example(
            "curl 'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-Credential={ex.ASIA}%2F20240101%2Fus-east-1%2Fs3%2Faws4_request"
            f"&X-Amz-Security-Token={ex.TOKEN.replace('/', '%2F').replace('+', '%2B')}"
            "&X-Amz-Signature=abc'\n",
            "fetch.sh",
        ),
        Example(f"token: >-\n  {ex.TOKEN[:100]}\n  {ex.TOKEN[100:]}\n", "split.yaml", line=2),
        Example(f'{{"SessionToken":"{ex.TOKEN}","Expiration":"2024-01-01T00:00:00Z"}}', "t.json"),
        # Beside a temporary id, by position: any name, no STS header, a shorter value.
        Example(f"id: {ex.ASIA}\nsession: {ex.TOKEN_NO_PREFIX[:80]}\n", "s.yaml", line=2),
        Example(
            f"AWS_SESSION_TOKEN={ex.EXAMPLE_TOKEN}\n",
            ".env",
            severity=Severity.NOTE,
            options={"report_examples": True},
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for token in material(doc, ctx.report_examples).tokens:
            where = " (X-Amz-Security-Token of a presigned URL)" if token.in_url else ""
            sure = bool(token.name) or token.value.startswith(SESSION_TOKEN_PREFIXES)
            yield self.finding(
                doc,
                token.start,
                token.end,
                material=token.value,
                evidence=redact(token.value),
                severity=Severity.NOTE if token.example else None,
                message=EXAMPLE_TOKEN_NOTE if token.example else None,
                confidence=Confidence.HIGH if sure else Confidence.MEDIUM,
                properties={"name": token.name, "in_url": str(token.in_url).lower()},
                token=redact(token.value),
                where=where,
                rule_id=self.id,
            )
