"""The serializer keeps explicit values and drops only None."""

from __future__ import annotations

import json

import sarif_om as so
from rolecall.output.sarif_json import Spliced, dumps, om, to_data


def test_explicit_default_values_are_kept() -> None:
    result = om(so.Result, message=om(so.Message, text="m"), level="warning", rule_index=0)
    assert to_data(result) == {"ruleIndex": 0, "level": "warning", "message": {"text": "m"}}


def test_defaults_not_passed_are_left_out() -> None:
    data = to_data(om(so.Result, message=om(so.Message, text="m")))
    assert data == {"message": {"text": "m"}}  # no kind, level, rank, ruleIndex


def test_plain_constructor_defaults_would_be_written() -> None:
    # Why om() exists: sarif-om's own defaults are real values, not "unset".
    data = to_data(so.Result(message=so.Message(text="m")))
    assert data["level"] == "warning" and data["rank"] == -1.0


def test_property_names_and_nested_plain_data() -> None:
    log = om(so.SarifLog, version="2.1.0", schema_uri="https://example.org/s.json", runs=[])
    text = dumps(log)
    assert list(json.loads(text)) == ["$schema", "version", "runs"]
    bag = {"security-severity": "8.5", "none": None, "tags": ("a", "b")}
    assert to_data(bag) == {"security-severity": "8.5", "tags": ["a", "b"]}


def test_false_and_zero_are_explicit_values() -> None:
    inv = om(so.Invocation, execution_successful=False, exit_code=0)
    assert to_data(inv) == {"executionSuccessful": False, "exitCode": 0}


def test_mappings_and_compact_or_indented_output() -> None:
    from types import MappingProxyType

    assert to_data(MappingProxyType({"a": 1})) == {"a": 1}
    msg = om(so.Message, text="m")
    assert dumps(msg) == '{"text":"m"}'
    assert dumps(msg, indent=2) == '{\n  "text": "m"\n}'


def test_spliced_text_is_written_where_the_value_stands() -> None:
    rules = Spliced('[{"id":"RC101"},{"id":"RC102"}]')
    lookalike = "\0" + "0" * 32 + "\0"  # shaped like a mark, but no splice's
    log = {"driver": {"name": "rolecall", "rules": rules}, "note": lookalike, "empty": None}
    text = dumps(log)
    assert '"rules":[{"id":"RC101"},{"id":"RC102"}]' in text
    assert json.loads(text) == {
        "driver": {"name": "rolecall", "rules": [{"id": "RC101"}, {"id": "RC102"}]},
        "note": lookalike,
    }
    other = Spliced("[]")
    assert other.mark != rules.mark and json.loads(dumps([rules, other])) == [
        [{"id": "RC101"}, {"id": "RC102"}],
        [],
    ]
