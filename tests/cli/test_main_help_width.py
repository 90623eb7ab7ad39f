"""Help and usage come out exactly as argparse's own formatter makes them, at any
terminal width, although rolecall's formatter asks the terminal only when it formats
(see ``rolecall.cli.parser._Formatter``)."""

from __future__ import annotations

import argparse

import pytest
import rolecall.cli.parser
from rolecall.cli.main import main

COMMANDS = [
    ["--help"],
    ["scan", "--help"],
    ["baseline", "--help"],
    ["fix", "--help"],
    ["scan", "--no-such-option"],
    ["scan", "--format", "nope"],
    [],
]


def output(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("columns", ["12", "40", "80", "200"])
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_help_is_argparse_own(
    argv: list[str],
    columns: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    ours = output(argv, capsys)
    monkeypatch.setattr(rolecall.cli.parser, "_Formatter", argparse.HelpFormatter)
    stock = output(argv, capsys)
    assert ours == stock
    assert ours[1] or ours[2]  # something was printed: the comparison compared text
    if argv == ["scan", "--help"] and columns == "200":
        # the wide terminal is used: option and help share a line
        assert any(line.startswith("  --no-cache ") for line in ours[1].splitlines())
