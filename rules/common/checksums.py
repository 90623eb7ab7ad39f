"""The CRC32 checksums that GitHub and npm tokens carry, in base62.

Checking one offline drops nearly every random look-alike before a token rule reports
it; the fake generators use :func:`crc32_base62` to make tokens that pass the check.
"""

from __future__ import annotations

import binascii

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
