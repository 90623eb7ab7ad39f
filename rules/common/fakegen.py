"""Random draws for the fake credential generators of every rule folder.

Key-shaped test data is never written into the repository: each rule folder generates
its formats (``fakes`` modules beside the rules) with a seeded :class:`random.Random`,
so that rolecall scanning its own source stays clean. These are the draws they share.
"""

from __future__ import annotations

import base64
import random
import string

BASE64 = string.ascii_letters + string.digits + "+/"
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"


def pick(rng: random.Random, alphabet: str, k: int) -> str:
    """``k`` characters of ``alphabet``; a draw of 8 or more from a large alphabet also
    has an upper-case letter and a digit, as generated material does."""
    while True:
        value = "".join(rng.choices(alphabet, k=k))
        # Generated material mixes classes; re-draw the rare value that does not.
        if (
            k < 8
            or len(alphabet) <= 16
            or (any(c.isupper() for c in value) and any(c.isdigit() for c in value))
        ):
            return value


def b64(rng: random.Random, n: int, *, urlsafe: bool = False, head: bytes = b"") -> str:
    """Base64 of ``head`` and ``n`` random bytes."""
    raw = head + rng.randbytes(n)
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()


def password(rng: random.Random) -> str:
    """A password as a person or a password manager picks one (used by several folders)."""
    return pick(rng, ALNUM, 14) + rng.choice("!#%+") + pick(rng, ALNUM, 3)
