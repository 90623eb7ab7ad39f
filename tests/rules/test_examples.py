"""Every installed rule's VALID and INVALID examples, each as its own test."""

from __future__ import annotations

import pytest
from rolecall.plugin.registry import default_registry
from rolecall.plugin.rule import Example, Rule
from rolecall.plugin.testing import check_example

REGISTRY = default_registry()

CASES = [
    pytest.param(cls, example, valid, id=f"{cls.id}-{'valid' if valid else 'invalid'}-{n}")
    for cls in REGISTRY.rules
    for valid, examples in ((True, cls.VALID), (False, cls.INVALID))
    for n, example in enumerate(examples)
]


def test_every_builtin_rule_loaded() -> None:
    assert REGISTRY.notices == []
    assert REGISTRY.rules, "no rules were discovered through the entry points"


@pytest.mark.parametrize(("rule", "example", "valid"), CASES)
def test_rule_example(rule: type[Rule], example: Example, valid: bool) -> None:
    assert check_example(rule, example, valid=valid) == []


def test_invalid_examples_leave_no_placeholder_unfilled() -> None:
    """Every message and recommendation of every INVALID example's findings is filled
    in: a ``{rule_id}`` or ``{key_id}`` left in the text is a rule that forgot a value."""
    import re

    from rolecall.engine.core import Engine, EngineOptions, RuleSelection
    from rolecall.read.document import Document

    engine = Engine(REGISTRY, EngineOptions(selection=RuleSelection(select=("ALL",))))
    placeholder = re.compile(r"\{[a-z_]+\}")
    seen = 0
    for cls in REGISTRY.rules:
        for example in cls.INVALID:
            code = example.code.encode() if isinstance(example.code, str) else example.code
            for finding in engine.scan_document(Document(example.filename, code)).findings:
                seen += 1
                for text in (finding.message, finding.recommendation):
                    assert placeholder.search(text) is None, (finding.rule_id, text)
    assert seen > 100


@pytest.mark.parametrize("rule", REGISTRY.rules, ids=lambda cls: cls.id)
def test_rules_lists_the_severities_the_examples_report(rule: type[Rule]) -> None:
    """`rolecall rules` (and the README tables made from it) says what the rule reports:
    every finding of its INVALID examples, at any position, has one of the severities
    it lists, and each listed severity is reported by one of them (documentation keys,
    reported as notes only with --report-examples, aside)."""
    from rolecall.plugin.rule import rule_info
    from rolecall.plugin.testing import run_example

    reported = set()
    for example in rule.INVALID:
        if not example.options.get("report_examples"):
            result = run_example(rule, example)
            reported |= {f.severity for f in result.findings if f.rule_id == rule.id}
    assert reported == set(rule_info(rule).severities)
