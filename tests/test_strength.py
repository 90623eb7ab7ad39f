"""``material_strength``: which findings' material a dictionary could guess.

The dangerous mistake is calling a password high-entropy (its fingerprint would then be
a fast HMAC a dictionary can be tried against); calling a random key low-entropy only
costs one scrypt derivation. So ordinary passwords must all be low, and generated
secrets mostly high.
"""

from __future__ import annotations

import random

import pytest
from rolecall.fakes import fake, fake_key_id, fake_secret_key, fake_session_token
from rolecall.rules.aws import examples as aws
from rolecall.strength import Strength, looks_word_like, material_strength

HIGH, LOW = Strength.HIGH, Strength.LOW

#: Passwords people pick: common ones, mangled words, long passphrases, service
#: defaults. None is key-shaped.
ORDINARY_PASSWORDS = (
    "hunter2", "password", "Password1", "P@ssw0rd", "P@ssw0rd2024!", "letmein", "tiger",
    "Winter2024x", "Summer2024!", "changeit", "admin123", "qwerty123", "iloveyou",
    "Tr0ub4dor&3", "correct horse battery staple", "correcthorsebatterystaple",
    "correct-horse-battery-staple-42-Blue", "C0rr3ct-H0rs3-B4tt3ry-St4pl3-2024!",
    "MyS3cretP@ssw0rdForProd!", "MySuperSecretPasswordForTheProdDB2024xyz",
    "ThisIsMyVeryLongPassphraseForTheDatabase2024", "supersecretpassword1234567890abcd",
    "postgres", "mysecretpassword", "rootroot", "Passw0rd!Passw0rd!Passw0rd!Passw0rd!",
    "dragon1986", "monkey!monkey", "Company#2023", "Welcome@123", "s3cr3t_k3y_for_testing",
    "the quick brown fox jumps over the lazy dog", "ZAQ!2wsxCDE#4rfv", "1qaz2wsx3edc4rfv",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "12345678901234567890123456789012",
    "abcdef0123456789abcdef0123456789", "StrongPasswordWithNumbers123456789",
)  # fmt: skip


@pytest.mark.parametrize("password", ORDINARY_PASSWORDS)
def test_ordinary_passwords_are_low(password: str) -> None:
    assert material_strength(password) is LOW
    # Also as rules join them with a name, and inside a URL.
    assert material_strength(f"DB_PASSWORD:{password}") is LOW
    assert material_strength(f"postgres://app:{password}@db/app") is LOW


def test_generated_short_passwords_are_low() -> None:
    # 18 random characters: a generated password, but a password (under 32 characters
    # without a vendor prefix is never taken for a key).
    assert {material_strength(fake("password", seed)) for seed in range(200)} == {LOW}


def test_a_key_id_beside_a_password_does_not_make_it_strong() -> None:
    key_id = fake_key_id(rng=random.Random(3))
    assert material_strength(key_id) is HIGH  # alone: shown whole in every report anyway
    assert material_strength(f"{key_id}:Winter2024x") is LOW
    assert material_strength(f"aws_access_key_id={key_id}|aws_secret_access_key=hunter2") is LOW


@pytest.mark.parametrize(
    ("kind", "at_least"),
    [
        ("rsa_pem", 1.0),
        ("openssh", 1.0),
        ("pem_escaped", 1.0),
        ("gcp_service_account", 1.0),
        ("pypi", 0.95),
        ("openai", 0.95),
        ("anthropic", 0.9),
        ("azure_storage_key", 0.95),
        ("hex32", 0.95),
        ("uuid", 0.95),
        ("github", 0.85),
        ("npm", 0.85),
        ("sendgrid", 0.85),
        ("fernet_key", 0.85),
    ],
)
def test_generated_secrets_are_mostly_high(kind: str, at_least: float) -> None:
    strengths = [material_strength(fake(kind, seed)) for seed in range(200)]
    assert strengths.count(HIGH) / len(strengths) >= at_least


def test_aws_secret_keys_and_session_tokens() -> None:
    rng = random.Random(11)
    keys = [fake_secret_key(rng) for _ in range(1000)]
    high = sum(material_strength(k) is HIGH for k in keys)
    # About 7 % of random keys read as word-like by chance: they cost one scrypt each.
    assert high >= 880
    key_id = fake_key_id(rng=rng)
    assert sum(material_strength(f"{key_id}:{k}") is HIGH for k in keys) == high
    tokens = [fake_session_token(rng) for _ in range(100)]
    assert {material_strength(t) for t in tokens} == {HIGH}


def test_aws_documentation_examples_have_the_shape_of_real_material() -> None:
    # Public values, so either answer is safe; they are classified by their shape.
    assert material_strength(aws.EXAMPLE_ID) is HIGH
    assert material_strength(aws.EXAMPLE_SECRET) is HIGH
    assert material_strength(aws.EXAMPLE_TOKEN) is HIGH
    assert material_strength(f"{aws.EXAMPLE_ID}:{aws.EXAMPLE_SECRET}") is HIGH


def test_base64_of_a_password_is_low() -> None:
    assert {material_strength(fake("docker_auth", seed)) for seed in range(50)} == {LOW}


@pytest.mark.parametrize(
    ("value", "word_like"),
    [
        ("Tr0ub4dor", True),
        ("MyS3cretP@ssw0rdForProd", True),
        ("correcthorsebatterystaple", True),
        ("abc", True),  # too few letters to tell
        ("hJ3kq9ZrTm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri", False),
        ("kQ3vBxZr8TmWpLnD7fGh", False),
    ],
)
def test_word_like(value: str, word_like: bool) -> None:
    assert looks_word_like(value) is word_like
