"""The built-in rules' manifest: equal to the rules themselves, ignored when stale, and
what lets a small scan import only the rule modules it needs (tests/tools/test_generate.py
keeps the committed one current)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.plugin import manifest
from rolecall.plugin.manifest import RuleSpec, build_manifest
from rolecall.plugin.registry import build_registry
from rolecall.walk.walker import WalkOptions

REPO = Path(__file__).resolve().parents[2]


def _built() -> dict[str, Any]:
    """The manifest of the installed rules, as scripts/generate.py writes it."""
    registry = build_registry(use_manifest=False)
    return build_manifest(registry.rules, registry.notices)


def test_lazy_specs_equal_the_rules_they_stand_for() -> None:
    lazy = build_registry()
    eager = build_registry(use_manifest=False)
    assert lazy.lazy, "the installed manifest was not used"
    assert lazy.specs() == eager.specs()
    assert lazy.origins == eager.origins
    # Loading them all gives the same classes, and nothing is left lazy.
    assert [c.id for c in lazy.rules] == [c.id for c in eager.rules]
    assert not lazy.lazy
    assert [RuleSpec.of(c) for c in lazy.rules] == eager.specs()


def test_a_stale_manifest_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest, "source_digest", lambda folder: "0" * 64)
    assert manifest.load_manifest() is None
    registry = build_registry()
    assert not registry.lazy
    assert len(registry.loaded) == len(build_registry(use_manifest=False).rules)


def test_scans_are_the_same_with_and_without_it(tmp_path: Path) -> None:
    corpus = REPO / "corpus"
    request = ScanRequest(
        paths=(str(corpus),),
        base=str(corpus),
        walk=WalkOptions(use_gitignore=False),
        engine=EngineOptions(selection=RuleSelection(enable=("RC199",))),
        jobs=1,
    )
    lazy = run_scan(request, registry=build_registry())
    eager = run_scan(request, registry=build_registry(use_manifest=False))
    assert len(lazy.findings) > 40  # the corpus holds templates; these are its literal ones
    assert lazy.findings == eager.findings
    assert lazy.notices == eager.notices
    assert [r.id for r in lazy.rules] == [r.id for r in eager.rules]


def test_engine_rules_load_on_first_use() -> None:
    engine = Engine(build_registry())
    assert all(rule is None for rule in engine._instances)
    assert len(engine.rules) == len(engine.specs)  # asking for all loads all
    assert all(rule is not None for rule in engine._instances)


SCRIPT = """
import io, json, sys
from contextlib import redirect_stdout
from rolecall.cli.main import main
with redirect_stdout(io.StringIO()):
    code = main(["scan", "--isolated", "--no-cache", "-q", ".env"])
print(json.dumps([code, sorted(m for m in sys.modules if m.startswith("rolecall.rules."))]))
"""


def test_a_small_scan_imports_only_the_rule_modules_it_needs(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={fake_key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code, loaded = json.loads(out)
    assert code == 1
    assert "rolecall.rules.config.keys" in loaded  # RC301 reports the pair
    for unrelated in ("rolecall.rules.tokens.chat", "rolecall.rules.python.boto3_clients"):
        assert unrelated not in loaded
    assert len(loaded) < len(_built()["modules"])


def test_rule_metadata_comes_from_the_manifest_without_importing_rules() -> None:
    lazy = build_registry()
    eager = build_registry(use_manifest=False)
    waiting = dict(lazy.lazy)
    assert lazy.infos() == eager.infos()  # every field, origins included, in id order
    assert lazy.lazy == waiting  # nothing was imported to describe them
    assert [i.id for i in lazy.infos()] == sorted(c.id for c in eager.rules)


def test_rule_metadata_of_a_loaded_rule_comes_from_its_class() -> None:
    registry = build_registry()
    spec = registry.lazy["RC101"]
    registry.load(spec)
    assert "RC101" not in registry.lazy
    assert registry.infos() == build_registry(use_manifest=False).infos()


def test_a_manifest_entry_without_metadata_imports_its_rule() -> None:
    registry = build_registry()
    spec = registry.lazy["RC301"]
    registry.lazy["RC301"] = RuleSpec(**{**vars(spec), "info": None})
    assert registry.infos() == build_registry(use_manifest=False).infos()
    assert not registry.lazy  # described by the classes, all imported


JSON_SCRIPT = """
import io, json, sys
from contextlib import redirect_stdout
from rolecall.cli.main import main
out = io.StringIO()
with redirect_stdout(out):
    code = main(["scan", "--isolated", "--no-cache", "--format", "{fmt}", ".env"])
loaded = sorted(m for m in sys.modules if m.startswith("rolecall.rules."))
print(json.dumps([code, loaded, out.getvalue()]))
"""


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_json_or_sarif_report_lists_every_rule_without_importing_them(
    tmp_path: Path, fmt: str
) -> None:
    (tmp_path / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={fake_key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", JSON_SCRIPT.replace("{fmt}", fmt)],
        cwd=tmp_path,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code, loaded, report = json.loads(out)
    assert code == 1
    assert "rolecall.rules.tokens.chat" not in loaded
    assert len(loaded) < len(_built()["modules"])
    document = json.loads(report)
    if fmt == "json":
        listed = [r["id"] for r in document["rules"]]
    else:
        listed = [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]]
    enabled = [c.id for c in build_registry(use_manifest=False).rules if c.default_enabled]
    assert listed == sorted(enabled)
    assert "RC140" in listed  # tokens_chat's Slack token rule: described, not imported
