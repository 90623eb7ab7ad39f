"""No data loss: ``rolecall fix`` and ``--output`` leave every file old or new.

Complements tests/fix/test_fixer.py (mode, BOM/CRLF for one file, changed-on-disk,
re-parse) with the whole command over many files: a rename failing half-way, every
encoding and line-ending style at once, and the report file of ``--output``.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from tests.robustness._cli import run_cli
from tests.robustness._support import count

ENV = (
    "import os, boto3\n"
    's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],'
    ' aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # uploads\n'
)
FIXED = 'import boto3\ns3 = boto3.client("s3")  # uploads\n'  # os: used no more

# (encoding, BOM, line break): every file must come back in its own style.
STYLES = [
    ("utf-8", b"", "\n"),
    ("utf-8", b"", "\r\n"),
    ("utf-8", codecs.BOM_UTF8, "\r\n"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "\n"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "\r\n"),
    ("utf-8", b"", "\r"),
]


def _encode(text: str, style: tuple[str, bytes, str]) -> bytes:
    encoding, bom, newline = style
    return bom + ("# café\n" + text).replace("\n", newline).encode(encoding)


def _tree(root: Path) -> dict[Path, tuple[bytes, bytes]]:
    """Files (path -> (old bytes, expected new bytes)), each with its own style and mode."""
    files = {}
    for n, style in enumerate(STYLES):
        path = root / f"pkg{n}" / "client.py"
        path.parent.mkdir(parents=True)
        path.write_bytes(_encode(ENV, style))
        path.chmod(0o640 + n % 2 * 0o111)
        files[path] = (_encode(ENV, style), _encode(FIXED, style))
    count("fix-files", len(files))
    return files


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".rolecall-")]


def test_fix_keeps_every_files_encoding_line_breaks_and_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _tree(tmp_path)
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in files}
    monkeypatch.chdir(tmp_path)
    code, printed = run_cli(capsys, "fix", ".")
    assert code == 0, printed
    for path, (_, new) in files.items():
        assert path.read_bytes() == new, path
        assert stat.S_IMODE(path.stat().st_mode) == modes[path]
    assert _leftovers(tmp_path) == []
    code, printed = run_cli(capsys, "fix", ".")  # a second run changes nothing
    assert "changed 0 files" in printed


@pytest.mark.parametrize("fail_at", [1, 2, 4])
def test_a_failure_half_way_leaves_each_file_old_or_new(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fail_at: int,
) -> None:
    files = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    real_replace = os.replace
    calls = 0

    def flaky_replace(src: str, dst: str) -> None:
        nonlocal calls
        calls += 1
        if calls == fail_at:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    code, printed = run_cli(capsys, "fix", ".")
    assert code == 1, printed
    assert "left alone" in printed
    states = {p: p.read_bytes() for p in files}
    assert all(states[p] in pair for p, pair in files.items())
    assert sum(states[p] == new for p, (_, new) in files.items()) == len(files) - 1
    assert _leftovers(tmp_path) == []


def test_fix_never_writes_a_file_changed_on_disk_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rolecall.fix import fixer

    files = _tree(tmp_path)
    victim = next(iter(files))
    real_write = fixer._write_checked

    def edit_then_write(path: str, original: bytes, new_data: bytes, force: bool) -> None:
        if Path(path) == victim:
            victim.write_bytes(original + b"# edited meanwhile\n")
        real_write(path, original, new_data, force)

    monkeypatch.setattr(fixer, "_write_checked", edit_then_write)
    monkeypatch.chdir(tmp_path)
    code, printed = run_cli(capsys, "fix", ".")
    assert code == 1 and "changed on disk" in printed
    assert victim.read_bytes() == files[victim][0] + b"# edited meanwhile\n"


def test_output_is_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path / "src")
    report = tmp_path / "report.sarif"
    report.write_text("previous report\n")
    report.chmod(0o604)
    monkeypatch.chdir(tmp_path)

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", failing_replace)
        code, printed = run_cli(capsys, "scan", "--format", "sarif", "-o", str(report), "src")
    assert code == 2 and "cannot write" in printed
    assert report.read_text() == "previous report\n"  # untouched, not truncated
    assert _leftovers(tmp_path) == []
    code, printed = run_cli(capsys, "scan", "--format", "sarif", "-o", str(report), "src")
    assert code == 1, printed
    assert report.read_text().startswith("{")
    assert stat.S_IMODE(report.stat().st_mode) == 0o604
    assert _leftovers(tmp_path) == []
