"""Fingerprints: a finding's stable identity that does not give its secret back.

A fingerprint is 64 lower-case hex digits derived from the rule id and the finding's
material (the secret, or a code pattern's description), keyed with a *salt*:

- high-entropy material (see :func:`rolecall.strength.material_strength`: AWS secret
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

Deferred derivation: scrypt is the one costly step, and most outputs read no
low-entropy fingerprint (SARIF identifies such a finding by its masked line, text and
GitHub output show none). Inside the engine, a rule's low-entropy finding therefore
carries a :class:`Deferred` placeholder (``pending-<n>``, numbered per file and
derived from nothing secret) while the engine holds the material; once supersession,
deduplication, the allowlist and suppressions have decided which findings are
reported, :meth:`Deferred.resolve` replaces each survivor's placeholder with its
scrypt fingerprint, or with ``""`` when the scan reads none
(``EngineOptions.slow_fingerprints``). A placeholder never leaves the engine.
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
_DEFERRED: ContextVar[Deferred | None] = ContextVar("rolecall_fingerprint_deferred", default=None)

#: How a placeholder starts: never a fingerprint (those are 64 hex digits, or empty).
PLACEHOLDER_PREFIX = "pending-"


class Deferred:
    """The low-entropy derivations of one file, put off until the engine knows which
    findings are reported (see the module's docstring).

    Each distinct ``(rule_id, material)`` gets one placeholder, so two findings have
    equal placeholders exactly when they would have equal fingerprints (same rule,
    material and salt): the engine's deduplication by fingerprint is unchanged.
    """

    __slots__ = ("_by_input", "_inputs")

    def __init__(self) -> None:
        self._by_input: dict[tuple[str, bytes], str] = {}
        self._inputs: dict[str, tuple[str, bytes]] = {}

    def placeholder(self, rule_id: str, material: str | bytes) -> str:
        key = (rule_id, _bytes(material))
        found = self._by_input.get(key)
        if found is None:
            found = f"{PLACEHOLDER_PREFIX}{len(self._inputs)}"
            self._by_input[key] = found
            self._inputs[found] = key
        return found

    def __bool__(self) -> bool:
        return bool(self._inputs)

    def resolve(self, value: str, salt: str, *, derive: bool) -> str:
        """The fingerprint that replaces ``value``: its scrypt derivation (``derive``)
        or ``""`` when ``value`` is one of this file's placeholders, else ``value``."""
        found = self._inputs.get(value)
        if found is None:
            return value
        return _scrypt(found[0], found[1], salt) if derive else ""


@contextmanager
def keying_scope(keying: Keying, deferred: Deferred | None = None) -> Iterator[None]:
    """Key the fingerprints of findings made inside the block with ``keying``; with
    ``deferred``, low-entropy findings get its placeholders instead of scrypt."""
    token = _KEYING.set(keying)
    put_off = _DEFERRED.set(deferred)
    try:
        yield
    finally:
        _DEFERRED.reset(put_off)
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


def finding_fingerprint(rule_id: str, material: str | bytes, *, low_entropy: bool) -> str:
    """A new finding's fingerprint with the current run's keying: inside the engine's
    :class:`Deferred` scope a low-entropy one is a placeholder the engine resolves,
    elsewhere (a rule called directly) it is derived now."""
    if low_entropy:
        deferred = _DEFERRED.get()
        if deferred is not None:
            return deferred.placeholder(rule_id, material)
    return keyed_fingerprint(rule_id, material, _KEYING.get().salt, low_entropy=low_entropy)


def is_low_entropy(material: str | bytes) -> bool:
    from rolecall.strength import Strength, material_strength

    return material_strength(material) is Strength.LOW


def new_salt() -> str:
    """A fresh random salt for a new baseline: 32 lower-case hex digits."""
    import secrets

    return secrets.token_hex(16)
