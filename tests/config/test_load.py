"""Configuration files: discovery, validation of every key, and flags overriding them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from rolecall.cli.main import build_parser, main, scan_settings
from rolecall.config.load import Config, ConfigError, find_config_file, load_config
from rolecall.model import Severity

from tests.conftest import write_tree

FULL = """
include = ["*.py", "*.env"]
exclude = ["/vendor", "build/"]
select = ["RC1", "rc2"]
ignore = ["RC105"]
fail-level = "error"
max-file-size = 1000
allowlist = ["^AKIA.*TEST$"]
respect-gitignore = false
follow-symlinks = true
report-examples = true
foreign-suppressions = false
jobs = 2

[per-file-ignores]
"tests/*" = ["RC101", "RC2"]

[severity-overrides]
RC1 = "warning"
RC101 = "note"
"""


def test_every_key_is_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {".rolecall.toml": FULL})
    config = load_config(str(tmp_path))
    assert config == Config(
        path=str(tmp_path / ".rolecall.toml"),
        root=str(tmp_path),
        include=("*.py", "*.env"),
        exclude=("/vendor", "build/"),
        select=("RC1", "RC2"),
        ignore=("RC105",),
        per_file_ignores=(("tests/*", ("RC101", "RC2")),),
        severity_overrides={"RC1": Severity.WARNING, "RC101": Severity.NOTE},
        fail_level=Severity.ERROR,
        max_file_size=1000,
        allowlist=("^AKIA.*TEST$",),
        respect_gitignore=False,
        follow_symlinks=True,
        report_examples=True,
        foreign_suppressions=False,
        jobs=2,
    )


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n[tool.rolecall]\njobs = 3\n'})
    config = load_config(str(tmp_path))
    assert config.jobs == 3 and config.path == str(tmp_path / "pyproject.toml")


def test_discovery_walks_up_from_the_scan_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"proj/.rolecall.toml": "jobs = 1\n", "proj/src/deep/a.py": ""})
    assert find_config_file(str(tmp_path / "proj" / "src" / "deep")) == str(
        tmp_path / "proj" / ".rolecall.toml"
    )
    # A file (pre-commit passes files) starts from its directory.
    config = load_config(str(tmp_path / "proj" / "src" / "deep" / "a.py"))
    assert config.jobs == 1 and config.root == str(tmp_path / "proj")


def test_rolecall_toml_wins_over_pyproject_in_one_directory(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {".rolecall.toml": "jobs = 1\n", "pyproject.toml": "[tool.rolecall]\njobs = 2\n"},
    )
    assert load_config(str(tmp_path)).jobs == 1


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.rolecall]\njobs = 4\n",
            "sub/pyproject.toml": '[project]\nname = "sub"\n[tool.ruff]\nline-length = 1\n',
        },
    )
    assert find_config_file(str(tmp_path / "sub")) == str(tmp_path / "pyproject.toml")


def test_nearest_file_wins(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {".rolecall.toml": "jobs = 1\n", "sub/pyproject.toml": "[tool.rolecall]\njobs = 2\n"},
    )
    assert load_config(str(tmp_path / "sub")).jobs == 2


def test_no_file_gives_defaults_rooted_at_the_scan_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/b.txt": ""})
    if find_config_file(str(tmp_path)) is not None:
        pytest.skip("a configuration file above the temporary directory")
    assert load_config(str(tmp_path / "a")) == Config(root=str(tmp_path / "a"))


# (key, TOML value, words the one-line error must contain besides the key)
BAD_VALUES: list[tuple[str, str, str]] = [
    ("include", '"*.py"', "list of strings"),
    ("exclude", "[1]", "list of strings"),
    ("select", '["RC1X"]', "not a rule id or prefix"),
    ("select", '["S101"]', "not a rule id or prefix"),
    ("ignore", '"RC1"', "list of strings"),
    ("per-file-ignores", '["x"]', "expected a table"),
    ("per-file-ignores", '{"*.md" = "RC1"}', "list of strings"),
    ("per-file-ignores", '{"*.md" = ["nope"]}', "not a rule id"),
    ("severity-overrides", '{RC101 = "fatal"}', "unknown severity"),
    ("severity-overrides", '{XX = "note"}', "not a rule id"),
    ("severity-overrides", "{RC101 = 1}", "expected one of"),
    ("fail-level", '"fatal"', "unknown severity"),
    ("fail-level", "2", "expected one of"),
    ("max-file-size", "0", "at least 1"),
    ("max-file-size", '"5MB"', "whole number"),
    ("max-file-size", "true", "whole number"),
    ("allowlist", '["("]', "bad regular expression"),
    ("respect-gitignore", '"yes"', "true or false"),
    ("follow-symlinks", "1", "true or false"),
    ("report-examples", '"true"', "true or false"),
    ("foreign-suppressions", "0", "true or false"),
    ("jobs", "-1", "at least 0"),
    ("jobs", "1.5", "whole number"),
    ("exclude-dirs", '["x"]', 'unknown key; did you mean "exclude"?'),
]


def _where(message: str, file: Path, table: str, key: str) -> bool:
    """Whether ``message`` starts with ``file: [table] key: `` (the key's own table) or
    ``file: [table.key] `` (a key inside it)."""
    head = f"{file}: [{table}] " if table else f"{file}: "
    nested = f"{file}: [{table + '.' if table else ''}{key}] "
    return message.startswith(f"{head}{key}: ") or message.startswith(nested)


@pytest.mark.parametrize(("key", "value", "words"), BAD_VALUES)
def test_bad_values_name_the_key_in_rolecall_toml(
    tmp_path: Path, key: str, value: str, words: str
) -> None:
    write_tree(tmp_path, {".rolecall.toml": f"{key} = {value}\n"})
    with pytest.raises(ConfigError) as info:
        load_config(str(tmp_path))
    message = str(info.value)
    assert _where(message, tmp_path / ".rolecall.toml", "", key), message
    assert words in message and "\n" not in message


@pytest.mark.parametrize(("key", "value", "words"), BAD_VALUES)
def test_bad_values_name_the_key_in_pyproject(
    tmp_path: Path, key: str, value: str, words: str
) -> None:
    write_tree(tmp_path, {"pyproject.toml": f"[tool.rolecall]\n{key} = {value}\n"})
    with pytest.raises(ConfigError) as info:
        load_config(str(tmp_path))
    message = str(info.value)
    assert _where(message, tmp_path / "pyproject.toml", "tool.rolecall", key), message
    assert words in message and "\n" not in message


@pytest.mark.parametrize(
    "text", ["jobs = \n", "[tool.rolecall\n", "jobs = 1\njobs = 2\n"], ids=["value", "table", "dup"]
)
def test_invalid_toml(tmp_path: Path, text: str) -> None:
    write_tree(tmp_path, {".rolecall.toml": text})
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(str(tmp_path))


def test_rolecall_table_that_is_not_a_table(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[tool]\nrolecall = "on"\n'})
    with pytest.raises(ConfigError) as info:
        load_config(str(tmp_path))
    assert (
        str(info.value)
        == f"{tmp_path / 'pyproject.toml'}: [tool] rolecall: expected a table, got a string"
    )


def test_explicit_config_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {".rolecall.toml": "jobs = 1\n", "other/custom.toml": "jobs = 5\n"})
    assert load_config(str(tmp_path), str(tmp_path / "other" / "custom.toml")).jobs == 5
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path), str(tmp_path / "missing.toml"))


def test_bad_config_is_exit_2_with_the_key_on_stderr(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {".rolecall.toml": 'fail-level = "fatal"\n', "a.txt": ""})
    assert main(["scan", "."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rolecall: error: .rolecall.toml: fail-level: unknown severity")
    assert err.count("\n") == 1


# --- flags override the file ---------------------------------------------------------


def settings(root: Path, *argv: str) -> tuple[Config, Any, Any, int]:
    args = build_parser().parse_args(["scan", *argv, str(root)])
    return scan_settings(args)


def test_flags_override_the_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {".rolecall.toml": FULL})
    config, walk, engine, jobs = settings(tmp_path)
    assert (config.fail_level, walk.max_file_size, jobs) == (Severity.ERROR, 1000, 2)
    assert engine.selection.select == ("RC1", "RC2") and walk.use_gitignore is False
    config, walk, engine, jobs = settings(
        tmp_path,
        "--select",
        "RC3,RC101",
        "--ignore",
        "RC1",
        "--fail-level",
        "note",
        "--max-file-size",
        "50",
        "--jobs",
        "1",
        "--exclude",
        "*.md",
    )
    assert engine.selection.select == ("RC3", "RC101")
    assert engine.selection.ignore == ("RC105", "RC1")
    assert config.fail_level is Severity.NOTE
    assert walk.max_file_size == 50 and jobs == 1
    assert walk.exclude == ("/vendor", "build/", "*.md")
    assert walk.exclude_root == str(tmp_path)


def test_isolated_ignores_the_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {".rolecall.toml": FULL})
    config, walk, engine, jobs = settings(tmp_path, "--isolated")
    assert config.path is None and jobs == 0 and walk.use_gitignore is True
    assert engine.selection.select == () and walk.exclude == ()


def test_config_flag_chooses_the_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {".rolecall.toml": FULL, "alt.toml": "jobs = 7\n"})
    _, _, _, jobs = settings(tmp_path, "--config", str(tmp_path / "alt.toml"))
    assert jobs == 7


def test_boolean_flags_switch_on(tmp_path: Path) -> None:
    _, walk, engine, _ = settings(
        tmp_path,
        "--isolated",
        "--no-gitignore",
        "--follow-symlinks",
        "--report-examples",
        "--report-unused-suppressions",
    )
    assert walk.use_gitignore is False and walk.follow_symlinks is True
    assert engine.report_examples is True and engine.report_unused_suppressions is True


def test_relative_scan_root(in_tmp: Path) -> None:
    write_tree(in_tmp, {"proj/.rolecall.toml": "jobs = 3\n"})
    os.chdir(in_tmp / "proj")
    _, _, _, jobs = scan_settings(build_parser().parse_args(["scan"]))
    assert jobs == 3


def test_isolated_anchors_excludes_like_a_scan_without_config(in_tmp: Path) -> None:
    write_tree(in_tmp, {"sub/gen/a.py": "", "gen/b.py": ""})
    if find_config_file(str(in_tmp)) is not None:
        pytest.skip("a configuration file above the temporary directory")
    for extra in ([], ["--isolated"]):
        args = build_parser().parse_args(["scan", *extra, "--exclude", "/gen", "sub"])
        _, walk, _, _ = scan_settings(args)
        assert walk.exclude_root == str(in_tmp / "sub"), extra
