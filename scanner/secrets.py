"""Shared credential vocabulary and precision policy, for built-in and plugin rules.

One place decides what a placeholder, a reference, AWS's documented example keys and a
plausible secret look like, so every rule family applies the same policy (DESIGN.md,
"Severity policy").
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from dataclasses import dataclass

# --- access key ids ---------------------------------------------------------------

#: Key-id prefixes that identify a credential (something that signs requests).
CREDENTIAL_PREFIXES: dict[str, str] = {
    "AKIA": "long-term IAM user access key",
    "ASIA": "temporary STS access key",
    "ABIA": "AWS STS service bearer token",
    "ACCA": "context-specific credential",
}
#: Prefixes of ids that are identifiers only, never secrets: never reported.
IDENTIFIER_PREFIXES: frozenset[str] = frozenset(
    {"AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "APKA", "ASCA", "AEGA", "ACPA"}
)

#: A credential key id at word boundaries: 4-letter prefix + 16 characters. Legacy ids
#: (5th character I or J) may hold any digit, so the tail is ``[A-Z0-9]``.
KEY_ID_PATTERN = re.compile(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])")


@dataclass(frozen=True)
class KeyIdInfo:
    key_id: str
    prefix: str
    kind: str  # human description of the prefix
    account_id: str | None  # decoded offline for modern ids; None for legacy ones


def account_id_from_key_id(key_id: str) -> str | None:
    """The 12-digit AWS account id encoded in a modern access key id, or None.

    Modern ids (5th character Q-Z or 2-7) carry the account id: base32-decode the 16
    characters after the prefix, take the first 6 bytes big-endian, mask with
    0x7FFFFFFFFF80 and shift right by 7. Legacy ids (I/J) do not encode it.
    """
    if len(key_id) != 20:
        return None
    fifth = key_id[4]
    if not ("Q" <= fifth <= "Z" or "2" <= fifth <= "7"):
        return None
    try:
        raw = base64.b32decode(key_id[4:])
    except (binascii.Error, ValueError):
        return None
    value = int.from_bytes(raw[:6], "big")
    return f"{(value & 0x7FFFFFFFFF80) >> 7:012d}"


def key_id_info(key_id: str) -> KeyIdInfo | None:
    """Classify a 20-character key id; None when it is not a credential id."""
    prefix = key_id[:4]
    kind = CREDENTIAL_PREFIXES.get(prefix)
    if kind is None or len(key_id) != 20:
        return None
    return KeyIdInfo(key_id, prefix, kind, account_id_from_key_id(key_id))


# --- placeholders, examples and references ------------------------------------------

_EXAMPLE_SUFFIXES = ("EXAMPLE", "EXAMPLEKEY")
#: Values published by local emulators (LocalStack, moto) that are not credentials.
_EMULATOR_VALUES = frozenset({"test", "testing", "foobar", "foo", "bar", "fake", "dummy"})
_PLACEHOLDER_WORDS = re.compile(
    r"(?i)^(?:your|my|the|some|enter|insert|put|replace|fake|dummy|example|sample|test|"
    r"placeholder|changeme|change[_-]?me|redacted|todo|tbd|none|null|nil|undefined|secret|"
    r"password|xxx+|access[_-]?key|secret[_-]?key)"
    r"(?:[_\-. ]?(?:aws|access|secret|key|keys|id|here|value|token|session|goes|password|"
    r"account|me|this|it))*$"
)
_TEMPLATE_REFERENCE = re.compile(
    r"""
    ^\$\{\{.*\}\}$            # GitHub Actions ${{ secrets.X }}
  | ^\$\{[^}]*\}$             # ${VAR} / ${VAR:-default}
  | ^\$[A-Za-z_][A-Za-z0-9_]*$  # $VAR
  | ^%[A-Za-z_][A-Za-z0-9_]*%$  # %VAR% (Windows)
  | ^\{\{.*\}\}$              # Jinja / Helm / CloudFormation dynamic {{resolve:...}}
  | ^<[^<>]*>$                # <secret>, <your-key>
  | ^\[[A-Za-z_ -]*\]$        # [SECRET]
  | ^@[A-Za-z_][A-Za-z0-9_.]*@$  # @TOKEN@ build substitution
  | ^(?:arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):)  # secret/parameter references
  | ^(?:ssm|secretsmanager|vault|sops|awskms|env|op|doppler)://?
  | ^ENC\[                    # SOPS encrypted value
  | ^!(?:Ref|Sub|GetAtt|ImportValue)\b
  | ^\$\([A-Za-z_][A-Za-z0-9_]*\)$  # $(VAR): Kubernetes env, Azure Pipelines, make
  | ^\(\([^()]*\)\)$          # ((var)): Concourse
  | ^\#\{[^}]*\}$             # #{var}: Octopus, Ruby
  | ^(?:vault|sm|gcpsm|azkv):   # external secret store references
    """,
    re.VERBOSE,
)


def is_documented_example(value: str) -> bool:
    """AWS's documented example keys and anything ending in EXAMPLE/EXAMPLEKEY."""
    return value.upper().endswith(_EXAMPLE_SUFFIXES)


def is_reference(value: str) -> bool:
    """A value that names where a secret lives rather than holding one."""
    return bool(_TEMPLATE_REFERENCE.search(value.strip()))


def is_placeholder(value: str) -> bool:
    """Obvious placeholders: empty, all one character, xxxx/****, YOUR_KEY, changeme..."""
    v = value.strip().strip("'\"")
    if not v:
        return True
    if len(set(v)) <= 2 and len(v) >= 3:
        return True  # aaaa, xxxx, ****, 0000, ----, x-x-
    if v.startswith("<") and v.endswith(">"):
        return True  # <secret>, <your-key>
    if v.lower() in _EMULATOR_VALUES:
        return True
    if re.fullmatch(r"[xX*#.]{3,}.*|.*[xX*]{6,}", v):
        return True
    return bool(_PLACEHOLDER_WORDS.match(v))


def is_not_a_secret(value: str) -> bool:
    """Placeholder, reference or documented example: never reported by default."""
    return is_placeholder(value) or is_reference(value) or is_documented_example(value)


# --- secret-looking strings -----------------------------------------------------------

SECRET_KEY_PATTERN = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value`` (0 for an empty string)."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_like_secret_key(value: str) -> bool:
    """Whether a 40-character base64-alphabet string has the mix of a random AWS secret.

    Random secrets mix upper case, lower case and digits, are not hex, not a path and
    carry high entropy; hashes, hex digests, words and paths do not.
    """
    if len(value) != 40:
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return False  # a SHA-1 or other hex digest
    classes = sum(
        (
            any(c.isupper() for c in value),
            any(c.islower() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    if classes < 3:
        return False
    if value.count("/") > 4 or value.startswith("/") or "//" in value:
        return False  # a path or URL fragment
    return shannon_entropy(value) >= 4.0


#: Names that mark a value as an AWS secret access key, in any naming convention.
SECRET_KEY_NAMES = re.compile(
    r"(?i)(?:aws)?[_\-.]?secret[_\-.]?(?:access)?[_\-.]?key(?:[_\-.]?id)?|aws[_\-.]?secret"
)
#: Names that mark a value as an AWS access key id.
ACCESS_KEY_ID_NAMES = re.compile(r"(?i)(?:aws)?[_\-.]?access[_\-.]?key(?:[_\-.]?id)?")
#: Names that mark a value as an STS session token.
SESSION_TOKEN_NAMES = re.compile(r"(?i)(?:aws)?[_\-.]?(?:session|security)[_\-.]?token")


# --- credential-named keys in configuration -------------------------------------------

_NAME_SEPARATORS = re.compile(r"[^a-z0-9]")
#: Normalised name endings (lower case, separators removed) per credential kind, split
#: into AWS-specific names and generic names (S3-compatible stores, Terraform ``access_key``).
_AWS_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("key_id", ("accesskeyid", "awsaccesskey", "awskeyid", "awsaccesskeyid")),
    ("secret", ("secretaccesskey", "awssecretkey", "awssecret", "awssecretaccess")),
    ("session", ("awssessiontoken", "awssecuritytoken", "sessiontoken", "securitytoken")),
)
_GENERIC_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("key_id", ("accesskey", "keyid")),
    ("secret", ("secretkey",)),
    ("session", ("token",)),
)
_BASE64ISH = re.compile(r"[A-Za-z0-9/+]+={0,2}")
_SESSION_PREFIXES = ("IQoJb3JpZ2lu", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "AgoJb3JpZ2lu")


@dataclass(frozen=True)
class CredentialName:
    """What a configuration key names: ``kind`` is key_id, secret or session."""

    kind: str
    #: True when the name is AWS-specific (``AWS_SECRET_ACCESS_KEY``, ``secretAccessKey``);
    #: generic names (``secret_key``, ``access_key``) need a value of AWS's exact shape.
    aws: bool


def credential_name(name: str) -> CredentialName | None:
    """Classify a key name in any convention (snake, kebab, camel, dotted), or None."""
    n = _NAME_SEPARATORS.sub("", name.lower())
    for kind, endings in _AWS_NAMES:
        if n.endswith(endings):
            return CredentialName(kind, True)
    for kind, endings in _GENERIC_NAMES:
        if n.endswith(endings) and len(n) <= 24:
            return CredentialName(kind, "aws" in n)
    return None


@dataclass(frozen=True)
class CredentialValue:
    """A literal credential found bound to a credential-named key."""

    kind: str  # "key_id", "secret" or "session"
    #: A long-term credential (AKIA id or a secret access key): error. Session
    #: credentials (ASIA ids, session tokens) are short-lived: warning.
    long_term: bool
    high_confidence: bool
    key_id: str | None = None
    #: One of AWS's documented example keys (reported only when examples are asked for).
    example: bool = False


def credential_value(name: str, value: str) -> CredentialValue | None:
    """The credential that ``value`` holds under key ``name``, or None.

    None for names that do not name a credential, and for references, placeholders and
    values without the shape of the credential the name promises (so ``SECRET_KEY`` of a
    web framework is not mistaken for an AWS key).
    """
    cred = credential_name(name)
    if cred is None:
        return None
    v = value.strip()
    if not v or is_reference(v):
        return None
    example = is_documented_example(v)
    if not example and is_placeholder(v):
        return None
    match = KEY_ID_PATTERN.fullmatch(v)
    if match is not None:
        return CredentialValue("key_id", v[:4] != "ASIA", True, v, example)
    if cred.kind == "key_id" or not _BASE64ISH.fullmatch(v):
        return None
    if cred.kind == "session":
        known = v.startswith(_SESSION_PREFIXES)
        if known or (cred.aws and len(v) >= 100):
            return CredentialValue("session", False, known, None, example)
        return None
    if looks_like_secret_key(v) or (example and len(v) == 40):
        return CredentialValue("secret", True, True, None, example)
    # An AWS-named 40-character value that lacks one character class is still a secret.
    if (
        cred.aws
        and len(v) == 40
        and not re.fullmatch(r"[0-9a-fA-F]+", v)
        and shannon_entropy(v) >= 3.5
    ):
        return CredentialValue("secret", True, False, None, example)
    return None


# --- plausibility of credential parts and local endpoints ----------------------------

_KEY_ID_SHAPE = re.compile(r"[A-Z0-9]{16,128}")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal"})
_EMULATOR_HOSTS = ("localstack", "minio", "moto", "s3mock", "fake-s3", "fakes3")


def plausible_credential(value: str, part: str) -> bool:
    """Whether a literal could be ``part`` of a real AWS credential.

    ``part`` is ``"key_id"`` (IAM documents 16 to 128 upper-case letters and digits),
    ``"secret"`` or ``"token"`` (at least 16 characters, no spaces). Shorter words such as
    ``"key"``, ``"ak"`` or ``"foobar_key"`` are test values and emulator logins.
    """
    value = value.strip()
    if part == "key_id":
        return bool(_KEY_ID_SHAPE.fullmatch(value))
    return len(value) >= 16 and not any(c.isspace() for c in value)


def is_local_endpoint(url: str) -> bool:
    """An endpoint URL of a local emulator (LocalStack, MinIO, moto) rather than AWS:
    credentials given to it are not AWS credentials."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url if "://" in url else f"//{url}").hostname or "").lower()
    except ValueError:
        return False
    return host in _LOCAL_HOSTS or host.startswith(_EMULATOR_HOSTS) or host.endswith(".localhost")
