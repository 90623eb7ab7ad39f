"""A ``pyproject.toml`` that is not rolecall's to read is passed over with a notice.

Repositories hold all sorts of ``pyproject.toml`` files (a test fixture, a template, a
broken one being edited). Only an invalid ``[tool.rolecall]`` is a configuration error
(exit 2); anything else at or above the scan path never stops the scan (it used to end
it with exit 3, an internal TypeError or AttributeError, or with exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rolecall.cli.main import main

from tests.conftest import write_tree

_KEY = "AKIA" + "Q3ZR7HVTX2M4WYLB"


@pytest.mark.parametrize(
    ("pyproject", "reason"),
    [
        ("tool = 1\n", "`tool` is not a table"),
        ('tool = "rolecall"\n', "`tool` is not a table"),
        ("[project\nname = 'x'\n", "invalid TOML"),
        ("[project]\nname = 'x'\nname = 'y'\n", "invalid TOML"),
        ("[project]\ndependencies = ['rolecall']\n[tool.black\n", "invalid TOML"),
    ],
    ids=["tool-int", "tool-string", "broken", "duplicate", "mentions-rolecall"],
)
@pytest.mark.parametrize("where", ["root", "above"])
def test_foreign_pyproject_is_passed_over_with_a_notice(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pyproject: str,
    reason: str,
    where: str,
) -> None:
    write_tree(tmp_path, {"pyproject.toml": pyproject, "app/.env": f"KEY_ID={_KEY}\n"})
    scan_path = "app" if where == "above" else "."
    monkeypatch.chdir(tmp_path)
    code = main(["scan", "--no-cache", "--format", "json", scan_path])
    out = capsys.readouterr()
    assert code == 1, out.err
    report = json.loads(out.out)
    assert [f["path"] for f in report["findings"]] == ["app/.env"]
    (notice,) = [n for n in report["notices"] if n["path"] == "pyproject.toml"]
    assert notice["code"] == "RC905" and reason in notice["message"]


def test_invalid_rolecall_table_is_still_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.rolecall]\nexclude = [\n", "a.txt": "x\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--no-cache", "."]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml: invalid TOML" in err and err.count("\n") == 1


def test_pyproject_without_a_rolecall_table_gives_no_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 100\n", "a.txt": "x"})
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--no-cache", "--format", "json", "."]) == 0
    assert json.loads(capsys.readouterr().out)["notices"] == []
