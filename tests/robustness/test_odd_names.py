"""Odd names and odd paths in the outputs (issue 17 #15).

Control characters and newlines in file names are escaped in text output (a name
cannot forge a report line or send the terminal an escape sequence); with
``--follow-symlinks`` one file is reported once, however many links lead to it; and
SARIF URIs resolve to the right files when the scanned paths lie outside the working
directory.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from rolecall.fakes import fake_key_id
from rolecall.output.sarif_checks import check_text

from tests.fixture_tree import schema_errors
from tests.robustness._cli import run_cli
from tests.robustness._support import count

KEY = fake_key_id(rng=random.Random(1515))
ESC = "\x1b"


def _text_lines(out: str) -> list[str]:
    return out.splitlines()


def test_control_characters_in_file_names_are_escaped_in_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = f"x.env:1:1: RC101 fake [error] all clear\n{ESC}[2K{ESC}[32mok.env"
    (tmp_path / forged).write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    (tmp_path / "bin\r\u202egnp.exe").write_bytes(b"\x00\x01binary")
    os.mkfifo(tmp_path / "pipe\nname")
    count("names", 3)
    monkeypatch.chdir(tmp_path)
    for verbose in ((), ("-v",)):
        code, out = run_cli(capsys, "scan", ".", "--no-cache", *verbose)
        assert code == 1
        assert ESC not in out and "\r" not in out and "\u202e" not in out
        lines = _text_lines(out)
        finding = [line for line in lines if "RC" in line and "[error]" in line]
        assert len(finding) == 1, lines
        assert finding[0].startswith(
            "x.env:1:1: RC101 fake [error] all clear\\n\\x1b[2K\\x1b[32mok.env:1:"
        )
        assert any(line.startswith("  pipe\\nname: RC906 ") for line in lines)
        assert not any(line == "name: RC906" or line.startswith("name:") for line in lines)
        if verbose:
            assert any(line.startswith("  bin\\r\\u202egnp.exe: RC902 ") for line in lines)


def test_backslashes_in_names_stay_unambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name holding a backslash and an 'n' is not shown as a name holding a newline."""
    (tmp_path / "a\\nb.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    count("names")
    monkeypatch.chdir(tmp_path)
    _, out = run_cli(capsys, "scan", ".", "--no-cache")
    assert out.startswith("a\\\\nb.env:1:")


def test_follow_symlinks_reports_one_file_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "prod.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    (tmp_path / "a-link.env").symlink_to(tmp_path / "config" / "prod.env")
    (tmp_path / "b-link.env").symlink_to("config/prod.env")
    (tmp_path / "all").symlink_to(tmp_path / "config")
    count("names", 4)
    monkeypatch.chdir(tmp_path)
    code, out = run_cli(capsys, "scan", ".", "--no-cache", "--follow-symlinks", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [f["path"] for f in report["findings"]] == ["config/prod.env"]
    duplicates = sorted(n["path"] for n in report["notices"] if "already scanned" in n["message"])
    assert duplicates == ["a-link.env", "all/prod.env", "b-link.env"]
    # Only links: the first link the walk meets is the one reported.
    os.unlink(tmp_path / "all")
    os.rename(tmp_path / "config" / "prod.env", tmp_path / "prod.env.real")
    os.rmdir(tmp_path / "config")
    (tmp_path / "a-link.env").unlink()
    (tmp_path / "b-link.env").unlink()
    (tmp_path / "a-link.env").symlink_to(tmp_path / "prod.env.real")
    (tmp_path / "b-link.env").symlink_to("prod.env.real")
    code, out = run_cli(
        capsys, "scan", "a-link.env", "b-link.env", "--no-cache", "--follow-symlinks", "-q"
    )
    assert code == 1
    assert [line.split(":", 1)[0] for line in out.splitlines() if line] == ["a-link.env"]


def _resolve(log: dict[str, object], location: dict[str, object]) -> str:
    run = log["runs"][0]  # type: ignore[index]
    artifact = location["physicalLocation"]["artifactLocation"]  # type: ignore[index]
    base = run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]  # type: ignore[index]
    return unquote(urljoin(base, artifact["uri"]))  # type: ignore[index]


def test_sarif_uris_resolve_for_paths_outside_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cd x && rolecall scan ../y`` and ``scan /abs/y``: every result's URI, resolved
    against its base, is the scanned file; the log passes the schema and GitHub's
    checks; files inside the working directory keep %SRCROOT%."""
    work, other = tmp_path / "x", tmp_path / "y y"
    (work / "src").mkdir(parents=True)
    (other / "deep" / "er").mkdir(parents=True)
    (work / "src" / "in.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    (other / "deep" / "app.env").write_text(f"# x\nAWS_ACCESS_KEY_ID={KEY}\n")
    (other / "deep" / "er" / "caf\u00e9 #1.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    count("names", 3)
    monkeypatch.chdir(work)
    for target in (str(other), "../y y"):
        code, out = run_cli(capsys, "scan", target, "src", "--no-cache", "--format", "sarif")
        assert code == 1
        log = json.loads(out)
        assert schema_errors(log) == []
        assert check_text(out) == []
        resolved = sorted(_resolve(log, r["locations"][0]) for r in log["runs"][0]["results"])
        files = [other / "deep" / "app.env", other / "deep" / "er" / "caf\u00e9 #1.env"]
        files.append(work / "src" / "in.env")
        assert resolved == sorted(unquote(f.as_uri()) for f in files), resolved
        bases = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
            for r in log["runs"][0]["results"]
        }
        assert bases == {"%SRCROOT%", "OUTSIDE"}
