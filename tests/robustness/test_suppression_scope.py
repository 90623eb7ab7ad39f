"""Suppression comments: the reason ends with the comment, and a comment's reach.

A reason used to run to the end of the line, so the code after a block comment (a whole
key pair) became the "reason" and reached JSON, the verbose text report and the result
cache. And a trailing foreign pragma or ``rolecall: ignore`` also silenced the next
line. DESIGN.md: a trailing comment covers its own line, a comment-only line covers the
next one; nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rolecall.cli.main import main

from tests.conftest import write_tree

KEY_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
SECRET = "hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri"
KEY_ID_2 = "AKIA" + "5TQWXZ3RMVK7PL2N"


def _scan(tmp: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["scan", "--format", "json", *extra, str(tmp)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        (
            "app.js",
            "/* rolecall: ignore -- fixture */ const c = "
            f'{{accessKeyId: "{KEY_ID}", secretAccessKey: "{SECRET}"}};',
            "fixture",
        ),
        (
            "page.html",
            f'<!-- rolecall: ignore -- demo --> <script>k="{KEY_ID}";s="{SECRET}"</script>',
            "demo",
        ),
        ("tpl.j2", f"{{# rolecall: ignore -- sample #}} key={KEY_ID} secret={SECRET}", "sample"),
    ],
)
def test_reason_ends_where_the_comment_ends(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    line: str,
    reason: str,
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    tree = tmp_path / "tree"
    write_tree(tree, {name: line + "\n"})
    code, out = _scan(tree, capsys)
    assert code == 0
    report = json.loads(out)
    assert report["findings"] == []
    assert [f["suppression_reason"] for f in report["suppressed"]] == [reason]
    assert SECRET not in out
    main(["scan", "-v", str(tree)])  # the verbose text report lists suppressed findings
    assert SECRET not in capsys.readouterr().out
    stored = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert stored and SECRET.encode() not in stored


def test_a_reason_never_carries_a_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {"app.py": f'KEY = "{KEY_ID}"  # rolecall: ignore -- old pair, secret was {SECRET}\n'},
    )
    _code, out = _scan(tmp_path, capsys, "--no-cache")
    (suppressed,) = json.loads(out)["suppressed"]
    assert suppressed["suppression_reason"] == f"old pair, secret was {SECRET[:4]}…(40 chars)"
    assert SECRET not in out


@pytest.mark.parametrize(
    "comment",
    [
        "# gitleaks:allow",
        "# pragma: allowlist secret",
        "# rolecall: ignore",
        "# rolecall: ignore[RC1]",
    ],
)
def test_a_trailing_comment_covers_its_own_line_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], comment: str
) -> None:
    write_tree(tmp_path, {"app.py": f'A = "{KEY_ID}"  {comment}\nB = "{KEY_ID_2}"\n'})
    _code, out = _scan(tmp_path, capsys, "--no-cache")
    report = json.loads(out)
    assert [(f["line"], f["rule_id"]) for f in report["suppressed"]] == [(1, "RC101")]
    assert [(f["line"], f["rule_id"]) for f in report["findings"]] == [(2, "RC101")]


@pytest.mark.parametrize(
    "comment",
    [
        "# gitleaks:allow",
        "    # pragma: allowlist secret",
        "// rolecall: ignore -- fixture",
        "<!-- rolecall: ignore -->",
        f'X = "{KEY_ID}"  # pragma: allowlist nextline secret',
    ],
)
def test_a_comment_only_line_covers_the_next_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], comment: str
) -> None:
    write_tree(tmp_path, {"notes.txt": f"{comment}\nB = {KEY_ID_2}\nC = 1\n"})
    _code, out = _scan(tmp_path, capsys, "--no-cache")
    report = json.loads(out)
    assert (2, "RC101") in [(f["line"], f["rule_id"]) for f in report["suppressed"]]
    assert all(f["line"] != 2 for f in report["findings"])
