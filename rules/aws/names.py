"""AWS credential names: which configuration keys, variables and arguments name an AWS
key id, secret key or session token, and whether the value under such a name is one.

Builds on the value policy of :mod:`rolecall.rules.common.placeholders` and
:mod:`rolecall.rules.aws.key_ids`, with the plausibility checks of SDK arguments. Two
classifiers live here: :func:`credential_name` / :func:`credential_value` for
configuration entries (RC3xx) and :func:`credential_name_kind` for names found in free
text (RC10x). The cheap gate before parsing a file is :mod:`rolecall.rules.aws.value_gate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolecall.plugin.api import KEY_ID_PATTERN, lazy, looks_like_secret_key, shannon_entropy
from rolecall.rules.aws.key_ids import is_placeholder_key_id
from rolecall.rules.common.placeholders import (
    is_documented_example,
    is_placeholder,
    is_reference,
)

# --- credential names -------------------------------------------------------------------

#: Names that mark a value as an AWS secret access key, in any naming convention.
SECRET_KEY_NAMES = lazy(
    r"(?i)(?:aws)?[_\-.]?secret[_\-.]?(?:access)?[_\-.]?key(?:[_\-.]?id)?|aws[_\-.]?secret"
)
#: Names that mark a value as an AWS access key id.
ACCESS_KEY_ID_NAMES = lazy(r"(?i)(?:aws)?[_\-.]?access[_\-.]?key(?:[_\-.]?id)?")
#: Names that mark a value as an STS session token.
SESSION_TOKEN_NAMES = lazy(r"(?i)(?:aws)?[_\-.]?(?:session|security)[_\-.]?token")


# --- credential-named keys in configuration -------------------------------------------

_NAME_SEPARATORS = lazy(r"[^a-z0-9]")
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
_BASE64ISH = lazy(r"[A-Za-z0-9/+]+={0,2}")
#: The STS token headers a configuration value is recognised by (the four current and
#: recent formats; see SESSION_TOKEN_PREFIXES of rolecall.plugin.api for text).
CONFIG_SESSION_PREFIXES = ("IQoJb3JpZ2lu", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "AgoJb3JpZ2lu")


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
        if not example and is_placeholder_key_id(v):
            return None  # the same id policy as the text rules (RC101-RC103)
        return CredentialValue("key_id", v[:4] != "ASIA", True, v, example)
    if cred.kind == "key_id" or not _BASE64ISH.fullmatch(v):
        return None
    if cred.kind == "session":
        known = v.startswith(CONFIG_SESSION_PREFIXES)
        if known or (cred.aws and len(v) >= 100):
            return CredentialValue("session", False, known, None, example)
        return None
    if looks_like_secret_key(v) or (example and len(v) == 40):
        # A random secret lacks a digit one time in 900; such a value is accepted, with
        # the lower confidence of a value that words could also spell.
        sure = example or any(c.isdigit() for c in v)
        return CredentialValue("secret", True, sure, None, example)
    # An AWS-named 40-character value that lacks one character class is still a secret.
    if (
        cred.aws
        and len(v) == 40
        and not re.fullmatch(r"[0-9a-fA-F]+", v)
        and shannon_entropy(v) >= 3.5
    ):
        return CredentialValue("secret", True, False, None, example)
    return None


#: Name fragments (lower case, separators removed) that tie a name to AWS.
_AWS_NAME_WORDS = ("aws", "amz", "amazon", "s3", "iam", "boto")
#: Name fragments that tie a generic ``secret``/``secret_key`` name to another system.
_OTHER_SYSTEM_WORDS = (
    "client", "jwt", "django", "flask", "app", "api", "cookie", "csrf", "signing",
    "private", "stripe", "github", "google", "gcp", "azure", "oauth", "webhook", "hmac",
    "encryption", "minio", "consumer", "twitter", "slack", "recaptcha", "captcha",
)  # fmt: skip
#: Endings of names whose value names a secret instead of holding it (``secret_arn``).
_REFERENCE_NAME_ENDINGS = ("arn", "name", "path", "ref", "version", "manager", "file", "env")
#: Lower-case literals every session-token name contains (the rules' prefilter uses them).
SESSION_TOKEN_NAME_PARTS: tuple[str, ...] = tuple(
    f"{a}{sep}token" for a in ("session", "security") for sep in ("_", "-", "")
)
#: Case-insensitive literals in every token that starts with a known prefix (prefilter):
#: ``b3JpZ2lu`` is base64 of "origin", ``ZXIvYXdz`` of "er/aws", ``YXdz`` of "aws".
SESSION_TOKEN_PREFIX_STEMS: tuple[str, ...] = ("b3JpZ2lu", "ZXIvYXdz", "AQoDYXdz")


class NameKind:
    """How strongly a name marks its value as AWS credential material."""

    SECRET = "secret"  # aws_secret_access_key, SecretAccessKey, aws_secret, S3_SECRET_KEY
    WEAK_SECRET = "weak-secret"  # secret_key, secretKey: AWS only if the file is about AWS
    TOKEN = "token"  # aws_session_token, X-Amz-Security-Token, SessionToken
    WEAK_TOKEN = "weak-token"  # security_token: AWS only if the file is about AWS


def credential_name_kind(name: str) -> str | None:
    """Classify an identifier (any case and separators) as a credential name, or None."""
    norm = re.sub(r"[^a-z0-9]", "", name.lower())
    aws = any(word in norm for word in _AWS_NAME_WORDS)
    if "sessiontoken" in norm or "securitytoken" in norm:
        return NameKind.TOKEN if aws or "sessiontoken" in norm else NameKind.WEAK_TOKEN
    if "secret" not in norm or norm.endswith(_REFERENCE_NAME_ENDINGS):
        return None
    if "secretaccesskey" in norm or aws:
        return NameKind.SECRET
    if any(word in norm for word in _OTHER_SYSTEM_WORDS):
        return None
    if norm.endswith(("secretkey", "secretkeyid", "secret")):
        return NameKind.WEAK_SECRET
    return None


_AWS_CONTEXT = lazy(r"(?i)\b(?:aws|amazon|boto3?|botocore|s3|sts|iam)\b|x-amz-")


def has_aws_context(text: str) -> bool:
    """Whether ``text`` mentions AWS at all (needed before trusting a generic name)."""
    return _AWS_CONTEXT.search(text) is not None


# --- plausibility of credential parts and local endpoints ----------------------------

_KEY_ID_SHAPE = lazy(r"[A-Z0-9]{16,128}")
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
