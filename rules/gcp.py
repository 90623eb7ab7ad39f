"""Google Cloud credentials: service-account key files and API keys (RC125, RC126)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.fakes import fake
from rolecall.rules.private_keys import key_material
from rolecall.secrets import is_not_a_literal_secret, looks_random

_Q = r"""\\?["']"""  # a quote, possibly escaped inside another string
_TYPE = re.compile(_Q + r"type" + _Q + r"\s{0,20}:\s{0,20}" + _Q + r"service_account" + _Q)
_PRIVATE_KEY = re.compile(
    _Q + r"private_key" + _Q + r"\s{0,20}:\s{0,20}" + _Q + r"\s{0,4}-----BEGIN [A-Z ]{0,20}"
    r"PRIVATE KEY-----"
)
_KEY_ID = re.compile(_Q + r"private_key_id" + _Q + r"\s{0,20}:\s{0,20}" + _Q + r"([0-9a-f]{40})")
_EMAIL = re.compile(r"[a-z0-9-]{1,64}@[a-z0-9-]{1,64}\.iam\.gserviceaccount\.com")
_NEAR = 4_000  # a key file is ~2.3 KB; its fields are never further apart than this


class GcpServiceAccountKey(Rule):
    """A Google Cloud service-account key (JSON key file) is embedded in the file.

    ## What it finds
    A JSON object with ``"type": "service_account"`` and a ``private_key`` holding real
    key material: a key file from ``gcloud iam service-accounts keys create``, also when
    it is pasted as an escaped string into an environment variable, a YAML value or code.

    ## Why it is risky
    User-managed service-account keys never expire by default. Anyone with the file acts
    as the service account, from anywhere, until someone deletes the key.

    ## Use instead
    Delete the key and let Google's client libraries find short-lived credentials through
    Application Default Credentials: workload identity federation for CI and other clouds
    (GitHub Actions OIDC with ``google-github-actions/auth`` and a
    ``workload_identity_provider``, AWS or Azure federation), GKE Workload Identity for pods,
    and the attached service account on Cloud Run, Cloud Functions and Compute Engine.
    Enforce ``iam.disableServiceAccountKeyCreation`` so no new keys appear.

    ## Example
    Before: ``credentials/deployer.json`` committed and read with
    ``GOOGLE_APPLICATION_CREDENTIALS``.
    After: the workflow runs ``google-github-actions/auth`` with
    ``workload_identity_provider`` and ``service_account`` and no key file exists.
    """

    id = "RC125"
    name = "gcp-service-account-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Google Cloud service-account key {key_id} for {email} is embedded in the file"
    recommendation = (
        "Delete the key (gcloud iam service-accounts keys delete {key_id} "
        "--iam-account={email}) and use keyless credentials: workload identity federation "
        "(GitHub Actions OIDC, AWS/Azure federation), GKE Workload Identity, or the attached "
        "service account through Application Default Credentials."
    )
    keywords = ("service_account",)
    tags = ("gcp",)
    VALID = (
        Example(
            '{"type": "external_account", "audience": "//iam.googleapis.com/x"}\n',
            filename="wif.json",
        ),
        Example(
            '{"type": "service_account", "private_key": "'
            + "-" * 5
            + "BEGIN PRIVATE KEY"
            + "-" * 5
            + '\\n...\\n", "client_email": "x@p.iam.gserviceaccount.com"}\n',
            filename="docs/key.json",
        ),
    )
    INVALID = (
        Example(fake("gcp_service_account"), filename="deployer.json", line=5, column=3),
        Example(
            "GOOGLE_CREDENTIALS='" + fake("gcp_service_account").replace("\n", "") + "'\n",
            filename=".env",
            line=1,
        ),
        Example(
            'creds = "' + fake("gcp_service_account").replace('"', '\\"').replace("\n", "") + '"\n',
            line=1,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        types = [m.start() for m in _TYPE.finditer(text)]
        if not types:
            return
        for match in _PRIVATE_KEY.finditer(text):
            i = bisect.bisect_left(types, match.start() - _NEAR)
            if i == len(types) or types[i] >= match.start() + _NEAR:
                continue
            material, _ = key_material(text, match.end())
            if len(material) < 60:
                continue  # a documentation stub, not a key
            lo, hi = max(0, match.start() - _NEAR), match.end() + _NEAR
            key_id = _KEY_ID.search(text, lo, hi)
            email = _EMAIL.search(text, lo, hi)
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                material=material,
                evidence=redact(material),
                key_id=key_id.group(1) if key_id else "(unknown id)",
                email=email.group(0) if email else "its service account",
                properties={"private_key_id": key_id.group(1) if key_id else ""},
            )


_API_KEY = re.compile(r"(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")
_CLIENT_CONFIG = re.compile(r"(?i)firebaseapp\.com|google-services|GoogleService-Info")


class GoogleApiKey(Rule):
    """A Google API key (``AIza...``) is embedded in the file.

    ## What it finds
    A 39-character Google API key. Keys in Firebase and Android client configuration
    (``google-services.json``, a web app's ``firebaseConfig``) are meant to ship with the
    app and are reported as a note; anywhere else as a warning.

    ## Why it is risky
    API keys do not expire and identify the project that pays. An unrestricted key lets
    anyone call every enabled API (Maps, Gemini, ...) on the project's bill and quota.

    ## Use instead
    For server-side calls, authenticate with Application Default Credentials instead of a
    key: the attached service account on Cloud Run or Compute Engine, GKE Workload Identity,
    or workload identity federation from CI and other clouds. A key that must ship in a
    client app gets application and API restrictions; rotate any key that leaked.

    ## Example
    Before: ``GEMINI_KEY = "AIza..."`` in a backend module.
    After: the backend runs as a service account and the client library picks up its
    credentials through Application Default Credentials.
    """

    id = "RC126"
    name = "google-api-key"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "Google API key {evidence} is embedded in the file"
    recommendation = (
        "Regenerate the key. Call Google APIs from servers with Application Default "
        "Credentials (attached service account, GKE Workload Identity, workload identity "
        "federation) instead of a key; restrict any key a client app must ship by app and API."
    )
    keywords = ("AIza",)
    tags = ("gcp",)
    VALID = (
        Example('key = "AIza' + "x" * 35 + '"\n'),
        Example('key = "AIza' + "0" * 30 + 'EXAMPLE"\n'),
        Example('url = "/AIza' + fake("google_api_key")[4:] + 'abc"\n'),
    )
    INVALID = (
        Example('MAPS_KEY = "' + fake("google_api_key") + '"\n', line=1, column=13),
        Example(
            'const firebaseConfig = {apiKey: "' + fake("google_api_key") + '", authDomain: '
            '"acme.firebaseapp.com"};\n',
            filename="app.js",
            severity=Severity.NOTE,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        client = None
        for match in _API_KEY.finditer(doc.text):
            key = match.group(1)
            if is_not_a_literal_secret(key) or not looks_random(key[4:], min_entropy=3.5):
                continue
            if client is None:
                client = bool(_CLIENT_CONFIG.search(doc.path) or _CLIENT_CONFIG.search(doc.text))
            yield self.finding(
                doc,
                match.start(1),
                match.end(1),
                material=key,
                evidence=redact(key),
                severity=Severity.NOTE if client else None,
            )
