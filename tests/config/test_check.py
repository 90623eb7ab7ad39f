"""A configuration mistake is one line on stderr naming the file, the table and the key,
with the closest valid name when there is one, and exit code 2 (issue 16 #8).

Every case writes a real configuration file and runs the command line on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rolecall.cli.main import main
from rolecall.config.load import KEYS, SARIF_KEYS, config_from_mapping
from rolecall.fakes import fake_secret_key

from tests.conftest import REPO, write_tree

P = "pyproject.toml: [tool.rolecall]"
R = ".rolecall.toml:"

# (file, its text, the whole line on stderr after "rolecall: error: ")
CASES: list[tuple[str, str, str]] = [
    # unknown keys, at the top and in nested tables, with and without a close name
    (
        "pyproject.toml",
        "[tool.rolecall]\nignroe = []\n",
        f'{P} ignroe: unknown key; did you mean "ignore"?',
    ),
    ("pyproject.toml", "[tool.rolecall]\nbogus = 1\n", f"{P} bogus: unknown key"),
    (
        ".rolecall.toml",
        'fail_level = "error"\n',
        f'{R} fail_level: unknown key; did you mean "fail-level"?',
    ),
    (
        "pyproject.toml",
        '[tool.rolecall.per-file-ignore]\n"x" = ["RC1"]\n',
        f'{P} per-file-ignore: unknown key; did you mean "per-file-ignores"?',
    ),
    (
        "pyproject.toml",
        '[tool.rolecall.sarif]\ninformation-url = "https://example.org"\n',
        "pyproject.toml: [tool.rolecall.sarif] information-url: unknown key; "
        'did you mean "information-uri"?',
    ),
    (
        ".rolecall.toml",
        "[tool.rolecall]\njobs = 1\n",
        f"{R} tool: unknown key; a .rolecall.toml holds the keys at its top level, "
        "without [tool.rolecall]",
    ),
    # a key that needs quoting is quoted, and a control character in it is escaped
    (".rolecall.toml", '"a\\nb" = 1\n', f'{R} "a\\nb": unknown key'),
    # wrong types say what was found
    (".rolecall.toml", "exclude = 3\n", f"{R} exclude: expected a list of strings, got an integer"),
    (
        ".rolecall.toml",
        'exclude = ["a", 1.5]\n',
        f"{R} exclude: expected a list of strings, got a float in the list",
    ),
    (".rolecall.toml", "cache = 1\n", f"{R} cache: expected true or false, got an integer"),
    (
        ".rolecall.toml",
        "jobs = true\n",
        f"{R} jobs: expected a whole number of at least 0, got a boolean",
    ),
    (
        ".rolecall.toml",
        "baseline = 2024-01-01\n",
        f"{R} baseline: expected a file path (relative to the configuration file), got a date",
    ),
    (
        ".rolecall.toml",
        "per-file-ignores = []\n",
        f"{R} per-file-ignores: expected a table, got a list",
    ),
    (
        ".rolecall.toml",
        '[per-file-ignores]\n"tests/*.json" = "RC101"\n',
        '.rolecall.toml: [per-file-ignores] "tests/*.json": expected a list of strings, '
        "got a string",
    ),
    (
        "pyproject.toml",
        "[tool]\nrolecall = 1\n",
        "pyproject.toml: [tool] rolecall: expected a table, got an integer",
    ),
    # values: severities and rule codes, with the closest valid one
    (
        ".rolecall.toml",
        'fail-level = "warn"\n',
        f"{R} fail-level: unknown severity 'warn' (expected one of: note, warning, error); "
        'did you mean "warning"?',
    ),
    (
        ".rolecall.toml",
        'select = ["RC401"]\n',
        f"{R} select: unknown rule id RC401; did you mean RC101?",
    ),
    (
        ".rolecall.toml",
        'ignore = ["RC4"]\n',
        f"{R} ignore: unknown rule prefix RC4: no rule id starts with it",
    ),
    (
        ".rolecall.toml",
        'ignore = ["RC1011"]\n',
        f"{R} ignore: 'RC1011' is not a rule id or prefix (e.g. RC101, RC1); did you mean RC101?",
    ),
    (
        ".rolecall.toml",
        'select = ["RC1O1"]\n',
        f"{R} select: 'RC1O1' is not a rule id or prefix (e.g. RC101, RC1); did you mean RC101?",
    ),
    (
        ".rolecall.toml",
        'ignore = ["RC905"]\n',
        f"{R} ignore: RC905 is a notice code, not a rule: notices (RC9xx) cannot be selected, "
        "ignored or given a severity",
    ),
    (
        "pyproject.toml",
        '[tool.rolecall.per-file-ignores]\n"docs/**" = ["RC1", "RC3O"]\n',
        'pyproject.toml: [tool.rolecall.per-file-ignores] "docs/**": '
        "'RC3O' is not a rule id or prefix (e.g. RC101, RC1); did you mean RC30?",
    ),
    (
        "pyproject.toml",
        '[tool.rolecall.severity-overrides]\nRC108 = "error"\n',
        "pyproject.toml: [tool.rolecall.severity-overrides] RC108: unknown rule id RC108; "
        "did you mean RC101?",
    ),
    (
        "pyproject.toml",
        "[tool.rolecall.severity-overrides]\nRC101 = 3\n",
        "pyproject.toml: [tool.rolecall.severity-overrides] RC101: expected one of note, "
        "warning, error, got an integer",
    ),
    (
        "pyproject.toml",
        '[tool.rolecall.sarif]\ninformation-uri = "example.org/rolecall"\n',
        "pyproject.toml: [tool.rolecall.sarif] information-uri: expected an absolute http(s) "
        "URL, got 'example.org/rolecall'",
    ),
    # TOML the parser rejects: the position it gives
    (".rolecall.toml", "jobs = 1\njobs = \n", f"{R} line 2, column 8: invalid TOML: invalid value"),
    (
        "pyproject.toml",
        "[tool.rolecall]\njobs = 1\njobs = 2\n",
        "pyproject.toml: line 3, column 9: invalid TOML: cannot overwrite a value",
    ),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    write_tree(tmp_path, {"app.py": "x = 1\n"})
    return tmp_path


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(["scan", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n"), captured.err
    assert captured.err.startswith("rolecall: error: "), captured.err
    return captured.err.removeprefix("rolecall: error: ").removesuffix("\n")


@pytest.mark.parametrize(("name", "text", "line"), CASES, ids=[c[2][:60] for c in CASES])
def test_each_mistake_is_one_line_naming_file_table_and_key(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: str
) -> None:
    (project / name).write_text(text, encoding="utf-8")
    assert _error(capsys, "app.py") == line


def test_a_nested_configuration_is_named_by_its_path(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        project, {"svc/api/pyproject.toml": "[tool.rolecall]\nexlude = []\n", "svc/api/a.py": ""}
    )
    assert _error(capsys, ".") == (
        'svc/api/pyproject.toml: [tool.rolecall] exlude: unknown key; did you mean "exclude"?'
    )


def test_a_file_outside_the_working_directory_is_named_in_full(
    project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path_factory.mktemp("elsewhere") / "team.toml"
    other.write_text("jobs = -2\n")
    assert _error(capsys, "--config", str(other), "app.py") == (
        f"{other}: jobs: expected a whole number of at least 0, got -2"
    )


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--select", "RC1,RC4"], "--select: unknown rule prefix RC4: no rule id starts with it"),
        (
            ["--ignore", "RC1011"],
            "--ignore: 'RC1011' is not a rule id or prefix (e.g. RC101, RC1); did you mean RC101?",
        ),
        (
            ["--format", "xml"],
            "argument --format: invalid choice: 'xml' (choose from 'github', 'json', 'sarif', "
            "'text') (see `rolecall scan --help`)",
        ),
        (
            ["--fail-level", "bad"],
            "argument --fail-level: invalid choice: 'bad' (choose from 'note', 'warning', "
            "'error') (see `rolecall scan --help`)",
        ),
        (["--config", "missing.toml"], "missing.toml: configuration file not found"),
    ],
)
def test_command_line_mistakes_are_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    assert _error(capsys, *argv, "app.py") == line


def test_every_valid_id_and_prefix_is_accepted(project: Path) -> None:
    from rolecall.plugin.registry import default_registry

    ids = [spec.id for spec in default_registry().specs()]
    prefixes = sorted({i[:n] for i in ids for n in (2, 3, 4, 5)} | {"ALL", "rc101"})
    config = config_from_mapping(
        {"select": prefixes, "severity-overrides": {i: "note" for i in ids}},
        path=str(project / ".rolecall.toml"),
        root=str(project),
    )
    assert config.select == tuple(p.upper() for p in prefixes)


def test_every_key_is_documented() -> None:
    docs = (REPO / "docs" / "configuration.md").read_text()
    assert len(KEYS) > 10 and SARIF_KEYS  # the real tables, not empty imports
    for key in KEYS:
        assert f"| `{key}` |" in docs or f"| `{key}." in docs, key
    for key in SARIF_KEYS:
        assert f"| `sarif.{key}` |" in docs, key


def test_a_valid_configuration_is_checked_without_loading_the_rules(project: Path) -> None:
    """Known ids come from the rules' manifest: checking a valid configuration imports
    no rule module and not the registry (a pre-commit run pays nothing for it)."""
    write_tree(
        project,
        {
            ".rolecall.toml": 'select = ["RC1", "RC201"]\nignore = ["RC105"]\n'
            '[severity-overrides]\nRC3 = "warning"\n[per-file-ignores]\n"*.md" = ["RC10"]\n'
        },
    )
    code = (
        "import sys, json\n"
        "from rolecall.config.load import load_config\n"
        "config = load_config('.')\n"
        "names = ('rolecall.plugin.registry', 'rolecall.rules')\n"
        "loaded = [m for m in sys.modules if m.startswith(names)]\n"
        "print(json.dumps([list(config.select), loaded]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env={**os.environ, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    select, loaded = json.loads(out)
    assert select == ["RC1", "RC201"]
    # The manifest's folder is found without importing rolecall.rules or a rule module.
    assert loaded == []


def test_a_refused_value_that_could_be_a_secret_is_redacted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A secret pasted into the wrong setting is quoted by the error only redacted."""
    secret = fake_secret_key()
    write_tree(project, {".rolecall.toml": f'[sarif]\ninformation-uri = "{secret}"\n'})
    message = _error(capsys)
    assert secret not in message and f"{secret[:4]}…(40 chars)" in message
    write_tree(project, {".rolecall.toml": f'allowlist = ["({secret}"]\n'})
    message = _error(capsys)
    assert "bad regular expression" in message and secret not in message
