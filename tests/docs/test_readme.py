"""The README stays true: its configuration example loads, its rule list is complete,
and the commands it shows exist."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from rolecall.cli.main import build_parser, main
from rolecall.config.load import config_from_mapping
from rolecall.plugin.registry import default_registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_configuration_example_is_valid() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README, re.S)
    example = next(b for b in blocks if "[tool.rolecall]" in b)
    table = tomllib.loads(example)["tool"]["rolecall"]
    config = config_from_mapping(table, path="pyproject.toml", root=".")
    assert config.baseline == ".rolecall-baseline.json" and config.select == ("RC1", "RC2", "RC3")


def test_every_installed_rule_is_in_the_rule_list() -> None:
    listed = set(
        re.findall(
            r'^\| <a name="rc\d{3}"></a>\[(RC\d{3})\]\([^)]+\) \| `([a-z0-9-]+)` \|', README, re.M
        )
    )
    installed = {(cls.id, cls.name) for cls in default_registry().rules}
    assert installed - listed == set(), "rules missing from the README"
    assert listed - installed == set(), "README lists rules that do not exist"


def test_documented_scan_flags_exist() -> None:
    documented = set(re.findall(r"^\| `(--[a-z-]+)", README, re.M))
    parser = build_parser()
    scan = parser._subparsers._group_actions[0].choices["scan"]  # type: ignore[union-attr]
    known = {opt for action in scan._actions for opt in action.option_strings}
    assert documented and documented <= known


def test_docs_guarantees_is_the_readme_section() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    section = readme[readme.index("## Guarantees") : readme.index("## Performance")]
    page = (root / "docs" / "guarantees.md").read_text()
    assert page.split("\n", 1)[1] == section.rstrip() + "\n"


# --- severities: the README, docs/ and `rolecall rules` say what the rules report -------

_ROW = re.compile(
    r"^\| (?:<a name=\"(rc\d{3})\"></a>)?\[(RC\d{3})\]\([^)]+\) \| [^|]+ \| ([^|]+?) \|", re.M
)
_TABLES = (
    "README.md",
    *(
        f"docs/{n}"
        for n in ("aws-credentials.md", "other-credentials.md", "python-rules.md", "rc3.md")
    ),
)


def _rules_severities(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The SEVERITY column of `rolecall rules` (the third word of each rule's line)."""
    capsys.readouterr()
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ID", "NAME", "SEVERITY"]
    return {line.split()[0]: line.split()[2] for line in lines[1:]}


def test_rule_tables_give_the_severities_rules_prints(capsys: pytest.CaptureFixture[str]) -> None:
    printed = _rules_severities(capsys)
    assert printed["RC201"] == "error/warning" and printed["RC110"] == "error"
    root = Path(__file__).resolve().parents[2]
    seen = set()
    for name in _TABLES:
        for _anchor, rule_id, cell in _ROW.findall((root / name).read_text(encoding="utf-8")):
            levels = re.match(r"[a-z/]+", cell)
            assert levels is not None and levels.group() == printed[rule_id], (name, rule_id, cell)
            seen.add((name, rule_id))
    assert {rule_id for name, rule_id in seen if name == "README.md"} == set(printed)


def test_every_rule_has_one_readme_anchor() -> None:
    rules = default_registry().rules
    assert {"RC101", "RC201", "RC301"} <= {cls.id for cls in rules}  # every family
    for cls in rules:
        anchor = f'<a name="{cls.id.lower()}"></a>[{cls.id}]'
        assert README.count(anchor) == 1, cls.id
