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

from rolecall import View

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


LOWERED: View[bytes] = View("ascii-lowered", lambda doc: ascii_lowered(doc.text))
""":func:`ascii_lowered` of a document's text, made once however many rules ask."""
