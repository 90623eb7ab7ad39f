"""Where AWS secret keys and session tokens start and end in free text.

The text rules (RC101-RC104) find candidates with these patterns and judge them with the
shape tests of :mod:`rolecall.plugin.api` (``looks_like_secret_key``,
``looks_like_session_token``); a run beside a temporary key id is judged by the laxer
:func:`looks_like_token_beside_key_id`.
"""

from __future__ import annotations

from rolecall.plugin.api import (
    SESSION_TOKEN_PREFIXES,
    decodes_to_text,
    has_placeholder_word,
    lazy,
    looks_like_path,
    shannon_entropy,
)
from rolecall.rules.common.placeholders import is_not_a_secret

#: A 40-character secret-key candidate, not part of a longer base64 or base64url run nor
#: of a percent-encoded one (a chunk of a token in a URL, between two ``%2F``).
SECRET_KEY_PATTERN = lazy(r"(?<![A-Za-z0-9/+=_%-])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_%-])")
#: A bare STS session token anywhere in a text: a known prefix and a long base64 run.
#: No look-around: the caller checks the characters on either side, so the run is
#: matched once and never backtracked into (linear on any input).
SESSION_TOKEN_PATTERN = lazy(
    "(?:" + "|".join(SESSION_TOKEN_PREFIXES) + r")[A-Za-z0-9/+]{80,}={0,2}"
)

#: Shortest value taken as the session token of an ``ASIA`` id beside it.
MIN_TOKEN_BESIDE_KEY_ID = 64


def looks_like_token_beside_key_id(value: str) -> bool:
    """Whether a base64 run next to a temporary (``ASIA``) key id can be its session token.

    Beside the id a name is not needed and the floor is lower than for a lone value
    (``MIN_SESSION_TOKEN_LENGTH``): 64 characters and the character mix of random
    data. STS tokens start with their own headers, never with ``MII`` (DER: certificates,
    private keys) or ``AAAA`` (SSH public keys); base64 of text and placeholders are not
    tokens either.
    """
    body = value.rstrip("=")
    if len(body) < MIN_TOKEN_BESIDE_KEY_ID or body.startswith(("MII", "AAAA")):
        return False  # DER (certificates, keys) and SSH keys and other length-prefixed blobs
    if not (any(c.isupper() for c in body) and any(c.islower() for c in body)):
        return False
    if looks_like_path(body) or has_placeholder_word(body) or decodes_to_text(body):
        return False
    return not is_not_a_secret(body) and shannon_entropy(body) >= 4.5
