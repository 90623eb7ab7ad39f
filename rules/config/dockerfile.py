"""AWS credentials baked into images by Dockerfiles (RC308)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.aws.names import credential_name
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    find_credentials,
    report,
)

_ID, _SECRET = FAKE_KEY_ID, FAKE_SECRET
_BUILD_ARG_ADVICE = (
    "Do not pass AWS credentials as build arguments or ENV: build args and ENV values are "
    "kept in the image history. If the build must call AWS, use a BuildKit secret mount "
    "(`RUN --mount=type=secret,id=aws,target=/home/app/.aws/credentials ...`, built with "
    "`--secret id=aws,src=...`); at run time use the platform's role."
)


class AwsCredentialsInDockerfile(Rule):
    """A Dockerfile bakes AWS credentials into the image or its build.

    ## What it finds
    Literal AWS keys in ``ENV``, ``ARG`` defaults or ``RUN`` commands (``export``,
    ``aws configure set``): an error. AWS credential ``ARG``s without a literal, and
    ``ENV`` credentials copied from build arguments: a warning.

    ## Why it is risky
    ``ENV`` values and ``ARG`` values are stored in the image configuration and history
    (``docker history``); files written by ``aws configure set`` stay in a layer. Anyone
    who pulls the image gets the key.

    ## Use instead
    No credentials at build time; at run time the platform's role (task role, IRSA/Pod
    Identity, instance profile). If the build must call AWS, a BuildKit secret mount:
    ``RUN --mount=type=secret,id=aws,target=/home/app/.aws/credentials ...``.

    ## Example
    Before: ``ARG AWS_SECRET_ACCESS_KEY`` and ``RUN aws s3 cp s3://bucket/model.bin .``.
    After: ``RUN --mount=type=secret,id=aws,target=/home/app/.aws/credentials aws s3 cp ...``
    built with ``docker build --secret id=aws,src=$HOME/.aws/credentials``.
    """

    id = "RC308"
    name = "aws-credentials-in-dockerfile"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "Dockerfile sets `{name}` to {what}"
    recommendation = (
        "Rotate the key ({key_id}). Keep AWS credentials out of the image: at run time the "
        "platform's role (ECS task role, IRSA/EKS Pod Identity, instance profile); at build "
        "time, if needed, `RUN --mount=type=secret,id=aws,target=/home/app/.aws/credentials`."
    )
    kinds = frozenset({DocKind.DOCKERFILE})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(
            "FROM python:3.12-slim\nENV AWS_REGION=eu-west-1\n"
            "RUN --mount=type=secret,id=aws,target=/home/app/.aws/credentials \\\n"
            "    aws s3 cp s3://example-bucket/model.bin /models/\n",
            "Dockerfile",
        ),
    )
    INVALID = (
        Example(
            f"FROM python:3.12-slim\nENV AWS_ACCESS_KEY_ID={_ID} \\\n"
            f"    AWS_SECRET_ACCESS_KEY={_SECRET}\n",
            "Dockerfile",
            line=3,
            column=27,
        ),
        Example(
            "FROM alpine:3.20\nRUN apk add aws-cli && \\\n"
            f"    aws configure set aws_secret_access_key {_SECRET}\n",
            "docker/Dockerfile.build",
            line=3,
            column=45,
        ),
        Example(
            "FROM alpine:3.20\nARG AWS_ACCESS_KEY_ID\nARG AWS_SECRET_ACCESS_KEY\n"
            "RUN aws s3 cp s3://example-bucket/app.tar.gz /srv/\n",
            "Dockerfile",
            count=2,
            line=2,
            column=5,
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        from rolecall.plugin.api import DOCKERFILE_VIEW

        entries = doc.view(DOCKERFILE_VIEW).entries
        for hit in find_credentials([(e.key, e) for e in entries], ctx):
            yield report(self, doc, hit)
        for e in entries:
            cred = credential_name(e.key)
            if e.literal or e.path[0] == "RUN" or cred is None or not cred.aws:
                continue
            start, end = (e.start - len(e.key), e.start) if not e.value else (e.start, e.end)
            where = (
                "a build argument" if e.path[0] == "ARG" else "an ENV copied from " + e.value[:80]
            )
            yield self.finding(
                doc,
                start,
                end,
                material=f"{e.path[0]}:{e.key}",
                evidence=e.key,
                severity=Severity.WARNING,
                confidence=Confidence.MEDIUM,
                message="Dockerfile passes `{name}` as {where}; it is stored in the image",
                where=where,
                name=e.key,
                recommendation=_BUILD_ARG_ADVICE,
            )
