"""Long-lived credentials of other clouds that have a keyless alternative (RC110-RC111)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import has_placeholder_word, shannon_entropy
from rolecall.rules.aws import examples as ex

_BEGIN = "-----BEGIN "
_PEM = _BEGIN + "PRIVATE KEY-----"
#: ``"private_key": "-----BEGIN PRIVATE KEY-----`` (also JSON inside a JSON string).
_PRIVATE_KEY = re.compile(
    r'private_key\\?"\s{0,8}:\s{0,8}\\?"(-----BEGIN (?:RSA )?PRIVATE KEY-----)'
)
_KEY_ID = re.compile(r'private_key_id\\?"\s{0,8}:\s{0,8}\\?"([0-9a-f]{40})')
_EMAIL = re.compile(r'client_email\\?"\s{0,8}:\s{0,8}\\?"([a-z0-9-]{1,64}@[a-z0-9.-]{1,128})')
#: Line breaks inside a PEM body: real ones, or JSON escapes (``\\n``, ``\\\\n``).
# The lookbehind starts a match only at the first backslash of a run: without it a long
# run not followed by n/r is retried from each backslash (quadratic).
_ESCAPES = re.compile(r"(?<!\\)\\+[nr]|\s")
#: How far around a private key its key id and e-mail address are looked for.
_BEFORE, _AFTER = 1500, 800
_MAX_BODY = 8000


def _fake_sa_key(escaped: bool = False) -> str:
    body = "\\n".join(ex.TOKEN[i : i + 64] for i in range(0, 384, 64))
    key = (
        '{"type": "service_account", "project_id": "acme-prod",\n'
        f' "private_key_id": "{ex.SHA1}",\n'
        f' "private_key": "{_PEM}\\n{body}\\n-----END PRIVATE KEY-----\\n",\n'
        ' "client_email": "ci-deployer@acme-prod.iam.gserviceaccount.com"}\n'
    )
    return key.replace('"', '\\"') if escaped else key


class GcpServiceAccountKey(Rule):
    """A Google Cloud service account key (JSON key file) is embedded in the file.

    ## What it finds
    The ``private_key`` of a service account key file (``"type": "service_account"``)
    anywhere in a text: a committed key file, a key pasted into YAML, an environment
    variable or a Terraform heredoc, also as JSON escaped inside a string. Placeholder
    keys (short or elided bodies) are not reported.

    ## Why it is risky
    Service account keys do not expire by default; anyone holding the file acts as the
    service account, from anywhere, until the key is deleted.

    ## Use instead
    Delete the key and use keyless access: attach the service account to the workload
    (GCE, Cloud Run, GKE Workload Identity), and use Workload Identity Federation for CI
    (GitHub OIDC), AWS or Azure workloads.

    ## Example
    Before: ``gcp-key.json`` committed and loaded with
    ``service_account.Credentials.from_service_account_file``. After: no key file;
    ``google.auth.default()`` finds the attached or federated identity.
    """

    id = "RC110"
    name = "gcp-service-account-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Google Cloud service account key {key_id} of {email} is embedded in the file"
    recommendation = (
        "Disable and delete the key: gcloud iam service-accounts keys disable {key_id} "
        "--iam-account={email}, then gcloud iam service-accounts keys delete {key_id} "
        "--iam-account={email}; check Cloud Audit Logs for its use. Attach the service "
        "account to the workload or use Workload Identity Federation (OIDC in CI) instead "
        "of key files. Details: rolecall explain RC110."
    )
    keywords = ("service_account",)
    tags = ("gcp", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example('{"type": "service_account", "private_key": "' + _PEM + '\\n...\\n"}\n', "k.json"),
        Example('{"type": "authorized_user", "client_id": "1.apps.googleusercontent.com"}\n'),
    )
    INVALID = (
        Example(_fake_sa_key(), "gcp-key.json", line=3, column=18),
        Example('GOOGLE_CREDENTIALS: "' + _fake_sa_key(escaped=True) + '"\n', "ci.yaml"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        done = 0
        for match in _PRIVATE_KEY.finditer(text):
            start = match.start(1)
            if start < done:
                continue
            end = text.find("-----END", start, start + _MAX_BODY)
            if end == -1:
                continue
            done = end
            body = _ESCAPES.sub("", text[match.end(1) : end])
            if len(body) < 200 or has_placeholder_word(body) or shannon_entropy(body) < 4.5:
                continue
            lo, hi = max(0, start - _BEFORE), end + _AFTER
            key_id = _KEY_ID.search(text, lo, hi)
            email = _EMAIL.search(text, lo, hi)
            kid = key_id.group(1) if key_id else "<key-id>"
            mail = email.group(1) if email else "<service-account-email>"
            yield self.finding(
                doc,
                start,
                start + len(match.group(1)),
                material=body,
                evidence=f"{kid} ({mail}) {redact(body)}",
                key_id=kid,
                email=mail,
                properties={"key_id": kid, "client_email": mail},
            )


#: Microsoft's published shape of an Entra ID (Azure AD) client secret: 3 characters,
#: ``8Q~``, 34 characters, from ``[A-Za-z0-9_~.-]``.
_AZURE_SECRET = re.compile(r"[A-Za-z0-9_~.\-]{3}8Q~[A-Za-z0-9_~.\-]{34}")
_AZURE_EDGE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-+/")
_AZURE_FAKE = "k7P" + "8Q~" + "r2Vd.Xw9_Lq4Tz~Hn6Bm3Jc8Fy1Gs5Ka0P"


class AzureClientSecret(Rule):
    """A Microsoft Entra ID (Azure AD) application client secret is embedded in the file.

    ## What it finds
    A client secret in the format Entra ID issues (40 characters with ``8Q~`` after the
    third), wherever it appears: ``AZURE_CLIENT_SECRET``, ``ClientSecret`` in
    ``appsettings.json``, connection settings, scripts.

    ## Why it is risky
    Client secrets live for up to two years; with the tenant and client id (usually next
    to it) they sign in as the application from anywhere.

    ## Use instead
    Delete the secret and use a managed identity for workloads in Azure, or workload
    identity federation (a federated credential trusting GitHub OIDC, Kubernetes or AWS)
    elsewhere; ``DefaultAzureCredential`` picks either up without a secret.

    ## Example
    Before: ``ClientSecretCredential(tenant, client_id, "...8Q~...")``. After:
    ``DefaultAzureCredential()`` with a managed identity or a federated credential.
    """

    id = "RC111"
    name = "azure-client-secret"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Azure (Entra ID) client secret {secret} is embedded in the file"
    recommendation = (
        "Delete the secret (az ad app credential list --id <app-id> shows its key id; "
        "az ad app credential delete --id <app-id> --key-id <key-id>) and check the "
        "application's sign-in logs. Use a managed identity or workload identity federation "
        "with DefaultAzureCredential instead. Details: rolecall explain RC111."
    )
    keywords = ("8Q~",)
    tags = ("azure", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example(f'secret = "x{_AZURE_FAKE}"\n'),
        Example('AZURE_CLIENT_SECRET="abc8Q~' + "x" * 34 + '"\n', ".env"),
    )
    INVALID = (
        Example(f"AZURE_CLIENT_SECRET={_AZURE_FAKE}\n", ".env", line=1, column=21),
        Example(f'{{"AzureAd": {{"ClientSecret": "{_AZURE_FAKE}"}}}}', "appsettings.json"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        pos = text.find("8Q~")
        while pos != -1:
            start = pos - 3
            match = _AZURE_SECRET.fullmatch(text, max(0, start), start + 40)
            if start >= 0 and match and self._bounded(text, start, start + 40):
                value = match.group()
                if not has_placeholder_word(value) and shannon_entropy(value) >= 3.5:
                    yield self.finding(
                        doc,
                        start,
                        start + 40,
                        material=value,
                        evidence=redact(value),
                        secret=redact(value),
                    )
            pos = text.find("8Q~", pos + 3)

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        before = text[start - 1 : start] if start else ""
        after = text[end : end + 1]
        return before not in _AZURE_EDGE and after not in _AZURE_EDGE and after != "="
