"""AWS access key ids: their prefixes, their structure and what decoding one tells.

The rules that find key ids (RC101-RC103, the config rules) and the fake generator share
these facts: which prefixes are credentials, how a new-generation id encodes its account,
which ids are placeholders. The id's bare shape (``KEY_ID_PATTERN``) is the engine's too,
for redaction; it comes from :mod:`rolecall.plugin.api`.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from dataclasses import dataclass

from rolecall.plugin.api import lazy

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
    documented examples are too (callers decide with ``is_not_a_secret`` of
    :mod:`rolecall.rules.common.placeholders` and
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
