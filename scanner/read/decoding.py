"""Bytes to text, once per file: the encoding from a byte order mark, from the pattern
of zero bytes of a UTF-16/32 text without one, else UTF-8 with undecodable sequences
replaced (and counted, so a notice can say the file was not clean UTF-8).

Apart from :mod:`rolecall.read.document` because the reader decides on the encoding
before a document exists (a file read in windows is decoded window by window), and the
fixer decodes the same way to write the bytes back.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from rolecall.plugin.lazyre import lazy


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bom: bool
    errors: int  # replaced undecodable sequences; 0 when the bytes were clean


_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding of text ``data`` when it is not plain UTF-8, and the length of its
    byte-order mark: the encoding a BOM names, or, without one, the UTF-16/32 that the
    pattern of NUL bytes in the first 8 KiB shows (then the length is 0). None for
    UTF-8 (with no BOM) and for anything else, binary content included."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    sniffed = sniff_wide_encoding(data)
    return None if sniffed is None else (sniffed, 0)


#: How much of a file the BOM-less UTF-16/32 test looks at.
_SNIFF = 8192
_CONTROL = lazy("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def sniff_wide_encoding(data: bytes) -> str | None:
    """``utf-16-le``, ``utf-16-be``, ``utf-32-le`` or ``utf-32-be`` when ``data`` (without
    a BOM) is text in that encoding, else None.

    Text in these encodings has a NUL byte in a fixed place of every character from the
    ASCII range (the high byte of a UTF-16 unit, the top bytes of a UTF-32 one), and none
    elsewhere: the side that holds the zero bytes gives the byte order. At least half the
    characters must be such (credential files are mostly ASCII; text mostly in other
    scripts stays skipped as binary, as before). The sample must
    then decode strictly, hold no NUL character and almost no control characters; a PNG
    or ELF header (runs of zero bytes), random bytes or a table of small integers fail.
    """
    sample = data[:_SNIFF]
    if b"\0" not in sample or len(sample) < 8:
        return None
    zeros = [sample[i::4].count(0) for i in range(4)]
    quads = len(sample) // 4
    if zeros[3] >= quads and zeros[2] >= quads * 0.9:
        candidate = "utf-32-le"
    elif zeros[0] >= quads and zeros[1] >= quads * 0.9:
        candidate = "utf-32-be"
    else:
        units = len(sample) // 2
        even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
        if odd >= units * 0.5 and even <= odd // 20:
            candidate = "utf-16-le"
        elif even >= units * 0.5 and odd <= even // 20:
            candidate = "utf-16-be"
        else:
            return None
    width = 4 if candidate.startswith("utf-32") else 2
    chunk = sample[: len(sample) // width * width]
    try:
        text = chunk.decode(candidate)
    except UnicodeDecodeError as exc:
        if exc.start < len(chunk) - 2 * width:
            return None
        try:  # the sample cut a surrogate pair in two
            text = chunk[: exc.start].decode(candidate)
        except UnicodeDecodeError:
            return None
    if not text or len(_CONTROL.findall(text)) > len(text) // 100:
        return None
    return candidate


def decode(data: bytes) -> Decoded:
    """Decode file bytes: by BOM, else as the BOM-less UTF-16/32 their NUL bytes show,
    else UTF-8; undecodable bytes become U+FFFD and are counted."""
    found = bom_encoding(data)
    if found is not None:
        encoding, skip = found
        body = data[skip:]
        bom = skip > 0
    else:
        encoding, body, bom = "utf-8", data, False
    try:
        return Decoded(body.decode(encoding), encoding, bom, 0)
    except UnicodeDecodeError:
        text = body.decode(encoding, errors="replace")
        # Count the replacement characters the decoder inserted (not those already there).
        clean = body.decode(encoding, errors="ignore")
        return Decoded(text, encoding, bom, max(1, text.count("\ufffd") - clean.count("\ufffd")))
