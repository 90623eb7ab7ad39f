"""Shared credential vocabulary and precision policy, for built-in and plugin rules.

One place decides what a placeholder, a reference, AWS's documented example keys and a
plausible secret look like, so every rule family applies the same policy (DESIGN.md,
"Severity policy").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

# --- access key ids ---------------------------------------------------------------

#: Key-id prefixes that identify a credential (something that signs requests).
CREDENTIAL_PREFIXES: dict[str, str] = {
    "AKIA": "long-term IAM user access key",
    "ASIA": "temporary STS access key",
    "ABIA": "AWS STS service bearer token",
    "ACCA": "context-specific credential",
}
#: Prefixes of ids that are identifiers only, never secrets: never reported.
IDENTIFIER_PREFIXES: frozenset[str] = frozenset(
    {"AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "APKA", "ASCA", "AEGA", "ACPA"}
)

#: A credential key id at word boundaries: 4-letter prefix + 16 characters. Legacy ids
#: (5th character I or J) may hold any digit, so the tail is ``[A-Z0-9]``.
KEY_ID_PATTERN = re.compile(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])")


@dataclass(frozen=True)
class KeyIdInfo:
    key_id: str
    prefix: str
    kind: str  # human description of the prefix
    account_id: str | None  # decoded offline for modern ids; None for legacy ones


def account_id_from_key_id(key_id: str) -> str | None:
    """The 12-digit AWS account id encoded in a modern access key id, or None.

    Modern ids (5th character Q-Z or 2-7) carry the account id: base32-decode the 16
    characters after the prefix, take the first 6 bytes big-endian, mask with
    0x7FFFFFFFFF80 and shift right by 7. Legacy ids (I/J) do not encode it.
    """
    if len(key_id) != 20:
        return None
    fifth = key_id[4]
    if not ("Q" <= fifth <= "Z" or "2" <= fifth <= "7"):
        return None
    try:
        raw = base64.b32decode(key_id[4:])
    except (binascii.Error, ValueError):
        return None
    value = int.from_bytes(raw[:6], "big")
    return f"{(value & 0x7FFFFFFFFF80) >> 7:012d}"


def key_id_info(key_id: str) -> KeyIdInfo | None:
    """Classify a 20-character key id; None when it is not a credential id."""
    prefix = key_id[:4]
    kind = CREDENTIAL_PREFIXES.get(prefix)
    if kind is None or len(key_id) != 20:
        return None
    return KeyIdInfo(key_id, prefix, kind, account_id_from_key_id(key_id))


# --- placeholders, examples and references ------------------------------------------

_EXAMPLE_SUFFIXES = ("EXAMPLE", "EXAMPLEKEY")
#: Values published by local emulators (LocalStack, moto) that are not credentials.
_EMULATOR_VALUES = frozenset({"test", "testing", "foobar", "foo", "bar", "fake", "dummy"})
_PLACEHOLDER_WORDS = re.compile(
    r"(?i)^(?:your|my|the|some|enter|insert|put|replace|fake|dummy|example|sample|test|"
    r"placeholder|changeme|change[_-]?me|redacted|todo|tbd|none|null|nil|undefined|secret|"
    r"password|xxx+|access[_-]?key|secret[_-]?key)"
    r"(?:[_\-. ]?(?:aws|access|secret|key|keys|id|here|value|token|session|goes|password|"
    r"account|me|this|it))*$"
)
_TEMPLATE_REFERENCE = re.compile(
    r"""
    ^\$\{\{.*\}\}$            # GitHub Actions ${{ secrets.X }}
  | ^\$\{[^}]*\}$             # ${VAR} / ${VAR:-default}
  | ^\$[A-Za-z_][A-Za-z0-9_]*$  # $VAR
  | ^%[A-Za-z_][A-Za-z0-9_]*%$  # %VAR% (Windows)
  | ^\{\{.*\}\}$              # Jinja / Helm / CloudFormation dynamic {{resolve:...}}
  | ^<[^<>]*>$                # <secret>, <your-key>
  | ^\[[A-Za-z_ -]*\]$        # [SECRET]
  | ^@[A-Za-z_][A-Za-z0-9_.]*@$  # @TOKEN@ build substitution
  | ^(?:arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):)  # secret/parameter references
  | ^(?:ssm|secretsmanager|vault|sops|awskms|env|op|doppler)://?
  | ^ENC\[                    # SOPS encrypted value
  | ^!(?:Ref|Sub|GetAtt|ImportValue)\b
    """,
    re.VERBOSE,
)


def is_documented_example(value: str) -> bool:
    """Documented example keys: anything ending in EXAMPLE/EXAMPLEKEY (AWS's), and the
    published emulator and documentation values listed in DOCUMENTED_VALUE_HASHES."""
    if value.upper().endswith(_EXAMPLE_SUFFIXES):
        return True
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in DOCUMENTED_VALUE_HASHES


def is_reference(value: str) -> bool:
    """A value that names where a secret lives rather than holding one."""
    return bool(_TEMPLATE_REFERENCE.search(value.strip()))


def is_placeholder(value: str) -> bool:
    """Obvious placeholders: empty, all one character, xxxx/****, YOUR_KEY, changeme..."""
    v = value.strip().strip("'\"")
    if not v:
        return True
    if len(set(v)) <= 2 and len(v) >= 3:
        return True  # aaaa, xxxx, ****, 0000, ----, x-x-
    if v.startswith("<") and v.endswith(">"):
        return True  # <secret>, <your-key>
    if v.lower() in _EMULATOR_VALUES:
        return True
    if re.fullmatch(r"[xX*#.]{3,}.*|.*[xX*]{6,}", v):
        return True
    return bool(_PLACEHOLDER_WORDS.match(v))


def is_not_a_secret(value: str) -> bool:
    """Placeholder, reference or documented example: never reported by default."""
    return is_placeholder(value) or is_reference(value) or is_documented_example(value)


# --- secret-looking strings -----------------------------------------------------------

SECRET_KEY_PATTERN = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value`` (0 for an empty string)."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_like_secret_key(value: str) -> bool:
    """Whether a 40-character base64-alphabet string has the mix of a random AWS secret.

    Random secrets mix upper case, lower case and digits, are not hex, not a path and
    carry high entropy; hashes, hex digests, words and paths do not.
    """
    if len(value) != 40:
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return False  # a SHA-1 or other hex digest
    classes = sum(
        (
            any(c.isupper() for c in value),
            any(c.islower() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    if classes < 3:
        return False
    if value.count("/") > 4 or value.startswith("/") or "//" in value:
        return False  # a path or URL fragment
    return shannon_entropy(value) >= 4.0


#: Names that mark a value as an AWS secret access key, in any naming convention.
SECRET_KEY_NAMES = re.compile(
    r"(?i)(?:aws)?[_\-.]?secret[_\-.]?(?:access)?[_\-.]?key(?:[_\-.]?id)?|aws[_\-.]?secret"
)
#: Names that mark a value as an AWS access key id.
ACCESS_KEY_ID_NAMES = re.compile(r"(?i)(?:aws)?[_\-.]?access[_\-.]?key(?:[_\-.]?id)?")
#: Names that mark a value as an STS session token.
SESSION_TOKEN_NAMES = re.compile(r"(?i)(?:aws)?[_\-.]?(?:session|security)[_\-.]?token")


# --- tokens of other services (RC12x-RC19x) ---------------------------------------------

#: SHA-256 of values that vendors publish for local emulators or documentation (the
#: Azurite development storage key, ...). Stored as hashes so that this file holds no
#: key-shaped text; :func:`is_documented_example` recognises them.
DOCUMENTED_VALUE_HASHES: frozenset[str] = frozenset(
    {
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",  # Azurite key
    }
)

#: The base62 alphabet of GitHub and npm token checksums (digits, upper, lower).
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_INDEX = {c: i for i, c in enumerate(BASE62)}


def base62_encode(number: int, width: int = 6) -> str:
    """``number`` in base62, left-padded with ``0`` to ``width`` characters."""
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def crc32_base62(body: str) -> str:
    """The 6-character checksum GitHub and npm append to a token's random part."""
    return base62_encode(binascii.crc32(body.encode("ascii")) & 0xFFFFFFFF)


def has_crc32_checksum(token: str, prefix_length: int) -> bool:
    """Whether ``token`` (prefix, random part, 6-character tail) carries a valid CRC32.

    GitHub (``ghp_`` ...) and npm (``npm_``) tokens end in the base62 CRC32 of the
    characters between the prefix and the tail; a random look-alike fails this check
    with probability 1 - 1/2^32, so offline verification drops nearly every false match.
    """
    body, tail = token[prefix_length:-6], token[-6:]
    if len(tail) != 6 or not body or any(c not in _BASE62_INDEX for c in tail):
        return False
    value = 0
    for c in tail:
        value = value * 62 + _BASE62_INDEX[c]
    try:
        return value == binascii.crc32(body.encode("ascii")) & 0xFFFFFFFF
    except UnicodeEncodeError:
        return False


def looks_random(value: str, *, min_entropy: float = 3.0, min_classes: int = 2) -> bool:
    """Whether a token body has the character mix of generated material.

    Filters the hand-written look-alikes documentation is full of (``abcdef123456``,
    ``0000...``, ``my_token_here``): generated tokens use several character classes
    and have high per-character entropy.
    """
    classes = sum(
        (
            any(c.isupper() for c in value),
            any(c.islower() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    if classes < min_classes:
        return False
    if re.search(r"(?i)(?:abcdef|123456|xxxx|0000|example|sample|dummy|placeholder)", value):
        return False
    return shannon_entropy(value) >= min_entropy


#: A template or variable reference inside a value: ``${X}``, ``$(cmd)``, ``{{ x }}``,
#: ``%(x)s`` anywhere, or the whole value a ``{x}`` (str.format / f-string) field. Kept
#: strict because random secrets contain ``$``, ``%``, ``(`` and ``{`` by chance.
_EMBEDDED_REFERENCE = re.compile(
    r"\$\{[^}]{1,200}\}|\$\([A-Za-z_][\w ./-]{0,200}\)|\{\{|%\([A-Za-z_]\w{0,64}\)[sdr]"
    r"|^\{[A-Za-z_][\w.\[\]'\"]{0,64}\}$"
)


def contains_reference(value: str) -> bool:
    """Whether ``value`` is built from a variable rather than holding a literal secret."""
    return bool(_EMBEDDED_REFERENCE.search(value))


def is_not_a_literal_secret(value: str) -> bool:
    """:func:`is_not_a_secret`, or a value with a reference anywhere inside it."""
    return is_not_a_secret(value) or contains_reference(value)
