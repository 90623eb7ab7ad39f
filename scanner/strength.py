"""How hard a finding's material is to guess, which decides how its fingerprint is keyed.

Engine policy, not credential detection: :mod:`rolecall.fingerprints` derives a
low-entropy finding's fingerprint with a slow KDF (so a committed baseline never lets a
dictionary recover a password) and a high-entropy one with a keyed fast hash. It applies
to every rule's findings the same way, third-party ones included, so it recognises the
machine-made shapes on its own (:mod:`rolecall.shapes`, and the prefixes vendors put
before a random body); it never decides whether something is reported.
"""

from __future__ import annotations

import enum
import math
import re

from rolecall.plugin.lazyre import lazy
from rolecall.shapes import (
    KEY_ID_PATTERN,
    decodes_to_text,
    looks_like_path,
    looks_like_session_token,
    shannon_entropy,
)


class Strength(enum.Enum):
    """How hard a finding's material is to guess, which decides how its fingerprint is
    keyed (see :mod:`rolecall.fingerprints`).

    ``HIGH``: material with at least :data:`MIN_RANDOM_BITS` bits of randomness (AWS
    secret keys and session tokens, key material, private keys, vendor tokens with a
    long random body): no dictionary holds it, so a keyed fast hash hides it. ``LOW``:
    everything else (passwords, URL passwords, short or word-like values, a code
    pattern's description): a fast hash of it could be reversed by guessing, so its
    fingerprint costs a slow KDF per guess.
    """

    HIGH = "high"
    LOW = "low"


#: The randomness a value needs to count as high-entropy, in bits.
MIN_RANDOM_BITS = 80
#: Prefixes that vendors put before a generated random body. The body after one of them
#: needs :data:`MIN_RANDOM_BITS` and at least :data:`_MIN_PREFIXED_BODY` characters; a
#: value without a known prefix needs :data:`_MIN_BARE_RUN` characters (a person picks a
#: password of 8-24 characters, a machine a key of 32 or more).
RANDOM_TOKEN_PREFIXES: tuple[str, ...] = (
    "github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "glptt-", "gldt-",
    "npm_", "pypi-", "xoxb-", "xoxp-", "xoxa-", "xoxe.xoxp-", "xoxe-", "xapp-",
    "sk-ant-api03-", "sk-ant-", "sk-proj-", "sk-", "sk_live_", "rk_live_", "sk_test_",
    "SG.", "AIza", "hf_", "dop_v1_", "shpat_", "lin_api_",
)  # fmt: skip
_MIN_PREFIXED_BODY = 16
_MIN_BARE_RUN = 32
#: Where a material's parts are cut: rules join a name and a value with ``:``, ``|`` or
#: ``=`` (``AWS_SECRET_ACCESS_KEY:<value>``); whitespace and quotes end a value.
_RUN = lazy(r"[A-Za-z0-9+/_.~\-!@#$%^&*()\[\]{}<>?,;]+")
_LEET = str.maketrans("013457@$", "oieastas")
_VOWELS_Y = frozenset("aeiouy")


def _alphabet_bits(value: str) -> float:
    """Bits per character of the smallest usual alphabet that spells ``value``."""
    upper = any(c.isupper() for c in value)
    lower = any(c.islower() for c in value)
    digit = any(c.isdigit() for c in value)
    other = any(not c.isalnum() for c in value)
    if not (upper or lower):
        return math.log2(10) if not other else math.log2(32)
    size = 26 * (upper + lower) + 10 * digit + 16 * other
    return math.log2(size)


def _is_hex_body(value: str) -> bool:
    body = value.replace("-", "")
    return bool(body) and (
        re.fullmatch(r"[0-9a-f]+", body) is not None or re.fullmatch(r"[0-9A-F]+", body) is not None
    )


def looks_word_like(value: str, *, clusters: bool = True) -> bool:
    """Whether ``value`` reads as words a person chose, however mangled.

    Words have many vowels: about 40 % of their letters (counting ``y``), against 23 %
    in random base64, where 35 % or more occurs in about 5 % of 40-character draws. And
    random letters have long consonant clusters: with ``clusters``, a value whose
    longest run of consonant letters is shorter than four once digits and symbols are
    read back as the letters they stand for (``0`` as ``o``, ``@`` as ``a``:
    ``Tr0ub4dor``, ``MyS3cretP@ssw0rdForProd``) is word-like too. Fewer than six letters
    are too few to tell: word-like.
    """
    raw = [c for c in value.lower() if c.isalpha()]
    if len(raw) < 6:
        return True
    if sum(c in _VOWELS_Y for c in raw) / len(raw) >= 0.35:
        return True
    letters = "".join(c if c.isalpha() else " " for c in value.lower().translate(_LEET))
    if not clusters:
        return False
    longest = run = 0
    for c in letters:
        run = run + 1 if c != " " and c not in _VOWELS_Y else 0
        longest = max(longest, run)
    return longest < 4


#: Runs that people type and generators do not: ``123456``, ``abcdef``, ``xxxx``, ``0000``.
_TYPED_RUN = lazy(r"(?i)123456|abcdef|qwerty|(.)\1\1\1")


def _looks_generated(body: str) -> bool:
    """Several character classes and no typed run. Unlike the token rules'
    ``looks_random``, words such as ``EXAMPLE`` are allowed: they say a value is no
    secret, not that it is short of entropy."""
    classes = sum(
        (
            any(c.isupper() for c in body),
            any(c.islower() for c in body),
            any(c.isdigit() for c in body),
        )
    )
    return classes >= 2 and not _TYPED_RUN.search(body) and shannon_entropy(body) >= 3.0


def _run_strength(run: str) -> Strength:
    if looks_like_session_token(run):
        return Strength.HIGH
    body, prefixed = run, False
    for prefix in RANDOM_TOKEN_PREFIXES:
        if run.startswith(prefix):
            body, prefixed = run[len(prefix) :], True
            break
    body = body.rstrip("=")
    if len(body) < (_MIN_PREFIXED_BODY if prefixed else _MIN_BARE_RUN):
        return Strength.LOW
    if _is_hex_body(body):
        # Hex spells few words; a digest-like value of 80 bits or more is random.
        bits = 4 * len(body.replace("-", ""))
        typed = _TYPED_RUN.search(body) is not None or shannon_entropy(body) < 3.0
        return Strength.HIGH if bits >= MIN_RANDOM_BITS and not typed else Strength.LOW
    if len(body) * _alphabet_bits(body) < MIN_RANDOM_BITS or not _looks_generated(body):
        return Strength.LOW
    # A vendor's prefix says a machine made the body; without one, a long value may
    # still be a passphrase, and must also show the consonant clusters of random text.
    if looks_word_like(body, clusters=not prefixed) or looks_like_path(body):
        return Strength.LOW
    if decodes_to_text(body):
        return Strength.LOW  # base64 of a phrase or a password
    return Strength.HIGH


def material_strength(material: str | bytes) -> Strength:
    """Whether a finding's material is high- or low-entropy (see :class:`Strength`).

    The material is cut into runs at names' separators and whitespace; it is
    high-entropy when one run is a value no dictionary holds: an STS session token, a
    vendor token (a known prefix and a random body of :data:`MIN_RANDOM_BITS` bits or
    more), or a run of at least 32 characters with the character mix of generated data
    that is neither word-like nor base64 of text (AWS secret keys, storage and signing
    keys, private key bodies, hex keys). An access key id alone counts too: reports show
    it whole anyway. A key id beside other values does not: it is public, and must not
    make a password beside it look strong. When in doubt, low: a low-entropy fingerprint
    only costs more time.
    """
    text = material if isinstance(material, str) else material.decode("utf-8", "replace")
    runs = _RUN.findall(text)
    if len(runs) == 1 and KEY_ID_PATTERN.fullmatch(runs[0]):
        return Strength.HIGH
    for run in runs:
        if KEY_ID_PATTERN.fullmatch(run):
            continue
        if _run_strength(run) is Strength.HIGH:
            return Strength.HIGH
    return Strength.LOW
