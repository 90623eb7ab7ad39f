from __future__ import annotations

import base64
import random
import string

import pytest
from rolecall.plugin.api import (
    SESSION_TOKEN_PREFIXES,
    decodes_to_text,
    has_placeholder_word,
    looks_like_path,
    looks_like_secret_key,
    looks_like_session_token,
)
from rolecall.rules.aws.candidates import SESSION_TOKEN_PATTERN, looks_like_token_beside_key_id
from rolecall.rules.aws.key_ids import (
    account_id_from_key_id,
    find_key_ids,
    is_placeholder_key_id,
    is_well_formed_key_id,
    key_id_info,
)
from rolecall.rules.aws.names import NameKind, credential_name_kind, has_aws_context
from rolecall.rules.aws.value_gate import may_hold_credential_value
from rolecall.rules.common.placeholders import (
    is_documented_example,
    is_not_a_secret,
    is_placeholder,
    is_reference,
)


def short_id(value: object) -> str | None:
    """Test ids that never spell out key-shaped data (pytest prints and caches them)."""
    if isinstance(value, str) and len(value) > 12:
        return value[:8].replace("\n", " ") + "..."
    return None


@pytest.mark.parametrize(
    ("key_id", "account"),
    [
        ("ASIA" + "Y34FZKBOKMUTVV7A", "609629065308"),
        ("AKIA" + "6RVFFB77RE7OLMKI", "999999999999"),
        ("AKIA" + "IOSFODNN7EXAMPLE", None),  # legacy: 5th character I
        ("AKIA" + "J000000000000000", None),
    ],
    ids=short_id,
)
def test_account_id_decoding(key_id: str, account: str | None) -> None:
    assert account_id_from_key_id(key_id) == account


def test_key_id_info_classifies_prefixes() -> None:
    info = key_id_info("ASIA" + "Y34FZKBOKMUTVV7A")
    assert info is not None and info.prefix == "ASIA" and "temporary" in info.kind
    assert key_id_info("AROA" + "Y34FZKBOKMUTVV7A") is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "xxxx",
        "XXXXXXXXXXXXXXXX",
        "****",
        "YOUR_ACCESS_KEY",
        "your-secret-key-here",
        "changeme",
        "<secret>",
        "test",
        "aaaaaaaa",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)
    assert is_not_a_secret(value)


@pytest.mark.parametrize(
    "value",
    [
        "${AWS_SECRET_ACCESS_KEY}",
        "$AWS_SECRET",
        "${{ secrets.AWS_SECRET }}",
        "!Ref Secret",
        "{{resolve:secretsmanager:prod/key}}",
        "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "ENC[AES256_GCM,data:abc]",
        "vault://secret/data/aws",
    ],
)
def test_references(value: str) -> None:
    assert is_reference(value)


def test_documented_examples() -> None:
    assert is_documented_example("AKIA" + "IOSFODNN7EXAMPLE")
    assert is_documented_example("wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY")
    assert not is_documented_example("AKIA" + "Q3ZR7HVTX2M4WYLB")


def test_secret_key_shape() -> None:
    assert looks_like_secret_key("hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri")
    assert not looks_like_secret_key("da39a3ee5e6b4b0d3255bfef95601890afd80709")  # sha1
    assert not looks_like_secret_key("abcdefghijabcdefghijabcdefghijabcdefghij")
    assert not looks_like_secret_key("usr/local/lib/python3/site/packages/x/yz")


_ALPHABET = string.ascii_letters + string.digits + "+/"


def _random_secrets(count: int, seed: int) -> list[str]:
    """Values drawn as AWS draws secrets: 40 uniform characters of the base64 alphabet."""
    rng = random.Random(seed)
    return ["".join(rng.choices(_ALPHABET, k=40)) for _ in range(count)]


def test_random_secrets_are_almost_all_recognised() -> None:
    # Before: 2.6 % were rejected (a leading "/", a "//" anywhere, no digit). Now only
    # values with five or more slashes and a few without a digit are, under 0.1 %.
    values = _random_secrets(20_000, seed=14)
    rejected = [v for v in values if not looks_like_secret_key(v)]
    assert len(rejected) < 20  # 0.1 %; the old checks rejected about 520
    assert all(v.count("/") > 4 or not any(c.isdigit() for c in v) for v in rejected)


@pytest.mark.parametrize(
    "value",
    [
        "/" + "hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+R",  # leading slash
        "hJ3kq9Zr" + "Tm2Vx8Lw//n6Ys1Bd7Fg5Hc0Qa/Ue+Ri",  # double slash
        "hJRkqwZr" + "TmCVxHLwkPnxYsZBdpFgTHcAQa/Ue+Ri",  # no digit, random letters
    ],
    ids=short_id,
)
def test_secrets_with_rare_but_random_shapes(value: str) -> None:
    assert looks_like_secret_key(value)


@pytest.mark.parametrize(
    "value",
    [
        # CamelCase identifiers without digits (botocore operation and shape names)
        "DescribeVpcEndpointServiceConfigurations",
        "AllocatedProvisionedConcurrentExecutions",
        "MDLPhysicallyPlausibleScatteringFunction",
        # paths and URL fragments of words
        "/home/Deploy/projects/analytics/Pipeline",
        "com/django/asgiref/blob/master/CHANGELOG",
        "django/db/backends/postgresql/operations",
    ],
)
def test_identifiers_and_paths_are_not_secrets(value: str) -> None:
    assert not looks_like_secret_key(value)


def test_path_shape() -> None:
    assert looks_like_path("/home/Deploy/projects/app")
    assert looks_like_path("a/b/c/d/e/f")
    assert not looks_like_path("hJ3kq9Zr" + "Tm2Vx8Lw/n6Ys1Bd7Fg5/Hc0Qa/Ue+Ri")
    # A long token has a slash every 64 characters by chance, and is no path for it.
    assert not looks_like_path(base64.b64encode(bytes(range(256))).decode())


def test_random_values_beside_a_temporary_key_id_are_tokens() -> None:
    # Random data of token length: a slash count or a placeholder word by chance is rare.
    rng = random.Random(15)
    for size in (48, 90, 300):
        values = [base64.b64encode(rng.randbytes(size)).decode() for _ in range(2000)]
        assert sum(not looks_like_token_beside_key_id(v) for v in values) <= 3


def test_token_beside_a_temporary_key_id() -> None:
    body = base64.b64encode(random.Random(3).randbytes(60)).decode()  # 80 characters
    assert looks_like_token_beside_key_id(body)
    assert not looks_like_session_token(body)  # too short for a lone value
    assert not looks_like_token_beside_key_id(body[:60])
    assert not looks_like_token_beside_key_id("MII" + body)  # DER certificate or key
    assert not looks_like_token_beside_key_id(base64.b64encode(b"hello world " * 8).decode())
    assert not looks_like_token_beside_key_id("ab" * 40)


# --- key id shape, boundaries and placeholders -----------------------------------------


@pytest.mark.parametrize(
    ("key_id", "ok", "generation", "impossible"),
    [
        ("AKIA" + "Q3ZR7HVTX2M4WYLB", True, "new", ""),  # Q + base32
        ("ASIA" + "2QZR7HVTX5M4WYLB", True, "new", ""),
        # Encodes a 13-digit account: shaped right, reported with the reason.
        ("AKIA" + "7XQ2MZRT5VKW3LPN", True, "new", "13-digit account"),
        ("AKIA" + "J7Q2XK4M9TL0RB8W", True, "old", ""),
        ("AKIA" + "I0189ZZZZZZZZZZZ", True, "old", ""),
        # Old-generation ids with any 5th character A-P: nothing public excludes them.
        ("AKIA" + "C7Q2XK4M9TL3RB6W", True, "old", ""),
        ("ASIA" + "N5WL3QX7ZK2VMR4T", True, "old", ""),
        # A new-generation id with a character outside base32: no account to decode,
        # and no public source says it cannot be issued.
        ("AKIA" + "Q3ZR7HVTX2M4WYL1", True, "new", ""),
        ("AKIA" + "1234567890ABCDEF", True, "old", ""),
        ("AROA" + "Q3ZR7HVTX2M4WYLB", False, "", ""),  # identifier prefix
        ("AKIA" + "Q3ZR7HVTX2M4WYL", False, "", ""),  # too short
        ("AKIA" + "Q3ZR7HVTX2M4WYLb", False, "", ""),  # lower case
    ],
    ids=short_id,
)
def test_key_id_shape_generation_and_impossible_ids(
    key_id: str, ok: bool, generation: str, impossible: str
) -> None:
    assert is_well_formed_key_id(key_id) is ok
    info = key_id_info(key_id)
    if not ok:
        assert info is None or len(key_id) != 20 or not key_id[4:].isupper()
        return
    assert info is not None
    assert info.legacy is (generation == "old")
    if impossible:
        assert impossible in info.impossible and info.impossible.startswith("AWS cannot")
        assert info.account_id is None
    else:
        assert info.impossible == ""
    assert [k for _, k in find_key_ids(f"id = {key_id}\n")] == [key_id]


def test_decodable_new_generation_id_names_its_account() -> None:
    info = key_id_info("ASIA" + "Y34FZKBOKMUTVV7A")
    assert info is not None and info.account_id == "609629065308"
    assert info.account_text == "account 609629065308"
    undecodable = key_id_info("AKIA" + "Q3ZR7HVTX2M4WYL1")
    assert undecodable is not None and undecodable.account_text == "account not decodable"


def test_find_key_ids_boundaries() -> None:
    kid = "AKIA" + "Q3ZR7HVTX2M4WYLB"
    text = (
        f"a={kid} b=x{kid} c={kid}x d=\\n{kid} e=%2F{kid}%2F f=_{kid}_ "
        f"g={kid.lower()} h=AIDA{kid[4:]}"
    )
    offsets = [offset for offset, _ in find_key_ids(text)]
    assert [text[o - 2 : o] for o in offsets] == ["a=", "\\n", "2F", "=_"]


@pytest.mark.parametrize(
    "key_id",
    [
        "AKIA" + "XXXXXXXXXXXXXXXX",
        "AKIA" + "QQQQ2222QQQQ2222",
        "AKIA" + "YOURACCESSKEYIDZ",
        "AKIA" + "IOSFODNN7EXAMPLE",
        "ASIA" + "TESTKEY234567ZZQ",
    ],
    ids=short_id,
)
def test_placeholder_key_ids(key_id: str) -> None:
    assert is_placeholder_key_id(key_id)


def test_real_looking_key_id_is_not_a_placeholder() -> None:
    assert not is_placeholder_key_id("AKIA" + "Q3ZR7HVTX2M4WYLB")
    info = key_id_info("AKIA" + "J7Q2XK4M9TL0RB8W")
    assert info is not None and info.legacy and info.account_text == "account not encoded"


# --- secrets and tokens -----------------------------------------------------------------


def test_base64_of_text_is_not_a_secret() -> None:
    encoded = base64.b64encode(b"The quick brown fox jumps over").decode()
    assert len(encoded) == 40 and decodes_to_text(encoded)
    assert not looks_like_secret_key(encoded)
    assert not decodes_to_text("hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri")


@pytest.mark.parametrize(
    "value",
    [
        "ThisIsAFakeSecretKeyForTests1234567890ab",
        "MySampleAwsSecret0123456789abcdefGHIJKLM",
        "aBcDeFgHiJ0123456789" + "xxxxx" + "aBcDeFgHiJ01234",
    ],
    ids=short_id,
)
def test_secret_shaped_placeholders(value: str) -> None:
    assert len(value) == 40
    assert has_placeholder_word(value) and not looks_like_secret_key(value)


def test_session_token_shape() -> None:
    prefix = SESSION_TOKEN_PREFIXES[0]
    body = base64.b64encode(bytes(range(256)) * 2).decode()[:300]
    assert looks_like_session_token(prefix + body)
    assert looks_like_session_token("Zm9" + body)  # no known prefix, long and random
    assert not looks_like_session_token("Zm9" + body[:60])  # too short without prefix
    assert not looks_like_session_token("a" * 400)
    assert not looks_like_session_token("eyJhbGciOi." + body)  # not the base64 alphabet
    assert SESSION_TOKEN_PATTERN.search("x " + prefix + body + " y")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("aws_secret_access_key", NameKind.SECRET),
        ("AWS_SECRET_ACCESS_KEY", NameKind.SECRET),
        ("secretAccessKey", NameKind.SECRET),
        ("SecretAccessKey", NameKind.SECRET),
        ("aws_secret", NameKind.SECRET),
        ("S3_SECRET_KEY", NameKind.SECRET),
        ("prod.aws.secretKey", NameKind.SECRET),
        ("secret_key", NameKind.WEAK_SECRET),
        ("SECRET", NameKind.WEAK_SECRET),
        ("aws_session_token", NameKind.TOKEN),
        ("X-Amz-Security-Token", NameKind.TOKEN),
        ("SessionToken", NameKind.TOKEN),
        ("security_token", NameKind.WEAK_TOKEN),
        ("client_secret", None),
        ("DJANGO_SECRET_KEY", None),
        ("jwt_secret", None),
        ("aws_secret_arn", None),
        ("secret_name", None),
        ("access_key_id", None),
    ],
)
def test_credential_name_kind(name: str, kind: str | None) -> None:
    assert credential_name_kind(name) == kind


def test_aws_context() -> None:
    assert has_aws_context("import boto3\n")
    assert has_aws_context("bucket: s3://x\n")
    assert has_aws_context("X-Amz-Date: 1")
    assert not has_aws_context("password = 1\nawsome = 2\n")


def test_documented_example_tokens_have_example_inside() -> None:
    token = SESSION_TOKEN_PREFIXES[0] + "x" * 30 + "EXAMPLE" + "y" * 200
    assert is_documented_example(token)
    assert not is_documented_example(token.replace("EXAMPLE", "EXAMPLF"))
    # A 40-character secret with EXAMPLE inside is a placeholder, not a documented example.
    assert not is_documented_example("aB3dE" + "EXAMPLE" + "c" * 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Shape": "SecretAccessKey", "documentation": "The secret key."}', False),
        ("aws_secret_access_key = ${SECRET}\n", False),
        ("key: " + "AKIA" + "Q3ZR7HVTX2M4WYLB", True),
        ("secret: " + "hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri", True),
        ('{"s": "hJ3kq9Zr' + 'Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa\\/Ue+Ri"}', True),  # JSON-escaped /
        ('{"s": "hJ3kq9Zr' + 'Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa\\u002fUe+Ri"}', True),
        ("data:\n  id: " + "QUtJQ" + "VEVTVA==\n", True),  # base64 of a key id
        ("token: IQoJb3JpZ2lu" + "X2Vj\n", True),
    ],
)
def test_credential_value_gate(text: str, expected: bool) -> None:
    assert may_hold_credential_value(text) is expected
