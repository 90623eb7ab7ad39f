"""What the AWS material analysis finds in a document: key ids, secrets, tokens, pairs.

The values :mod:`rolecall.rules.aws.material` builds once per document and RC101-RC105
read, and the character classes that bound a value wherever it is found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rolecall.rules.aws.key_ids import KeyIdInfo

B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=")
AFTER_SECRET = B64 | {"_", "-", "%"}
#: Characters of a dotted token's segments (JWT: base64url): a value after ``x.`` is one.
DOTTED = B64 | {"_", "-"}
NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


@dataclass(frozen=True)
class KeyIdHit:
    start: int
    end: int
    info: KeyIdInfo
    example: bool
    in_url: bool


@dataclass(frozen=True)
class SecretHit:
    start: int
    end: int
    value: str
    name: str  # the name it is keyed by; '' when found only next to a key id
    strong: bool  # named with an AWS-specific name (or paired with an id)
    example: bool
    encoded: bool = False  # base64-encoded once more (Kubernetes Secret data)


@dataclass(frozen=True)
class TokenHit:
    start: int
    end: int
    value: str  # percent-decoded
    name: str
    in_url: bool
    example: bool


@dataclass(frozen=True)
class Material:
    """What one document holds; ``pairs`` maps a key id's offset to its secret."""

    ids: tuple[KeyIdHit, ...]
    secrets: tuple[SecretHit, ...]  # named secrets (unpaired ones are RC104's)
    tokens: tuple[TokenHit, ...]
    pairs: Mapping[int, SecretHit]
    aws_context: bool

    @property
    def paired_secrets(self) -> frozenset[int]:
        return frozenset(s.start for s in self.pairs.values())


def in_url(text: str, start: int) -> bool:
    """Whether ``start`` is inside a URL (looking back at most 2,000 characters)."""
    line_start = text.rfind("\n", max(0, start - 2000), start) + 1
    head = text[max(line_start, start - 2000) : start]
    return "://" in head and not any(c.isspace() for c in head[head.rfind("://") :])
