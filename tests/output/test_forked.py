"""The SARIF log written by a helper forked before the scan (rolecall.output.forked).

Each case runs in a process of its own (``python -c``), as the ``rolecall`` executable
does: a real fork, real pipes, a real report of a real scan of files on disk. The
helper's text must equal what the command line writes in process, byte for byte, and
every way the helper can fail must leave the command line to write the report itself,
with no helper process left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.output import forked

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the helper is forked on Linux only"
)


def _tree(root: Path) -> Path:
    """Files with findings of each family (one with a fix), a notice and no finding."""
    key, secret = fake_key_id(), fake_secret_key()
    files = {
        ".env": f"AWS_ACCESS_KEY_ID={key}\nAWS_SECRET_ACCESS_KEY={secret}\n",
        "app/client.py": (
            "import boto3\n\n"
            f"s3 = boto3.client('s3', aws_access_key_id='{key}', "
            f"aws_secret_access_key='{secret}')\n"
        ),
        "config/broken.json": '{"aws_secret_access_key": "' + secret + '",\n',
        "README.md": "Nothing to see here.\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


#: Runs in a fresh interpreter: scan ``tree``, then write the report through a forked
#: helper (with ``forked.ENABLED`` and an idle processor, as the executable would see
#: them) and in process, and print what happened as JSON. ``BREAK`` names what goes
#: wrong on the way.
_SCRIPT = textwrap.dedent(
    """
    import io, json, os, signal, sys, time
    from rolecall.cli.main import build_parser
    from rolecall.cli.request import run_scan_command
    from rolecall.cli.scan_cmd import scan_args
    from rolecall.output import forked
    from rolecall.output.formats import write_report

    tree, verbose, breaking, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    forked.ENABLED = True
    forked.idle_core = lambda: True
    if breaking == "large":
        forked.MAX_FINDINGS = 0
    writer = forked.ForkedWriter.start("sarif", verbose=verbose)
    assert writer is not None and writer.pid is not None
    pid = writer.pid
    streams = []
    for _ in range(200):  # the helper points its streams at the null device at once
        streams = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)]
        if streams == [os.devnull] * 3:
            break
        time.sleep(0.01)
    if breaking == "kill":
        os.kill(pid, signal.SIGKILL)
    args = ["scan", "--isolated", "--no-cache", "--jobs", jobs, "--format", "sarif", tree]
    report, _ = run_scan_command(scan_args(build_parser("scan").parse_args(args)))
    text = writer.render(report)
    writer.close()
    try:  # close() has reaped the helper: none is left, running or not
        os.waitpid(pid, os.WNOHANG)
        reaped_by_close = False
    except ChildProcessError:
        reaped_by_close = True
    buffer = io.StringIO()
    write_report(report, buffer, "sarif", verbose=verbose)
    print(json.dumps({
        "streams": streams,
        "text": text,
        "expected": buffer.getvalue(),
        "reaped_by_close": reaped_by_close,
        "findings": len(report.findings),
        "jobs": report.stats.jobs,
        "notices": len(report.notices),
    }))
    """
)


def _run(tree: Path, *, verbose: int = 0, breaking: str = "none", jobs: int = 1) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tree), str(verbose), breaking, str(jobs)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("verbose", [0, 1])
def test_the_helpers_log_is_the_one_written_in_process(tmp_path: Path, verbose: int) -> None:
    got = _run(_tree(tmp_path), verbose=verbose)
    assert got["findings"] >= 3 and got["notices"] >= 1  # a report worth comparing
    assert got["text"] is not None  # the helper wrote it...
    assert got["text"] == got["expected"]  # ...byte for byte as the command line would
    log = json.loads(got["text"])
    assert any("fixes" in result for result in log["runs"][0]["results"])
    assert ("\n  " in got["text"]) == (verbose > 0)  # -v indents, as in process
    assert got["streams"] == [os.devnull] * 3
    assert got["reaped_by_close"]


def test_worker_processes_forked_after_the_helper_do_not_hold_it_up(tmp_path: Path) -> None:
    """A scan large enough for worker processes: they are forked after the helper and
    hold copies of its pipe; the messages carry their length, so nobody waits for the
    other end of a pipe to close."""
    tree = _tree(tmp_path)
    for n in range(450):
        (tmp_path / "many" / f"module_{n}.py").parent.mkdir(exist_ok=True)
        (tmp_path / "many" / f"module_{n}.py").write_text(f"VALUE_{n} = {n}\n", encoding="utf-8")
    got = _run(tree, jobs=2)
    assert got["jobs"] == 2  # the workers ran
    assert got["text"] is not None and got["text"] == got["expected"]
    assert got["reaped_by_close"]


def test_a_killed_helper_leaves_the_report_to_the_command_line(tmp_path: Path) -> None:
    got = _run(_tree(tmp_path), breaking="kill")
    assert got["text"] is None
    assert got["expected"].startswith("{") and got["findings"] >= 3
    assert got["reaped_by_close"]


def test_a_large_report_is_written_in_process(tmp_path: Path) -> None:
    got = _run(_tree(tmp_path), breaking="large")
    assert got["text"] is None and got["findings"] >= 3
    assert got["reaped_by_close"]


def test_no_helper_where_it_cannot_help(monkeypatch: pytest.MonkeyPatch) -> None:
    # Never in a library caller's or a test's process, or for a cheap format...
    assert forked.ForkedWriter.start("sarif") is None
    monkeypatch.setattr(forked, "ENABLED", True)
    monkeypatch.setattr(forked, "idle_core", lambda: True)
    for fmt in ("text", "json", "github"):
        assert forked.ForkedWriter.start(fmt) is None
    # ...nor without an idle processor, nor off Linux.
    monkeypatch.setattr(forked, "idle_core", lambda: False)
    assert forked.ForkedWriter.start("sarif") is None
    monkeypatch.setattr(forked, "idle_core", lambda: True)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert forked.ForkedWriter.start("sarif") is None


def test_no_helper_beside_a_running_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(forked, "ENABLED", True)
    monkeypatch.setattr(forked, "idle_core", lambda: True)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert forked.ForkedWriter.start("sarif") is None
    finally:
        release.set()
        thread.join()


def test_idle_core_reads_the_kernels_count_of_runnable_tasks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_open = open

    def stat_with(running: int) -> Any:
        fake = tmp_path / f"stat-{running}"
        fake.write_bytes(b"cpu  1 2 3 4\nprocs_running %d\nprocs_blocked 0\n" % running)

        def fake_open(path: Any, *args: Any, **kwargs: Any) -> Any:
            return real_open(fake if path == "/proc/stat" else path, *args, **kwargs)

        return fake_open

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr("builtins.open", stat_with(1))
    assert forked.idle_core()  # only this process runs: the other processor is idle
    monkeypatch.setattr("builtins.open", stat_with(2))
    assert not forked.idle_core()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr("builtins.open", stat_with(1))
    assert not forked.idle_core()  # one processor: nothing to run the helper on


def test_the_executable_writes_the_same_log_with_or_without_the_helper(tmp_path: Path) -> None:
    """The real ``rolecall`` command line (which may fork the helper, when a processor
    is idle) against :func:`rolecall.cli.main.main` in process (which never does)."""
    tree = _tree(tmp_path / "tree")
    args = ["scan", "--isolated", "--no-cache", "--jobs", "1", "--format", "sarif", str(tree)]
    executable = subprocess.run(
        [sys.executable, "-m", "rolecall", *args], capture_output=True, check=False
    )
    in_process = subprocess.run(
        [sys.executable, "-c", "import sys; from rolecall.cli.main import main; "
         "sys.exit(main(sys.argv[1:]))", *args],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert executable.returncode == in_process.returncode == 1
    assert executable.stdout == in_process.stdout and executable.stdout.startswith(b"{")
    assert executable.stderr == in_process.stderr
    out = tmp_path / "out.sarif"
    written = subprocess.run(
        [sys.executable, "-m", "rolecall", *args, "-o", str(out)], capture_output=True, check=False
    )
    assert written.returncode == 1
    assert out.read_bytes() == in_process.stdout
    assert b"Report written to" in written.stderr


def test_only_the_executable_allows_the_helper() -> None:
    """``rolecall`` (console.run) allows the helper; importing or calling main() alone
    does not."""
    script = textwrap.dedent(
        """
        import sys
        import rolecall.cli.main as cli_main
        from rolecall.output import forked

        seen = []
        cli_main.main = lambda argv=None: seen.append(forked.ENABLED) or 0
        before = forked.ENABLED
        sys.argv = ["rolecall", "rules"]
        from rolecall.cli.console import run
        try:
            run()
        except SystemExit:
            pass
        print(before, seen)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "[True]"]
