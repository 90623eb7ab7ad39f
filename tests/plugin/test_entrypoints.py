"""Start-up: a small scan imports nothing heavy, and the entry-point reader that makes
that possible finds what importlib.metadata finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points as metadata_entry_points
from pathlib import Path

import pytest
from rolecall.plugin.entrypoints import EntryPointInfo, _section, entry_points

HEAVY = (
    "libcst",
    "yaml",
    "sarif_om",
    "pathspec",
    "concurrent.futures",
    "importlib.metadata",
    "email",
    "tomllib",
    "multiprocessing",
)


@pytest.mark.parametrize("group", ["rolecall.rules", "console_scripts"])
def test_entry_points_match_importlib_metadata(group: str) -> None:
    ours = {(e.name, e.value) for e in entry_points(group)}
    theirs = {(e.name, e.value) for e in metadata_entry_points(group=group)}
    assert ours == theirs


def test_builtin_rules_carry_their_distribution_version() -> None:
    rules = [e for e in entry_points("rolecall.rules") if e.value.startswith("rolecall.")]
    assert rules
    assert all(e.dist == "rolecall" and e.version for e in rules)


def test_entry_point_load_and_malformed_value() -> None:
    assert EntryPointInfo("x", "os.path:join", "d", "1").load() is __import__("os").path.join
    with pytest.raises(ValueError, match="malformed"):
        EntryPointInfo("x", "not a value!", "d", "1").load()


def test_section_parsing() -> None:
    text = "# comment\n[other]\na = b\n[rolecall.rules]\n; note\nfoo = pkg.mod\n bar=pkg:obj \n"
    assert _section(text, "rolecall.rules") == [("foo", "pkg.mod"), ("bar", "pkg:obj")]


def test_small_scan_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / ".env").write_text("A=1\n")
    code = (
        "import sys, json\n"
        "from rolecall.cli.main import main\n"
        "code = main(['scan', '--isolated', '-q', 'app.py', '.env'])\n"
        "heavy = [m for m in sys.modules if m.startswith(tuple(json.loads(sys.argv[1])))]\n"
        "print(json.dumps([code, heavy]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(HEAVY)],
        cwd=tmp_path,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    exit_code, heavy = json.loads(out.strip().splitlines()[-1])
    assert exit_code == 0
    assert heavy == []


def test_version_imports_neither_engine_nor_rules() -> None:
    code = (
        "import sys\n"
        "from rolecall.cli.main import main\n"
        "main(['--version'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('rolecall.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = out.strip().splitlines()[-1]
    for module in (
        "rolecall.engine.core",
        "rolecall.plugin.rule",
        "rolecall.read.document",
        "rolecall.rules",
    ):
        assert f"'{module}'" not in loaded


def test_public_names_are_never_shadowed_by_submodules() -> None:
    """The package's names load on first use; importing every submodule first (some
    share a public name, like ``rolecall.output.redact``) must not change what they are."""
    code = (
        "import importlib, pkgutil, types, rolecall\n"
        "for m in pkgutil.iter_modules(rolecall.__path__):\n"
        "    if m.name not in ('__main__',):\n"
        "        importlib.import_module('rolecall.' + m.name)\n"
        "names = [getattr(rolecall, n) for n in rolecall.__all__]\n"
        "print([n for n in names if isinstance(n, types.ModuleType)])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_executable_exits_with_the_commands_code_and_all_its_output(tmp_path: Path) -> None:
    """``python -m rolecall`` (like the ``rolecall`` script) runs with the cyclic garbage
    collector off and frozen at exit: the exit code and every line still come through."""
    from rolecall.fakes import fake_key_id, fake_secret_key

    lines = [f"AWS_ACCESS_KEY_ID_{i}={fake_key_id()}" for i in range(200)]
    (tmp_path / ".env").write_text(
        "\n".join(lines) + f"\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-m", "rolecall", "scan", "--isolated", "-q", ".env"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert run.stdout.count(".env:") >= 200
    probe = (
        "import gc, sys; sys.argv = ['rolecall', '--version']\n"
        "import rolecall.cli.main\nrolecall.cli.main.main = lambda: print(gc.isenabled()) or 0\n"
        "from rolecall.cli.console import run\nrun()\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert (out.returncode, out.stdout.strip()) == (0, "False")
