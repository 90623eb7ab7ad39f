"""Large files: text rules read them in overlapping windows, with the file's positions.

The reference is the whole-file scan of the same text (``scan_text``): every window size,
down to one character per window, must give exactly its findings (each once, on the same
line, column, UTF-16 column and offset), whatever cuts a ``\\r\\n``, a long minified line,
an astral character, a key pair or a session token.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import rolecall.read.chunks as chunks
import rolecall.read.files as files
from rolecall.engine.core import Engine, scan_text
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token
from rolecall.model import Finding, NoticeCode
from rolecall.plugin.registry import default_registry
from rolecall.read.chunks import scan_large
from rolecall.walk.walker import DEFAULT_MAX_FILE_SIZE, FileEntry, WalkOptions

ENGINE = Engine(default_registry())
RNG = random.Random(14)
KEY, SECRET = fake_key_id(rng=RNG), fake_secret_key(rng=RNG)
KEY2, SECRET2 = fake_key_id(rng=RNG), fake_secret_key(rng=RNG)
TEMP_KEY, TOKEN = fake_key_id("ASIA", rng=RNG), fake_session_token(rng=RNG)

# What build tools inline (webpack's DefinePlugin, Next.js env): one long line.
BUNDLE = (
    '!function(e){"use strict";var t={};' * 30
    + f'const c={{accessKeyId:"{KEY}",secretAccessKey:"{SECRET}"}};'
    + "e.exports=function(n){return n+1};" * 40
    + f'process.env={{AWS_ACCESS_KEY_ID:"{TEMP_KEY}",AWS_SECRET_ACCESS_KEY:"{SECRET2}",'
    + f'AWS_SESSION_TOKEN:"{TOKEN}"}};'
    + 'var s="😀é";' * 200
    + f'var k="{KEY2}";}}();'
)
CRLF = (
    "# settings\r\n" * 50
    + f"aws_access_key_id = {KEY}\r\naws_secret_access_key = {SECRET}\r\n"
    + "x = 1\r" * 70  # lone CR line breaks (old Mac)
    + "é😀\r\n" * 30
    + f"AWS_ACCESS_KEY_ID={TEMP_KEY}\nAWS_SESSION_TOKEN={TOKEN}\n"
)
TEXTS = {"bundle.js": BUNDLE, "settings.txt": CRLF}
#: Wider than any pair or token here, far narrower than the texts: windows really move.
OVERLAP = 600


def shape(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [
        (
            f.rule_id,
            f.fingerprint,
            f.location.line,
            f.location.column,
            f.location.column_utf16,
            f.location.end_line,
            f.location.end_column,
            f.location.end_column_utf16,
            f.location.start_offset,
            f.location.end_offset,
            f.evidence,
            # A pair's secret on another line is a related location: shifted the same way.
            tuple(
                (r.location.line, r.location.column, r.location.start_offset, r.label)
                for r in f.related
            ),
        )
        for f in findings
    ]


def write(tmp_path: Path, name: str, data: bytes) -> FileEntry:
    path = tmp_path / name
    path.write_bytes(data)
    return FileEntry(str(path), name, len(data))


@pytest.mark.parametrize("name", list(TEXTS))
@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 333, 1000, 10**6])
def test_windows_find_what_the_whole_file_scan_finds(tmp_path: Path, name: str, chunk: int) -> None:
    text = TEXTS[name]
    whole = scan_text(ENGINE, name, text)
    assert len(whole.findings) >= 3  # the reference itself finds the pairs and the token
    entry = write(tmp_path, name, text.encode("utf-8"))
    result = scan_large(ENGINE, entry, chunk=chunk, overlap=OVERLAP)
    assert shape(result.findings) == shape(whole.findings)
    assert result.scanned and result.notices == []


def test_every_boundary_position_of_a_pair(tmp_path: Path) -> None:
    """Move an owned boundary across every character of a pair split over two lines."""
    text = "a = 1\n" * 3 + f'ID = "{KEY}"\nSECRET_ACCESS_KEY = "{SECRET}"\n' + "b = 2\n"
    whole = shape(scan_text(ENGINE, "p.txt", text).findings)
    assert len(whole) == 1  # the pair: one finding, whichever window holds it
    entry = write(tmp_path, "p.txt", text.encode())
    for chunk in range(len(text) - 40, len(text) + 1):
        assert shape(scan_large(ENGINE, entry, chunk=chunk, overlap=200).findings) == whole


def test_small_overlap_loses_pairs_never_duplicates(tmp_path: Path) -> None:
    # The overlap is what keeps a pair whole; without it, it is cut, but nothing is
    # reported twice.
    entry = write(tmp_path, "bundle.js", BUNDLE.encode())
    for chunk in (5, 50, 120):
        found = shape(scan_large(ENGINE, entry, chunk=chunk, overlap=0).findings)
        starts = [f[8] for f in found]
        assert len(starts) == len(set(starts))


def test_utf16_file_with_crlf(tmp_path: Path) -> None:
    text = CRLF
    data = b"\xff\xfe" + text.encode("utf-16-le")
    whole = ENGINE.scan_bytes("win.txt", data)
    entry = write(tmp_path, "win.txt", data)
    for chunk in (3, 50, 10**6):
        result = scan_large(ENGINE, entry, chunk=chunk, overlap=OVERLAP)
        assert shape(result.findings) == shape(whole.findings)


def test_undecodable_bytes_cut_by_reads_are_counted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ("é😀 " * 10).encode() + b"\xff\xfe\xc3" + f' id="{KEY}"\n'.encode()
    whole = ENGINE.scan_bytes("d.txt", data)
    monkeypatch.setattr(chunks, "READ_BYTES", 3)  # every multi-byte character is cut
    entry = write(tmp_path, "d.txt", data)
    result = scan_large(ENGINE, entry, chunk=4, overlap=100)
    assert shape(result.findings) == shape(whole.findings)
    assert [n.message for n in result.notices] == [n.message for n in whole.notices]
    assert "3 undecodable byte sequences in" in result.notices[0].message


def test_suppression_comment_applies_across_a_boundary(tmp_path: Path) -> None:
    text = "x = 1\n" * 20 + "# rolecall: ignore[RC101]\n" + f'K = "{KEY}"\n'
    entry = write(tmp_path, "s.txt", text.encode())
    for chunk in (1, 10, 131, 10**6):
        result = scan_large(ENGINE, entry, chunk=chunk, overlap=200)
        assert result.findings == []
        assert [f.rule_id for f in result.suppressed] == ["RC101"]


def test_default_limit_is_at_least_256_mib() -> None:
    assert DEFAULT_MAX_FILE_SIZE >= 256 * 1024 * 1024
    assert WalkOptions().max_file_size == DEFAULT_MAX_FILE_SIZE


def test_large_files_in_a_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the parse limit the text rules run in windows; a notice names the parsed-view
    rules that did not run (none for a bundle: no rule parses JavaScript)."""
    monkeypatch.setattr(files, "PARSE_LIMIT", 1000)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 100)
    monkeypatch.setattr(chunks, "OVERLAP_CHARS", OVERLAP)
    filler = '{"name": "x", "n": 1},\n' * 60
    data = {
        "dist/main.js": BUNDLE * 3,
        "big.json": '{"items": [\n' + filler + f'{{"AccessKeyId": "{KEY}"}}\n]}}\n',
        "small.env": f"AWS_ACCESS_KEY_ID={KEY2}\n",
    }
    for name, text in data.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    by_file: dict[str, list[str]] = {}
    for f in report.findings:
        by_file.setdefault(f.location.path, []).append(f.rule_id)
    assert len(by_file["dist/main.js"]) == 3 * len(scan_text(ENGINE, "m.js", BUNDLE).findings)
    assert by_file["big.json"] == ["RC101"]
    assert "small.env" in by_file
    (notice,) = [n for n in report.notices if n.code is NoticeCode.LIMIT]
    assert notice.path == "big.json"
    assert "limit for parsed views" in notice.message and "RC301" in notice.message
    assert "the text rules scanned all of it" in notice.message
    assert report.stats.files_scanned == 3


_RSS_PROBE = textwrap.dedent(
    """
    import resource, sys
    from rolecall.engine.runner import ScanRequest, run_scan
    report = run_scan(ScanRequest(paths=(sys.argv[1],), base=sys.argv[1], jobs=1))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(len(report.findings), report.stats.bytes_scanned, peak)
    """
)


def _bundle_file(path: Path, size: int) -> int:
    """A minified bundle of ``size`` bytes with an inlined key pair every ~4 MB."""
    rng = random.Random(5)
    block = ";".join(f"t(e,{rng.randint(0, 999)},n.props)" for _ in range(40_000)).encode()
    keys = 0
    with path.open("wb") as fh:
        written = 0
        while written + len(block) + 200 < size:
            if written // len(block) % 6 == 3:
                pair = f';process.env={{AWS_ACCESS_KEY_ID:"{fake_key_id(rng=rng)}",'
                pair += f'AWS_SECRET_ACCESS_KEY:"{fake_secret_key(rng=rng)}"}};'
                fh.write(pair.encode())
                written += len(pair)
                keys += 1
            fh.write(block)
            written += len(block)
        fh.write(b";" * (size - written))  # exactly ``size``: the default limit is inclusive
    return keys


def _peak(directory: Path) -> tuple[int, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(directory)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "XDG_CACHE_HOME": str(directory.parent / "cache")},
    ).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


@pytest.mark.heavy
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB on Linux")
def test_memory_stays_flat_on_a_256_mib_file(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    small_keys = _bundle_file(small / "main.js", 16 * 1024 * 1024)
    large_keys = _bundle_file(large / "main.js", 256 * 1024 * 1024)
    found_small, bytes_small, peak_small = _peak(small)
    found_large, bytes_large, peak_large = _peak(large)
    (large / "main.js").unlink()
    assert (bytes_small, bytes_large) == (16 * 1024 * 1024, 256 * 1024 * 1024)
    assert (found_small, found_large) == (small_keys, large_keys)
    # 16 times the input, the same memory: one window (a few MB of text) at a time.
    print(f"peak RSS: 16 MiB file {peak_small // 1024} MiB, 256 MiB file {peak_large // 1024} MiB")
    assert peak_large < peak_small + 32 * 1024, (peak_small, peak_large)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_sarif_leaves_the_line_hash_of_large_files_to_the_upload_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import json

    from rolecall.output.formats import get_reporter

    monkeypatch.setattr(files, "PARSE_LIMIT", 2000)
    (tmp_path / "big.js").write_text(BUNDLE)
    (tmp_path / "small.env").write_text(f"AWS_ACCESS_KEY_ID={KEY2}\n")
    from rolecall.config.options import EngineOptions

    sarif_run = EngineOptions(line_hashes=True)  # as `--format sarif` asks
    report = run_scan(
        ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1, engine=sarif_run)
    )
    out = io.StringIO()
    get_reporter("sarif").write(report, out)
    hashed = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: (
            "primaryLocationLineHash" in r["partialFingerprints"]
        )
        for r in json.loads(out.getvalue())["runs"][0]["results"]
    }
    assert hashed == {"big.js": False, "small.env": True}
