from __future__ import annotations

import pytest
from rolecall.secrets import (
    account_id_from_key_id,
    is_documented_example,
    is_not_a_secret,
    is_placeholder,
    is_reference,
    key_id_info,
    looks_like_secret_key,
)


@pytest.mark.parametrize(
    ("key_id", "account"),
    [
        ("ASIA" + "Y34FZKBOKMUTVV7A", "609629065308"),
        ("AKIA" + "6RVFFB77RE7OLMKI", "999999999999"),
        ("AKIA" + "IOSFODNN7EXAMPLE", None),  # legacy: 5th character I
        ("AKIA" + "J000000000000000", None),
    ],
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
