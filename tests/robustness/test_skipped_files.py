"""Skipped files are counted in the default output, and wide text is not skipped
(issue 17 #14).

Files skipped as binary (a NUL byte in the first 8 KiB, a binary suffix such as
``.gz``/``.zip``) are informational notices that the default text and github outputs
hide; the summary now says how many files were skipped and why. UTF-16/32 without a
byte-order mark (what .NET's ``Encoding.Unicode.GetBytes`` or a Windows tool writing
raw ``wchar_t`` gives) is recognised by its pattern of NUL bytes and scanned.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.model import NoticeCode

from tests.robustness._cli import run_cli
from tests.robustness._support import count

RNG = random.Random(1717)
KEY = fake_key_id(rng=RNG)
SECRET = fake_secret_key(rng=RNG)

#: The shared credentials file as the AWS CLI user guide documents it, with Windows
#: line ends.
CREDENTIALS = (
    "[default]\r\n"
    f"aws_access_key_id = {KEY}\r\n"
    f"aws_secret_access_key = {SECRET}\r\n"
    "\r\n"
    "[user1]\r\n"
    "region = us-west-2\r\n"
)


def _png() -> bytes:
    """A real 1x1 PNG: signature, IHDR, IDAT, IEND (PNG specification, ISO 15948)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _elf() -> bytes:
    """An ELF64 little-endian executable header (e_ident, type, machine, version...)
    followed by a key id in its data, as a string table would hold it."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 1, 64, 0, 0
    )
    return header + bytes(64) + KEY.encode() + b"\0"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_credentials_file_without_bom_is_scanned(tmp_path: Path, encoding: str) -> None:
    """A credentials file in UTF-16/32 with no byte-order mark: found, at the key id's
    line and column in the text (not in the bytes)."""
    path = tmp_path / ".aws" / "credentials"
    path.parent.mkdir()
    path.write_bytes(CREDENTIALS.encode(encoding))
    count("skipped")
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    assert not [n for n in report.notices if n.code is NoticeCode.BINARY]
    assert report.findings, "the credentials were skipped"
    located = {(f.location.line, f.location.column) for f in report.findings}
    related = {(r.location.line, r.location.column) for f in report.findings for r in f.related}
    assert (2, len("aws_access_key_id = ") + 1) in located | related
    assert report.stats.files_scanned == 1


def test_wide_text_without_bom_large_file_is_scanned(tmp_path: Path) -> None:
    """Above the parse limit the windowed reader sniffs the same way."""
    from rolecall.read import files

    filler = "# padding line of a generated Windows export\r\n" * (files.PARSE_LIMIT // 90 + 10)
    text = filler + f"AWS_ACCESS_KEY_ID={KEY}\r\n"
    (tmp_path / "export.txt").write_bytes(text.encode("utf-16-le"))
    count("skipped")
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    assert [(f.location.line, f.location.column) for f in report.findings] == [
        (filler.count("\n") + 1, len("AWS_ACCESS_KEY_ID=") + 1)
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_png(), id="png"),
        pytest.param(random.Random(7).randbytes(20_000), id="random"),
        pytest.param(_elf(), id="elf"),
        pytest.param(gzip.compress(CREDENTIALS.encode("utf-16-le"), mtime=0), id="gzip-bytes"),
        pytest.param(b"".join(struct.pack("<H", n) for n in range(1, 4000)), id="int16-table"),
    ],
)
def test_real_binary_content_is_still_skipped(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "blob.dat").write_bytes(data)
    count("skipped")
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    assert [n.code for n in report.notices] == [NoticeCode.BINARY]
    assert not report.findings
    assert report.skipped() == {"binary": 1}


def _skip_tree(root: Path) -> None:
    (root / "logo.png").write_bytes(_png())  # skipped by suffix
    (root / "a.out").write_bytes(_elf())  # skipped by content (NUL)
    (root / "dump.log").write_text("x" * 5000 + "\n")  # above --max-file-size
    (root / "ok.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    count("skipped", 4)


def test_default_text_summary_counts_skipped_files_by_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _skip_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out = run_cli(capsys, "scan", ".", "--no-cache", "--max-file-size", "4096")
    assert code == 1
    summary = out.strip().splitlines()[-1]
    assert "; 3 skipped (2 binary, 1 too large)" in summary, summary
    # The binary notices themselves stay hidden by default...
    assert "a.out" not in out and "logo.png" not in out
    code, out = run_cli(capsys, "scan", ".", "--no-cache", "--max-file-size", "4096", "-v")
    # ... and are listed with -v.
    assert "a.out" in out and "logo.png" in out


def test_github_output_counts_skipped_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _skip_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ("scan", ".", "--no-cache", "--max-file-size", "4096", "--format", "github")
    code, out = run_cli(capsys, *args)
    assert code == 1
    lines = out.splitlines()
    assert (
        "::notice title=rolecall skipped files::3 skipped (2 binary, 1 too large) "
        "(each listed with -v)"
    ) in lines
    assert not any(re.search(r"file=(a\.out|logo\.png)", line) for line in lines)


def test_nothing_skipped_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    monkeypatch.chdir(tmp_path)
    count("skipped")
    for fmt in ("text", "github"):
        _, out = run_cli(capsys, "scan", ".", "--no-cache", "--format", fmt)
        assert "skipped" not in out
    assert os.path.exists(tmp_path / "ok.env")
