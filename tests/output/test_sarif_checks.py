"""Own checks on SARIF logs (rolecall.output.sarif_checks), each with a defect fixture.

The JSON schema and the Multitool accept logs that GitHub refuses or mis-ranks; each
check below is shown to pass on the fixture tree's log and to fail on a copy of it with
exactly that defect.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from rolecall import redact
from rolecall.output.formats import get_reporter
from rolecall.output.sarif_checks import check_text

from tests.fixture_tree import SECRET, fixture_registry, scan_tree, write_tree


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("fixture-tree")
    write_tree(root)
    out = io.StringIO()
    get_reporter("sarif").write(scan_tree(root, fixture_registry()), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def log(text: str) -> Any:
    return json.loads(text)


def results(log: Any) -> list[Any]:
    return log["runs"][0]["results"]  # type: ignore[no-any-return]


def test_own_checks_pass(text: str) -> None:
    assert check_text(text, secrets=[SECRET]) == []


def test_planted_secret_appears_nowhere(text: str) -> None:
    assert SECRET not in text
    assert json.dumps(SECRET)[1:-1] not in text
    messages = [r["message"]["text"] for r in json.loads(text)["runs"][0]["results"]]
    assert any(redact(SECRET) in message for message in messages)


def _rule(log: Any, n: int = 0) -> Any:
    return log["runs"][0]["tool"]["driver"]["rules"][n]


def _numeric_severity(log: Any) -> None:
    _rule(log)["properties"]["security-severity"] = 8.5


def _word_severity(log: Any) -> None:
    _rule(log)["properties"]["security-severity"] = "high"


def _boundary_severity(log: Any) -> None:
    _rule(log)["properties"]["security-severity"] = "7.0"


def _duplicate_rule(log: Any) -> None:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    rules.append(copy.deepcopy(rules[0]))


def _index_mismatch(log: Any) -> None:
    results(log)[0]["ruleIndex"] += 1


def _too_many_results(log: Any) -> None:
    log["runs"][0]["results"] = results(log)[:1] * 25_001


def _too_many_tags(log: Any) -> None:
    _rule(log)["properties"]["tags"] = [f"t{n}" for n in range(21)]


def _too_many_runs(log: Any) -> None:
    log["runs"] = log["runs"] * 21


def _implicit_level(log: Any) -> None:
    del results(log)[0]["level"]


def _absolute_uri(log: Any) -> None:
    results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/abs/a.py"


def _leaked_secret(log: Any) -> None:
    results(log)[0]["message"]["text"] += " " + SECRET


def _with_related(log: Any) -> Any:
    return next(r for r in results(log) if r.get("relatedLocations"))


def _unlinked_related(log: Any) -> None:
    result = _with_related(log)
    result["message"]["text"] = result["message"]["text"].replace("](1)", "]")


def _link_to_nothing(log: Any) -> None:
    _with_related(log)["message"]["text"] += " See [line 9](7)."


def _related_without_id(log: Any) -> None:
    del _with_related(log)["relatedLocations"][0]["id"]


def _related_absolute_uri(log: Any) -> None:
    related = _with_related(log)["relatedLocations"][0]
    related["physicalLocation"]["artifactLocation"]["uri"] = "/abs/a.py"


DEFECTS: dict[str, tuple[Callable[[Any], None], str]] = {
    "numeric-security-severity": (_numeric_severity, "must be a string"),
    "word-security-severity": (_word_severity, "is not a number"),
    "boundary-security-severity": (_boundary_severity, "too close"),
    "duplicate-rule-id": (_duplicate_rule, "duplicate rule id"),
    "rule-index-mismatch": (_index_mismatch, "ruleIndex"),
    "too-many-results": (_too_many_results, "25001 results"),
    "too-many-tags": (_too_many_tags, "21 tags"),
    "too-many-runs": (_too_many_runs, "21 runs"),
    "implicit-level": (_implicit_level, "level must be explicit"),
    "absolute-uri": (_absolute_uri, "not a relative"),
    "secret-in-log": (_leaked_secret, "a secret"),
    "unlinked-related-location": (_unlinked_related, "are not linked"),
    "link-to-missing-location": (_link_to_nothing, "missing related locations [7]"),
    "related-location-without-id": (_related_without_id, "not distinct non-negative"),
    "related-location-absolute-uri": (_related_absolute_uri, "not a relative"),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_check_fails_on_its_defect(log: Any, name: str) -> None:
    mutate, expected = DEFECTS[name]
    broken = copy.deepcopy(log) if name != "too-many-results" else json.loads(json.dumps(log))
    mutate(broken)
    problems = check_text(json.dumps(broken), secrets=[SECRET])
    assert any(expected in p for p in problems), problems
