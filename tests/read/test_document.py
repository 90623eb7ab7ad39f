"""Decoding file bytes once, and mapping offsets to lines and columns."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.model import NoticeCode
from rolecall.read.document import Document, LineIndex, decode
from rolecall.walk.walker import WalkOptions


def scan_file(tmp_path: Path, name: str, data: bytes) -> tuple[list[tuple[int, int]], list[str]]:
    (tmp_path / name).write_bytes(data)
    request = ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1, walk=WalkOptions())
    report = run_scan(request)
    where = [(f.location.line, f.location.column) for f in report.findings]
    return where, [n.code.value for n in report.notices]


ENCODINGS = [
    pytest.param(b"", "utf-8", id="utf-8"),
    pytest.param(codecs.BOM_UTF8, "utf-8", id="utf-8-bom"),
    pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16-le"),
    pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", id="utf-16-be"),
    pytest.param(codecs.BOM_UTF32_LE, "utf-32-le", id="utf-32-le"),
    pytest.param(codecs.BOM_UTF32_BE, "utf-32-be", id="utf-32-be"),
]


@pytest.mark.parametrize(("bom", "encoding"), ENCODINGS)
def test_every_encoding_decodes_and_reports_at_the_right_place(
    tmp_path: Path, bom: bytes, encoding: str, key_id: str
) -> None:
    text = f"# café ✓\nkey = '{key_id}'\n"
    data = bom + text.encode(encoding)
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.bom is bool(bom)
    assert decoded.errors == 0
    where, notices = scan_file(tmp_path, "settings.py", data)
    assert where == [(2, 8)]
    assert notices == []


def test_bom_is_not_counted_in_columns(key_id: str) -> None:
    doc = Document("a.txt", codecs.BOM_UTF8 + key_id.encode())
    assert doc.text == key_id
    assert doc.location(0, len(key_id)).column == 1


def test_invalid_utf8_is_replaced_with_a_notice(tmp_path: Path, key_id: str) -> None:
    data = b"bad \xff\xfe bytes\nx\xc3 = '" + key_id.encode() + b"'\n"
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.errors == 3
    assert decoded.text.startswith("bad \ufffd\ufffd bytes\nx\ufffd = '")
    where, notices = scan_file(tmp_path, "a.txt", data)
    assert where == [(2, 7)]  # one replacement character is one column
    assert notices == [NoticeCode.DECODING.value]


def test_replacement_characters_already_in_the_file_are_not_errors() -> None:
    decoded = decode("ok \ufffd\n".encode())
    assert decoded.errors == 0
    assert decode("ok \ufffd \xff".encode() + b"\xff").errors == 1


def test_truncated_utf16_is_a_decoding_notice(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"d"  # one byte short
    assert decode(data).errors == 1
    _, notices = scan_file(tmp_path, "a.txt", data)
    assert notices == [NoticeCode.DECODING.value]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_without_bom_is_scanned(tmp_path: Path, key_id: str, encoding: str) -> None:
    """UTF-16/32 without a byte-order mark (issue 17 #14; skipped as binary before):
    its NUL pattern shows the encoding, and positions are those of the text."""
    text = f"# café ✓\r\nkey = '{key_id}'\r\n"
    decoded = decode(text.encode(encoding))
    assert (decoded.text, decoded.encoding, decoded.bom, decoded.errors) == (
        text,
        encoding,
        False,
        0,
    )
    where, notices = scan_file(tmp_path, "a.txt", text.encode(encoding))
    assert where == [(2, 8)]
    assert notices == []


def test_a_lone_id_in_utf16_without_bom_is_scanned(tmp_path: Path, key_id: str) -> None:
    where, notices = scan_file(tmp_path, "a.txt", key_id.encode("utf-16-le"))
    assert where == [(1, 1)]
    assert notices == []


@pytest.mark.parametrize(
    ("newline", "name"),
    [("\n", "lf"), ("\r\n", "crlf"), ("\r", "lone-cr")],
)
def test_line_breaks(tmp_path: Path, newline: str, name: str, key_id: str) -> None:
    text = newline.join(["first", "", f"  {key_id}", "last"])
    where, _ = scan_file(tmp_path, f"{name}.txt", text.encode())
    assert where == [(3, 3)]
    doc = Document("a.txt", text.encode())
    assert doc.lines == ["first", "", f"  {key_id}", "last"]


def test_mixed_line_breaks() -> None:
    text = "a\r\nb\rc\nd\r\r\ne"
    index = LineIndex(text)
    assert index.line_count == 6
    assert [index.line_text(n) for n in range(1, 7)] == ["a", "b", "c", "d", "", "e"]
    for offset in range(len(text) + 1):
        line, column = index.position(offset)
        assert index.offset(line, column) == offset
    assert index.position(text.index("e")) == (6, 1)


def test_line_end_excludes_the_break() -> None:
    index = LineIndex("ab\r\ncd\n\nef")
    assert [(index.line_start(n), index.line_end(n)) for n in (1, 2, 3, 4)] == [
        (0, 2),
        (4, 6),
        (7, 7),
        (8, 10),
    ]


def test_offsets_past_the_end_are_clamped() -> None:
    index = LineIndex("ab\ncd")
    assert index.position(-5) == (1, 1)
    assert index.position(99) == (2, 3)


def test_utf16_columns_for_astral_characters(key_id: str) -> None:
    line = f"x = '\U0001f600\U0001f600{key_id}'  # é"
    doc = Document("a.py", f"first\n{line}\n".encode())
    start = doc.text.index(key_id)
    loc = doc.location(start, start + len(key_id))
    assert (loc.line, loc.column, loc.end_column) == (2, 8, 28)
    # Each emoji is two UTF-16 code units; the BMP "é" later on the line changes nothing.
    assert (loc.column_utf16, loc.end_column_utf16) == (10, 30)


def test_utf16_columns_equal_columns_without_astral_characters() -> None:
    doc = Document("a.txt", "é ✓ abc".encode())
    loc = doc.location(4, 7)
    assert (loc.column, loc.column_utf16, loc.end_column, loc.end_column_utf16) == (5, 5, 8, 8)


def test_location_at_is_the_inverse_of_location() -> None:
    doc = Document("a.txt", b"one\r\ntwo three\n")
    loc = doc.location_at(2, 5, 5)
    assert doc.text[loc.start_offset : loc.end_offset] == "three"
    assert (loc.line, loc.column, loc.end_line, loc.end_column) == (2, 5, 2, 10)
