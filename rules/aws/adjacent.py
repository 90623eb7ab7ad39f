"""AWS service passwords: SES SMTP credentials, RDS/Aurora database passwords (RC170, RC171)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.common.placeholders import is_not_a_literal_secret
from rolecall.rules.common.urls import RDS_HOST, url_credentials
from rolecall.rules.fakes import fake

#: A "B" not preceded by a base64 character, then 43 more, not followed by one or "=".
#: The look-behind comes after the "B" (it looks back over the "B" to the character
#: before): a pattern that opens with a literal is searched for that literal at C speed,
#: one that opens with a look-behind is tried at every offset (1.5 s against 0.1 s over
#: botocore's 120 MB of models). The same matches either way (tests compare them).
_SMTP_PASSWORD = re.compile(r"(B(?<![A-Za-z0-9+/]B)[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=])")
_SES_CONTEXT = re.compile(r"(?i)smtp|ses[_-]?pass")  # the keywords below, exactly


def is_ses_smtp_password(value: str) -> bool:
    """SES SMTP passwords are base64 of a version byte (4) and a 32-byte HMAC."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 33 and raw[0] == 4


class SesSmtpPassword(Rule):
    """An Amazon SES SMTP password is embedded in the file.

    ## What it finds
    44-character SES SMTP passwords (base64 of version byte 4 and an HMAC, derived from an
    IAM user's secret access key) in files that name SES or an SMTP password. The SMTP
    user name is the IAM user's access key id, which RC101 reports.

    ## Why it is risky
    The password is derived from a long-term IAM access key and stays valid until that
    key is deleted; it sends mail as every verified identity in the account and region.

    ## Use instead
    Send through the SES API (``sesv2 send_email``) with the workload's IAM role from the
    default provider chain: no password exists. Where an application only speaks SMTP,
    keep the SMTP credentials in Secrets Manager with a rotation function that creates a new
    access key and derives the password, and read them at start-up with the workload's role.

    ## Example
    Before: ``EMAIL_HOST_PASSWORD = "B..."`` with ``EMAIL_HOST = "email-smtp..."``.
    After: ``boto3.client("sesv2").send_email(...)`` (or django-ses) under the task role.
    """

    id = "RC170"
    name = "ses-smtp-password"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Amazon SES SMTP password {evidence} is embedded in the file"
    recommendation = (
        "Delete the IAM user's access key it derives from. Send through the SES API with the "
        "workload's role (default provider chain); if SMTP is unavoidable, keep the "
        "credentials in Secrets Manager with rotation and read them with the role."
    )
    keywords = ("smtp", "ses_pass", "ses-pass", "sespass")
    tags = ("aws", "ses")
    VALID = (
        Example('EMAIL_HOST_PASSWORD = os.environ["SES_SMTP_PASSWORD"]\n'),
        Example(
            'SMTP_PASSWORD = "' + fake("fernet_key").replace("-", "+").replace("_", "/") + '"\n'
        ),
    )
    INVALID = (
        Example(
            'EMAIL_HOST = "email-smtp.eu-west-1.amazonaws.com"\nEMAIL_HOST_PASSWORD = "'
            + fake("ses_smtp_password")
            + '"\n',
            line=2,
            column=24,
        ),
        Example("SMTP_PASSWORD=" + fake("ses_smtp_password") + "\n", filename=".env"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not _SES_CONTEXT.search(doc.text):
            return
        for match in _SMTP_PASSWORD.finditer(doc.text):
            value = match.group(1)
            if is_ses_smtp_password(value) and not is_not_a_literal_secret(value):
                yield self.finding(
                    doc, match.start(1), match.end(1), material=value, evidence=redact(value)
                )


# JDBC / ADO.NET / libpq key-value forms put the password after the host. Anchored on the
# endpoint's domain (str.find), host and parameters are matched in bounded windows.
_RDS_DOMAIN = ".rds.amazonaws.com"
_HOST_BEFORE = re.compile(r"([A-Za-z0-9][A-Za-z0-9.-]{0,200})\Z")
_PASSWORD_PARAM = re.compile(r"(?i)[?&;][ \t]?password=([^&\s'\";]{1,256})")
_STOP = re.compile(r"[\r\n'\"`]")  # ADO.NET strings hold spaces ("User Id=")


def rds_password_params(text: str) -> Iterator[tuple[str, int, int]]:
    """(host, start, end) of ``password=`` parameters in connection strings for RDS hosts."""
    pos = text.find(_RDS_DOMAIN)
    while pos != -1:
        host = _HOST_BEFORE.search(text, max(0, pos - 200), pos)
        tail_start = pos + len(_RDS_DOMAIN)
        stop = _STOP.search(text, tail_start, tail_start + 400)
        tail_end = stop.start() if stop else min(len(text), tail_start + 400)
        if host:
            for match in _PASSWORD_PARAM.finditer(text, tail_start, tail_end):
                yield host.group(1) + _RDS_DOMAIN, match.start(1), match.end(1)
        pos = text.find(_RDS_DOMAIN, tail_start)


class RdsPasswordInUrl(Rule):
    """A database password for an RDS or Aurora endpoint is in a connection string.

    ## What it finds
    Connection strings for ``*.rds.amazonaws.com`` endpoints that carry a literal
    password: ``postgresql://user:pw@db.xxxx.eu-west-1.rds.amazonaws.com/app``, JDBC URLs
    with ``?password=``, ADO.NET strings with ``;Password=``.

    ## Why it is risky
    Database passwords are rarely rotated and often belong to the master user; with the
    endpoint next to them, a leak is ready to use from wherever the database is reachable.

    ## Use instead
    IAM database authentication: the application calls ``generate_db_auth_token`` with its
    own role (15-minute tokens, no stored password; RDS Proxy supports it too). Where a
    password must exist, let RDS manage it in Secrets Manager
    (``ManageMasterUserPassword``) with automatic rotation, read with the workload's role.

    ## Example
    Before: ``DATABASE_URL=postgresql://app:...@db.abc.eu-west-1.rds.amazonaws.com/app``.
    After: ``password = rds.generate_db_auth_token(host, 5432, "app")`` at connect time.
    """

    id = "RC171"
    name = "rds-password-in-url"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Password {evidence} for RDS endpoint {host} is in a connection string"
    recommendation = (
        "Change the password. Use IAM database authentication (generate_db_auth_token with "
        "the workload's role), or an RDS-managed password in Secrets Manager with automatic "
        "rotation read with the workload's role."
    )
    keywords = ("rds.amazonaws.com",)
    tags = ("aws", "rds")
    _HOST = "db.c9akciq32.eu-west-1.rds.amazonaws.com"
    VALID = (
        Example(f'url = "postgresql://app:${{DB_PASSWORD}}@{_HOST}:5432/app"\n'),
        Example(f'url = "postgresql://app@{_HOST}:5432/app?sslmode=require"\n'),
    )
    INVALID = (
        Example(
            f'url = "postgresql://app:{fake("password")}@{_HOST}:5432/app"\n', line=1, column=25
        ),
        Example(f'url = "jdbc:mysql://{_HOST}:3306/app?user=app&password={fake("password")}"\n'),
        Example(f'cs = "Server={_HOST};Database=app;User Id=app;Password={fake("password")};"\n'),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for cred in url_credentials(doc.text):
            if RDS_HOST.search(cred.host):
                yield self.finding(
                    doc,
                    cred.start,
                    cred.end,
                    material=cred.password,
                    evidence=redact(cred.password),
                    host=cred.host,
                )
        for host, start, end in rds_password_params(doc.text):
            password = doc.text[start:end]
            if not is_not_a_literal_secret(password) and len(password) >= 4:
                yield self.finding(
                    doc, start, end, material=password, evidence=redact(password), host=host
                )
