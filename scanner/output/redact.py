"""Redaction: how secret material may appear in any output, log or file we write.

Access key ids are shown whole (a user needs the id to find and deactivate the key);
secrets and tokens only as their first four characters (at most a quarter of a short
one), an ellipsis and their length.
"""

from __future__ import annotations

from rolecall.plugin.lazyre import lazy

TYPE_CHECKING = False  # not typing's: rolecall's import (and a replay) does not pay for it

if TYPE_CHECKING:
    import re

SHOWN_PREFIX = 4


def redact(secret: str) -> str:
    """``wJal…(40 chars)``: enough to recognise a secret, never enough to use it.

    At most a quarter of the value is shown: ``min(4, len // 4)`` leading characters
    (two of a 9-11 character password, three of a 12-15 character one) and none of a
    value of 8 characters or fewer, whose length alone is shown.
    """
    shown = min(SHOWN_PREFIX, len(secret) // 4) if len(secret) > SHOWN_PREFIX * 2 else 0
    return f"{secret[:shown]}…({len(secret)} chars)"


def secret_hash(secret: str) -> str:
    """SHA-256 of a secret, for baselines and caches that must recognise it again."""
    import hashlib

    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


#: A run that could be a credential in free text (a suppression reason, a plugin's
#: message): 16 or more characters of the token alphabets.
_SECRETISH = lazy(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{16,}(?![A-Za-z0-9+/=_-])")


def scrub(text: str) -> str:
    """``text`` with every secret-shaped run redacted, for free text that reaches output.

    A run of 16 or more characters of ``[A-Za-z0-9+/=_-]`` that mixes letters and digits
    and has the character variety of generated material (10 or more distinct characters)
    is shown as :func:`redact` shows a secret; words, paths, numbers and the usual
    identifiers stay as they are.
    """
    return _SECRETISH.sub(_scrub_run, text)


def _scrub_run(match: re.Match[str]) -> str:
    value = match.group(0)
    has_digit = any(c.isdigit() for c in value)
    has_letter = any(c.isalpha() for c in value)
    if has_digit and has_letter and len(set(value)) >= 10:
        return redact(value)
    return value
