"""Container registry credentials in Docker/Podman client configuration (RC155)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.common.placeholders import is_not_a_literal_secret
from rolecall.rules.fakes import fake

_AUTH = re.compile(r"\"(auth|identitytoken|password)\"\s{0,20}:\s{0,20}\"([^\"\\\s]{4,4000})\"")
# base64 of '{"auths":' as Kubernetes stores a whole config in a dockerconfigjson Secret.
_EMBEDDED = re.compile(r"(eyJhdXRocyI[A-Za-z0-9+/]{10,20000}={0,2})")


def _b64(value: str) -> str | None:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def registry_secrets(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, field, secret) for each literal credential in a config's ``auths``."""
    for match in _AUTH.finditer(text):
        field, value = match.group(1), match.group(2)
        secret = value
        if field == "auth":
            decoded = _b64(value)
            if decoded is None or ":" not in decoded:
                continue
            secret = decoded.split(":", 1)[1]
        if secret and not is_not_a_literal_secret(secret) and len(secret) >= 6:
            yield match.start(2), match.end(2), field, secret


def _config(auth: str) -> str:
    return (
        '{\n  "auths": {\n    "registry.internal": {\n      "auth": "' + auth + '"\n    }\n  }\n}\n'
    )


class DockerConfigAuth(Rule):
    """A registry password or token is stored in a Docker/Podman ``auths`` config.

    ## What it finds
    ``"auth"`` entries (base64 ``user:password``), ``"identitytoken"`` and ``"password"``
    in the ``auths`` of ``~/.docker/config.json``, Podman's ``auth.json`` and
    ``.dockercfg``, also inside a base64-encoded ``.dockerconfigjson`` Kubernetes Secret.

    ## Why it is risky
    ``docker login`` stores the password reversibly; a committed config lets anyone pull
    private images and, usually, push over them.

    ## Use instead
    Configure a credential helper that exchanges the machine's identity for short-lived
    registry tokens: ``credHelpers`` with ``ecr-login`` (role credentials, 12-hour tokens),
    ``gcloud`` (ADC) or ``az acr login`` with a managed identity; in CI,
    ``aws-actions/amazon-ecr-login`` after OIDC role assumption. Kubernetes nodes pull
    with their node role or workload identity instead of ``imagePullSecrets``.

    ## Example
    Before: ``{"auths": {"registry.internal": {"auth": "Y2k6..."}}}`` in the repository.
    After: ``{"credHelpers": {"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login"}}``.
    """

    id = "RC155"
    name = "docker-config-auth"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Container registry credential ({field}) {evidence} is stored in the file"
    recommendation = (
        "Revoke it and replace the auths entry with a credential helper that uses the "
        "machine's identity (ecr-login with role credentials, gcloud with ADC, az acr login "
        "with a managed identity); in CI log in through OIDC."
    )
    keywords = ('"auths"', "eyJhdXRocyI")
    tags = ("containers",)
    VALID = (
        Example(
            '{"credHelpers": {"registry.internal": "ecr-login"}, "auths": {}}\n',
            filename="config.json",
        ),
        Example(
            _config(base64.b64encode(b"ci:${REGISTRY_PASSWORD}").decode()), filename="config.json"
        ),
    )
    INVALID = (
        Example(
            _config(base64.b64encode(("ci:" + fake("password")).encode()).decode()),
            filename=".docker/config.json",
            line=4,
            column=16,
        ),
        Example(
            "kind: Secret\ndata:\n  .dockerconfigjson: "
            + base64.b64encode(
                _config(base64.b64encode(("ci:" + fake("password")).encode()).decode())
                .replace("\n", "")
                .replace(" ", "")
                .encode()
            ).decode()
            + "\n",
            filename="pull-secret.yaml",
            line=3,
            column=22,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        if '"auths"' in text:
            for start, end, field, secret in registry_secrets(text):
                yield self.finding(
                    doc, start, end, material=secret, evidence=redact(secret), field=field
                )
        for match in _EMBEDDED.finditer(text):
            inner = _b64(match.group(1))
            for _, _, field, secret in registry_secrets(inner or ""):
                yield self.finding(
                    doc,
                    match.start(1),
                    match.end(1),
                    material=secret,
                    evidence=redact(secret),
                    field=field,
                )
