"""Freshly generated fake credentials, for the demo and for test corpora.

Nothing here is a real credential: values are random, in the published shapes, so that
examples exercise the rules without the repository ever holding a key-shaped string.
"""

from __future__ import annotations

import random
import string

BASE32 = string.ascii_uppercase + "234567"
BASE64 = string.ascii_letters + string.digits + "+/"


def fake_key_id(prefix: str = "AKIA", rng: random.Random | None = None) -> str:
    """A modern-format key id (5th character Q-Z or 2-7, so it encodes an account)."""
    rng = rng or random.SystemRandom()
    return prefix + rng.choice("QRSTUVWXYZ234567") + "".join(rng.choices(BASE32, k=15))


def fake_secret_key(rng: random.Random | None = None) -> str:
    """40 characters of the secret-key alphabet with the mix of a real random secret."""
    rng = rng or random.SystemRandom()
    while True:
        value = "".join(rng.choices(BASE64, k=40))
        if (
            any(c.isupper() for c in value)
            and any(c.islower() for c in value)
            and any(c.isdigit() for c in value)
            and value.count("/") <= 2
        ):
            return value


def fake_session_token(rng: random.Random | None = None) -> str:
    """A string shaped like an STS session token."""
    rng = rng or random.SystemRandom()
    return "IQoJb3JpZ2luX2Vj" + "".join(rng.choices(BASE64, k=340))
