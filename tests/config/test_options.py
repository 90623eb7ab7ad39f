"""Off-by-default rules (``default_enabled = False``) run only when named exactly."""

from __future__ import annotations

from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.plugin.registry import default_registry
from rolecall.plugin.rule import rule_info
from rolecall.rules.tokens.generic import GenericPasswordAssignment


def ids(selection: RuleSelection) -> list[str]:
    return Engine(default_registry(), EngineOptions(selection=selection)).rule_ids


def test_off_by_default() -> None:
    assert "RC199" not in ids(RuleSelection())
    assert "RC120" in ids(RuleSelection())


def test_prefixes_and_all_do_not_enable_it() -> None:
    assert "RC199" not in ids(RuleSelection(select=("RC1",)))
    assert "RC199" not in ids(RuleSelection(select=("ALL",)))


def test_exact_id_enables_it() -> None:
    assert ids(RuleSelection(select=("RC199",))) == ["RC199"]
    both = ids(RuleSelection(enable=("RC199",)))
    assert "RC199" in both and "RC120" in both


def test_ignore_wins() -> None:
    assert "RC199" not in ids(RuleSelection(enable=("RC199",), ignore=("RC199",)))


def test_rule_info_reports_it() -> None:
    assert rule_info(GenericPasswordAssignment).default_enabled is False
