"""Fake tokens and keys of other providers (RC12x-RC19x), for rule examples, the demo,
tests and corpora.

Each is well-formed and random, made the way the token rules recognise real ones:
where a format carries a checksum (GitHub, npm) the fakes carry a valid one, so they
exercise the same code path as a real leak; ``bad_checksum`` variants exercise the
rejection.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Callable

from rolecall.rules.common.checksums import BASE62, crc32_base62
from rolecall.rules.common.fakegen import ALNUM, B64URL, HEX, b64, password, pick

_DASH = "-" * 5


def github(rng: random.Random, prefix: str = "ghp_") -> str:
    """A classic GitHub token: prefix, 30 base62 characters, base62 CRC32 tail."""
    body = pick(rng, BASE62, 30)
    return prefix + body + crc32_base62(body)


def github_bad_checksum(rng: random.Random) -> str:
    token = github(rng)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def github_pat(rng: random.Random) -> str:
    return "github" + "_pat_" + "11" + pick(rng, ALNUM, 20) + "_" + pick(rng, ALNUM, 59)


def npm(rng: random.Random) -> str:
    body = pick(rng, BASE62, 30)
    return "npm" + "_" + body + crc32_base62(body)


def npm_bad_checksum(rng: random.Random) -> str:
    token = npm(rng)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def gitlab(rng: random.Random) -> str:
    return "gl" + "pat-" + pick(rng, ALNUM + "_-", 20)


def pypi(rng: random.Random) -> str:
    # A macaroon whose base64 header names the production index, then random bytes.
    return "pypi" + "-" + "AgEIcHlwaS5vcmc" + pick(rng, B64URL, 160)


def slack_bot(rng: random.Random) -> str:
    digits = "0123456789"
    return "xox" + "b-" + f"{pick(rng, digits, 12)}-{pick(rng, digits, 13)}-" + pick(rng, ALNUM, 24)


def slack_webhook(rng: random.Random) -> str:
    upper = string.ascii_uppercase + string.digits
    return (
        "https://hooks"
        + ".slack.com/services/T"
        + pick(rng, upper, 10)
        + "/B"
        + pick(rng, upper, 10)
        + "/"
        + pick(rng, ALNUM, 24)
    )


def stripe_live(rng: random.Random) -> str:
    return "sk" + "_live_" + "51" + pick(rng, ALNUM, 97)


def stripe_body(rng: random.Random) -> str:
    """The random part of a Stripe key, to follow a prefix written in a template."""
    return "51" + pick(rng, ALNUM, 97)


def docker_auth(rng: random.Random) -> str:
    """A Docker config ``auth`` value: base64 of ``user:password``."""
    return base64.b64encode(("ci-bot:" + password(rng)).encode()).decode()


def sendgrid(rng: random.Random) -> str:
    return "SG" + "." + pick(rng, B64URL, 22) + "." + pick(rng, B64URL, 43)


def twilio_sid(rng: random.Random) -> str:
    return "AC" + pick(rng, HEX, 32)


def hex32(rng: random.Random) -> str:
    return pick(rng, HEX, 32)


def openai(rng: random.Random) -> str:
    return "sk-" + "proj-" + pick(rng, B64URL, 74) + "T3Blbk" + "FJ" + pick(rng, B64URL, 74)


def anthropic(rng: random.Random) -> str:
    return "sk-" + "ant-api03-" + pick(rng, B64URL, 93) + "AA"


def google_api_key(rng: random.Random) -> str:
    return "AI" + "za" + "Sy" + pick(rng, B64URL, 33)


def azure_storage_key(rng: random.Random) -> str:
    return b64(rng, 64)


def azure_sas_key(rng: random.Random) -> str:
    return b64(rng, 32)


def azure_client_secret(rng: random.Random) -> str:
    return pick(rng, ALNUM, 3) + "8" + "Q" + "~" + pick(rng, ALNUM + "_.-", 34)


def django_secret_key(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", k=50))


def fernet_key(rng: random.Random) -> str:
    return b64(rng, 32, urlsafe=True)


def uuid(rng: random.Random) -> str:
    h = pick(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


_DER_HEAD = {
    "RSA PRIVATE KEY": b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00",
    "EC PRIVATE KEY": b"\x30\x77\x02\x01\x01\x04\x20",
    "PRIVATE KEY": b"\x30\x82\x04\xbd\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7",
    "ENCRYPTED PRIVATE KEY": b"\x30\x82\x05\x0e\x30\x40\x06\x09\x2a\x86\x48\x86\xf7",
}


def pem_lines(rng: random.Random, label: str = "RSA PRIVATE KEY", lines: int = 6) -> list[str]:
    """A PEM block as lines: BEGIN, ``lines`` lines of 64 base64 characters, END."""
    body = b64(rng, lines * 48 - len(_DER_HEAD.get(label, b"")), head=_DER_HEAD.get(label, b""))
    chunks = [body[i : i + 64] for i in range(0, len(body), 64)]
    return [f"{_DASH}BEGIN {label}{_DASH}", *chunks, f"{_DASH}END {label}{_DASH}"]


def openssh_lines(rng: random.Random, cipher: str = "none", lines: int = 6) -> list[str]:
    """An OpenSSH private key file (``openssh-key-v1``) with the given cipher."""

    def string_field(value: bytes) -> bytes:
        return len(value).to_bytes(4, "big") + value

    kdf = b"none" if cipher == "none" else b"bcrypt"
    head = b"openssh-key-v1\x00" + string_field(cipher.encode()) + string_field(kdf)
    body = b64(rng, lines * 51 - len(head), head=head)
    chunks = [body[i : i + 70] for i in range(0, len(body), 70)]
    label = "OPENSSH PRIVATE KEY"
    return [f"{_DASH}BEGIN {label}{_DASH}", *chunks, f"{_DASH}END {label}{_DASH}"]


def pem(rng: random.Random, label: str = "RSA PRIVATE KEY") -> str:
    return "\n".join(pem_lines(rng, label)) + "\n"


def pem_escaped(rng: random.Random, label: str = "PRIVATE KEY") -> str:
    """A PEM key as a JSON/YAML string holds it: one line, ``\\n`` escapes."""
    return "\\n".join(pem_lines(rng, label)) + "\\n"


def gcp_service_account(rng: random.Random, project: str = "acme-prod") -> str:
    """A service-account key file as ``gcloud iam service-accounts keys create`` writes it."""
    email = f"deployer@{project}.iam.gserviceaccount.com"
    fields = [
        ("type", "service_account"),
        ("project_id", project),
        ("private_key_id", pick(rng, HEX, 40)),
        ("private_key", pem_escaped(rng)),
        ("client_email", email),
        ("client_id", pick(rng, "0123456789", 21)),
        ("auth_uri", "https://accounts.google.com/o/oauth2/auth"),
        ("token_uri", "https://oauth2.googleapis.com/token"),
    ]
    inner = ",\n".join(f'  "{k}": "{v}"' for k, v in fields)
    return "{\n" + inner + "\n}\n"


#: This folder's generators by a short name (see :mod:`rolecall.rules.fakes`).
FAKES: dict[str, Callable[[random.Random], str]] = {
    "github": github,
    "github_oauth": lambda rng: github(rng, "gho_"),
    "github_app": lambda rng: github(rng, "ghs_"),
    "github_bad_checksum": github_bad_checksum,
    "github_pat": github_pat,
    "gitlab": gitlab,
    "npm": npm,
    "npm_bad_checksum": npm_bad_checksum,
    "pypi": pypi,
    "slack_bot": slack_bot,
    "slack_webhook": slack_webhook,
    "stripe_live": stripe_live,
    "stripe_body": stripe_body,
    "docker_auth": docker_auth,
    "sendgrid": sendgrid,
    "twilio_sid": twilio_sid,
    "hex32": hex32,
    "openai": openai,
    "anthropic": anthropic,
    "google_api_key": google_api_key,
    "azure_storage_key": azure_storage_key,
    "azure_sas_key": azure_sas_key,
    "azure_client_secret": azure_client_secret,
    "django_secret_key": django_secret_key,
    "fernet_key": fernet_key,
    "password": password,
    "uuid": uuid,
    "rsa_pem": pem,
    "ec_pem": lambda rng: pem(rng, "EC PRIVATE KEY"),
    "encrypted_pem": lambda rng: pem(rng, "ENCRYPTED PRIVATE KEY"),
    "pem_escaped": pem_escaped,
    "openssh": lambda rng: "\n".join(openssh_lines(rng)) + "\n",
    "openssh_encrypted": lambda rng: "\n".join(openssh_lines(rng, "aes256-ctr")) + "\n",
    "gcp_service_account": gcp_service_account,
}
