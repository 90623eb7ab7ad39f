"""Helpers that turn a rule's VALID/INVALID examples into checks.

Used by rolecall's own test suite and available to plugin authors:
``problems = check_examples(MyRule)`` returns a list of human-readable failures.
"""

from __future__ import annotations

from rolecall.engine.core import Engine, EngineOptions, FileResult, RuleSelection
from rolecall.fix.edits import fixed_text
from rolecall.plugin.registry import build_registry
from rolecall.plugin.rule import Example, Rule


def run_example(rule: type[Rule], example: Example) -> FileResult:
    """Scan ``example`` with ``rule`` alone, through the real engine."""
    registry = build_registry([(rule.__module__, rule)])
    options = EngineOptions(
        selection=RuleSelection(select=(rule.id,)),
        report_examples=bool(example.options.get("report_examples", False)),
    )
    engine = Engine(registry, options)
    from rolecall.read.document import Document

    return engine.scan_document(Document(example.filename, example.code.encode("utf-8")))


def check_example(rule: type[Rule], example: Example, *, valid: bool) -> list[str]:
    """Why ``example`` does not behave as declared (empty when it does)."""
    result = run_example(rule, example)
    findings = [f for f in result.findings if f.rule_id == rule.id]
    errors = [n for n in result.notices if n.rule_id == rule.id]
    problems = [f"rule raised: {n.message}" for n in errors]
    if valid:
        if findings:
            where = ", ".join(f"{f.location.line}:{f.location.column}" for f in findings)
            count = len(findings)
            problems.append(
                f"VALID example produced {count} finding{'s' * (count != 1)} at {where}"
            )
        return problems
    if len(findings) != example.count:
        noun = "finding" if example.count == 1 else "findings"
        problems.append(f"expected {example.count} {noun}, got {len(findings)}")
    if findings:
        first = findings[0]
        if example.line is not None and first.location.line != example.line:
            problems.append(f"expected line {example.line}, got {first.location.line}")
        if example.column is not None and first.location.column != example.column:
            problems.append(f"expected column {example.column}, got {first.location.column}")
        if example.severity is not None and first.severity is not example.severity:
            problems.append(f"expected {example.severity.value}, got {first.severity.value}")
        for finding in findings:
            if finding.fix is not None and not rule.fixable:
                problems.append("finding carries a fix but the rule is not fixable")
    if example.fixed is not None:
        after = fixed_text(example.code, findings, unsafe=example.unsafe)
        if after != example.fixed:
            problems.append(f"fix produced {after!r}, expected {example.fixed!r}")
    return problems
