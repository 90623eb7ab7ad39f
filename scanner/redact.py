"""Redaction: how secret material may appear in any output, log or file we write.

Access key ids are shown whole (a user needs the id to find and deactivate the key);
secrets and tokens only as their first four characters, an ellipsis and their length.
"""

from __future__ import annotations

SHOWN_PREFIX = 4


def redact(secret: str) -> str:
    """``wJal…(40 chars)``: enough to recognise a secret, never enough to use it."""
    if len(secret) <= SHOWN_PREFIX * 2:
        # A short secret would be half revealed by its prefix: show its length only.
        return f"…({len(secret)} chars)"
    return f"{secret[:SHOWN_PREFIX]}…({len(secret)} chars)"


def secret_hash(secret: str) -> str:
    """SHA-256 of a secret, for baselines and caches that must recognise it again."""
    import hashlib

    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
