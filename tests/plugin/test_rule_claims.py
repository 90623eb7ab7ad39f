"""Claims: a rule takes a named place from another rule in its own ``supersedes``
(``"RC301@env-block"``), and the claimed rule leaves that place to it.

The engine hands every installed rule's claims to the claimed rule, whether the
claimant is enabled or not; RC301 (literal credentials in configuration files) reads
its claims before it pairs values, so each place-specific RC3xx rule alone decides
what is reported in its place. The inputs are real files as the engine reads them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rolecall import Confidence, Document, Finding, Rule, RuleContext, Severity
from rolecall.config.options import EngineOptions, RuleSelection
from rolecall.engine.core import Engine, scan_text
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.plugin.registry import Registry, default_registry
from rolecall.rules.config.places import PLACES


class _Claimed(Rule):
    """Reports the places claimed from it, once per document (test rule)."""

    id = "RC820"
    name = "claimed"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = "claimed: {places}"
    recommendation = "none"

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        places = ",".join(sorted(ctx.claimed(self.id))) or "-"
        yield self.finding(doc, 0, 1, material=doc.path, places=places)


class _Claimant(Rule):
    """Claims two places from RC820 and reports nothing (test rule)."""

    id = "RC821"
    name = "claimant"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = "never"
    recommendation = "none"
    supersedes = ("RC1", "RC820@north", "RC820@south")

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())


class _Other(_Claimant):
    """Claims a place from another rule (test rule)."""

    id = "RC822"
    name = "other-claimant"
    supersedes = ("RC899@west",)


def _messages(registry: Registry, select: tuple[str, ...] = ()) -> list[str]:
    engine = Engine(registry, EngineOptions(RuleSelection(select=select)))
    return [f.message for f in scan_text(engine, "a.txt", "text\n").findings]


def test_the_claimed_rule_reads_the_places_claimed_from_it() -> None:
    assert _messages(Registry([_Claimed, _Claimant, _Other])) == ["claimed: north,south"]
    assert _messages(Registry([_Claimed, _Other])) == ["claimed: -"]


def test_a_claim_holds_when_the_claimant_does_not_run() -> None:
    registry = Registry([_Claimed, _Claimant])
    assert _messages(registry, select=("RC820",)) == ["claimed: north,south"]


def test_a_claim_is_no_prefix_of_value_supersession() -> None:
    engine = Engine(Registry([_Claimed, _Claimant]))
    assert engine._supersedes == {"RC820": (), "RC821": ("RC1",)}


def test_a_context_without_claims_claims_nothing() -> None:
    assert RuleContext().claimed("RC301") == frozenset()
    ctx = RuleContext(claims=frozenset({("RC301", "a"), ("RC302", "b")}))
    assert ctx.claimed("RC301") == frozenset({"a"})


def test_every_place_is_claimed_from_rc301_by_exactly_one_rule() -> None:
    claims = [
        (cls.id, entry.partition("@"))
        for cls in default_registry().rules
        for entry in cls.supersedes
        if "@" in entry
    ]
    assert len(claims) == len(PLACES) == 6
    assert {claimed for _, (claimed, _, _) in claims} == {"RC301"}
    assert sorted(place for _, (_, _, place) in claims) == sorted(PLACES)


_ID, _SECRET = fake_key_id(), fake_secret_key()

#: (claimant, path, text): a literal key RC301 would report in the claimant's place.
CLAIMED = [
    (
        "RC304",
        ".github/workflows/deploy.yml",
        f"on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n"
        f"        with:\n          cache:\n            aws_access_key_id: {_ID}\n"
        f"            aws_secret_access_key: {_SECRET}\n",
    ),
    (
        "RC306",
        ".gitlab-ci.yml",
        f"deploy:\n  cache:\n    access_key_id: {_ID}\n    secret_access_key: {_SECRET}\n",
    ),
    ("RC313", "rclone.conf", f"[r]\naccess_key_id = {_ID}\nsecret_access_key = {_SECRET}\n"),
    ("RC302", ".aws/credentials", f"[p]\naws_access_key_id = {_ID}\nsecret = {_SECRET}\n"),
    # The key id is RC302's in any INI file: RC301 does not pair it with the secret.
    ("RC302", "app.ini", f"[db]\naws_access_key_id = {_ID}\npwd = {_SECRET}\n"),
    (
        "RC309",
        "main.tf",
        f'provider "aws" {{\n  access_key = "{_ID}"\n  secret_key = "{_SECRET}"\n}}\n',
    ),
    (
        "RC307",
        "docker-compose.yml",
        f"services:\n  a:\n    environment:\n      AWS_ACCESS_KEY_ID: {_ID}\n"
        f"      AWS_SECRET_ACCESS_KEY: {_SECRET}\n",
    ),
]


def _rc301(registry: Registry, path: str, text: str) -> list[int]:
    engine = Engine(registry, EngineOptions(RuleSelection(select=("RC301",))))
    return [f.location.line for f in scan_text(engine, path, text).findings]


@pytest.mark.parametrize(("claimant", "path", "text"), CLAIMED, ids=[c[1] for c in CLAIMED])
def test_rc301_leaves_a_claimed_place_to_its_claimant(claimant: str, path: str, text: str) -> None:
    everything = default_registry()
    assert _rc301(everything, path, text) == []
    # The knowledge is the claimant's: without it installed, RC301 reports the key.
    without = Registry([cls for cls in everything.rules if cls.id != claimant])
    assert _rc301(without, path, text) != []
