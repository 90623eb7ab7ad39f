"""One ASCII-lower-cased copy of a document's text, shared by the rules' name searches.

Not a rule module. The material view of RC101-RC105 and RC132 look for names
(``secret``, ``session_token``, ``client_secret``) with ``find`` on a lower-cased copy
of the whole text. ``str.lower()`` of a text that holds any non-ASCII character (API
models' documentation, with its curly quotes) maps every character through the Unicode
tables: 19 ms for botocore's 4.5 MB EC2 model, paid once per rule. Encoding to ASCII
with ``?`` for every other character and lower-casing the bytes takes 4 ms, once per
document, and keeps offsets (one byte per character).
"""

from __future__ import annotations

from rolecall import Document, View

#: Characters whose ``str.lower()`` holds an ASCII letter: the dotted capital I (``i``
#: and a combining dot: the only character whose lower case is longer) and the Kelvin
#: sign (``k``). Everywhere else a non-ASCII character lower-cases to non-ASCII.
LOWERS_TO_ASCII = ("\u0130", "\u212a")


def ascii_lowered(text: str) -> bytes:
    """``text`` with ASCII letters lower-cased and every other character as ``?``, one
    byte per character: an ASCII word occurs in it exactly where it occurs in
    ``text.lower()``, apart from the letters :data:`LOWERS_TO_ASCII` lower-case to."""
    if text.isascii():
        return text.encode("ascii").lower()
    return text.encode("ascii", "replace").lower()


#: The characters that Python's case-insensitive matching equates with an ASCII letter
#: (dotted capital I and dotless i with i, long s with s, the Kelvin sign with k). Where
#: none occurs (and lower-casing keeps the length), ``text.lower()`` holds an ASCII
#: letter exactly where ``(?i)`` sees one.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def folded(text: str, lowered: bytes | None = None) -> bytes | None:
    """``text`` lower-cased, offset for offset, as ASCII bytes (:func:`ascii_lowered`;
    pass ``lowered`` when it is at hand), or None when that is not exact for ``(?i)``
    matching. Without the characters of ``_FOLDS_TO_ASCII``, ``text.lower()`` keeps the
    length and holds an ASCII letter exactly where the ASCII copy does. (Shared by
    RC132 and RC145, which search case-insensitive names in the copy.)"""
    if not text.isascii() and any(c in text for c in _FOLDS_TO_ASCII):
        return None
    return ascii_lowered(text) if lowered is None else lowered


#: For :func:`lowered_utf8`: ASCII capitals to small letters, every lead byte of a
#: multi-byte character to ``?``; its continuation bytes (0x80-0xBF) are deleted.
_FOLD = bytes(c + 32 if 65 <= c <= 90 else c if c < 128 else 63 for c in range(256))
_CONTINUATION = bytes(range(0x80, 0xC0))


def lowered_utf8(data: bytes) -> bytes:
    """:func:`ascii_lowered` of the text that ``data`` is the clean UTF-8 encoding of
    (no surrogates), from the bytes: every character is one lead byte and its
    continuation bytes, so one ``translate`` that deletes the continuation bytes and
    maps the rest gives one byte per character (``?`` for each non-ASCII one). Half the
    time of encoding the text again, on botocore's models."""
    if data.isascii():
        return data.lower()
    return data.translate(_FOLD, _CONTINUATION)


def _lowered(doc: Document) -> bytes:
    decoded = doc.decoded
    if decoded.encoding == "utf-8" and not decoded.errors:
        return lowered_utf8(doc.data[3:] if decoded.bom else doc.data)
    return ascii_lowered(doc.text)


LOWERED: View[bytes] = View("ascii-lowered", _lowered)
""":func:`ascii_lowered` of a document's text, made once however many rules ask."""
