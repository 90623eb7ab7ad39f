"""What a secret looks like to the engine: the shapes it must recognise without any rule.

The engine promises that no output holds a whole secret (a fix's diff hides every
secret-looking string) and keys each fingerprint by how guessable its material is
(:mod:`rolecall.strength`). Both need to recognise secret-shaped text on their own, for
every rule's findings, third-party ones included: an access key id's shape, a
40-character secret key, an STS session token, and the text statistics behind them. The
rules detect credentials with the same tests (exported by :mod:`rolecall.plugin.api`),
so what a rule reports and what the engine hides never disagree. Everything else about
credentials (key-id decoding, placeholders, names, checksums, fake generators) lives
with the rules in ``rolecall.rules``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter

from rolecall.plugin.lazyre import lazy

#: A credential key id at word boundaries: 4-letter prefix + 16 characters. The tail is
#: ``[A-Z0-9]``: nothing public restricts old-generation ids to base32 or to a 5th
#: character, so no id of this shape is dropped for its characters.
KEY_ID_PATTERN = lazy(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])")

# --- secret-looking strings -----------------------------------------------------------

#: Words that make a value a placeholder even when it has the shape of a secret.
_SECRET_PLACEHOLDER_WORDS = (
    "example", "placeholder", "dummy", "notreal", "fake", "changeme", "redacted",
    "sample", "yoursecret", "yourkey", "secretkey", "accesskey", "xxxxx",
)  # fmt: skip


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value`` (0 for an empty string)."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def decodes_to_text(value: str) -> bool:
    """Whether base64 ``value`` decodes to mostly printable ASCII (encoded ordinary data).

    A random secret decodes to random bytes, of which about 37 % are printable; base64 of
    text is almost all printable. The threshold 0.9 is never reached by 10,000 random
    40-character secrets (the maximum seen is 0.7).
    """
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    if not raw:
        return False
    printable = sum(1 for b in raw if 32 <= b < 127 or b in (9, 10, 13))
    return printable / len(raw) >= 0.9


def has_placeholder_word(value: str) -> bool:
    """A secret-shaped value that spells out that it is not a secret."""
    lower = value.lower()
    return any(word in lower for word in _SECRET_PLACEHOLDER_WORDS)


_PATH_SEGMENT = lazy(r"[a-z0-9_.-]*|[A-Z][a-z0-9_.-]*|[A-Z0-9_.-]*")
_VOWELS = frozenset("aeiouAEIOU")


def looks_like_path(value: str) -> bool:
    """A path or URL fragment: many slashes, or only words between two or more slashes.

    Random base64 has a slash every 64 characters: five in a 40-character secret (3 in
    10,000 random secrets) or more than one in eight in a longer value is a path. A
    random secret has two or more slashes one time in eight, but then its segments mix
    cases (``kQ3/Zr8+Tm``); ``usr/local/lib``, ``/home/Deploy/app`` and
    ``com/org/CHANGELOG`` are lower-case, capitalised or upper-case words.
    """
    slashes = value.count("/")
    if slashes > (4 if len(value) <= 40 else len(value) // 8):
        return True
    return slashes >= 2 and all(_PATH_SEGMENT.fullmatch(part) for part in value.split("/"))


def looks_like_secret_key(value: str) -> bool:
    """Whether a 40-character base64-alphabet string has the mix of a random AWS secret.

    A secret is 30 random bytes in base64, so every position is uniform over 64
    characters. Measured on 200,000 generated secrets, the checks below reject none that
    has a digit (entropy is at least 4.03 bits per character; the bound is 4.0) and about
    6 % of the 0.11 % that happen to have no digit. What they reject: hex digests, values
    without both cases, paths, base64 of text, placeholder words, and, among values
    without a digit, CamelCase identifiers (API operation names such as
    ``DescribeVpcEndpointServiceConfigurations``), which carry less entropy (at most 4.22
    in botocore and Django) and more vowels than random letters (about 19 %).
    """
    if len(value) != 40:
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return False  # a SHA-1 or other hex digest
    if not (any(c.isupper() for c in value) and any(c.islower() for c in value)):
        return False
    if looks_like_path(value) or has_placeholder_word(value) or decodes_to_text(value):
        return False
    entropy = shannon_entropy(value)
    if any(c.isdigit() for c in value):
        return entropy >= 4.0
    letters = [c for c in value if c.isalpha()]
    vowels = sum(c in _VOWELS for c in letters) / len(letters)
    return entropy >= 4.3 and vowels < 0.3


# --- session tokens ---------------------------------------------------------------------

#: How STS session tokens start: base64 of their binary header. ``IQoJb3JpZ2lu`` decodes
#: to ``!\n\torigin`` (current tokens); the others are older formats.
SESSION_TOKEN_PREFIXES: tuple[str, ...] = (
    "IQoJb3JpZ2lu",
    "AgoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AQoDYXdz",
)
#: Shortest value accepted as a session token without a known prefix. Real tokens are
#: several hundred characters; a 100-character floor leaves out ids, hashes and keys.
MIN_SESSION_TOKEN_LENGTH = 100


def looks_like_session_token(value: str) -> bool:
    """Whether ``value`` (already percent-decoded) has the shape of an STS session token."""
    if not re.fullmatch(r"[A-Za-z0-9/+]+={0,2}", value):
        return False
    if value.startswith(SESSION_TOKEN_PREFIXES) and len(value) >= 40:
        return True
    if len(value) < MIN_SESSION_TOKEN_LENGTH or has_placeholder_word(value):
        return False
    classes = sum(
        (
            any(c.isupper() for c in value),
            any(c.islower() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return classes == 3 and shannon_entropy(value) >= 4.5
