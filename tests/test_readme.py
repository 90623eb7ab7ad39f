"""The README stays true: its configuration example loads, its rule list is complete,
and the commands it shows exist."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rolecall.cli import build_parser
from rolecall.config import config_from_mapping
from rolecall.registry import default_registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_configuration_example_is_valid() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README, re.S)
    example = next(b for b in blocks if "[tool.rolecall]" in b)
    table = tomllib.loads(example)["tool"]["rolecall"]
    config = config_from_mapping(table, path="pyproject.toml", root=".")
    assert config.baseline == ".rolecall-baseline.json" and config.select == ("RC1", "RC2", "RC3")


def test_every_installed_rule_is_in_the_rule_list() -> None:
    listed = set(re.findall(r"^\| (RC\d{3}) \| ([a-z0-9-]+) \|", README, re.M))
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
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    section = readme[readme.index("## Guarantees") : readme.index("## Performance")]
    page = (root / "docs" / "guarantees.md").read_text()
    assert page.split("\n", 1)[1] == section.rstrip() + "\n"
