"""The command line: every flag of ``rolecall scan``, the other commands, exit codes.

Most tests call ``main(argv)`` in-process; a few run the installed console script and
``python -m rolecall`` in a subprocess, as a user would.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rolecall.engine.runner as runner
import rolecall.engine.workers as workers
from rolecall import __version__
from rolecall.cli.main import main
from rolecall.cli.scan_cmd import _use_color
from rolecall.plugin.registry import default_registry

from tests.conftest import REPO, write_tree

SCRIPT = Path(sys.executable).with_name("rolecall")
DOC_EXAMPLE_ID = "AKIA" + "IOSFODNN7EXAMPLE"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(["scan", "--format", "json", *argv], capsys)
    return code, json.loads(out)


def rule_ids(report: dict[str, Any]) -> list[str]:
    return [f["rule_id"] for f in report["findings"]]


@pytest.fixture
def project(in_tmp: Path, key_id: str) -> Path:
    """A small project with one key id in app/settings.py."""
    write_tree(in_tmp, {"app/settings.py": f"KEY = '{key_id}'\n", "README.md": "# app\n"})
    return in_tmp


# --- exit codes ---------------------------------------------------------------------


def test_exit_1_with_findings_and_0_without(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["scan", "--isolated"], capsys)
    assert code == 1 and err == ""
    assert out.startswith("app/settings.py:1:8: RC101 aws-long-term-access-key-id [error] ")
    (project / "app" / "settings.py").write_text("KEY = None\n")
    code, out, _ = run(["scan", "--isolated"], capsys)
    assert code == 0 and out.startswith("No findings; scanned 2 files")


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (["scan", "--format", "xml"], "invalid choice: 'xml'"),
        (["scan", "--fail-level", "fatal"], "invalid choice: 'fatal'"),
        (["scan", "--jobs", "many"], "invalid int value"),
        (["scan", "--jobs", "-1"], "--jobs: expected 0"),
        (["scan", "--max-file-size", "0"], "--max-file-size: expected a positive"),
        (["scan", "--select", "RC1,S101"], "--select: 'S101' is not a rule id"),
        (["scan", "--ignore", "X"], "--ignore: 'X' is not a rule id"),
        (["scan", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
        (["scan", "missing-dir"], "rolecall: error: missing-dir: no such file or directory"),
        (["scan", "app", "missing.py"], "missing.py: no such file or directory"),
        (["scan", "--config", "nope.toml"], "nope.toml: configuration file not found"),
        (["scan", "--output", "no/such/dir/r.json"], "--output no/such/dir/r.json: the dir"),
        (["explain", "RC999"], "unknown rule 'RC999'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "usage: rolecall"),
    ],
)
def test_exit_2_for_usage_errors(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], stderr: str
) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert stderr in err
    assert "Traceback" not in err


def test_exit_2_for_a_bad_config_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"pyproject.toml": "[tool.rolecall]\nexclude-dirs = []\n"})
    code, _, err = run(["scan"], capsys)
    assert code == 2
    assert err == (
        "rolecall: error: pyproject.toml: [tool.rolecall] exclude-dirs: unknown key; "
        'did you mean "exclude"?\n'
    )


def test_output_that_cannot_be_written_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "out").mkdir()
    code, _, err = run(["scan", "--isolated", "--output", "out"], capsys)
    assert code == 2 and err.startswith("rolecall: error: --output out: cannot write")
    assert sorted(os.listdir(project / "out")) == []
    assert not [n for n in os.listdir(project) if n.startswith(".rolecall-")]


def test_exit_3_for_an_internal_error(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("message quoting " + "sensitive-text")

    monkeypatch.setattr(runner, "run_scan", broken)
    code, out, err = run(["scan"], capsys)
    assert code == 3 and out == ""
    assert err.startswith("rolecall: internal error: RuntimeError at test_main.py:")
    assert "sensitive-text" not in err


# --- scan flags ---------------------------------------------------------------------


def test_format_json(project: Path, capsys: pytest.CaptureFixture[str], key_id: str) -> None:
    code, report = run_json(["--isolated"], capsys)
    assert code == 1 and report["schema_version"] == 1
    assert [(f["path"], f["line"], f["column"]) for f in report["findings"]] == [
        ("app/settings.py", 1, 8)
    ]
    properties = report["findings"][0]["properties"]
    assert properties["key_id"] == key_id and properties["key_type"].startswith("long-term")
    assert len(properties["account_id"]) == 12


def test_output_is_written_atomically(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, expected, _ = run(["scan", "--isolated", "--format", "json"], capsys)
    target = project / "report.json"
    target.write_text("old")
    target.chmod(0o600)
    code, out, _ = run(["scan", "--isolated", "--format", "json", "-o", "report.json"], capsys)
    assert code == 1 and out == ""
    written = json.loads(target.read_text())
    written["stats"]["seconds"] = json.loads(expected)["stats"]["seconds"]
    assert written["findings"] == json.loads(expected)["findings"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # an existing file's mode is kept
    assert not [n for n in os.listdir(project) if n.startswith(".rolecall-")]
    code, _, _ = run(["scan", "--isolated", "--output", "new.txt", "--color", "always"], capsys)
    text = (project / "new.txt").read_text()
    assert text.startswith("app/settings.py:1:8:") and "\033[" not in text  # no colour in files


def test_output_to_a_pipe_or_device_is_written_in_place(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o`` naming a FIFO (as ``/dev/null`` or ``/dev/stdout`` name devices) writes into
    it; renaming a temporary file over it would replace the pipe or device with a file."""
    import threading

    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, out, _ = run(["scan", "--isolated", "--format", "json", "-o", "report.fifo"], capsys)
    reader.join(timeout=30)
    assert code == 1 and out == ""
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe, not a regular file
    assert json.loads(received[0])["findings"][0]["rule_id"] == "RC101"
    assert not [n for n in os.listdir(project) if n.startswith(".rolecall-")]


def _every(rid: str) -> bool:
    return True


@pytest.mark.parametrize(
    ("flags", "expected", "ran"),
    [
        ([], ["RC101"], _every),
        (["--select", "RC101"], ["RC101"], lambda r: r == "RC101"),
        (["--select", "RC1"], ["RC101"], lambda r: r.startswith("RC1")),
        (["--select", "rc2,RC101"], ["RC101"], lambda r: r == "RC101" or r.startswith("RC2")),
        (["--select", "RC2"], [], lambda r: r.startswith("RC2")),
        (
            ["--select", "RC2", "--select", "RC10"],
            ["RC101"],
            lambda r: r.startswith(("RC2", "RC10")),
        ),
        (["--ignore", "RC101"], [], lambda r: r != "RC101"),
        (["--ignore", "RC1"], [], lambda r: not r.startswith("RC1")),
        (["--ignore", "RC2"], ["RC101"], lambda r: not r.startswith("RC2")),
        (["--select", "ALL", "--ignore", "RC10"], [], lambda r: not r.startswith("RC10")),
    ],
)
def test_select_and_ignore(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    expected: list[str],
    ran: Callable[[str], bool],
) -> None:
    code, report = run_json(["--isolated", *flags], capsys)
    assert rule_ids(report) == expected
    assert code == (1 if expected else 0)
    installed = [cls.id for cls in default_registry().rules if cls.default_enabled]
    assert [r["id"] for r in report["rules"]] == [rid for rid in installed if ran(rid)]


@pytest.mark.parametrize(
    ("severity", "fail_level", "code"),
    [
        ("error", "error", 1),
        ("warning", "error", 0),
        ("warning", "warning", 1),
        ("note", "warning", 0),
        ("note", "note", 1),
    ],
)
def test_fail_level(
    project: Path, capsys: pytest.CaptureFixture[str], severity: str, fail_level: str, code: int
) -> None:
    write_tree(project, {".rolecall.toml": f'[severity-overrides]\nRC101 = "{severity}"\n'})
    got, report = run_json(["--fail-level", fail_level], capsys)
    assert got == code
    assert [f["severity"] for f in report["findings"]] == [severity]
    assert report["summary"]["fail_level"] == fail_level
    assert report["summary"]["failed"] is bool(code)


def test_fail_level_from_config_and_overridden(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        project, {".rolecall.toml": 'fail-level = "error"\n[severity-overrides]\nRC1 = "warning"\n'}
    )
    assert run(["scan"], capsys)[0] == 0
    assert run(["scan", "--fail-level", "warning"], capsys)[0] == 1


def test_exclude(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scan", "--isolated", "--exclude", "*.py"], capsys)[0] == 0
    assert run(["scan", "--isolated", "--exclude", "app/"], capsys)[0] == 0
    assert run(["scan", "--isolated", "--exclude", "*.md"], capsys)[0] == 1
    # Also for files named explicitly, as pre-commit passes them.
    assert run(["scan", "--isolated", "--exclude", "app/", "app/settings.py"], capsys)[0] == 0


def test_no_gitignore(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {".gitignore": "app/\n"})
    assert run(["scan", "--isolated"], capsys)[0] == 0
    assert run(["scan", "--isolated", "--no-gitignore"], capsys)[0] == 1


def test_jobs_1_and_2_give_identical_results(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, key_id: str
) -> None:
    write_tree(project, {f"pkg/m{n:02}.py": f"K{n} = '{key_id}'\n" for n in range(20)})
    write_tree(project, {"bin.dat": b"\0\1", "notes.txt": "# rolecall: ignore\n" + key_id})
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(workers, "BATCH_FILES", 3)
    reports = []
    for jobs in ("1", "2"):
        code, report = run_json(["--isolated", "--jobs", jobs], capsys)
        assert code == 1
        reports.append(report)
    serial, parallel = reports
    assert (serial["stats"]["jobs"], parallel["stats"]["jobs"]) == (1, 2)
    for report in reports:
        del report["stats"]
    assert parallel == serial
    assert len(serial["findings"]) == 21 and len(serial["suppressed"]) == 1


def test_quiet_and_verbose(project: Path, capsys: pytest.CaptureFixture[str], key_id: str) -> None:
    write_tree(project, {"b.txt": f"{key_id}  # rolecall: ignore -- test data\n", "img.png": ""})
    _, normal, _ = run(["scan", "--isolated"], capsys)
    _, quiet, _ = run(["scan", "--isolated", "-q"], capsys)
    _, verbose, _ = run(["scan", "--isolated", "-v"], capsys)
    finding = "app/settings.py:1:8: RC101 aws-long-term-access-key-id [error] "
    assert quiet.splitlines()[0].startswith(finding) and len(quiet.splitlines()) == 1
    assert "recommendation:" in normal and "Suppressed:" not in normal
    assert "img.png" not in normal and "1 informational, shown with -v" in normal
    assert "Suppressed:" in verbose and "(test data)" in verbose
    assert "img.png: RC902 binary-file-skipped [note]" in verbose


def test_config_flag_and_isolated(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {".rolecall.toml": 'ignore = ["RC101"]\n', "other.toml": "jobs = 1\n"})
    assert run(["scan"], capsys)[0] == 0
    assert run(["scan", "--isolated"], capsys)[0] == 1
    assert run(["scan", "--config", "other.toml"], capsys)[0] == 1


def test_max_file_size(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = (project / "app" / "settings.py").stat().st_size
    code, report = run_json(["--isolated", "--max-file-size", str(size - 1)], capsys)
    assert code == 0
    assert [(n["path"], n["code"]) for n in report["notices"]] == [("app/settings.py", "RC903")]
    assert run(["scan", "--isolated", "--max-file-size", str(size)], capsys)[0] == 1


def test_follow_symlinks(in_tmp: Path, capsys: pytest.CaptureFixture[str], key_id: str) -> None:
    write_tree(in_tmp, {"src/real/k.py": f"K = '{key_id}'\n", "outside/o.py": f"O = '{key_id}'\n"})
    (in_tmp / "src" / "link").symlink_to(in_tmp / "src" / "real")
    (in_tmp / "src" / "out").symlink_to(in_tmp / "outside")
    _, report = run_json(["--isolated", "src"], capsys)
    assert [f["path"] for f in report["findings"]] == ["src/real/k.py"]
    _, report = run_json(["--isolated", "--follow-symlinks", "src"], capsys)
    # One file, reported once under its own path (issue 17 #15); the link says so.
    assert [f["path"] for f in report["findings"]] == ["src/real/k.py"]
    notices = {n["path"]: n["message"] for n in report["notices"]}
    assert notices == {
        "src/link/k.py": "same file as src/real/k.py, already scanned",
        "src/out": "symbolic link points outside the scan root",
    }


def test_report_unused_suppressions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"c.py": "x = 1  # rolecall: ignore[RC101]\n"})
    _, report = run_json(["--isolated"], capsys)
    assert report["notices"] == []
    _, report = run_json(["--isolated", "--report-unused-suppressions"], capsys)
    assert [(n["path"], n["line"], n["code"]) for n in report["notices"]] == [("c.py", 1, "RC909")]
    # Asked for, so shown in text output without -v.
    _, out, _ = run(["scan", "--isolated", "--report-unused-suppressions"], capsys)
    assert "c.py:1: RC909 unused-suppression [warning] suppression of RC101 matches" in out


def test_report_examples(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(in_tmp, {"docs.md": f"Example: {DOC_EXAMPLE_ID}\n"})
    code, report = run_json(["--isolated"], capsys)
    assert code == 0 and report["findings"] == []
    code, report = run_json(["--isolated", "--report-examples"], capsys)
    assert code == 0 and [f["severity"] for f in report["findings"]] == ["note"]
    assert run(["scan", "--isolated", "--report-examples", "--fail-level", "note"], capsys)[0] == 1


def test_color(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, always, _ = run(["scan", "--isolated", "--color", "always"], capsys)
    _, never, _ = run(["scan", "--isolated", "--color", "never"], capsys)
    _, auto, _ = run(["scan", "--isolated"], capsys)  # captured output is not a TTY
    assert "\033[31m[error]\033[0m" in always and "\033[1mapp/settings.py:1:8:\033[0m" in always
    assert "\033[" not in never
    assert re.sub(r"in [0-9.]+s", "", auto) == re.sub(r"in [0-9.]+s", "", never)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, True), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)],
)
def test_color_auto_on_a_tty(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _use_color("auto", _Tty()) is expected
    assert _use_color("auto", io.StringIO()) is False
    assert _use_color("never", _Tty()) is False


def test_several_paths_and_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"other/x.py": "y = 2\n"})
    code, report = run_json(["--isolated", "other", "app/settings.py", "app"], capsys)
    assert code == 1 and rule_ids(report) == ["RC101"]  # the same file once
    assert report["stats"]["files_scanned"] == 2


# --- other commands -------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out == f"rolecall {__version__}\n"


def test_rules_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "NAME", "SEVERITY", "FIX", "SUMMARY"]
    assert any(
        line.split()[:3] == ["RC101", "aws-long-term-access-key-id", "error/warning"]
        for line in lines
    )
    code, out, _ = run(["rules", "--format", "json"], capsys)
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["RC101"]["origin"] == "aws_keys = rolecall.rules.aws.keys"
    assert set(rows["RC101"]) == {
        "id", "name", "severity", "severities", "confidence", "cwe", "fixable", "kinds",
        "summary", "origin",
    }  # fmt: skip


@pytest.mark.parametrize("name", ["RC101", "rc101", "aws-long-term-access-key-id"])
def test_explain(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, _ = run(["explain", name], capsys)
    assert code == 0
    assert out.startswith(
        "RC101 aws-long-term-access-key-id\nseverity: error/warning, confidence: "
    )
    for heading in ("## What it finds", "## Why it is risky", "## Use instead", "## Example"):
        assert heading in out
    assert "## Reported by a plain scan (examples, run as tests)" in out and "--- .env" in out


def test_demo_in_process(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", "--keep", "sample"], capsys)
    assert code == 1
    # One finding per key pair, from the rule that understands the file: the SDK rule
    # where boto3 is given the settings' literals, the config rule in .env.
    assert "sample/app/settings.py:17:9: RC201" in out and "sample/.env:3:23: RC301" in out
    assert "RC101" not in out
    assert "RC303" in out  # the workflow's stored keys: use OIDC
    assert DOC_EXAMPLE_ID not in out  # the documented example in the sample README
    assert (in_tmp / "sample" / "app" / "settings.py").is_file()


# --- as a user runs it -----------------------------------------------------------------


def _run_script(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed next to python")
def test_console_script(project: Path) -> None:
    version = _run_script([str(SCRIPT), "--version"], project)
    assert (version.returncode, version.stdout) == (0, f"rolecall {__version__}\n")
    scan = _run_script([str(SCRIPT), "scan", "--isolated"], project)
    assert scan.returncode == 1 and "\033[" not in scan.stdout  # a pipe is not a TTY
    assert scan.stdout.startswith("app/settings.py:1:8: RC101")
    bad = _run_script([str(SCRIPT), "scan", "nowhere"], project)
    assert bad.returncode == 2 and bad.stderr.strip().endswith("no such file or directory")


def test_python_dash_m(project: Path) -> None:
    result = _run_script([sys.executable, "-m", "rolecall", "scan", "--isolated"], project)
    assert result.returncode == 1 and "RC101" in result.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed next to python")
def test_demo_prints_findings_and_exits_1(tmp_path: Path) -> None:
    result = _run_script([str(SCRIPT), "demo"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Sample application with freshly generated fake keys" in result.stdout
    # The settings module's literal key pair, seen where boto3 is given it.
    assert "app/settings.py:17:9: RC201" in result.stdout


def test_the_repository_scans_clean() -> None:
    """'Done when': rolecall on its own repository exits 0 (test data is generated)."""
    result = _run_script([sys.executable, "-m", "rolecall", "scan", "--jobs", "1"], REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_non_utf8_file_names_in_output(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], key_id: str
) -> None:
    with open(os.path.join(os.fsencode(in_tmp), b"k\xff.py"), "w") as fh:
        fh.write(f"K = '{key_id}'\n")
    code, report = run_json(["--isolated"], capsys)
    assert code == 1 and [f["path"] for f in report["findings"]] == ["k\ufffd.py"]
    code, out, _ = run(["scan", "--isolated"], capsys)
    assert code == 1 and out.startswith("k\ufffd.py:1:6: RC101")


FIXABLE = (
    "import os\nimport boto3\n\n"
    's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
    '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
)


def test_fix_diff_then_fix_then_clean(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(in_tmp, {"app/upload.py": FIXABLE})
    code, out, _ = run(["fix", "--isolated", "--diff"], capsys)
    assert code == 1  # --diff: changes would be made
    assert '-s3 = boto3.client("s3", aws_access_key_id' in out and '+s3 = boto3.client("s3")' in out
    assert (in_tmp / "app" / "upload.py").read_text() == FIXABLE  # nothing written
    code, out, _ = run(["fix", "--isolated"], capsys)
    assert code == 0 and "changed 1 file" in out
    assert (in_tmp / "app" / "upload.py").read_text() == (
        'import boto3\n\ns3 = boto3.client("s3")\n'  # and the import it left unused
    )
    code, out, _ = run(["fix", "--isolated", "--diff"], capsys)  # idempotent
    assert code == 0 and "changed 0 file" in out.replace("would change", "changed")
    code, _, _ = run(["scan", "--isolated", "--select", "RC2"], capsys)
    assert code == 0


def test_demo_without_keep_says_the_sample_is_gone_and_how_to_keep_it(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["demo"], capsys)
    assert code == 1
    first = out.splitlines()[0]
    sample_dir = first.rsplit(": ", 1)[1]
    assert not os.path.exists(sample_dir)  # removed, as the last line says
    assert out.rstrip().endswith(
        "`rolecall demo --keep DIR` keeps it, to try `rolecall fix` and the baseline on."
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("report.sarif", "sarif"),
        ("out/rolecall.sarif.json", "sarif"),
        ("r.json", "json"),
        ("report.txt", "text"),
    ],
)
def test_output_file_name_decides_the_format(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], name: str, fmt: str
) -> None:
    (in_tmp / "out").mkdir()
    (in_tmp / "src").mkdir()
    (in_tmp / "src" / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={DOC_EXAMPLE_ID[:4]}Q3ZR7HVTX2M4WYLB\n"
    )
    code, out, err = run(["scan", "--no-cache", "-o", name, "src"], capsys)
    assert code == 1 and out == ""
    written = (in_tmp / name).read_text()
    if fmt == "text":
        assert written.startswith("src/.env:1:")
    else:
        data = json.loads(written)
        assert ("runs" in data) is (fmt == "sarif")
    # The report went to the file; the terminal still gets the one-line summary.
    assert err.startswith("Found 1 finding") and f"Report written to {name} ({fmt})." in err


def test_output_file_name_and_format_must_agree(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(["scan", "--format", "text", "-o", "r.sarif", "."], capsys)
    assert code == 2 and not (in_tmp / "r.sarif").exists()
    assert err == (
        "rolecall: error: --output r.sarif: a .sarif file name, but --format text; "
        "use --format sarif or another file name\n"
    )


def test_quiet_output_file_prints_nothing(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["scan", "--no-cache", "-q", "-o", "r.json", "."], capsys)
    assert code == 0 and out == "" and err == ""


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["scan", "--format", "xml", "."], "argument --format: invalid choice: 'xml'"),
        (["scan", "--fail-level", "bad", "."], "argument --fail-level: invalid choice: 'bad'"),
        (["bogus"], "argument COMMAND: invalid choice: 'bogus'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"rolecall: error: {said}")
