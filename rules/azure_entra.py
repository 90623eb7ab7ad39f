"""Microsoft Entra ID (Azure AD) application client secrets (RC132)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.fakes import fake
from rolecall.secrets import is_not_a_literal_secret, looks_random

# Entra ID client secrets since 2021: 3 characters, a digit, "Q~", 31-34 more.
_SHAPED_SECRET = re.compile(
    r"(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})"
    r"(?![A-Za-z0-9_~.-])"
)
_NAMED_SECRET = re.compile(
    r"(?i)(?:AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|client_?secret|clientSecret)[\"']?"
    r"\s{0,4}[:=]\s{0,4}[\"']?([A-Za-z0-9_~.+/=-]{32,44})(?![A-Za-z0-9_~.+/=-])"
)
_AZURE_CONTEXT = re.compile(r"(?i)azure|tenant|microsoftonline|ARM_CLIENT")


class AzureClientSecret(Rule):
    """A Microsoft Entra ID (Azure AD) application client secret is in the file.

    ## What it finds
    Client secrets in the current format (``...8Q~...``, 40 characters) anywhere, and
    older 32-44 character secrets assigned to ``AZURE_CLIENT_SECRET``,
    ``ARM_CLIENT_SECRET`` or ``client_secret`` in a file that also names a tenant.

    ## Why it is risky
    A client secret lets anyone sign in as the application (service principal) for up to
    two years, with every role it was granted, from anywhere.

    ## Use instead
    Use a managed identity for workloads in Azure, and workload identity federation
    (federated credentials) for GitHub Actions, Kubernetes and other clouds: ``azure/login``
    with ``client-id``, ``tenant-id`` and ``subscription-id`` but no secret, or
    ``DefaultAzureCredential`` in code. Delete the secret from the app registration.

    ## Example
    Before: ``AZURE_CLIENT_SECRET=...`` next to ``AZURE_TENANT_ID`` in ``.env``.
    After: the app registration has a federated credential for the repository and the
    workflow logs in with OIDC (``permissions: id-token: write``).
    """

    id = "RC132"
    name = "azure-client-secret"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Azure client secret {evidence} is embedded in the file"
    recommendation = (
        "Delete the secret from the app registration; use a managed identity in Azure, or "
        "workload identity federation (a federated credential, azure/login with OIDC) from "
        "CI and other clouds, through DefaultAzureCredential."
    )
    keywords = ("Q~", "client_secret", "clientsecret")
    tags = ("azure",)
    VALID = (
        Example("AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}\n", filename=".env"),
        Example('client_secret = "' + "a" * 40 + '"  # tenant\n'),
        Example('GITHUB_CLIENT_SECRET = "' + fake("hex32") + '"\n'),
    )
    INVALID = (
        Example('secret = "' + fake("azure_client_secret") + '"\n', line=1, column=11),
        Example(
            "AZURE_TENANT_ID="
            + fake("uuid")
            + "\nAZURE_CLIENT_SECRET="
            + fake("azure_sas_key")
            + "\n",
            filename=".env",
            line=2,
            column=21,
            count=1,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[int] = set()
        for match in _SHAPED_SECRET.finditer(doc.text):
            seen.add(match.start(1))
            yield from self._report(doc, match, Confidence.HIGH)
        if not _AZURE_CONTEXT.search(doc.text):
            return
        for match in _NAMED_SECRET.finditer(doc.text):
            if match.start(1) not in seen:
                yield from self._report(doc, match, Confidence.MEDIUM)

    def _report(self, doc: Document, match: re.Match[str], conf: Confidence) -> Iterator[Finding]:
        secret = match.group(1)
        if is_not_a_literal_secret(secret) or not looks_random(secret, min_entropy=3.5):
            return
        yield self.finding(
            doc,
            match.start(1),
            match.end(1),
            material=secret,
            evidence=redact(secret),
            confidence=conf,
        )
