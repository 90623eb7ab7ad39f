"""Google API keys (RC126).

Service-account key files are RC110's (``cloud_keys``); RC125 is retired in its favour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.common.placeholders import is_not_a_literal_secret, looks_random
from rolecall.rules.fakes import fake

#: The look-behind after the literal it looks back over: searched for "AIza" at C speed
#: (as _SMTP_PASSWORD in rolecall.rules.aws.adjacent).
_API_KEY = re.compile(r"(AIza(?<![A-Za-z0-9_-]AIza)[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")
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
