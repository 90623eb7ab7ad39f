"""The boundary between the engine and the rules: what each side may import.

The engine (``scanner/``, imported as ``rolecall``) never imports a rule module; it gets
what rules know (their fake generators, say) through the plugin mechanism. The rules
(``rules/``) import only ``rolecall``'s public names, the plugin API
(:mod:`rolecall.plugin.api`) and each other. The built-in rules' manifest hashes exactly
that: ``rules/`` and the API's modules.
"""

from __future__ import annotations

import ast
import importlib
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import rolecall
import rolecall.fakes
from rolecall.plugin import api, manifest
from rolecall.plugin.entrypoints import entry_points
from rolecall.rules import fakes as rule_fakes

REPO = Path(__file__).resolve().parents[2]
ENGINE = REPO / "scanner"
RULES = REPO / "rules"


def _imports(folder: Path) -> Iterator[tuple[str, int, str, tuple[str, ...]]]:
    """``(file, line, module, names)`` of every absolute import in ``folder``, those
    inside functions and ``TYPE_CHECKING`` blocks included; ``import_module("x")`` and
    ``__import__("x")`` calls with a literal name count as imports of ``x``."""
    for path in sorted(folder.rglob("*.py")):
        rel = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield rel, node.lineno, alias.name, ()
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield rel, node.lineno, node.module, tuple(a.name for a in node.names)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in _DYNAMIC
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield rel, node.lineno, node.args[0].value, ()


_DYNAMIC = ("import_module", "__import__")


def _is_rules(module: str) -> bool:
    return module == "rolecall.rules" or module.startswith("rolecall.rules.")


def test_the_walk_sees_every_kind_of_import() -> None:
    """The checks below are only as good as this walk: it must see a nested import, a
    dynamic one and one under ``TYPE_CHECKING``."""
    scanned = {(rel, module) for rel, _, module, _ in _imports(ENGINE)}
    assert ("scanner/fingerprints.py", "rolecall.strength") in scanned  # inside a function
    assert ("scanner/plugin/api.py", "rolecall.read.parsers.hcl") in scanned  # TYPE_CHECKING
    assert any(rel == "scanner/plugin/entrypoints.py" for rel, _ in scanned)
    found = {(rel, module) for rel, _, module, _ in _imports(RULES)}
    assert ("rules/aws/material.py", "rolecall.rules.aws.names") in found


def test_the_engine_never_imports_a_rule_module() -> None:
    offending = [
        f"{rel}:{line}: {module}" for rel, line, module, _ in _imports(ENGINE) if _is_rules(module)
    ]
    assert offending == []


def test_rules_import_only_the_public_names_and_the_plugin_api() -> None:
    public = set(rolecall.__all__)
    offending: list[str] = []
    count = 0
    for rel, line, module, names in _imports(RULES):
        if not (module == "rolecall" or module.startswith("rolecall.")):
            continue  # the standard library and third-party packages
        count += 1
        if _is_rules(module) or module == "rolecall.plugin.api":
            continue
        if module == "rolecall" and names and set(names) <= public:
            continue
        offending.append(f"{rel}:{line}: {module} {names}")
    assert count > 200  # every rule module imports from rolecall: the walk saw them
    assert offending == []


def test_every_engine_name_a_rule_uses_is_part_of_the_api() -> None:
    """Names a rule takes from ``rolecall`` are in the API too, so that the manifest
    digest (the API's modules) covers where they are defined."""
    used = {
        name
        for _, _, module, names in _imports(RULES)
        if module in ("rolecall", "rolecall.plugin.api")
        for name in names
    }
    assert used
    assert used - set(api.__all__) == set()


def test_the_api_table_all_and_type_imports_agree() -> None:
    table = sorted(name for names in api.HOMES.values() for name in names)
    assert len(table) == len(set(table)), "a name is listed under two homes"
    assert sorted(api.__all__) == table
    assert sorted(dir(api)) == table
    tree = ast.parse((ENGINE / "plugin" / "api.py").read_text(encoding="utf-8"))
    typed: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rolecall."):
            typed.setdefault(node.module, set()).update(a.name for a in node.names)
    assert typed == {module: set(names) for module, names in api.HOMES.items()}


@pytest.mark.parametrize("name", sorted(api.__all__))
def test_each_api_name_is_the_object_of_its_home(name: str) -> None:
    (home,) = [module for module, names in api.HOMES.items() if name in names]
    assert getattr(api, name) is getattr(importlib.import_module(home), name)


def test_an_unknown_api_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'secrets'"):
        api.secrets  # noqa: B018


def test_declaration_sources_are_the_api_modules() -> None:
    sources = manifest.declaration_sources()
    assert "plugin/api.py" in sources
    assert {"plugin/rule.py", "model.py", "read/document.py", "plugin/lazyre.py"} <= set(sources)
    assert "read/parsers/hcl.py" in sources
    assert "read/parsers/pyguard.py" not in sources  # a parser's helper, no API name
    assert "walk/walker.py" not in sources
    assert all((ENGINE / rel).is_file() for rel in sources)


def _copy_package(tmp_path: Path) -> Path:
    copy = tmp_path / "rolecall"
    shutil.copytree(ENGINE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_digest_follows_rules_and_api_modules_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _copy_package(tmp_path)
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(manifest, "_package_folder", lambda: str(package))
    before = manifest.source_digest(str(rules))
    assert before == manifest.source_digest(str(rules))

    def changed(path: Path) -> bool:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        try:
            return manifest.source_digest(str(rules)) != before
        finally:
            path.write_bytes(original)

    # The engine outside the API: no rule declaration can depend on it.
    assert not changed(package / "walk" / "walker.py")
    assert not changed(package / "fingerprints.py")
    assert not changed(package / "read" / "parsers" / "pyguard.py")
    # The API module, the modules its names live in, and every rule module.
    assert changed(package / "plugin" / "api.py")
    assert changed(package / "shapes.py")
    assert changed(package / "read" / "parsers" / "hcl.py")
    assert changed(package / "model.py")
    assert changed(rules / "aws" / "key_ids.py")
    assert changed(rules / "fakes.py")


def test_the_engine_gets_the_fakes_through_the_rules_entry_point() -> None:
    import rolecall.rules

    (builtin,) = [ep for ep in entry_points("rolecall.rules") if ep.dist == "rolecall"]
    assert builtin.value == "rolecall.rules"
    assert rolecall.rules.FAKE_MODULES == ("rolecall.rules.fakes",)
    assert set(rolecall.fakes.FAKES) == set(rule_fakes.FAKES)
    assert len(rule_fakes.FAKES) >= 30
    for kind in sorted(rule_fakes.FAKES):
        assert rolecall.fakes.fake(kind, 7) == rule_fakes.fake(kind, 7), kind
        assert rolecall.fakes.fake(kind, 7) != rolecall.fakes.fake(kind, 8), kind


def test_the_public_aws_fakes_are_the_rules_generators() -> None:
    assert rolecall.fakes.fake_key_id("ASIA", random.Random(3)) == rule_fakes.fake_key_id(
        "ASIA", random.Random(3)
    )
    assert rolecall.fakes.fake_secret_key(random.Random(3)) == rule_fakes.fake_secret_key(
        random.Random(3)
    )
    token = rolecall.fakes.fake_session_token(random.Random(3))
    assert token == rule_fakes.fake_session_token(random.Random(3))
    assert rolecall.fakes.BASE64 == rule_fakes.BASE64
    with pytest.raises(AttributeError):
        rolecall.fakes.no_such_generator  # noqa: B018


def test_one_fake_key_id_for_every_rule_folder() -> None:
    """The examples' fake key id is written once (rules/aws/examples.py); the config and
    Python rules use that one."""
    from rolecall.rules.aws.examples import AKIA
    from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_TEMP_KEY_ID
    from rolecall.rules.python.analysis.text import KEY_ID

    assert FAKE_KEY_ID is AKIA and KEY_ID is AKIA
    assert FAKE_TEMP_KEY_ID.startswith("ASIA") and FAKE_TEMP_KEY_ID[4:] == AKIA[4:]
    tail = AKIA[4:]
    holders = [
        str(path.relative_to(REPO))
        for path in sorted(RULES.rglob("*.py"))
        if f'"{tail}"' in path.read_text(encoding="utf-8")
    ]
    assert holders == ["rules/aws/examples.py"]


def test_the_plugin_page_example_runs(tmp_path: Path) -> None:
    """docs/plugins.md's rule, written against the API only, passes its own examples
    through the real engine (in a fresh interpreter, as a reader would run it)."""
    import re
    import subprocess
    import sys

    page = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"^```python\n(.*?)^```$", page, re.M | re.S)
    assert "from rolecall.plugin.api import" in block
    script = tmp_path / "example.py"
    script.write_text(block + "\nprint('examples pass')\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert (out.returncode, out.stdout, out.stderr) == (0, "examples pass\n", "")


def test_the_plugin_page_describes_every_api_name() -> None:
    page = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    missing = [name for name in api.__all__ if f"`{name}`" not in page]
    assert missing == []
