"""run_fix on real files in temporary directories."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from rolecall.engine.core import Engine
from rolecall.fix import fixer
from rolecall.fix.fixer import FixSummary, run_fix
from rolecall.plugin.registry import default_registry

from tests.conftest import REPO, run_unprivileged

ENGINE = Engine(default_registry())
SECRET = "q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK"
ENV = (
    'import os, boto3\ns3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],'
    ' aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # uploads\n'
)
# The fix removed the only use of ``os``, so ``os`` leaves the import too.
ENV_FIXED = 'import boto3\ns3 = boto3.client("s3")  # uploads\n'
LITERAL = f'import boto3\ns3 = boto3.client("s3", aws_secret_access_key="{SECRET}")\n'


def fix(*paths: Path, unsafe: bool = False, diff_only: bool = False) -> tuple[FixSummary, str]:
    out = io.StringIO()
    files = [(str(p), p.name) for p in paths]
    summary = run_fix(ENGINE, files, unsafe=unsafe, diff_only=diff_only, out=out)
    return summary, out.getvalue()


def test_writes_safe_fix_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV)
    target.chmod(0o751)
    summary, report = fix(target)
    assert target.read_text() == ENV_FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert summary == FixSummary(files_changed=1, fixes_applied=1)
    assert "app.py: applied 1 fix" in report
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]  # no temporary file left


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV + LITERAL.replace("import boto3\n", ""))
    fix(target, unsafe=True)
    once = target.read_bytes()
    summary, _ = fix(target, unsafe=True)
    assert target.read_bytes() == once
    assert summary.fixes_applied == 0


def test_unsafe_fix_needs_flag(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text(LITERAL)
    summary, _ = fix(target)
    assert target.read_text() == LITERAL
    assert summary.unsafe_skipped == 1
    assert "1 more with --unsafe-fixes" in summary.describe()
    fix(target, unsafe=True)
    assert target.read_text() == 'import boto3\ns3 = boto3.client("s3")\n'


def test_diff_only_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV)
    summary, report = fix(target, diff_only=True)
    assert target.read_text() == ENV
    assert summary.files_changed == 1
    assert "--- a/app.py\n+++ b/app.py\n" in report
    assert '+s3 = boto3.client("s3")  # uploads\n' in report


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe")],
)
def test_keeps_encoding_bom_and_crlf(tmp_path: Path, encoding: str, bom: bytes) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(bom + ("# café\n" + ENV).replace("\n", "\r\n").encode(encoding))
    fix(target)
    expected = bom + ("# café\n" + ENV_FIXED).replace("\n", "\r\n").encode(encoding)
    assert target.read_bytes() == expected


def test_file_changed_since_read_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV)
    real_check = fixer._check_parses

    def edit_meanwhile(kind: object, text: str) -> None:
        real_check(kind, text)  # type: ignore[arg-type]
        target.write_text(ENV + "# edited in an editor\n")

    monkeypatch.setattr(fixer, "_check_parses", edit_meanwhile)
    summary, report = fix(target)
    assert target.read_text() == ENV + "# edited in an editor\n"
    assert summary.files_failed == 1
    assert "changed on disk" in report


def test_result_that_does_not_parse_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV)
    monkeypatch.setattr(fixer, "apply_edits", lambda text, edits: text + "def (:\n")
    summary, report = fix(target)
    assert target.read_text() == ENV
    assert summary.files_failed == 1
    assert "would not parse" in report


def test_symlink_target_is_fixed_and_link_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(ENV)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    fix(link)
    assert link.is_symlink()
    assert target.read_text() == ENV_FIXED


def test_unreadable_and_undecodable_files_are_reported(tmp_path: Path) -> None:
    missing = tmp_path / "gone.py"
    broken = tmp_path / "latin.py"
    broken.write_bytes(b"# caf\xe9\n" + ENV.encode())
    summary, report = fix(missing, broken)
    assert summary.files_failed == 2
    assert broken.read_bytes() == b"# caf\xe9\n" + ENV.encode()
    assert "gone.py: not fixed: cannot read" in report
    assert "latin.py: not fixed: undecodable" in report


def test_unwritable_directory(open_tmp: Path) -> None:
    target = open_tmp / "app.py"
    target.write_text(ENV)
    target.chmod(0o644)
    fix(open_tmp / "missing.py")  # import what fixing needs before dropping privileges
    open_tmp.chmod(0o555)
    try:
        summary, _ = run_unprivileged(lambda: fix(target))  # type: ignore[misc]
    finally:
        open_tmp.chmod(0o755)
    assert summary.files_failed == 1
    assert target.read_text() == ENV


def test_diff_never_shows_a_whole_secret(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text(LITERAL)
    _, report = fix(target, unsafe=True, diff_only=True)
    assert SECRET not in report
    assert f'-s3 = boto3.client("s3", aws_secret_access_key="{SECRET[:4]}…(40 chars)")' in report


def test_corpus_round_trip(tmp_path: Path) -> None:
    """Every fix on the realistic rc2 corpus parses, and a second run finds nothing."""
    import random
    import sys

    import libcst

    root = REPO
    sys.path.insert(0, str(root / "scripts"))
    try:
        import corpus_eval
    finally:
        sys.path.pop(0)
    family = root / "corpus" / "rc2"
    rng = random.Random(7)
    targets = []
    for source in sorted(family.rglob("*.py")):
        target = tmp_path / source.relative_to(family)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(corpus_eval.render(source.read_text("utf-8"), rng))
        targets.append(target)
    first, _ = fix(*targets, unsafe=True)
    assert first.files_changed >= 10
    assert first.files_failed == 0  # the Python 2 file has nothing to fix, so it is not touched
    for target in targets:
        if "legacy" not in target.parts:
            libcst.parse_module(target.read_text())
    second, _ = fix(*targets, unsafe=True)
    assert (second.files_changed, second.fixes_applied) == (0, 0)


# --- files that must not be rewritten blindly (issue: fix refused nothing) ---------------


def _fix_forced(*paths: Path, force: bool) -> tuple[FixSummary, str]:
    out = io.StringIO()
    summary = run_fix(
        ENGINE,
        [(str(p), p.name) for p in paths],
        unsafe=False,
        diff_only=False,
        out=out,
        force=force,
    )
    return summary, out.getvalue()


def test_read_only_file_is_refused_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV)
    target.chmod(0o444)
    summary, report = _fix_forced(target, force=False)
    assert target.read_text() == ENV and summary.files_failed == 1
    assert "app.py: not fixed: read-only; make it writable or use --force" in report
    summary, _ = _fix_forced(target, force=True)
    assert target.read_text() == ENV_FIXED and summary.files_changed == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_hard_linked_file_is_refused_unless_forced_then_every_link_is_fixed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "app.py"
    target.write_text(ENV)
    other = tmp_path / "copy-of-app.py"
    other.hardlink_to(target)
    summary, report = _fix_forced(target, force=False)
    assert summary.files_failed == 1 and "has 1 other hard link, which would keep" in report
    assert target.read_text() == other.read_text() == ENV
    summary, _ = _fix_forced(target, force=True)
    assert summary.files_changed == 1
    assert target.read_text() == other.read_text() == ENV_FIXED  # one inode, both fixed
    assert target.stat().st_ino == other.stat().st_ino


def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    import os

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    target = tmp_path / "app.py"
    target.write_text(ENV)
    os.chown(target, 4321, 4322)
    summary, _ = fix(target)
    assert summary.files_changed == 1 and target.read_text() == ENV_FIXED
    st = target.stat()
    assert (st.st_uid, st.st_gid) == (4321, 4322)


def test_summary_speaks_plainly() -> None:
    assert FixSummary(1, 1).describe() == "1 fix, changed 1 file"
    assert FixSummary(2, 3, 1).describe(diff_only=True) == (
        "3 fixes, would change 2 files, 1 file left alone"
    )
    assert FixSummary().describe() == "0 fixes, changed 0 files"


# --- fix --diff masks every value a rule would report ------------------------------------


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("gitlab", 'GITLAB_TOKEN = "{}"\n'),
        ("slack_bot", 'SLACK = "{}"\n'),
        ("github", 'GH = "{}"  # deploy bot\n'),
        ("npm", 'NPM_TOKEN = "{}"\n'),
        ("openai", 'OPENAI_API_KEY = "{}"\n'),
        ("anthropic", 'client = Anthropic(api_key="{}")\n'),
    ],
)
def test_diff_masks_neighbouring_tokens_of_every_kind(tmp_path: Path, kind: str, line: str) -> None:
    import random

    from rolecall.fakes import FAKES

    token = FAKES[kind](random.Random(kind))
    target = tmp_path / "app.py"
    # The token sits in the hunk's context, next to the line the safe fix changes.
    target.write_text(ENV.replace("import os, boto3\n", "import os, boto3\n" + line.format(token)))
    assert ENGINE.scan_document(_doc(target)).findings, "the token must be reported"
    summary, diff = fix(target, diff_only=True)
    assert summary.files_changed == 1 and '+s3 = boto3.client("s3")  # uploads' in diff
    assert token not in diff
    assert token[:4] + "…" in diff  # shown redacted, as in every report


def _doc(path: Path) -> object:
    from rolecall.read.document import Document

    return Document(path.name, path.read_bytes())
