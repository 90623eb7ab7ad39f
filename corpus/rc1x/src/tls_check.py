"""Reject configuration that inlines key material instead of referencing a KMS key."""

from __future__ import annotations

PEM_MARKERS = (
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----BEGIN EC PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
)


def inlines_private_key(value: str) -> bool:
    return any(marker in value for marker in PEM_MARKERS)


def describe() -> str:
    return "expected -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY----- or a KMS key ARN"
