"""Fake AWS credentials: key ids, secret keys, session tokens and SES SMTP passwords.

Well-formed and random, made the way the AWS rules recognise real ones (a fake must be
reported like a real key), for rule examples, the demo, tests and corpora.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from rolecall.plugin.api import looks_like_secret_key
from rolecall.rules.aws.key_ids import account_id_from_key_id, is_placeholder_key_id
from rolecall.rules.common.fakegen import BASE64, b64
from rolecall.rules.common.placeholders import is_not_a_secret

BASE32 = string.ascii_uppercase + "234567"


def fake_key_id(prefix: str = "AKIA", rng: random.Random | None = None) -> str:
    """A new-generation key id (5th character Q-Z or 2-7, so it encodes an account).

    Tails whose encoded account would exceed 12 digits are drawn again (AWS never issues
    them; the rules report such ids one severity lower), and so are the few random tails
    that read as a placeholder (``TEST``, ``0000``, six ascending characters: about one
    in 12,000), which the rules do not report: a fake must be reported like a real key.
    """
    rng = rng or random.SystemRandom()
    while True:
        key_id = prefix + rng.choice("QRSTUVWXYZ234567") + "".join(rng.choices(BASE32, k=15))
        account = account_id_from_key_id(key_id)
        if account is not None and len(account) == 12 and not is_placeholder_key_id(key_id):
            return key_id


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
            and looks_like_secret_key(value)
            and not is_not_a_secret(value)
        ):
            return value  # and never one of the rare draws the policy calls a placeholder


def fake_session_token(rng: random.Random | None = None) -> str:
    """A string shaped like an STS session token."""
    rng = rng or random.SystemRandom()
    return "IQoJb3JpZ2luX2Vj" + "".join(rng.choices(BASE64, k=340))


def ses_smtp_password(rng: random.Random) -> str:
    """An SES SMTP password: base64 of a version byte and a 32-byte signature."""
    return b64(rng, 32, head=b"\x04")


#: This folder's generators by a short name (see :mod:`rolecall.rules.fakes`).
FAKES: dict[str, Callable[[random.Random], str]] = {"ses_smtp_password": ses_smtp_password}
