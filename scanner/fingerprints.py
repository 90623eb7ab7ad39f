"""Fingerprints: a finding's stable identity that does not give its secret back.

A fingerprint is 64 lower-case hex digits derived from the rule id and the finding's
material (the secret, or a code pattern's description), keyed with a *salt*:

- high-entropy material (see :func:`rolecall.secrets.material_strength`: AWS secret
  keys, session tokens, key material, vendor tokens): ``HMAC-SHA256(key=salt,
  msg=rule_id || 0x00 || material)``. No dictionary holds such material, so a keyed
  fast hash is enough;
- low-entropy material (passwords, URL passwords, anything short or word-like):
  ``scrypt(password=material, salt=salt || 0x00 || rule_id, n=8192, r=8, p=1,
  dklen=32)``, 8 MiB and about 15 ms of CPU per derivation, so every guess of a
  dictionary attack costs as much.

Strings are UTF-8 (``surrogatepass``); the salt's text is used as its bytes. A scan
with a baseline keys every fingerprint it prints or matches with the baseline's own
random salt (``secrets.token_hex(16)``, stored in the file); without a baseline the
public salt :data:`PUBLIC_SALT` keeps fingerprints the same on every machine and run,
as GitHub's alert tracking needs.

``legacy_fingerprint`` is the unkeyed ``SHA-256(rule_id || 0x00 || material)`` that
rolecall 0.1.0 wrote into baselines: computed only while a baseline of that format is
loaded, to match its entries, and never printed, cached or written.

The engine sets the run's :class:`Keying` around every rule it runs
(:func:`keying_scope`); :func:`keyed_fingerprint` reads it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

#: The salt of a scan without a baseline: fixed and public, so fingerprints are stable
#: across machines and runs. It is no secret; what protects a low-entropy value then is
#: scrypt's cost per guess.
PUBLIC_SALT = "rolecall-public-fingerprint-salt-v1"

#: scrypt's cost parameters: n * r * 128 bytes = 8 MiB of memory, about 15 ms of CPU
#: per derivation on a 2020s x86-64 core (measured: 15.4 ms; n=16384 took 35 ms and
#: 16 MiB). Part of the fingerprint's definition: changing them changes every
#: low-entropy fingerprint.
SCRYPT_N = 8192
SCRYPT_R = 8
SCRYPT_P = 1
#: hashlib's default limit (32 MiB) would do; stated so a smaller default cannot break it.
_SCRYPT_MAXMEM = 32 * 1024 * 1024
#: Derivations remembered per process: N findings of one password cost one scrypt.
_MEMO_SIZE = 4096


@dataclass(frozen=True)
class Keying:
    """How a run keys fingerprints: ``salt`` (the baseline's, or :data:`PUBLIC_SALT`)
    and whether findings also carry the 0.1.0 fingerprint (an old baseline is loaded)."""

    salt: str = PUBLIC_SALT
    legacy: bool = False


DEFAULT_KEYING = Keying()
_KEYING: ContextVar[Keying] = ContextVar("rolecall_fingerprint_keying", default=DEFAULT_KEYING)


@contextmanager
def keying_scope(keying: Keying) -> Iterator[None]:
    """Key the fingerprints of findings made inside the block with ``keying``."""
    token = _KEYING.set(keying)
    try:
        yield
    finally:
        _KEYING.reset(token)


def current_keying() -> Keying:
    return _KEYING.get()


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value


def hmac_fingerprint(rule_id: str, material: str | bytes, salt: str) -> str:
    """The fingerprint of high-entropy material (see the module's docstring)."""
    message = rule_id.encode("ascii") + b"\0" + _bytes(material)
    return hmac.new(_bytes(salt), message, hashlib.sha256).hexdigest()


def scrypt_fingerprint(rule_id: str, material: str | bytes, salt: str) -> str:
    """The fingerprint of low-entropy material: one scrypt derivation (memoised)."""
    return _scrypt(rule_id, _bytes(material), salt)


@lru_cache(maxsize=_MEMO_SIZE)
def _scrypt(rule_id: str, material: bytes, salt: str) -> str:
    return hashlib.scrypt(
        material,
        salt=_bytes(salt) + b"\0" + rule_id.encode("ascii"),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_SCRYPT_MAXMEM,
        dklen=32,
    ).hex()


def legacy_fingerprint(rule_id: str, material: str | bytes) -> str:
    """rolecall 0.1.0's unkeyed fingerprint, to match the entries of an old baseline."""
    digest = hashlib.sha256()
    digest.update(rule_id.encode("ascii"))
    digest.update(b"\0")
    digest.update(_bytes(material))
    return digest.hexdigest()


def keyed_fingerprint(
    rule_id: str, material: str | bytes, salt: str | None = None, *, low_entropy: bool | None = None
) -> str:
    """The fingerprint of ``material`` for ``rule_id``, keyed with ``salt`` (default:
    the current run's). ``low_entropy`` (default: :func:`material_strength` decides)
    picks scrypt over HMAC."""
    if salt is None:
        salt = _KEYING.get().salt
    if low_entropy is None:
        low_entropy = is_low_entropy(material)
    if low_entropy:
        return scrypt_fingerprint(rule_id, material, salt)
    return hmac_fingerprint(rule_id, material, salt)


def is_low_entropy(material: str | bytes) -> bool:
    from rolecall.secrets import Strength, material_strength

    return material_strength(material) is Strength.LOW


def new_salt() -> str:
    """A fresh random salt for a new baseline: 32 lower-case hex digits."""
    import secrets

    return secrets.token_hex(16)
