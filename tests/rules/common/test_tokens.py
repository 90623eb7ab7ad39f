"""Token formats, checksums and the shared helpers the RC12x-RC19x rules rely on."""

from __future__ import annotations

import random

import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection, scan_text
from rolecall.fakes import FAKES, fake
from rolecall.plugin.registry import default_registry
from rolecall.rules.common.checksums import base62_encode, crc32_base62, has_crc32_checksum
from rolecall.rules.common.placeholders import (
    contains_reference,
    is_documented_example,
    looks_random,
)

MY_RULES = ("RC110", "RC111", *(f"RC{n}" for n in range(120, 200)))


def engine(*select: str) -> Engine:
    sel = RuleSelection(select=select or MY_RULES, enable=() if select else ("RC199",))
    return Engine(default_registry(), EngineOptions(selection=sel))


def rule_ids(path: str, text: str, *select: str) -> list[str]:
    return [f.rule_id for f in scan_text(engine(*select), path, text).findings]


def test_base62_checksum_round_trip() -> None:
    assert base62_encode(0) == "000000"
    assert base62_encode(61) == "00000z"
    assert base62_encode(62) == "000010"
    body = "A" * 30
    assert has_crc32_checksum("ghp_" + body + crc32_base62(body), 4)


@pytest.mark.parametrize("seed", range(20))
def test_generated_github_and_npm_tokens_verify(seed: int) -> None:
    assert has_crc32_checksum(fake("github", seed), 4)
    assert has_crc32_checksum(fake("npm", seed), 4)
    assert not has_crc32_checksum(fake("github_bad_checksum", seed), 4)
    assert not has_crc32_checksum(fake("npm_bad_checksum", seed), 4)


def test_checksum_rejects_non_base62_tail() -> None:
    assert not has_crc32_checksum("ghp_" + "a" * 30 + "-+/!.,", 4)
    assert not has_crc32_checksum("ghp_", 4)


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_fakes_are_deterministic(kind: str) -> None:
    assert fake(kind, 7) == fake(kind, 7)
    assert FAKES[kind](random.Random(1)) != FAKES[kind](random.Random(2))


def test_documented_values_by_hash() -> None:
    azurite = (
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq"
        + "2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    )
    assert is_documented_example(azurite)
    assert not is_documented_example(fake("azure_storage_key"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${DB_PASSWORD}", True),
        ("pre-${X}-post", True),
        ("$(cat /run/secret)", True),
        ("{{ vault_password }}", True),
        ("%(password)s", True),
        ("{password}", True),
        ("k3$a9!x%z(q", False),  # random secrets contain $, %, ( by chance
        ("ab{c", False),
    ],
)
def test_contains_reference(value: str, expected: bool) -> None:
    assert contains_reference(value) is expected


def test_looks_random() -> None:
    assert looks_random(fake("password"))
    assert not looks_random("abcdefghijklmnop")
    assert not looks_random("my_token_1234567890abcdef")


@pytest.mark.parametrize(
    ("path", "text", "rule"),
    [
        ("a.py", 't = "' + fake("github") + '"\n', "RC135"),
        ("a.py", 't = "' + fake("github_oauth") + '"\n', "RC135"),
        ("a.py", 't = "' + fake("npm") + '"\n', "RC137"),
        (".pypirc", "[pypi]\npassword = " + fake("pypi") + "\n", "RC138"),
        ("a.py", 't = "' + fake("slack_bot") + '"\n', "RC140"),
        ("a.py", 'u = "' + fake("slack_webhook") + '"\n', "RC141"),
        ("a.py", 'k = "' + fake("stripe_live") + '"\n', "RC143"),
        ("a.py", 'k = "' + fake("sendgrid") + '"\n', "RC144"),
        ("a.py", 'k = "' + fake("openai") + '"\n', "RC146"),
        ("a.py", 'k = "' + fake("anthropic") + '"\n', "RC147"),
        ("a.py", 'k = "' + fake("google_api_key") + '"\n', "RC126"),
        ("a.py", 'k = "' + fake("azure_client_secret") + '"\n', "RC111"),
        ("a.py", 'k = "' + fake("gitlab") + '"\n', "RC136"),
    ],
)
def test_each_token_is_reported_by_exactly_its_rule(path: str, text: str, rule: str) -> None:
    assert rule_ids(path, text) == [rule]


def test_tokens_in_npmrc_are_left_to_the_token_rule() -> None:
    text = "//pkgs.internal/:_authToken=" + fake("npm") + "\n"
    assert rule_ids(".npmrc", text) == ["RC137"]
    text = "//pkgs.internal/:_authToken=" + fake("npm_bad_checksum") + "\n"
    assert rule_ids(".npmrc", text) == []  # a known prefix with a broken checksum: not a token


def test_workflow_gets_workflow_advice() -> None:
    text = "jobs:\n  x:\n    env:\n      GH_TOKEN: " + fake("github") + "\n"
    result = scan_text(engine("RC135"), ".github/workflows/ci.yml", text)
    (finding,) = result.findings
    assert "GITHUB_TOKEN" in finding.recommendation and "permissions" in finding.recommendation
    plain = scan_text(engine("RC135"), "tool.py", 't = "' + fake("github") + '"\n').findings[0]
    assert "create-github-app-token" in plain.recommendation


def test_pypi_token_in_workflow_recommends_trusted_publishing() -> None:
    text = "env:\n  TWINE_PASSWORD: " + fake("pypi") + "\n"
    (finding,) = scan_text(engine("RC138"), ".github/workflows/r.yml", text).findings
    assert "Trusted Publishing" in finding.recommendation


@pytest.mark.parametrize("kind", ["github", "npm", "pypi", "stripe_live", "openai", "sendgrid"])
def test_output_never_holds_the_token(kind: str) -> None:
    token = fake(kind)
    findings = scan_text(engine(), "a.py", 'k = "' + token + '"\n').findings
    assert len(findings) == 1  # the token is found, so its finding's text is checked
    for finding in findings:
        shown = " ".join((finding.message, finding.recommendation, finding.evidence))
        assert token not in shown and token[8:] not in shown
        assert token not in repr(finding.properties)
