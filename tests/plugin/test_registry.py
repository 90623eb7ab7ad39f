"""Rule discovery through real entry points, and load-time validation.

The integration tests build a tiny plugin distribution (a pyproject.toml and one
package registering in ``rolecall.rules``) and install it with pip into a temporary
``--target`` directory, then run rolecall in a subprocess with that directory on
PYTHONPATH. importlib.metadata finds the installed ``.dist-info`` there exactly as in
site-packages. This was chosen over installing into the test venv (a failed teardown
would leave a stray plugin behind for every later run, and parallel test runs would
see each other's plugin) and over a ``--system-site-packages`` venv (that exposes the
base interpreter's packages, not this venv's, so rolecall itself would be missing).
pip builds the plugin the ordinary way (PEP 517, build isolation, setuptools from the
configured index: about 7 s, once per module); ``--no-build-isolation`` would be faster
but needs ``wheel`` next to older setuptools, which a fresh venv does not have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rolecall import Confidence, DocKind, Rule, Severity
from rolecall.model import NoticeCode
from rolecall.plugin.registry import build_registry
from rolecall.plugin.rule import validate_rule

from tests.conftest import rule_class, write_tree

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "rolecall-test-plugin"
version = "0.0.1"

[project.entry-points."rolecall.rules"]
a_good = "rolecall_test_plugin.good"
b_broken = "rolecall_test_plugin.broken"
c_invalid = "rolecall_test_plugin.invalid"
d_duplicate = "rolecall_test_plugin.good:ZebraStripe"
e_package = "rolecall_test_plugin.pack"

[tool.setuptools]
packages = ["rolecall_test_plugin", "rolecall_test_plugin.pack"]
"""

DOCS = '''"""{summary}

    ## What it finds
    The word zebra.

    ## Why it is risky
    It is a test.

    ## Use instead
    A horse.

    ## Example
    zebra -> horse
    """'''

GOOD = f"""
from __future__ import annotations

from rolecall import Confidence, Example, Rule, Severity


class ZebraStripe(Rule):
    {DOCS.format(summary="Reports the word zebra.")}

    id = "RC801"
    name = "zebra-stripe"
    severity = Severity.WARNING
    confidence = Confidence.LOW
    message = "a zebra at {{where}}"
    recommendation = "use a horse"
    keywords = ("zebra",)
    VALID = (Example("horse", filename="a.txt"),)
    INVALID = (Example("zebra", filename="a.txt"),)

    def check(self, doc, ctx):
        start = doc.text.find("zebra")
        if start != -1:
            yield self.finding(doc, start, start + 5, material="zebra", where=doc.path)
"""

# A package entry point: the package lists its rule modules, as rolecall.rules does.
PACKAGE = 'RULE_MODULES = ("rolecall_test_plugin.pack.stable",)\n'
STABLE = (
    GOOD.replace("RC801", "RC806")
    .replace("zebra-stripe", "stable-horse")
    .replace("ZebraStripe", "StableHorse")
    .replace("zebra", "mule")
)

BROKEN = """
raise ImportError("the plugin's own dependency is missing")
"""

INVALID = f'''
from __future__ import annotations

from rolecall import Confidence, Example, Rule, Severity


class BadId(Rule):
    {DOCS.format(summary="Has a bad id.")}

    id = "ZZ1"
    name = "bad-id"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = "m"
    recommendation = "r"
    VALID = (Example("a"),)
    INVALID = (Example("b"),)

    def check(self, doc, ctx):
        return iter(())


class NoDocs(Rule):
    """Has a summary but none of the sections."""

    id = "RC802"
    name = "no-docs"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = "m"
    recommendation = "r"
    VALID = (Example("a"),)
    INVALID = (Example("b"),)

    def check(self, doc, ctx):
        return iter(())


class Fine(Rule):
    {DOCS.format(summary="Loads although its neighbours do not.")}

    id = "RC803"
    name = "fine-neighbour"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = "m"
    recommendation = "r"
    VALID = (Example("a"),)
    INVALID = (Example("b"),)

    def check(self, doc, ctx):
        return iter(())
'''


def _run(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "rolecall", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin built and installed by pip into a directory of its own."""
    root = tmp_path_factory.mktemp("plugin")
    source = root / "src"
    write_tree(
        source,
        {
            "pyproject.toml": PYPROJECT,
            "rolecall_test_plugin/__init__.py": "",
            "rolecall_test_plugin/good.py": GOOD,
            "rolecall_test_plugin/broken.py": BROKEN,
            "rolecall_test_plugin/invalid.py": INVALID,
            "rolecall_test_plugin/pack/__init__.py": PACKAGE,
            "rolecall_test_plugin/pack/stable.py": STABLE,
        },
    )
    site = root / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
    pip += ["--target", str(site), str(source)]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        pytest.fail(f"pip could not install the test plugin:\n{result.stderr}")
    assert any(p.name.startswith("rolecall_test_plugin-") for p in site.iterdir())
    return site


@pytest.mark.integration
def test_rules_lists_the_plugin_and_the_builtins(plugin_site: Path, tmp_path: Path) -> None:
    result = _run(["rules", "--format", "json"], tmp_path, plugin_site)
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert {"RC101", "RC801", "RC803"} <= set(rows)
    assert "RC802" not in rows
    assert rows["RC801"]["origin"] == "a_good = rolecall_test_plugin.good"
    assert rows["RC801"]["name"] == "zebra-stripe"
    assert rows["RC803"]["origin"] == "c_invalid = rolecall_test_plugin.invalid"


@pytest.mark.integration
def test_builtins_come_from_one_entry_point_and_a_plugin_from_its_own(
    plugin_site: Path, tmp_path: Path
) -> None:
    """rolecall registers one package entry point; each module it declares is loaded as
    if it had an entry point of its own (the origin ``rules`` lists), and a plugin's
    package entry point works the same way."""
    code = (
        "import json\n"
        "from rolecall.plugin.entrypoints import entry_points\n"
        "print(json.dumps([[e.dist, e.name, e.value] for e in entry_points('rolecall.rules')]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(plugin_site))
    listed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    points = json.loads(listed.stdout)
    assert [p[1:] for p in points if p[0] == "rolecall"] == [["rolecall", "rolecall.rules"]]
    plugin = sorted(p[1] for p in points if p[0] != "rolecall")
    assert plugin == ["a_good", "b_broken", "c_invalid", "d_duplicate", "e_package"]

    result = _run(["rules", "--format", "json"], tmp_path, plugin_site)
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    from rolecall.rules import RULE_MODULES

    assert len(RULE_MODULES) == 45
    builtin = {row["origin"] for row in rows.values() if row["origin"].startswith(RULE_MODULES)}
    assert builtin == set(RULE_MODULES)  # each declared "name = module" is an origin
    assert rows["RC101"]["origin"] == "aws_keys = rolecall.rules.aws.keys"
    assert rows["RC806"]["origin"] == "stable = rolecall_test_plugin.pack.stable"
    assert rows["RC806"]["name"] == "stable-horse"
    assert len(rows) == len(build_registry().infos()) + 3  # RC801, RC803, RC806


@pytest.mark.integration
def test_broken_and_invalid_plugins_become_notices(plugin_site: Path, tmp_path: Path) -> None:
    result = _run(["rules"], tmp_path, plugin_site)
    assert result.returncode == 0
    warnings = sorted(line for line in result.stderr.splitlines() if line.startswith("warning:"))
    assert len(warnings) == 4, warnings
    text = "\n".join(warnings)
    assert "b_broken = rolecall_test_plugin.broken not loaded: ImportError" in text
    assert "BadId not loaded: id 'ZZ1' does not match RC + 3 digits" in text
    assert "NoDocs not loaded: docs lack a '## What it finds' section" in text
    assert "d_duplicate = rolecall_test_plugin.good:ZebraStripe:ZebraStripe not loaded" in text
    assert "id RC801 is already used by a_good" in text
    table = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("RC")]
    assert table == sorted(table) and {"RC101", "RC801", "RC803"} <= set(table)


@pytest.mark.integration
def test_a_scan_reports_with_the_plugin(plugin_site: Path, tmp_path: Path) -> None:
    write_tree(tmp_path, {"zoo.txt": "a horse\na ZEBRA and a zebra\n"})
    result = _run(["scan", "--isolated", "--format", "json"], tmp_path, plugin_site)
    assert result.returncode == 1, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert [(f["rule_id"], f["line"], f["column"], f["message"]) for f in report["findings"]] == [
        ("RC801", 2, 15, "a zebra at zoo.txt")
    ]
    load_notices = [n for n in report["notices"] if n["code"] == NoticeCode.RULE_LOAD.value]
    assert len(load_notices) == 4 and all(n["level"] == "error" for n in load_notices)
    ran = {r["id"] for r in report["rules"]}
    assert {"RC101", "RC801", "RC803"} <= ran
    explain = _run(["explain", "RC801"], tmp_path, plugin_site)
    assert explain.returncode == 0 and explain.stdout.startswith("RC801 zebra-stripe\n")


@pytest.mark.integration
def test_configuration_knows_the_plugins_rule_ids(plugin_site: Path, tmp_path: Path) -> None:
    write_tree(tmp_path, {".rolecall.toml": 'select = ["RC801"]\n', "zoo.txt": "a zebra\n"})
    result = _run(["scan", "--format", "json", "--no-cache"], tmp_path, plugin_site)
    assert result.returncode == 1, result.stderr
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["RC801"]
    (tmp_path / ".rolecall.toml").write_text('select = ["RC804"]\n')
    result = _run(["scan", "--no-cache"], tmp_path, plugin_site)
    assert result.returncode == 2
    assert result.stderr == (
        "rolecall: error: .rolecall.toml: select: unknown rule id RC804; did you mean RC801?\n"
    )


def test_without_the_plugin_it_is_absent(tmp_path: Path) -> None:
    result = _run(["rules", "--format", "json"], tmp_path, tmp_path)
    assert "RC801" not in {row["id"] for row in json.loads(result.stdout)}


# --- load-time validation, in-process ----------------------------------------------------


class _NoExamples(Rule):
    """Summary.

    ## What it finds
    x

    ## Why it is risky
    x

    ## Use instead
    x

    ## Example
    x
    """

    id = "RC805"
    name = "No_Examples"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    message = ""
    recommendation = "r"
    fixable = True


def test_validation_names_every_problem() -> None:
    problems = validate_rule(_NoExamples)
    assert problems == [
        "name 'No_Examples' is not kebab-case",
        "message is missing",
        "check() is not implemented",
        "docs lack a '## Fix safety' section",
        "no INVALID examples",
        "no VALID examples",
    ]


def test_a_wellformed_test_rule_validates() -> None:
    assert validate_rule(rule_class("RC806", "fine")) == []


@pytest.mark.parametrize(
    ("attrs", "problem"),
    [
        ({"id": "RC1234"}, "does not match RC + 3 digits"),
        ({"severity": "error"}, "severity must be a Severity"),
        ({"confidence": 3}, "confidence must be a Confidence"),
        ({"cwe": "798"}, "cwe must be an int"),
        ({"recommendation": "  "}, "recommendation is missing"),
        ({"__doc__": None}, "docstring is missing"),
        ({"__doc__": "Only a summary."}, "docs lack a '## What it finds' section"),
        ({"kinds": DocKind.YAML}, "kinds must be None or a frozenset of DocKind"),
        ({"kinds": frozenset({"yaml"})}, "kinds must be None or a frozenset of DocKind"),
        ({"keywords": "needle"}, "keywords must be a tuple of non-empty strings"),
        ({"keywords": ("needle", "")}, "keywords must be a tuple of non-empty strings"),
    ],
)
def test_each_validation(attrs: dict[str, Any], problem: str) -> None:
    cls = rule_class(str(attrs.pop("id", "RC807")), "x", **attrs)
    assert any(problem in p for p in validate_rule(cls))


def test_registry_from_objects() -> None:
    a = rule_class("RC811", "a")
    b = rule_class("RC810", "b")
    bad = rule_class("RC8", "bad")
    registry = build_registry([("seq", [a, b]), ("dup", a), ("bad", bad), ("int", 42)])
    assert [c.id for c in registry.rules] == ["RC810", "RC811"]  # sorted by id
    messages = [n.message for n in registry.notices]
    assert messages == [
        "rule dup:A not loaded: id RC811 is already used by seq:A",
        "rule bad:Bad not loaded: id 'RC8' does not match RC + 3 digits",
        "rule int not loaded: entry point gave int, not a Rule class or module",
    ]
    assert registry.get("rc810") is b and registry.origins["RC811"] == "seq"


def _refuses(self: Rule) -> None:
    raise RuntimeError("cannot start")


def test_a_rule_that_cannot_be_instantiated_is_a_notice_not_a_crash(key_id: str) -> None:
    from rolecall.engine.core import Engine, scan_text
    from rolecall.rules.aws.keys import LongTermAccessKeyId

    broken = rule_class("RC812", "refuses", __init__=_refuses)
    registry = build_registry([("aws", LongTermAccessKeyId), ("p", broken)])
    assert [n.message for n in registry.notices] == [
        "rule p:Refuses not loaded: cannot be instantiated: RuntimeError"
    ]
    result = scan_text(Engine(registry), "a.txt", key_id)
    assert [f.rule_id for f in result.findings] == ["RC101"]


def test_a_malformed_kinds_attribute_cannot_break_every_file(key_id: str) -> None:
    from rolecall.engine.core import Engine, scan_text
    from rolecall.rules.aws.keys import LongTermAccessKeyId

    odd = rule_class("RC813", "odd-kinds", kinds=DocKind.YAML)
    registry = build_registry([("aws", LongTermAccessKeyId), ("p", odd)])
    assert len(registry.notices) == 1
    result = scan_text(Engine(registry), "a.yml", f"k: {key_id}\n")
    assert [f.rule_id for f in result.findings] == ["RC101"] and result.notices == []


def test_a_package_entry_point_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package entry point loads the modules it lists (origins named after them, the
    package's distribution as their version); a malformed list is a notice."""
    from rolecall.plugin import registry as registry_module
    from rolecall.plugin.entrypoints import EntryPointInfo

    write_tree(
        tmp_path,
        {
            "rc_pkg_listing/__init__.py": 'RULE_MODULES = ("rc_pkg_listing.zebras",)\n',
            "rc_pkg_listing/zebras.py": GOOD,
            "rc_pkg_malformed/__init__.py": 'RULE_MODULES = "rc_pkg_listing.zebras"\n',
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("rc_pkg_listing", "rc_pkg_listing.zebras", "rc_pkg_malformed"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    points = [
        EntryPointInfo("listing", "rc_pkg_listing", "acme-rules", "1.2"),
        EntryPointInfo("malformed", "rc_pkg_malformed", "acme-rules", "1.2"),
    ]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: points)
    registry = build_registry(use_manifest=False)
    assert [cls.id for cls in registry.rules] == ["RC801"]
    assert registry.origins == {"RC801": "zebras = rc_pkg_listing.zebras"}
    assert registry.versions["zebras = rc_pkg_listing.zebras"] == "acme-rules 1.2"
    assert [n.message for n in registry.notices] == [
        "rule malformed = rc_pkg_malformed not loaded: TypeError: "
        "rc_pkg_malformed.RULE_MODULES is not a tuple of module names"
    ]
    # Given as a source object rather than an entry point, a package gives its modules'
    # rules too (as tests/fixture_tree.py passes the loaded entry points).
    package = sys.modules["rc_pkg_listing"]
    direct = build_registry([("listing", package)])
    assert [cls.id for cls in direct.rules] == ["RC801"] and not direct.notices
    for name in ("rc_pkg_listing", "rc_pkg_listing.zebras", "rc_pkg_malformed"):
        sys.modules.pop(name, None)
