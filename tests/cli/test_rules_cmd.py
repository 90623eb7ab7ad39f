"""``rolecall rules`` and ``rolecall explain``: what a user reads in a terminal."""

from __future__ import annotations

import pytest
from rolecall.cli.main import main
from rolecall.model import NoticeCode
from rolecall.plugin.registry import default_registry


@pytest.mark.parametrize("code", [c.value for c in NoticeCode])
def test_explain_knows_every_notice(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", code.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{code} ") and "What to do: " in out


def test_explain_shows_plain_backticks_and_says_which_examples_need_a_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "RC101"]) == 0
    out = capsys.readouterr().out
    assert "``" not in out.split("\n## Reported", 1)[0]  # the docs (examples are verbatim)
    headings = [line for line in out.splitlines() if line.startswith("## Reported")]
    assert headings == [
        "## Reported by a plain scan (examples, run as tests)",
        "## Reported only with --report-examples; documentation keys are quiet by default "
        "(examples, run as tests)",
    ]


def test_rules_table_shows_whole_summaries_without_rst_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "``" not in out
    rules = default_registry().rules
    assert len(out.splitlines()) == len(rules) + 1
    for line in out.splitlines()[1:]:
        assert line.rstrip().endswith((".", ")")), line  # a whole sentence, never cut


def test_every_rule_explains_without_rst_markup(capsys: pytest.CaptureFixture[str]) -> None:
    rules = default_registry().rules
    assert {"RC101", "RC201", "RC301"} <= {cls.id for cls in rules}  # every family
    for cls in rules:
        assert main(["explain", cls.id]) == 0
        docs = capsys.readouterr().out.split("\n## Reported", 1)[0]
        assert "``" not in docs, cls.id


def test_rules_and_explain_show_every_severity_a_rule_reports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """RC2xx rules report an error for a literal key and a warning for one read from the
    environment: `rules` and `explain` say both (issue 16 #12)."""
    import json

    assert main(["rules"]) == 0
    rows = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()}
    assert rows["ID"] == "SEVERITY"  # the header
    assert {rows[f"RC20{n}"] for n in range(1, 9)} == {"error/warning"}
    assert rows["RC110"] == "error" and rows["RC126"] == "warning/note"
    assert main(["rules", "--format", "json"]) == 0
    by_id = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert by_id["RC201"]["severity"] == "error"  # the default, as before
    assert by_id["RC201"]["severities"] == ["error", "warning"]
    assert main(["explain", "RC201"]) == 0
    assert "severity: error/warning, confidence:" in capsys.readouterr().out
