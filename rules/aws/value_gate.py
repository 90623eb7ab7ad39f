"""A cheap gate before parsing: can a text hold a literal AWS credential value at all?

The configuration rules parse a whole file for credential-named keys only when this
answers yes (a key id, a secret-key-length run, base64 of a key id or a session-token
header occurs somewhere); most files answer no at C speed.
"""

from __future__ import annotations

import re
from functools import cache

from rolecall.plugin.api import lazy

#: What a literal credential value needs; :func:`_candidate_value` answers whether it
#: matches without running it (tests hold the two to the same answers).
_CANDIDATE_VALUE = lazy(
    r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"  # a key id
    r"|[A-Za-z0-9/+]{40}"  # a secret key, or part of a longer run such as a token
    r"|QUtJQ|QVNJQ|QUJJQ|QUNDQ"  # base64 of a key id (Kubernetes Secret data)
    r"|IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AgoJb3JpZ2lu"  # session token prefixes
)
_CANDIDATE_ESCAPED = lazy(r"(?:[A-Za-z0-9+]|\\/|\\u002[fF]){40,}")


#: What ``_CANDIDATE_VALUE`` matches, as C-speed searches over UTF-8 bytes (the pattern
#: is ASCII, and UTF-8 encodes every other character as bytes >= 0x80, so a match in the
#: text is a match in its encoding and the reverse): 40 bytes of the secret alphabet in a
#: row once that alphabet is translated to 1s, the key id and its base64 (patterns led by
#: a literal, which ``re`` finds with a fast search), and the session-token prefixes,
#: looked for only where the base64 of ``origin`` or ``er/aws`` in them occurs.
_SECRET_ALPHABET = bytes(
    1 if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "/+") else 0 for b in range(256)
)
_SECRET_RUN = b"\x01" * 40
#: The characters of ``_CANDIDATE_ESCAPED``'s units (``\\/`` and ``\\u002f`` included):
#: a match is a run of at least 40 of them, so without such a run there is none.
_ESCAPED_ALPHABET = bytes(v or int(b == ord("\\")) for b, v in enumerate(_SECRET_ALPHABET))
_TOKEN_PREFIXES = (b"IQoJb3JpZ2lu", b"FwoGZXIvYXdz", b"FQoGZXIvYXdz", b"AgoJb3JpZ2lu")
_TOKEN_CORES = (b"b3JpZ2lu", b"ZXIvYXdz")
#: Characters per slice: bounded extra memory; slices overlap by a match's length - 1.
_SLICE = 1 << 20


@cache
def _literal_led() -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    return re.compile(rb"A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}"), re.compile(rb"Q(?:UtJ|VNJ|UJJ|UND)Q")


def _candidate_value(text: str, utf8: bytes | None = None) -> bool:
    """``_CANDIDATE_VALUE.search(text) is not None``, without trying it at every offset.

    ``utf8``, when given, is ``text.encode("utf-8", "surrogatepass")`` (a document's own
    bytes, when it was read as clean UTF-8): its slices are searched, and the text is
    not encoded again. Slices overlap by 39 bytes, which every match (ASCII) fits.
    """
    size = len(text) if utf8 is None else len(utf8)
    for lo in range(0, size, _SLICE):
        if utf8 is not None:
            data = utf8[lo : lo + _SLICE + 39]
        else:
            data = text[lo : lo + _SLICE + 39].encode("utf-8", "surrogatepass")
        if _searched_by_parts(data):
            return True
    return False


def _searched_by_parts(data: bytes) -> bool:
    """Whether ``data`` holds a match of ``_CANDIDATE_VALUE`` (as UTF-8): one ``bytes``
    operation per alternative. (One Hyperscan database for the four was tried: its
    compilation, about 26 ms in every process, costs more than it saves even on
    botocore's 71 MB of models that reach the gate, 44 ms against 28 ms.)"""
    key_id, key_id_b64 = _literal_led()
    return bool(
        _SECRET_RUN in data.translate(_SECRET_ALPHABET)
        or key_id.search(data)
        or key_id_b64.search(data)
        or (
            any(core in data for core in _TOKEN_CORES)
            and any(prefix in data for prefix in _TOKEN_PREFIXES)
        )
    )


def _escaped_candidate(text: str) -> bool:
    """``_CANDIDATE_ESCAPED.search(text) is not None``; the regex runs only on a text
    that has a run its match needs."""
    for lo in range(0, len(text), _SLICE):
        data = text[lo : lo + _SLICE + 39].encode("utf-8", "surrogatepass")
        if _SECRET_RUN in data.translate(_ESCAPED_ALPHABET):
            return _CANDIDATE_ESCAPED.search(text) is not None
    return False


def may_hold_credential_value(text: str, utf8: bytes | None = None) -> bool:
    """Whether ``text`` holds anything that could be a literal AWS credential value.

    A gate before parsing a whole file for credential-named keys: a key id, a run of 40
    or more secret-alphabet characters (a secret key; any session token contains one),
    base64 of a key id, or a session-token prefix. JSON may escape ``/`` as ``\\/`` or
    ``\\u002f``, which is checked too. False means no literal credential can be found.
    ``utf8``: the text's UTF-8 encoding, when the caller has it (see
    :func:`_candidate_value`).
    """
    if _candidate_value(text, utf8):
        return True
    return ("\\/" in text or "\\u002" in text) and _escaped_candidate(text)
