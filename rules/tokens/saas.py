"""Payment and messaging API keys: Stripe, SendGrid, Twilio (RC143-RC145)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Severity
from rolecall.rules.common.lowered import LOWERED, folded
from rolecall.rules.common.tokens import TokenRule
from rolecall.rules.fakes import fake

#: Where RC145's pattern can match, in the lower-cased copy: its account-SID branch
#: (``AC``, 32 hex digits, a quote; ``(?i)`` there too). Led by a literal, so searched
#: at C speed.
_SID_HEAD = re.compile(rb"ac[0-9a-f]{32}[\"']")


class StripeLiveKey(TokenRule):
    """A Stripe live-mode secret or restricted key (``sk_live_``, ``rk_live_``).

    ## What it finds
    Stripe secret keys and restricted keys for live mode. Test-mode keys (``sk_test_``)
    move no money and are not reported.

    ## Why it is risky
    A live secret key creates charges, refunds and payouts and reads every customer's
    data; it never expires until rolled.

    ## Use instead
    Roll the key in the Dashboard. Give each service a restricted key (``rk_live_``) with
    only the permissions it needs, stored in a secrets manager that the service reads at
    start-up with its own role or managed identity (AWS Secrets Manager with an IAM task
    role, Azure Key Vault with a managed identity), never in code or config.

    ## Example
    Before: ``stripe.api_key = "sk_live_..."``.
    After: ``stripe.api_key = get_secret("stripe/restricted-checkout")``, read with the
    service's role.
    """

    id = "RC143"
    name = "stripe-live-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Stripe live {kind} {evidence} is embedded in the file"
    recommendation = (
        "Roll the key in the Stripe Dashboard; give the service a restricted key kept in a "
        "secrets manager that it reads with its own role or managed identity."
    )
    keywords = ("sk_live_", "rk_live_")
    tags = ("stripe",)
    # The look-behind after the prefix it looks back over: a pattern that opens with a
    # look-behind is tried at every offset (see _SMTP_PASSWORD in rolecall.rules.aws.adjacent).
    pattern = re.compile(
        r"([sr]k_live_(?<![A-Za-z0-9_][sr]k_live_)[A-Za-z0-9]{24,247})(?![A-Za-z0-9_])"
    )
    prefix_length = 8
    VALID = (
        Example('stripe.api_key = "sk_test_' + fake("stripe_live")[8:] + '"\n'),
        Example('stripe.api_key = "sk_live_' + "x" * 24 + '"\n'),
    )
    INVALID = (
        Example('stripe.api_key = "' + fake("stripe_live") + '"\n', line=1, column=19),
        Example("STRIPE_KEY=rk" + fake("stripe_live")[2:] + "\n", filename=".env"),
    )

    def describe(self, token: str) -> str:
        return "secret key" if token.startswith("sk") else "restricted key"


class SendgridApiKey(TokenRule):
    """A SendGrid API key (``SG.<22>.<43>``) is embedded in the file.

    ## What it finds
    Twilio SendGrid API keys: ``SG.``, a 22-character key id, a dot and a 43-character
    secret.

    ## Why it is risky
    A full-access key sends mail as the company's verified domains (phishing with valid
    DKIM), reads contacts and changes settings. It never expires.

    ## Use instead
    On AWS, send through Amazon SES with the workload's IAM role (``ses:SendEmail`` via
    the SDK's default provider chain): no key at all. Otherwise a restricted *Mail Send*
    key kept in a secrets manager and read at run time with the workload's own identity.

    ## Example
    Before: ``SendGridAPIClient("SG.xxx.yyy")``.
    After: ``boto3.client("sesv2").send_email(...)`` under the task role.
    """

    id = "RC144"
    name = "sendgrid-api-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "SendGrid API key {evidence} is embedded in the file"
    recommendation = (
        "Delete the key. Send through Amazon SES with the workload's IAM role (no key), or "
        "use a Mail Send-only key kept in a secrets manager read with the workload's identity."
    )
    keywords = ("SG.",)
    tags = ("sendgrid",)
    # The look-behind after the literal "SG." it looks back over: searched for "SG." at C
    # speed instead of tried at every offset (as _SMTP_PASSWORD in rolecall.rules.aws.adjacent).
    pattern = re.compile(
        r"(SG\.(?<![A-Za-z0-9_.-]SG\.)[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])"
    )
    prefix_length = 3
    VALID = (
        Example('key = "SG.' + "x" * 22 + "." + "x" * 43 + '"\n'),
        Example("msg.SG.attach()\n"),
    )
    INVALID = (Example('SENDGRID_API_KEY = "' + fake("sendgrid") + '"\n', line=1, column=21),)


class TwilioAuthToken(TokenRule):
    """A Twilio auth token or API key secret (32 hex characters) is in the file.

    ## What it finds
    32-character hex values assigned to Twilio auth-token or secret names
    (``TWILIO_AUTH_TOKEN``, ``twilio_api_secret``), and the second argument of
    ``Client("AC...", "...")`` after an account SID.

    ## Why it is risky
    The account auth token is the master credential: it sends SMS and calls on the
    account's bill, reads message logs and manages numbers, until someone rotates it.

    ## Use instead
    Never ship the account auth token. Create a revocable API key (``SK...``) per service
    and keep its secret in a secrets manager that the service reads at run time with its
    own role or managed identity; rotate the leaked auth token in the console.

    ## Example
    Before: ``Client("AC...", "0f1e...")``.
    After: ``Client(api_key_sid, api_key_secret, account_sid)`` with the secret read from
    the secrets manager.
    """

    id = "RC145"
    name = "twilio-auth-token"
    severity = Severity.ERROR
    confidence = Confidence.MEDIUM
    message = "Twilio auth token or API secret {evidence} is embedded in the file"
    recommendation = (
        "Rotate the auth token in the console; give each service its own API key whose "
        "secret it reads from a secrets manager with its own role or managed identity."
    )
    keywords = ("twilio",)
    tags = ("twilio",)
    pattern = re.compile(
        r"(?i:twilio[a-z_]{0,20}(?:auth_?token|api_?secret|secret)[\"']?\s{0,4}[:=]\s{0,4}"
        r"|\bAC[0-9a-f]{32}[\"']\s{0,4},\s{0,4})[\"']?([0-9a-f]{32})(?![0-9A-Za-z])"
    )

    def matches(self, doc: Document) -> Iterator[re.Match[str]]:
        """``pattern.finditer(doc.text)``, with the pattern tried only where it can start.

        The pattern is a case-insensitive alternation, tried at every offset of a text
        (50 ms for each of the two botocore models that name Twilio). A match starts at
        ``twilio`` or at an account SID, in any case: their places in the exact
        lower-cased copy (:func:`~rolecall.rules.common.lowered.folded`) are the
        only starts, tried left to right and never inside an earlier match, which is
        what ``finditer`` yields. Without an exact copy, ``finditer`` itself runs.
        """
        text = doc.text
        lowered = folded(text, doc.view(LOWERED))
        if lowered is None:
            yield from self.pattern.finditer(text)
            return
        starts: set[int] = set()
        pos = lowered.find(b"twilio")
        while pos != -1:
            starts.add(pos)
            pos = lowered.find(b"twilio", pos + 1)
        head = _SID_HEAD.search(lowered)
        while head is not None:
            starts.add(head.start())
            head = _SID_HEAD.search(lowered, head.start() + 1)  # heads may overlap
        done = 0
        for start in sorted(starts):
            if start < done:
                continue
            match = self.pattern.match(text, start)
            if match is not None:
                done = match.end()
                yield match

    VALID = (
        Example("TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}\n", filename=".env"),
        Example('TWILIO_ACCOUNT_SID = "' + fake("twilio_sid") + '"\n'),
    )
    INVALID = (
        Example("TWILIO_AUTH_TOKEN=" + fake("hex32") + "\n", filename=".env", line=1, column=19),
        Example(
            'from twilio.rest import Client\nc = Client("'
            + fake("twilio_sid")
            + '", "'
            + fake("hex32", 1)
            + '")\n',
            line=2,
        ),
    )
