"""Each way a command can end, its exit code and the one line it prints: the mapping in
``rolecall.errors`` on its own, and the real command line on real files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rolecall
import rolecall.cli.request
from rolecall import errors
from rolecall.cli.main import main
from rolecall.errors import (
    ConfigError,
    PathNotFound,
    ShardError,
    UsageError,
    UserError,
    error_line,
    exit_code,
)
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.suppress.baseline import BaselineError

#: (exception, exit code, the line the command line prints for it or None).
WAYS_OUT: list[tuple[BaseException, int, str | None]] = [
    (ConfigError("a.toml: bogus: unknown key"), 2, "rolecall: error: a.toml: bogus: unknown key"),
    (UsageError("--jobs: expected 0"), 2, "rolecall: error: --jobs: expected 0"),
    (BaselineError("b.json: baseline not found"), 2, "rolecall: error: b.json: baseline not found"),
    (PathNotFound("gone/x.py"), 2, "rolecall: error: gone/x.py: no such file or directory"),
    (ShardError("expected K/N"), 2, "rolecall: error: expected K/N"),
    (SystemExit(0), 0, None),  # --help, --version
    (SystemExit(2), 2, None),  # argparse printed its usage error itself
    (SystemExit("text"), 2, None),
    (KeyboardInterrupt(), 130, "rolecall: interrupted"),
    (BrokenPipeError(), 0, None),  # `rolecall scan | head`
    (RuntimeError("may quote scanned text"), 3, None),  # described with its place
    (ValueError("not a ShardError"), 3, None),
]


@pytest.mark.parametrize(
    ("exc", "code", "line"), WAYS_OUT, ids=[f"{type(w[0]).__name__}-{w[1]}" for w in WAYS_OUT]
)
def test_each_way_out_has_one_code_and_line(
    exc: BaseException, code: int, line: str | None
) -> None:
    assert exit_code(exc) == code
    assert error_line(exc) == line


def test_the_codes_are_the_documented_ones() -> None:
    codes = (errors.EXIT_OK, errors.EXIT_FINDINGS, errors.EXIT_USAGE, errors.EXIT_INTERNAL)
    assert codes == (0, 1, 2, 3)
    assert errors.EXIT_INTERRUPTED == 130


def test_the_public_error_names_are_one_type_and_catch_as_before() -> None:
    assert rolecall.ConfigError is ConfigError
    assert rolecall.UsageError is UsageError
    assert rolecall.PathNotFound is PathNotFound
    from rolecall.config.load import ConfigError as from_config
    from rolecall.walk.shard import ShardError as from_shard
    from rolecall.walk.walker import PathNotFound as from_walker

    assert (from_config, from_shard, from_walker) == (ConfigError, ShardError, PathNotFound)
    for cls in (ConfigError, UsageError, PathNotFound, ShardError, BaselineError):
        assert issubclass(cls, UserError)
    assert issubclass(UsageError, ConfigError)
    assert issubclass(BaselineError, ConfigError)
    assert issubclass(ShardError, ValueError)
    assert not issubclass(PathNotFound, ConfigError)
    # The library's str() of a missing path is the path, as it always was.
    assert str(PathNotFound("gone")) == "gone"
    assert ConfigError("a.toml: x", "x").detail == "x"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one live-looking key pair (generated) and one clean file."""
    (tmp_path / "clean.py").write_text("x = 1\n")
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={fake_key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    return tmp_path


#: (command line, exit code, stderr): each user error the command line can meet, on real
#: files, with its whole output on stderr.
COMMAND_LINES: list[tuple[list[str], int, str]] = [
    (["scan", "--isolated", "clean.py"], 0, ""),
    (["scan", "--isolated", "-q", "."], 1, ""),
    (["scan", "nope"], 2, "rolecall: error: nope: no such file or directory\n"),
    (
        ["scan", "--config", "missing.toml", "."],
        2,
        "rolecall: error: missing.toml: configuration file not found\n",
    ),
    (["scan", "--config", "bad.toml", "."], 2, "rolecall: error: bad.toml: bogus: unknown key\n"),
    (
        ["scan", "--max-file-size", "0", "."],
        2,
        "rolecall: error: --max-file-size: expected a positive number of bytes\n",
    ),
    (["scan", "--jobs", "-1", "."], 2, "rolecall: error: --jobs: expected 0 (all cores) or more\n"),
    (
        ["scan", "--shard", "5/2", "."],
        2,
        "rolecall: error: --shard: expected K/N with 1 <= K <= N (e.g. 1/4), got '5/2'\n",
    ),
    (
        ["scan", "--select", "XX1", "."],
        2,
        "rolecall: error: --select: 'XX1' is not a rule id or prefix (e.g. RC101, RC1)\n",
    ),
    (
        ["scan", "--output", "r.json", "--format", "sarif", "."],
        2,
        "rolecall: error: --output r.json: a .json file name, but --format sarif; "
        "use --format json or another file name\n",
    ),
    (
        ["scan", "--output", "nodir/r.sarif", "."],
        2,
        "rolecall: error: --output nodir/r.sarif: the directory does not exist\n",
    ),
    (
        ["scan", "--report-stale", "."],
        2,
        "rolecall: error: --report-stale needs a baseline (--baseline FILE or config)\n",
    ),
    (
        ["scan", "--baseline", "missing.json", "."],
        2,
        "rolecall: error: missing.json: baseline not found (create it with `rolecall baseline`)\n",
    ),
    (
        ["fix", "--diff", "nope"],
        2,
        "rolecall: error: nope: no such file or directory\n",
    ),
    (
        ["baseline", "--select", "XX1", "."],
        2,
        "rolecall: error: --select: 'XX1' is not a rule id or prefix (e.g. RC101, RC1)\n",
    ),
    (
        ["explain", "nope"],
        2,
        "rolecall: error: unknown rule 'nope'; `rolecall rules` lists them\n",
    ),
    (
        ["scan", "--format", "nope", "."],
        2,
        "rolecall: error: argument --format: invalid choice: 'nope' (choose from 'github', "
        "'json', 'sarif', 'text') (see `rolecall scan --help`)\n",
    ),
]


@pytest.mark.parametrize(
    ("argv", "code", "stderr"), COMMAND_LINES, ids=[" ".join(c[0]) for c in COMMAND_LINES]
)
def test_each_user_error_is_one_line_and_exit_2(
    argv: list[str], code: int, stderr: str, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "bad.toml").write_text("bogus = 1\n")
    assert main(argv) == code
    assert capsys.readouterr().err == stderr


def test_a_misconfigured_tree_is_exit_2_for_every_command(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / ".rolecall.toml").write_text("bogus = 1\n")
    for argv in (["scan", "."], ["fix", "--diff", "."], ["baseline", "."]):
        assert main(argv) == 2
        assert capsys.readouterr().err == "rolecall: error: .rolecall.toml: bogus: unknown key\n"
    assert not (tree / ".rolecall-baseline.json").exists()


def test_no_command_is_a_usage_error_with_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("usage: rolecall")


@pytest.mark.parametrize(
    ("raised", "code", "stderr"),
    [
        (KeyboardInterrupt(), 130, r"rolecall: interrupted\n"),
        (BrokenPipeError(), 0, ""),
        # The message is never printed (it may quote scanned text): type and place.
        (
            RuntimeError("QUOTED-TEXT"),
            3,
            r"rolecall: internal error: RuntimeError at test_errors\.py:\d+\n",
        ),
    ],
    ids=["interrupted", "closed-pipe", "internal"],
)
def test_a_command_that_ends_otherwise(
    raised: BaseException,
    code: int,
    stderr: str,
    tree: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def scan(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(rolecall.cli.request, "run_scan_command", scan)
    assert main(["scan", "."]) == code
    err = capsys.readouterr().err
    assert re.fullmatch(stderr, err), err
    assert "QUOTED-TEXT" not in err
