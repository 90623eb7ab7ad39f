"""Every installed rule's VALID and INVALID examples, each as its own test."""

from __future__ import annotations

import pytest
from rolecall.registry import default_registry
from rolecall.rule import Example, Rule
from rolecall.testing import check_example

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
