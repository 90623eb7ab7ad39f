"""Passwords inside URLs: service URLs and package-index URLs (RC150, RC151)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.common.urls import RDS_HOST, is_index_url, url_credentials
from rolecall.rules.fakes import fake


class UrlEmbeddedPassword(Rule):
    """A password is written into a URL (``scheme://user:password@host``).

    ## What it finds
    Database, broker, cache and HTTP URLs with a literal password in their userinfo:
    ``postgresql://app:...@db.internal/app``, ``amqp://svc:...@mq:5672``. Placeholders,
    ``${VAR}``/``{password}``/``%(pw)s`` references, local development hosts,
    passwords equal to the user name and passwords that only spell out credential words
    (``my-pass``, ``pass%20pass``, ``aws_secret_access_key``) are not reported.

    ## Why it is risky
    Connection strings travel into logs, error messages and every clone; the password in
    them is usually shared and rarely rotated.

    ## Use instead
    Connect with the workload's identity where the service supports it: IAM database
    authentication for RDS and Aurora, Microsoft Entra ID for Azure SQL and Azure Database
    for PostgreSQL, Cloud SQL IAM authentication, IAM auth for ElastiCache and MSK.
    Otherwise let the platform inject the URL from a secrets manager with rotation
    (``DATABASE_URL`` from AWS Secrets Manager, Key Vault references).

    ## Example
    Before: ``engine = create_engine("postgresql://app:...@db.internal/app")``.
    After: ``engine = create_engine(os.environ["DATABASE_URL"])`` with the variable
    injected from a rotated secret, or an IAM auth token as the password.
    """

    id = "RC150"
    name = "url-embedded-password"
    severity = Severity.ERROR
    confidence = Confidence.MEDIUM
    message = "Password {password} is embedded in the URL {evidence}"
    recommendation = (
        "Change the password and take it out of the URL: use the workload's identity (IAM "
        "database authentication, Entra ID, Cloud SQL IAM auth) or have the platform inject "
        "the URL from a secrets manager with rotation."
    )
    keywords = ("://",)
    tags = ("url",)
    VALID = (
        Example('url = "postgresql://app:${DB_PASSWORD}@db.internal/app"\n'),
        Example('url = f"postgresql://{user}:{password}@{host}/app"\n'),
        Example('url = "postgresql://postgres:postgres@localhost:5432/app"\n'),
        Example('url = "redis://:<password>@cache.internal:6379/0"\n'),
        Example("DATABASE_URL=mysql://user:password@db.example.com/app\n", filename=".env"),
        # Test values that spell out what they are (also percent-encoded).
        Example('URI = "postgres://my-login:my-pass@my-host:5432/my-schema"\n'),
        Example('("http://user:pass%20pass@complex.url.com/path", ("user", "pass pass"))\n'),
        Example('("http://user:pass%23pass@complex.url.com/path", ("user", "pass#pass"))\n'),
        Example(
            'expected = "awsathena+rest://aws_access_key_id:aws_secret_access_key'
            '@athena.us-east-1.amazonaws.com:443/schema"\n'
        ),
    )
    INVALID = (
        Example(
            'url = "postgresql://app:' + fake("password") + '@db.internal:5432/app"\n',
            line=1,
            column=25,
        ),
        Example(
            "BROKER_URL=amqp://svc:" + fake("password") + "@mq.internal:5672//\n", filename=".env"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for cred in url_credentials(doc.text):
            if RDS_HOST.search(cred.host) or is_index_url(cred, doc.text):
                continue  # RC171 and RC151 report these with specific advice
            yield self.finding(
                doc,
                cred.start,
                cred.end,
                material=cred.password,
                evidence=cred.evidence,
                password=redact(cred.password),
                properties={"scheme": cred.scheme},
            )


class PackageIndexUrlCredential(Rule):
    """A package index URL carries a password or token (``--index-url https://u:p@...``).

    ## What it finds
    Credentials in the URL of a Python package index: ``--index-url`` and
    ``--extra-index-url`` in requirements files and scripts, ``index-url`` in
    ``pip.conf``, ``PIP_INDEX_URL``/``UV_INDEX_URL``, and ``[[tool.uv.index]]`` or
    ``[[tool.poetry.source]]`` URLs.

    ## Why it is risky
    Index credentials usually allow publishing as well as reading; whoever holds them can
    plant a package that every build installs.

    ## Use instead
    Let pip fetch a short-lived token with the machine's own identity through a keyring
    backend: ``aws codeartifact login --tool pip`` (a 12-hour token from role credentials),
    ``keyrings.google-artifactregistry-auth`` (Application Default Credentials),
    ``artifacts-keyring`` (Entra ID). The URL then holds no userinfo.

    ## Example
    Before: ``--extra-index-url https://ci:...@pkgs.internal/simple`` in requirements.txt.
    After: ``--extra-index-url https://pkgs.internal/simple`` and the keyring backend
    installed in the build image.
    """

    id = "RC151"
    name = "package-index-url-credential"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Package index credential {password} is embedded in {evidence}"
    recommendation = (
        "Revoke it and drop the userinfo from the index URL; authenticate with a keyring "
        "backend that mints short-lived tokens from the machine's identity (CodeArtifact "
        "login with role credentials, Artifact Registry keyring with ADC, artifacts-keyring)."
    )
    keywords = ("index-url", "index_url", "find-links", "tool.uv.index", "tool.poetry.source")
    tags = ("url", "supply-chain")
    VALID = (
        Example("--extra-index-url https://pkgs.internal/simple\n", filename="requirements.txt"),
        Example(
            "--index-url https://aws:${CODEARTIFACT_TOKEN}@pkgs.internal/simple\n",
            filename="requirements.txt",
        ),
    )
    INVALID = (
        Example(
            "--extra-index-url https://ci:" + fake("password") + "@pkgs.internal/simple\n",
            filename="requirements.txt",
            line=1,
            column=30,
        ),
        Example(
            "[global]\nindex-url = https://build:" + fake("password") + "@pkgs.internal/\n",
            filename="pip.conf",
            line=2,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for cred in url_credentials(doc.text):
            if is_index_url(cred, doc.text):
                yield self.finding(
                    doc,
                    cred.start,
                    cred.end,
                    material=cred.password,
                    evidence=cred.evidence,
                    password=redact(cred.password),
                )
