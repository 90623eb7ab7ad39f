"""Finding ``scheme://user:password@host`` credentials in text, shared by the URL rules.

Not a rules module: it defines no rule and has no entry point.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rolecall import redact
from rolecall.plugin.api import lazy
from rolecall.rules.common.placeholders import is_not_a_literal_secret
from rolecall.rules.common.tokens import has_known_token_prefix

# Anchored on "://" found with str.find, the scheme is matched backwards over a bounded
# window and the userinfo forwards with bounded classes: linear on any input.
_SCHEME = lazy(r"([A-Za-z][A-Za-z0-9+.-]{0,30})\Z")
_USERINFO = lazy(
    r"([^\s:@/'\"`<>\\{}]{0,128}):([^\s@/'\"`<>\\]{1,256})@([A-Za-z0-9][A-Za-z0-9._-]{0,252})"
)
#: Characters after ``://`` within which ``_USERINFO`` must meet its ``@``: a user of at
#: most 128, ``:``, a password of at most 256, then the ``@`` itself.
_AT_REACH = 128 + 1 + 256 + 1
_DEV_HOSTS = lazy(
    r"(?i)^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|host|hostname|"
    r"(?:[a-z0-9-]+\.)*example\.(?:com|org|net)|[a-z0-9-]+\.(?:local|test))$"
)
#: Passwords of local development setups (docker-compose defaults), not secrets.
_DEV_PASSWORDS = frozenset(
    {
        "pass",
        "passwd",
        "pw",
        "pwd",
        "password",
        "secret",
        "postgres",
        "root",
        "admin",
        "guest",
        "user",
        "changeme",
        "mysql",
        "redis",
        "rabbitmq",
        "example",
        "mongo",
        "sa",
        "default",
    }
)
_INDEX_CONTEXT = lazy(r"(?i)index[-_]?url|find[-_]links")
_LINE = 1000  # how much of the URL's line the index-context check looks at, each side
RDS_HOST = lazy(r"(?i)\.rds\.amazonaws\.com(?:\.cn)?$")


@dataclass(frozen=True)
class UrlCredential:
    """``scheme://user:password@host`` found in a text, with the password's span."""

    scheme: str
    user: str
    password: str
    host: str
    start: int  # offset of the password
    end: int
    line: str  # the whole line holding the URL

    @property
    def evidence(self) -> str:
        return f"{self.scheme}://{self.user}:{redact(self.password)}@{self.host}"


def _userinfo_anchors(text: str) -> Iterator[int]:
    """Offsets ``p`` of every ``://`` with an ``@`` in ``text[p + 3 : p + 3 + _AT_REACH]``,
    increasing: where ``_USERINFO`` can match, as a ``://`` loop that looks for an ``@``
    after each would find them.

    Found from the ``@`` side. API models and documentation hold tens of ``://`` for each
    ``@``, and a one-character ``find`` is four times as fast as a search for ``://`` in
    a text with non-ASCII characters. For each ``@`` at ``a`` the anchors are the ``://``
    at ``a - 2 - _AT_REACH <= p <= a - 3``; the first ``@`` after an anchor yields it, and
    the windows of later ones start after it (``done``), so every ``://`` is yielded once,
    in order, and the text is searched once whatever the number of ``@``.
    """
    done = 0  # every "://" before this offset has been looked at
    at = text.find("@")
    while at != -1:
        pos = text.find("://", max(done, at - 2 - _AT_REACH), at)
        while pos != -1:
            yield pos
            pos = text.find("://", pos + 3, at)  # "://" cannot overlap itself
        done = max(done, at - 2)  # a "://" at a - 2 or later ends after this "@"
        at = text.find("@", at + 1)


def url_credentials(text: str) -> Iterator[UrlCredential]:
    """Every URL with a literal (non-placeholder, non-reference) password in ``text``."""
    for pos in _userinfo_anchors(text):
        scheme = _SCHEME.search(text, max(0, pos - 31), pos)
        match = _USERINFO.match(text, pos + 3)
        if scheme and match:
            user, password, host = match.groups()
            host = host.rstrip(".")
            if _is_literal(user, password, host):
                # Bounded: a minified file may be one long line.
                lo = max(0, pos - _LINE)
                line_start = max(lo, text.rfind("\n", lo, pos) + 1)
                line_end = text.find("\n", pos, pos + _LINE)
                yield UrlCredential(
                    scheme.group(1),
                    user,
                    password,
                    host,
                    match.start(2),
                    match.end(2),
                    text[line_start : line_end if line_end != -1 else pos + _LINE],
                )


def is_index_url(cred: UrlCredential, text: str) -> bool:
    """Whether the URL names a package index (pip/uv options, pip.conf, pyproject sources)."""
    if _INDEX_CONTEXT.search(cred.line):
        return True
    return cred.line.lstrip().startswith("url") and (
        "[[tool.uv.index]]" in text or "[[tool.poetry.source]]" in text
    )


def _is_literal(user: str, password: str, host: str) -> bool:
    if is_not_a_literal_secret(password) or _names_itself(password):
        return False
    if password == user or _DEV_HOSTS.match(host) or len(password) < 4:
        return False
    return not has_known_token_prefix(password)  # the token's own rule reports it


#: Words that a test or documentation password spells out (``my-pass``, ``pass pass``,
#: ``aws_secret_access_key``): the development passwords and the credential names.
_SELF_NAMING_WORDS = _DEV_PASSWORDS | {
    "my",
    "your",
    "aws",
    "access",
    "key",
    "id",
    "login",
    "token",
}
_WORD_SPLIT = lazy(r"[^a-z0-9]+")


def _names_itself(password: str) -> bool:
    """A password made only of development-password and credential-name words between
    any separators, percent-decoded (``pass%20pass``, ``pass%23pass``)."""
    from urllib.parse import unquote

    words = [w for w in _WORD_SPLIT.split(unquote(password).lower()) if w]
    return bool(words) and all(w in _SELF_NAMING_WORDS for w in words)
