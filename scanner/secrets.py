"""Shared credential vocabulary and precision policy, for built-in and plugin rules.

One place decides what a placeholder, a reference, AWS's documented example keys and a
plausible secret look like, so every rule family applies the same policy (DESIGN.md,
"Severity policy").
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from rolecall.plugin.lazyre import lazy

# --- access key ids ---------------------------------------------------------------

#: Key-id prefixes that identify a credential (something that signs requests).
CREDENTIAL_PREFIXES: dict[str, str] = {
    "AKIA": "long-term IAM user access key",
    "ASIA": "temporary STS access key",
    "ABIA": "AWS STS service bearer token",
    "ACCA": "AWS context-specific credential",
}
#: Prefixes of ids that are identifiers only, never secrets: never reported.
IDENTIFIER_PREFIXES: frozenset[str] = frozenset(
    {"AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "APKA", "ASCA", "AEGA", "ACPA"}
)

#: A credential key id at word boundaries: 4-letter prefix + 16 characters. The tail is
#: ``[A-Z0-9]``: nothing public restricts old-generation ids to base32 or to a 5th
#: character, so no id of this shape is dropped for its characters.
KEY_ID_PATTERN = lazy(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])")


#: Finds key-id candidates fast: a literal-led pattern, no leading look-behind (which
#: would defeat ``re``'s prefix search). :func:`find_key_ids` checks the left boundary.
_KEY_ID_SCAN = lazy(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")
_BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
#: The 5th character of a new-generation id: the high bit of the first base32 digit is
#: set, which marks an id that encodes its account (public bit-level analyses of key
#: ids). Old-generation ids (5th character ``A``-``P``, or a digit) encode no account.
_NEW_GENERATION_FIFTH = frozenset("QRSTUVWXYZ234567")
#: The account id AWS's documentation uses in examples (``arn:aws:iam::123456789012:...``):
#: an id that decodes to it was made for documentation or a test.
DOCUMENTATION_ACCOUNT = "123456789012"
#: Words that mark a key-id-shaped string as made up (``AKIAYOURKEYID...``). A random
#: base32 tail holds one of them with a probability of about 1e-4.
_ID_PLACEHOLDER_WORDS = (
    "XXXX", "YOUR", "EXAMPLE", "SAMPLE", "DUMMY", "FAKE", "TEST", "KEYID",
    "ACCESSKEY", "REDACTED", "PLACEHOLDER", "0000", "AAAA",
)  # fmt: skip


@dataclass(frozen=True)
class KeyIdInfo:
    key_id: str
    prefix: str
    kind: str  # human description of the prefix
    account_id: str | None  # decoded offline for new-generation ids; None otherwise
    legacy: bool = False  # old generation (5th character A-P): encodes no account
    #: Why AWS cannot have issued this id ('' when nothing says so). Such an id is still
    #: reported, at a lower severity, with this reason in the message.
    impossible: str = ""

    @property
    def account_text(self) -> str:
        """``account 123456789012``, ``account not encoded``, ... for messages."""
        if self.account_id:
            return f"account {self.account_id}"
        return "account not decodable" if not self.legacy else "account not encoded"


def is_new_generation_key_id(key_id: str) -> bool:
    """Whether the id's 5th character marks the generation that encodes the account."""
    return len(key_id) >= 5 and key_id[4] in _NEW_GENERATION_FIFTH


def _encoded_account(key_id: str) -> int | None:
    if len(key_id) != 20 or not is_new_generation_key_id(key_id):
        return None
    try:
        raw = base64.b32decode(key_id[4:])
    except (binascii.Error, ValueError):
        return None  # characters outside base32 (0, 1, 8, 9): nothing to decode
    return (int.from_bytes(raw[:6], "big") & 0x7FFFFFFFFF80) >> 7


def account_id_from_key_id(key_id: str) -> str | None:
    """The 12-digit AWS account id encoded in a new-generation access key id, or None.

    New-generation ids (5th character Q-Z or 2-7) carry the account id: base32-decode
    the 16 characters after the prefix, take the first 6 bytes big-endian, mask with
    0x7FFFFFFFFF80 and shift right by 7. Old-generation ids (A-P) do not encode it; an
    encoded number of more than 12 digits is no account (see :func:`key_id_info`).
    """
    account = _encoded_account(key_id)
    if account is None or account > 999_999_999_999:
        return None
    return f"{account:012d}"


def key_id_info(key_id: str) -> KeyIdInfo | None:
    """Classify a 20-character key id; None when it is not a credential id."""
    prefix = key_id[:4]
    kind = CREDENTIAL_PREFIXES.get(prefix)
    if kind is None or len(key_id) != 20:
        return None
    legacy = not is_new_generation_key_id(key_id)
    impossible = ""
    account = _encoded_account(key_id)
    if account is not None and account > 999_999_999_999:
        impossible = (
            f"AWS cannot have issued this id: it encodes a {len(str(account))}-digit account"
        )
    return KeyIdInfo(key_id, prefix, kind, account_id_from_key_id(key_id), legacy, impossible)


def is_well_formed_key_id(key_id: str) -> bool:
    """Whether a string has the shape of a credential key id: a credential prefix and
    16 upper-case letters or digits.

    Shape only: an id is never dropped for its 5th character or its alphabet, since
    nothing public proves that AWS cannot issue it. What structure does prove (a
    new-generation id that encodes a 13-digit account) is :attr:`KeyIdInfo.impossible`,
    which lowers the severity but keeps the finding.
    """
    return (
        len(key_id) == 20
        and key_id[:4] in CREDENTIAL_PREFIXES
        and all(c.isdigit() or "A" <= c <= "Z" for c in key_id[4:])
    )


def is_placeholder_key_id(key_id: str) -> bool:
    """A key-id-shaped placeholder: few distinct characters, a placeholder word, or a
    typed sequence (``1234567890ABCDEF``: a run of six ascending letters or digits, which
    a random tail holds with a probability of about 1e-6)."""
    tail = key_id[4:].upper()
    if len(set(tail)) < 6:
        return True  # AKIA + XXXXXXXXXXXXXXXX, AKIA + QQQQ2222QQQQ2222
    if any(word in tail for word in _ID_PLACEHOLDER_WORDS):
        return True
    run = 1
    for before, after in itertools.pairwise(tail):
        run = run + 1 if ord(after) == ord(before) + 1 else 1
        if run >= 6:
            return True
    return False


def find_key_ids(text: str) -> list[tuple[int, str]]:
    """``(offset, key_id)`` of every credential key id in ``text`` at a word boundary.

    The left boundary also accepts an escape sequence (``\\n`` in a JSON string or log)
    and a percent-encoded byte (``%2F`` in a URL), which would otherwise glue the id to
    a letter or digit. Every id of the right shape is returned; placeholders and
    documented examples are too (callers decide with :func:`is_not_a_secret` and
    :func:`is_placeholder_key_id`).
    """
    found: list[tuple[int, str]] = []
    for match in _KEY_ID_SCAN.finditer(text):
        start = match.start()
        if start and text[start - 1].isalnum():
            before = text[max(0, start - 3) : start]
            if not (before[-2:-1] == "\\" or (before[:1] == "%" and _is_hex(before[1:]))):
                continue
        found.append((start, match.group()))
    return found


def _is_hex(value: str) -> bool:
    return len(value) == 2 and all(c in "0123456789abcdefABCDEF" for c in value)


# --- placeholders, examples and references ------------------------------------------

_EXAMPLE_SUFFIXES = ("EXAMPLE", "EXAMPLEKEY")
#: Values published by local emulators (LocalStack, moto) that are not credentials.
_EMULATOR_VALUES = frozenset({"test", "testing", "foobar", "foo", "bar", "fake", "dummy"})
_PLACEHOLDER_WORDS = lazy(
    r"(?i)^(?:your|my|the|some|enter|insert|put|replace|fake|dummy|example|sample|test|"
    r"placeholder|changeme|change[_-]?me|redacted|todo|tbd|none|null|nil|undefined|secret|"
    r"password|xxx+|access[_-]?key|secret[_-]?key)"
    r"(?:[_\-. ]?(?:aws|access|secret|key|keys|id|here|value|token|session|goes|password|"
    r"account|me|this|it))*$"
)
_TEMPLATE_REFERENCE = lazy(
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
  | ^\$\([A-Za-z_][A-Za-z0-9_]*\)$  # $(VAR): Kubernetes env, Azure Pipelines, make
  | ^\(\([^()]*\)\)$          # ((var)): Concourse
  | ^\#\{[^}]*\}$             # #{var}: Octopus, Ruby
  | ^(?:vault|sm|gcpsm|azkv):   # external secret store references
    """,
    re.VERBOSE,
)


#: The start of AWS's documented example secret key (``wJalrXUtnFEMI/K7MDENG/...``).
#: Documentation and test suites vary its tail (``EXAMPLEKEY``, ``TESTKEY``) and its
#: separator (the SigV4 test suite has ``+`` where the guides have ``/``).
_EXAMPLE_SECRET_STEMS = ("wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI+K7MDENG")


def is_documented_example(value: str) -> bool:
    """Documented example keys and their derivatives.

    - anything ending in ``EXAMPLE``/``EXAMPLEKEY`` (AWS's keys, the SigV4 test suite's
      ``AKIDEXAMPLE``), and AWS's example session tokens (``EXAMPLE`` in the middle of a
      value longer than a secret key, as in the STS and CLI documentation and moto's
      fake responses);
    - AWS's example secret with another tail (``...bPxRfiCYTESTKEY``);
    - a key id that decodes to the documentation account ``123456789012``;
    - the published emulator and documentation values in DOCUMENTED_VALUE_HASHES (the
      S3 developer guide's signature version 2 keys, the Azurite key, ...).
    """
    upper = value.upper()
    if upper.endswith(_EXAMPLE_SUFFIXES):
        return True
    if len(value) > 40 and "EXAMPLE" in value:
        return True
    if value.startswith(_EXAMPLE_SECRET_STEMS):
        return True
    if len(value) == 20 and account_id_from_key_id(value) == DOCUMENTATION_ACCOUNT:
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

#: A 40-character secret-key candidate, not part of a longer base64 or base64url run nor
#: of a percent-encoded one (a chunk of a token in a URL, between two ``%2F``).
SECRET_KEY_PATTERN = lazy(r"(?<![A-Za-z0-9/+=_%-])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_%-])")
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
#: A bare STS session token anywhere in a text: a known prefix and a long base64 run.
#: No look-around: the caller checks the characters on either side, so the run is
#: matched once and never backtracked into (linear on any input).
SESSION_TOKEN_PATTERN = lazy(
    "(?:" + "|".join(SESSION_TOKEN_PREFIXES) + r")[A-Za-z0-9/+]{80,}={0,2}"
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


#: Shortest value taken as the session token of an ``ASIA`` id beside it.
MIN_TOKEN_BESIDE_KEY_ID = 64


def looks_like_token_beside_key_id(value: str) -> bool:
    """Whether a base64 run next to a temporary (``ASIA``) key id can be its session token.

    Beside the id a name is not needed and the floor is lower than for a lone value
    (:data:`MIN_SESSION_TOKEN_LENGTH`): 64 characters and the character mix of random
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


# --- tokens of other services (RC12x-RC19x) ---------------------------------------------

#: SHA-256 of values that vendors publish for local emulators or documentation (the
#: Azurite development storage key, ...). Stored as hashes so that this file holds no
#: key-shaped text; :func:`is_documented_example` recognises them.
DOCUMENTED_VALUE_HASHES: frozenset[str] = frozenset(
    {
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",  # Azurite key
        # The S3 developer guide's signature version 2 examples (key id, secret key).
        "98304b21e305abfd613bf0fe104db682f384a9dd909d48e000bc6465a7dfb294",
        "0114c1456f2504384f9111557e6dc0dd99de9fbc6644c6afa8a1bcac8ef391b1",
        # The same guide's older RESTAuthentication example pair (key id, secret key),
        # cited as such by the S3 client test suites that use it.
        "08249dd24f808d55a21a30952506a7ff60be1426f495bc8292104470050e0e43",
        "0e8ad95d75d71161d9eb8929c48030c857b8774d9812bb1a5898ea81643e415b",
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
_EMBEDDED_REFERENCE = lazy(
    r"\$\{[^}]{1,200}\}|\$\([A-Za-z_][\w ./-]{0,200}\)|\{\{|%\([A-Za-z_]\w{0,64}\)[sdr]"
    r"|^\{[A-Za-z_][\w.\[\]'\"]{0,64}\}$"
)


def contains_reference(value: str) -> bool:
    """Whether ``value`` is built from a variable rather than holding a literal secret."""
    return bool(_EMBEDDED_REFERENCE.search(value))


def is_not_a_literal_secret(value: str) -> bool:
    """:func:`is_not_a_secret`, or a value with a reference anywhere inside it."""
    return is_not_a_secret(value) or contains_reference(value)


# --- how hard a finding's material is to guess (fingerprint keying) ----------------------


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
    """Several character classes and no typed run. Unlike :func:`looks_random`, words
    such as ``EXAMPLE`` are allowed: they say a value is no secret, not that it is short
    of entropy."""
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
