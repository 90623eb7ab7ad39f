"""No side effects: scanned code is never imported or run, no network, no writes.

The tree holds Python that would write a marker file if imported or executed (including
sitecustomize, conftest, setup.py, a .pth file and modules named like the scanner's own
dependencies); scans run in every format with the cache on and with network calls
patched to fail the test; the tree's snapshot is identical before and after.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.robustness._cli import run_cli
from tests.robustness._support import count

PAYLOAD = (
    "import pathlib\n"
    "pathlib.Path({marker!r}).write_text('executed')\n"
    "aws_secret_access_key = 'x'\n"
    "import boto3\nboto3.client('s3', aws_access_key_id='y')\n"
)
PLANTED = [
    "app/evil.py",
    "sitecustomize.py",
    "usercustomize.py",
    "conftest.py",
    "setup.py",
    "app/__init__.py",
    "app/__main__.py",
    # names of modules the scanner imports: a scan must never pick them up from the tree
    "libcst.py",
    "yaml/__init__.py",
    "tomllib.py",
    "boto3.py",
    "sqlite3.py",
    "nb/x.ipynb",
]


def _plant(root: Path, marker: Path) -> None:
    files: dict[str, str | bytes] = {
        rel: PAYLOAD.format(marker=str(marker)) for rel in PLANTED if rel.endswith(".py")
    }
    cell = PAYLOAD.format(marker=str(marker)).replace("\n", "\\n").replace('"', '\\"')
    files["nb/x.ipynb"] = (
        '{"cells": [{"cell_type": "code", "source": ["' + cell + '"], "metadata": {},'
        ' "outputs": [], "execution_count": 1}], "metadata": {}, "nbformat": 4,'
        ' "nbformat_minor": 5}'
    )
    files["evil.pth"] = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('pth')\n"
    files[".rolecall.toml"] = 'fail-level = "note"\n'
    files["Makefile"] = f"all:\n\ttouch {marker}\n"
    write_tree(root, files)
    count("side-effect-files", len(files))


def _snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            data = b"" if os.path.isdir(path) else Path(path).read_bytes()
            snap[os.path.relpath(path, root)] = (data, st.st_mode, st.st_mtime_ns)
    return snap


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    marker = tmp_path / "MARKER"
    _plant(root, marker)
    monkeypatch.chdir(root)
    return root, marker


def test_scans_import_nothing_open_no_socket_and_write_nothing(
    planted: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, marker = planted
    calls: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def fail(*args: object, **kwargs: object) -> object:
            calls.append(name)
            raise AssertionError(f"network use: {name}")

        return fail

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    before = _snapshot(root)
    for fmt in ("text", "json", "sarif", "github"):
        for extra in ([], ["--jobs", "2"], ["--no-cache"], ["--config", ".rolecall.toml"]):
            code, printed = run_cli(capsys, "scan", "--format", fmt, *extra, ".")
            assert code in (0, 1), printed
            assert "internal error" not in printed
    code, printed = run_cli(capsys, "fix", "--diff", "--unsafe-fixes", ".")
    assert code in (0, 1), printed
    assert calls == []
    assert not marker.exists()
    assert _snapshot(root) == before


def test_the_console_script_run_inside_the_tree_imports_nothing_from_it(
    planted: tuple[Path, Path],
) -> None:
    root, marker = planted
    script = Path(sys.executable).with_name("rolecall")
    before = _snapshot(root)
    for fmt in ("text", "sarif"):
        proc = subprocess.run(
            [str(script), "scan", "--format", fmt, "--jobs", "2", "."],
            cwd=root,
            capture_output=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": ""},
        )
        assert proc.returncode in (0, 1), proc.stderr.decode(errors="replace")[-2000:]
    assert not marker.exists()
    assert _snapshot(root) == before


def test_baseline_writes_only_the_baseline(
    planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, marker = planted
    before = _snapshot(root)
    code, printed = run_cli(capsys, "baseline", ".")
    assert code == 0, printed
    after = _snapshot(root)
    new = set(after) - set(before)
    assert len(new) == 1 and {k: after[k] for k in before} == before, new
    assert not marker.exists()
