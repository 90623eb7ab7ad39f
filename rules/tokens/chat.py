"""Chat credentials: Slack tokens and incoming-webhook URLs (RC140, RC141)."""

from __future__ import annotations

import re

from rolecall import Confidence, Example, Severity
from rolecall.rules.common.tokens import TokenRule
from rolecall.rules.fakes import fake

_SLACK_KINDS = {
    "xoxb": "Slack bot token",
    "xoxp": "Slack user token",
    "xoxa": "Slack workspace app token",
    "xoxo": "Slack legacy token",
    "xoxs": "Slack session token",
    "xoxr": "Slack refresh token",
    "xoxe": "Slack rotating token",
    "xapp": "Slack app-level token",
}


class SlackToken(TokenRule):
    """A Slack API token (``xoxb-``, ``xoxp-``, ``xapp-``, ...) is embedded in the file.

    ## What it finds
    Slack bot, user, app-level, refresh and legacy tokens in their published layouts
    (numeric workspace and user segments, then the random part). Slack's documentation
    placeholder (``xoxb-not-a-real-token...``) has no numeric segments and is not reported.

    ## Why it is risky
    Bot and user tokens without token rotation never expire. They read channels and
    direct messages, post as the app or user, and download files, from anywhere.

    ## Use instead
    Turn on token rotation for the app so access tokens expire after 12 hours and only a
    refresh token has to be guarded; keep that in a secrets manager (AWS Secrets Manager,
    Azure Key Vault, GCP Secret Manager) that the workload reads at start-up with its own
    role or managed identity. Socket Mode app tokens belong in the same store.

    ## Example
    Before: ``app = App(token="xoxb-...")``.
    After: ``app = App(token=secrets.get_secret_value(SecretId="slack/bot")["SecretString"])``
    with the task role allowed to read that one secret.
    """

    id = "RC140"
    name = "slack-token"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "{kind} {evidence} is embedded in the file"
    recommendation = (
        "Revoke the token, enable token rotation (12-hour access tokens), and have the "
        "workload read the refresh token from a secrets manager with its own role or "
        "managed identity."
    )
    keywords = ("xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe", "xapp-")
    tags = ("slack",)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_.-])((?:xoxe\.)?xox[abposre]-\d{1,16}-[0-9A-Za-z-]{8,250}"
        r"|xapp-\d-[A-Z0-9]{8,16}-\d{8,16}-[a-f0-9]{32,128})(?![A-Za-z0-9_-])"
    )
    VALID = (
        Example('SLACK_BOT_TOKEN = "xoxb-not-a-real-token-this-will-not-work"\n'),
        Example('SLACK_BOT_TOKEN = "xoxb-0000000000-0000000000-xxxxxxxxxxxxxxxxxxxxxxxx"\n'),
        Example("token: ${{ secrets.SLACK_BOT_TOKEN }}\n", filename="ci.yml"),
    )
    INVALID = (
        Example('SLACK_BOT_TOKEN = "' + fake("slack_bot") + '"\n', line=1, column=20),
        Example("SLACK_TOKEN=" + fake("slack_bot").replace("xoxb", "xoxp") + "\n", filename=".env"),
    )

    def accept(self, token: str) -> bool:
        return token.count("-") >= 2 and sum(c.isdigit() for c in token) >= 8

    def describe(self, token: str) -> str:
        return _SLACK_KINDS[token.removeprefix("xoxe.")[:4]]


class SlackWebhookUrl(TokenRule):
    """A Slack incoming-webhook or workflow-trigger URL is embedded in the file.

    ## What it finds
    ``https://hooks.slack.com/services/T.../B.../...`` incoming-webhook URLs and
    ``/workflows/`` and ``/triggers/`` URLs: the random last segment is the credential.

    ## Why it is risky
    Anyone holding the URL can post any message, with links, into the channel, as the
    app: a ready-made phishing channel inside the company. The URL never expires.

    ## Use instead
    Post through a Slack app with a rotated bot token, or keep the webhook URL in a
    secrets manager that the sender reads at run time with its own role or managed
    identity (``${{ secrets.SLACK_WEBHOOK_URL }}`` in CI). Regenerate the leaked URL.

    ## Example
    Before: ``requests.post("https://hooks.slack.com/services/T0/B0/abc...", json=msg)``.
    After: ``requests.post(os.environ["SLACK_WEBHOOK_URL"], json=msg)``, the variable set
    from a secrets manager by the platform.
    """

    id = "RC141"
    name = "slack-webhook-url"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "Slack webhook URL {evidence} is embedded in the file"
    recommendation = (
        "Regenerate the webhook. Keep its URL in a secrets manager read at run time with "
        "the workload's own role or managed identity, or post through a Slack app with "
        "token rotation."
    )
    keywords = ("hooks.slack.com",)
    tags = ("slack",)
    pattern = re.compile(
        r"(https://hooks\.slack\.com/(?:services|workflows|triggers)/"
        r"[A-Z0-9]{8,16}/[A-Za-z0-9]{8,24}/(?:\d{6,24}/)?[A-Za-z0-9]{20,40})(?![A-Za-z0-9])"
    )
    prefix_length = 30
    VALID = (
        Example(
            'URL = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"\n'
        ),
        Example('URL = "https://hooks.slack.com/services/${TEAM}/${HOOK}"\n'),
    )
    INVALID = (Example('URL = "' + fake("slack_webhook") + '"\n', line=1, column=8),)

    def accept(self, token: str) -> bool:
        return not any(c * 6 in token for c in "0Xx")
