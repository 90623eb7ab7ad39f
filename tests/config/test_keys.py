"""Team settings: every [tool.rolecall] key validated, path-scoped ignores, reasons."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rolecall.cli.main import main
from rolecall.config.load import ConfigError, config_from_mapping
from rolecall.fakes import fake_key_id
from rolecall.model import Severity

from tests.conftest import REPO

RNG = random.Random(99)


def key() -> str:
    return fake_key_id(rng=RNG)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["scan", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out else {})


BAD = [
    ("include = 'src'", "[tool.rolecall] include: expected a list of strings, got a string"),
    (
        "exclude = [1]",
        "[tool.rolecall] exclude: expected a list of strings, got an integer in the list",
    ),
    (
        "select = ['XY1']",
        "[tool.rolecall] select: 'XY1' is not a rule id or prefix (e.g. RC101, RC1)",
    ),
    ("ignore = 'RC101'", "[tool.rolecall] ignore: expected a list of strings, got a string"),
    (
        "fail-level = 'fatal'",
        "[tool.rolecall] fail-level: unknown severity 'fatal' "
        "(expected one of: note, warning, error)",
    ),
    (
        "max-file-size = 0",
        "[tool.rolecall] max-file-size: expected a whole number of at least 1, got 0",
    ),
    (
        "max-file-size = true",
        "[tool.rolecall] max-file-size: expected a whole number of at least 1, got a boolean",
    ),
    ("allowlist = ['(']", "[tool.rolecall] allowlist: bad regular expression '('"),
    (
        "respect-gitignore = 'no'",
        "[tool.rolecall] respect-gitignore: expected true or false, got a string",
    ),
    (
        "follow-symlinks = 1",
        "[tool.rolecall] follow-symlinks: expected true or false, got an integer",
    ),
    (
        "report-examples = 'yes'",
        "[tool.rolecall] report-examples: expected true or false, got a string",
    ),
    (
        "foreign-suppressions = 0",
        "[tool.rolecall] foreign-suppressions: expected true or false, got an integer",
    ),
    ("jobs = -1", "[tool.rolecall] jobs: expected a whole number of at least 0, got -1"),
    ("baseline = 3", "[tool.rolecall] baseline: expected a file path"),
    ("baseline = ''", "[tool.rolecall] baseline: expected a file path"),
    ("report-stale = 'true'", "[tool.rolecall] report-stale: expected true or false"),
    (
        "report-unused-suppressions = 1",
        "[tool.rolecall] report-unused-suppressions: expected true or false, got an integer",
    ),
    ("cache = 'no'", "[tool.rolecall] cache: expected true or false, got a string"),
    (
        "per-file-ignores = ['x']",
        "[tool.rolecall] per-file-ignores: expected a table, got a list",
    ),
    (
        "[tool.rolecall.per-file-ignores]\n'a.json' = 'RC101'",
        '[tool.rolecall.per-file-ignores] "a.json": expected a list of strings, got a string',
    ),
    (
        "[tool.rolecall.per-file-ignores]\n'' = ['RC101']",
        '[tool.rolecall.per-file-ignores] "": an empty glob matches nothing',
    ),
    (
        "[tool.rolecall.severity-overrides]\nRC101 = 'loud'",
        "[tool.rolecall.severity-overrides] RC101: unknown severity 'loud'",
    ),
    (
        "[tool.rolecall.severity-overrides]\nXX = 'note'",
        "[tool.rolecall.severity-overrides] XX: 'XX' is not a rule id or prefix",
    ),
    ("colour = 'red'", "[tool.rolecall] colour: unknown key"),
]


@pytest.mark.parametrize(("toml", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_every_key_is_validated_with_a_one_line_error(
    repo: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str
) -> None:
    body = toml if toml.startswith("[") else f"[tool.rolecall]\n{toml}"
    (repo / "pyproject.toml").write_text(f"{body}\n")
    (repo / "a.py").write_text("x = 1\n")
    assert main(["scan", "a.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rolecall: error: pyproject.toml: {message}"), err
    assert err.count("\n") == 1


def test_rolecall_toml_keys_have_no_prefix() -> None:
    with pytest.raises(ConfigError, match=r"^\.rolecall\.toml: fail-level: unknown severity"):
        config_from_mapping({"fail-level": "x"}, path=".rolecall.toml", root=".")


def test_full_example_from_the_docs_loads(repo: Path) -> None:
    doc = REPO / "docs" / "configuration.md"
    text = doc.read_text()
    start = text.index("```toml\n") + len("```toml\n")
    example = text[start : text.index("```", start)]
    (repo / "pyproject.toml").write_text(example)
    from rolecall.config.load import load_config

    config = load_config(str(repo))
    assert config.baseline == ".rolecall-baseline.json"
    assert config.fail_level is Severity.WARNING
    assert config.per_file_ignores and config.severity_overrides and config.allowlist


def test_per_file_ignores_silence_a_json_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # JSON has no comments, so a path-scoped entry is the way to accept a fixture.
    (repo / "tests" / "fixtures").mkdir(parents=True)
    (repo / "tests" / "fixtures" / "creds.json").write_text(f'{{"id": "{key()}"}}\n')
    (repo / "app.json").write_text(f'{{"id": "{key()}"}}\n')
    (repo / "pyproject.toml").write_text(
        '[tool.rolecall.per-file-ignores]\n"tests/fixtures/*.json" = ["RC101"]\n'
    )
    code, doc = scan(capsys)
    assert code == 1
    assert [f["path"] for f in doc["findings"]] == ["app.json"]
    # The same globs hold when rolecall runs from a subdirectory (relative to the config).
    import os

    os.chdir(repo / "tests")
    code, doc = scan(capsys, ".")
    assert (code, doc["findings"]) == (0, [])


def test_inline_reason_reaches_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a.py").write_text(
        f'k = "{key()}"  # rolecall: ignore[RC101] -- revoked key kept for a parser test\n'
        f'j = "{key()}"  # pragma: allowlist secret\n'
        f'm = "{key()}"  # gitleaks:allow\n'
    )
    code, doc = scan(capsys, "--isolated")
    assert code == 0
    reasons = [f["suppression_reason"] for f in doc["suppressed"]]
    assert reasons == [
        "revoked key kept for a parser test",
        "suppressed by a detect-secrets comment",
        "suppressed by a gitleaks comment",
    ]


def test_foreign_suppressions_can_be_switched_off(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".rolecall.toml").write_text("foreign-suppressions = false\n")
    (repo / "a.py").write_text(f'j = "{key()}"  # pragma: allowlist secret\n')
    code, doc = scan(capsys)
    assert code == 1 and len(doc["findings"]) == 1


def test_fail_level_severity_overrides_and_allowlist_from_config(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test_id = "AKIA" + "TESTONLY" + "00000001"
    (repo / "a.py").write_text(f'k = "{key()}"\nt = "{test_id}"\n')
    (repo / "pyproject.toml").write_text(
        "[tool.rolecall]\n"
        "fail-level = 'error'\n"
        "allowlist = ['^AKIATESTONLY[0-9]{8}$']\n"
        "[tool.rolecall.severity-overrides]\nRC101 = 'warning'\n"
    )
    code, doc = scan(capsys)
    assert code == 0  # the warning is below the configured fail level
    assert [(f["line"], f["severity"]) for f in doc["findings"]] == [(1, "warning")]
    code, _ = scan(capsys, "--fail-level", "warning")  # the flag wins
    assert code == 1


def test_report_unused_suppressions_from_config(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".rolecall.toml").write_text("report-unused-suppressions = true\n")
    (repo / "a.py").write_text("x = 1  # rolecall: ignore[RC101] -- nothing here\n")
    _, doc = scan(capsys)
    assert [n["code"] for n in doc["notices"]] == ["RC909"]


def test_max_file_size_and_exclude_from_config(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".rolecall.toml").write_text("max-file-size = 64\nexclude = ['vendor/']\n")
    (repo / "vendor").mkdir()
    (repo / "vendor" / "lib.py").write_text(f'k = "{key()}"\n')
    (repo / "big.py").write_text("# padding\n" * 10 + f'k = "{key()}"\n')
    code, doc = scan(capsys)
    assert code == 0 and doc["findings"] == []
    assert [n["code"] for n in doc["notices"]] == ["RC903"]
