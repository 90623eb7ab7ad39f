from __future__ import annotations

import io
from pathlib import Path

import pytest
import rolecall.output.progress as progress_mod
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.output.progress import Progress

from tests.conftest import write_tree


def test_nothing_is_drawn_for_a_short_scan() -> None:
    out = io.StringIO()
    bar = Progress(out)
    bar.start(3)
    for _ in range(3):
        bar.advance()
    bar.close()
    assert out.getvalue() == ""


def test_a_long_scan_draws_then_erases_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress_mod, "DELAY", 0.0)
    monkeypatch.setattr(progress_mod, "INTERVAL", 0.0)
    root = tmp_path
    write_tree(root, {f"f{n}.txt": "x\n" for n in range(4)})
    out = io.StringIO()
    request = ScanRequest(paths=(str(root),), base=str(root), jobs=1)
    report = run_scan(request, progress=Progress(out))
    text = out.getvalue()
    assert report.stats.files_scanned == 4
    assert "rolecall: 4/4 files (100%)" in text
    assert text.endswith("\r\033[K")  # the line is erased before the report is printed
