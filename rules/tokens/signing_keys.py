"""Framework signing and encryption keys assigned a literal (RC160, RC161)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from rolecall import (
    Confidence,
    DocKind,
    Document,
    Example,
    Finding,
    Rule,
    RuleContext,
    Severity,
    redact,
)
from rolecall.rules.common.lowered import LOWERED
from rolecall.rules.common.placeholders import is_not_a_literal_secret, looks_random
from rolecall.rules.fakes import fake

#: A literal fallback in os.environ.get("X", "...") / os.getenv("X", "...").
DEFAULT = r"os\.(?:environ\.get|getenv)\(\s{0,4}[\"'][A-Za-z0-9_]{1,64}[\"']\s{0,4},\s{0,4}"


class SigningKeyRule(Rule):
    """Base: a literal assigned where a framework expects its signing key."""

    pattern: ClassVar[re.Pattern[str]]

    def relevant(self, doc: Document) -> bool:
        return True

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not self.relevant(doc):
            return
        for match in self.pattern.finditer(doc.text):
            value = match.group("value")
            if DocKind.PYTHON in doc.kinds and not match.group("quote"):
                continue  # a call or a name, not a literal
            if is_not_a_literal_secret(value) or not looks_random(value, min_entropy=3.5):
                continue
            default = "environ" in match.group(0) or "getenv" in match.group(0)
            yield self.finding(
                doc,
                match.start("value"),
                match.end("value"),
                material=value,
                evidence=redact(value),
                where=" as a fallback default" if default else "",
            )


class DjangoSecretKey(SigningKeyRule):
    """Django's ``SECRET_KEY`` is assigned a literal in settings or a ``.env`` file.

    ## What it finds
    ``SECRET_KEY = "..."`` in a Django settings module (a file that imports Django or is
    named ``settings``), ``os.environ.get("SECRET_KEY", "...")`` with a literal fallback,
    and ``DJANGO_SECRET_KEY=...`` in ``.env`` files.

    ## Why it is risky
    The key signs sessions, password-reset links, CSRF tokens and signed cookies. Anyone
    holding it can forge a session for any user, and with pickle-based sessions run code.

    ## Use instead
    Generate a new key and load it at start-up from a secrets manager that the app reads
    with its own identity: AWS Secrets Manager or SSM Parameter Store through the task or
    instance role, Key Vault through a managed identity, Secret Manager through workload
    identity. Rotate with ``SECRET_KEY_FALLBACKS``, never with the leaked value.

    ## Example
    Before: ``SECRET_KEY = "k3j...@x"`` in ``settings.py``.
    After: ``SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]``, the variable injected by the
    platform from the secrets manager.
    """

    id = "RC160"
    name = "django-secret-key"
    severity = Severity.WARNING
    confidence = Confidence.MEDIUM
    message = "Django SECRET_KEY is assigned a literal{where} ({evidence})"
    recommendation = (
        "Generate a new key and read it at start-up from a secrets manager with the app's "
        "own identity (Secrets Manager/SSM via the task role, Key Vault via managed identity)."
    )
    keywords = ("SECRET_KEY",)
    tags = ("django",)
    pattern = re.compile(
        r"(?m)^[ \t]*(?:DJANGO_)?SECRET_KEY[ \t]*[=:][ \t]*(?:"
        + DEFAULT
        + r")?"
        + r"(?:[rRbBuU]{0,2}(?P<quote>[\"']))?"
        + r"(?P<value>[^\"'\s\\]{16,256})"
    )
    VALID = (
        Example('SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n', filename="settings.py"),
        Example('SECRET_KEY = "changeme"\n', filename="settings.py"),
        Example('SECRET_KEY = "' + fake("django_secret_key") + '"\n', filename="util.py"),
        Example("SECRET_KEY = 'this-is-not-a-real-secret-key-for-dev'\n", filename="settings.py"),
    )
    INVALID = (
        Example(
            'SECRET_KEY = "' + fake("django_secret_key") + '"\n',
            filename="app/settings.py",
            line=1,
            column=15,
        ),
        Example(
            "from django.conf import global_settings\nSECRET_KEY = os.environ.get("
            '"SECRET_KEY", "' + fake("django_secret_key") + '")\n',
            filename="base.py",
            line=2,
        ),
        Example("DJANGO_SECRET_KEY=" + fake("django_secret_key") + "\n", filename=".env"),
    )

    def relevant(self, doc: Document) -> bool:
        if b"django" in doc.view(LOWERED):  # "django" in doc.text.lower(): see _names_flask
            return True
        # A settings module or .env that is Flask's belongs to RC161.
        path = doc.path.lower()
        return ("settings" in path or path.endswith(".env")) and not _names_flask(doc)


class FlaskSecretKey(SigningKeyRule):
    """Flask's ``secret_key`` is assigned a literal.

    ## What it finds
    ``app.secret_key = "..."``, ``app.config["SECRET_KEY"] = "..."``,
    ``app.config.update(SECRET_KEY="...")`` and ``SECRET_KEY = "..."`` in a module that
    imports Flask, plus ``FLASK_SECRET_KEY`` in ``.env`` and compose files.

    ## Why it is risky
    Flask signs its session cookie with this key. Anyone holding it can forge a session:
    log in as any user, or skip any check kept in the session.

    ## Use instead
    Generate a new key and load it at start-up from a secrets manager that the app reads
    with its own identity (AWS Secrets Manager through the task role, Key Vault through a
    managed identity); ``app.config.from_prefixed_env()`` picks up ``FLASK_SECRET_KEY``.

    ## Example
    Before: ``app.secret_key = "5f35..."``.
    After: ``app.config.from_prefixed_env()`` with ``FLASK_SECRET_KEY`` injected by the
    platform from the secrets manager.
    """

    id = "RC161"
    name = "flask-secret-key"
    severity = Severity.WARNING
    confidence = Confidence.MEDIUM
    message = "Flask secret key is assigned a literal{where} ({evidence})"
    recommendation = (
        "Generate a new key and read it at start-up from a secrets manager with the app's "
        "own identity; app.config.from_prefixed_env() reads FLASK_SECRET_KEY."
    )
    keywords = ("secret_key",)
    tags = ("flask",)
    pattern = re.compile(
        r"(?:\.secret_key|\[[\"']SECRET_KEY[\"']\]|(?<![A-Za-z0-9_])(?:FLASK_)?SECRET_KEY)"
        r"[ \t]*[=:][ \t]*(?:"
        + DEFAULT
        + r")?(?:[rRbBuU]{0,2}(?P<quote>[\"']))?(?P<value>[^\"'\s\\]{16,256})"
    )
    VALID = (
        Example("app.secret_key = os.urandom(32)\n"),
        Example('app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]\n'),
        Example("import flask\napp.secret_key = 'dev'\n"),
    )
    INVALID = (
        Example(
            "from flask import Flask\napp = Flask(__name__)\napp.secret_key = '"
            + fake("hex32")
            + "'\n",
            line=3,
            column=19,
        ),
        Example(
            'import flask\napp.config["SECRET_KEY"] = "'
            + fake("password")
            + fake("password")
            + '"\n',
            line=2,
        ),
    )

    def relevant(self, doc: Document) -> bool:
        return _names_flask(doc) or "FLASK_SECRET_KEY" in doc.text


def _names_flask(doc: Document) -> bool:
    """``"flask" in doc.text.lower()``, asked of the shared lower-cased copy (one byte
    per character, ASCII letters lower-cased, others ``?``) instead of lower-casing the
    whole text through the Unicode tables once more. The only characters ``str.lower()``
    turns into an ASCII letter are the dotted capital I (``i`` and a combining dot) and
    the Kelvin sign (``k``); ``flask`` has a ``k``, so a text with a Kelvin sign is
    lower-cased as before. (``django`` has neither ``i`` nor ``k``: the copy answers it.)
    """
    if b"flask" in doc.view(LOWERED):
        return True
    return "\u212a" in doc.text and "flask" in doc.text.lower()
