"""Microsoft Entra ID client secrets assigned by name, in any format (RC132).

Secrets in the current ``8Q~`` format are RC111's (``cloud_keys``), wherever they appear;
this rule adds the older formats, recognisable only by the name they are assigned to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import lazy
from rolecall.rules.common.literals import LiteralFinder
from rolecall.rules.common.lowered import LOWERED, folded
from rolecall.rules.common.placeholders import is_not_a_literal_secret, looks_random
from rolecall.rules.fakes import fake

_NAMED_SECRET = lazy(
    r"(?i)(?:AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|client_?secret|clientSecret)[\"']?"
    r"\s{0,4}[:=]\s{0,4}[\"']?([A-Za-z0-9_~.+/=-]{32,44})(?![A-Za-z0-9_~.+/=-])"
)
_AZURE_CONTEXT = lazy(r"(?i)azure|tenant|microsoftonline|ARM_CLIENT")
_CONTEXT_WORDS = (b"azure", b"tenant", b"microsoftonline", b"arm_client")
#: Where ``secret`` sits in each name ``_NAMED_SECRET`` accepts (``AZURE_CLIENT_SECRET``,
#: ``ARM_CLIENT_SECRET``, ``client_secret``, ``clientsecret``): a match can only start
#: this far before an occurrence of it. Ascending starts.
_SECRET_OFFSETS = (13, 11, 7, 6)
#: The context words, then ``secret``: what :func:`has_context` and
#: :func:`named_secrets` look for in the lower-cased copy, found in one pass (of the
#: context words, only whether they occur).
_WORDS = LiteralFinder((*_CONTEXT_WORDS, b"secret"), once=range(len(_CONTEXT_WORDS)))


def context_and_secrets(lowered: bytes) -> tuple[bool, list[int]]:
    """``has_context`` of a text whose exact lower-cased copy is ``lowered``, and where
    ``secret`` starts in it (ascending): one pass where there were up to five."""
    found = _WORDS.find(lowered)
    return any(found[: len(_CONTEXT_WORDS)]), found[len(_CONTEXT_WORDS)]


def has_context(text: str, lowered: bytes | None) -> bool:
    """Whether ``text`` names Azure or a tenant: ``_AZURE_CONTEXT``, decided by ``in``."""
    if lowered is None:
        return _AZURE_CONTEXT.search(text) is not None
    return any(word in lowered for word in _CONTEXT_WORDS)


def named_secrets(
    text: str, lowered: bytes | None, secrets: list[int] | None = None
) -> Iterator[re.Match[str]]:
    """The matches of ``_NAMED_SECRET.finditer(text)``, tried only where one can start.

    A case-insensitive alternation is searched at every offset of a large text (botocore's
    API models name ``ClientSecret`` shapes); ``str.find`` finds the few places where a
    name ends in ``secret`` and the pattern is matched at the starts those allow, left to
    right and never inside an earlier match, which is what ``finditer`` yields.
    ``secrets``: where ``secret`` starts in ``lowered``, when known
    (:func:`context_and_secrets`).
    """
    if lowered is None:
        yield from _NAMED_SECRET.finditer(text)
        return
    if secrets is None:
        secrets = []
        pos = lowered.find(b"secret")
        while pos != -1:
            secrets.append(pos)
            pos = lowered.find(b"secret", pos + 1)
    starts: set[int] = set()
    for pos in secrets:
        starts.update(pos - back for back in _SECRET_OFFSETS if pos >= back)
    done = 0
    for start in sorted(starts):
        if start < done:
            continue
        match = _NAMED_SECRET.match(text, start)
        if match is not None:
            done = match.end()
            yield match


class AzureClientSecretAssignment(Rule):
    """An Entra ID (Azure AD) client secret is assigned to a client-secret name.

    ## What it finds
    32-44 character secrets of the older formats assigned to ``AZURE_CLIENT_SECRET``,
    ``ARM_CLIENT_SECRET``, ``clientSecret`` or ``client_secret`` in a file that also names
    Azure or a tenant. Current-format secrets (``...8Q~...``) are left to RC111.

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
    name = "azure-client-secret-assignment"
    severity = Severity.ERROR
    confidence = Confidence.MEDIUM
    message = "Azure client secret {evidence} is embedded in the file"
    recommendation = (
        "Delete the secret from the app registration; use a managed identity in Azure, or "
        "workload identity federation (a federated credential, azure/login with OIDC) from "
        "CI and other clouds, through DefaultAzureCredential."
    )
    keywords = ("client_secret", "clientsecret")
    tags = ("azure",)
    VALID = (
        Example("AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}\n", filename=".env"),
        Example('client_secret = "' + "a" * 40 + '"  # tenant\n'),
        Example('GITHUB_CLIENT_SECRET = "' + fake("hex32") + '"\n'),
        Example("AZURE_CLIENT_SECRET=" + fake("azure_client_secret") + "\n", filename=".env"),
    )
    INVALID = (
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
        lowered = folded(doc.text, doc.view(LOWERED))
        secrets = None
        if lowered is None:
            if not has_context(doc.text, None):
                return
        else:
            context, secrets = context_and_secrets(lowered)
            if not context:
                return
        for match in named_secrets(doc.text, lowered, secrets):
            secret = match.group(1)
            if secret[3:6] == "8Q~" or is_not_a_literal_secret(secret):
                continue  # the current format is RC111's
            if not looks_random(secret, min_entropy=3.5):
                continue
            yield self.finding(
                doc, match.start(1), match.end(1), material=secret, evidence=redact(secret)
            )
