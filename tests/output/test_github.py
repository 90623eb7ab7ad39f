"""``--format github``: workflow annotation commands, escaped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.output.formats import get_reporter
from rolecall.output.github import command, escape_data, escape_property

from tests.fixture_tree import KEY_IDS, SECRET, fixture_registry, scan_tree, write_tree


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50% a:b, c", "50%25 a:b, c", "50%25 a%3Ab%2C c"),
        ("x\r\ny", "x%0D%0Ay", "x%0D%0Ay"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_command_leaves_out_missing_properties() -> None:
    assert command("warning", "m", file="a,b.py", line=None) == "::warning file=a%2Cb.py::m"
    assert command("notice", "m\nn") == "::notice::m%0An"


def test_fixture_tree_annotations(tmp_path: Path) -> None:
    write_tree(tmp_path)
    report = scan_tree(tmp_path, fixture_registry(), fmt="github")
    report.notices.append(
        Notice(NoticeCode.UNPARSEABLE, "cannot parse: bad", "x.json", NoticeLevel.WARNING, 2)
    )
    out = io.StringIO()
    get_reporter("github").write(report, out)
    lines = out.getvalue().splitlines()
    # The INFO notice (binary) is quiet; the count of skipped files is not.
    assert len(lines) == len(report.findings) + 2
    assert lines[-1] == (
        "::notice title=rolecall skipped files::1 skipped (1 binary) (each listed with -v)"
    )
    first = next(line for line in lines if KEY_IDS[0] in line)
    assert first.startswith(
        "::error file=app/settings.py,line=3,col=15,endLine=3,endColumn=35,"
        "title=RC101 aws-long-term-access-key-id::"
    )
    assert any(line.startswith("::notice file=.github/workflows/ci.yml,") for line in lines)
    assert "::warning file=x.json,line=2,title=RC905 unparseable-file::cannot parse: bad" in lines
    assert SECRET not in out.getvalue()
    assert all("\n" not in line.split("::", 2)[2] for line in lines)
