"""The SARIF log written by a helper process started with the command line
(rolecall.output.spawned).

Each case runs in a process of its own (``python -c``), as the ``rolecall`` executable
does: a real helper interpreter, real pipes, a real report of a real scan of files on disk. The
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
from rolecall.cli.main import build_parser
from rolecall.cli.scan_cmd import scan_args
from rolecall.errors import UsageError
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.output import spawned

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the helper is started on Linux only"
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


#: Runs in a fresh interpreter: scan ``tree``, then write the report through the
#: helper (with ``spawned.ENABLED`` and an idle processor, as the executable would see
#: them) and in process, and print what happened as JSON. ``BREAK`` names what goes
#: wrong on the way.
_SCRIPT = textwrap.dedent(
    """
    import io, json, os, signal, sys, time
    from rolecall.cli.main import build_parser
    from rolecall.cli.request import run_scan_command
    from rolecall.cli.scan_cmd import scan_args
    from rolecall.output import spawned
    from rolecall.output.formats import write_report

    tree, verbose, breaking, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    spawned.ENABLED = True
    spawned.idle_core = lambda: True
    if breaking == "large":
        spawned.MAX_FINDINGS = 0
    writer = spawned.SpawnedWriter.start("sarif")
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
    text = writer.render(report, verbose=verbose)
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
    assert spawned.SpawnedWriter.start("sarif") is None
    monkeypatch.setattr(spawned, "ENABLED", True)
    monkeypatch.setattr(spawned, "idle_core", lambda: True)
    for fmt in ("text", "json", "github"):
        assert spawned.SpawnedWriter.start(fmt) is None
    # ...nor without an idle processor, nor off Linux.
    monkeypatch.setattr(spawned, "idle_core", lambda: False)
    assert spawned.SpawnedWriter.start("sarif") is None
    monkeypatch.setattr(spawned, "idle_core", lambda: True)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert spawned.SpawnedWriter.start("sarif") is None


def test_idle_core_reads_the_kernels_count_of_runnable_tasks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_open = open
    looks: list[int] = []

    def stat_with(*running: int) -> Any:
        """/proc/stat as it reads on each look: ``running`` runnable tasks, then the last
        count again."""
        counts = list(running)

        def fake_open(path: Any, *args: Any, **kwargs: Any) -> Any:
            if path != "/proc/stat":
                return real_open(path, *args, **kwargs)
            count = counts.pop(0) if len(counts) > 1 else counts[0]
            looks.append(count)
            fake = tmp_path / "stat"
            fake.write_bytes(b"cpu  1 2 3 4\nprocs_running %d\nprocs_blocked 0\n" % count)
            return real_open(fake, *args, **kwargs)

        return fake_open

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr("builtins.open", stat_with(1))
    assert spawned.idle_core()  # only this process runs: the other processor is idle
    assert looks == [1]
    looks.clear()
    monkeypatch.setattr("builtins.open", stat_with(2))
    assert not spawned.idle_core()
    assert looks == [2, 2, 2]  # three looks, 0.5 ms apart
    looks.clear()
    monkeypatch.setattr("builtins.open", stat_with(2, 1))
    assert spawned.idle_core()  # a moment's other task (the one that started us) passed
    assert looks == [2, 1]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr("builtins.open", stat_with(1))
    assert not spawned.idle_core()  # one processor: nothing to run the helper on


def test_the_executable_writes_the_same_log_with_or_without_the_helper(tmp_path: Path) -> None:
    """The real ``rolecall`` command line (which may start the helper, when a processor
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
        from rolecall.output import spawned

        seen = []
        cli_main.main = lambda argv=None: seen.append(spawned.ENABLED) or 0
        before = spawned.ENABLED
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


READINGS = [
    (["scan", "--format", "sarif", "."], "sarif"),
    (["scan", "--format=sarif"], "sarif"),
    (["scan", "--form", "sarif", "src"], "sarif"),  # argparse takes an abbreviation
    (["scan", "--jobs=1", "--no-cache", "--format", "sarif", "--", "a.py"], "sarif"),
    (["scan", "--config", "c.toml", "-q", "--format", "github"], "github"),
    (["scan", "-o", "out.sarif"], "sarif"),
    (["scan", "-oout.sarif"], "sarif"),
    (["scan", "--output=Out.SARIF"], "sarif"),
    (["scan", "--out", "report.sarif.json"], "sarif"),
    (["scan", "--output", "report.json"], "json"),
    (["scan", "--format", "text", "-v", "src"], "text"),
    (["scan", "."], "text"),
    (["scan", "--", "--format", "sarif"], "text"),  # two paths
]


@pytest.mark.parametrize(("argv", "expected"), READINGS)
def test_the_arguments_read_before_the_parser_give_the_parsers_format(
    argv: list[str], expected: str
) -> None:
    """The helper starts on a reading of the arguments, before the parser: where the
    reading names a format, the parser decides the same."""
    assert spawned.requested_format(argv) == expected
    assert scan_args(build_parser("scan").parse_args(argv)).format == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["rules"],
        ["explain", "RC101"],
        ["fix", "--format", "sarif"],
        ["scan", "--format", "json", "-o", "report.sarif"],  # a usage error
    ],
)
def test_no_format_is_read_from_other_command_lines(argv: list[str]) -> None:
    assert spawned.requested_format(argv) is None
    if argv[:1] == ["scan"]:
        with pytest.raises(UsageError):
            scan_args(build_parser("scan").parse_args(argv))


def test_a_helper_for_another_format_is_stopped(tmp_path: Path) -> None:
    """A helper started on a reading the parser does not confirm ends at once: the
    command line takes none, kills it and reaps it."""
    script = textwrap.dedent(
        """
        import os, sys
        from rolecall.output import spawned

        spawned.ENABLED = True
        spawned.idle_core = lambda: True
        spawned.start_for(["scan", "--format", "sarif", "."])
        pid = spawned._started.pid
        alive = os.path.exists(f"/proc/{pid}")
        taken = spawned.take("text")
        try:
            os.waitpid(pid, os.WNOHANG)
            reaped = False
        except ChildProcessError:
            reaped = True
        spawned.start_for(["scan", "-o", "out.sarif"])
        second = spawned._started.pid
        spawned.stop()
        print(alive, taken, reaped, spawned._started, os.path.exists(f"/proc/{second}"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "None", "True", "None", "False"]


def test_a_helper_that_cannot_start_leaves_the_report_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spawned, "ENABLED", True)
    monkeypatch.setattr(spawned, "idle_core", lambda: True)
    before = sorted(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    assert spawned.SpawnedWriter.start("sarif") is None
    assert sorted(os.listdir("/proc/self/fd")) == before  # its pipes are closed again


def test_the_helper_imports_nothing_from_the_scanned_directory(tmp_path: Path) -> None:
    """The helper gets the command line's ``sys.path`` and nothing else: a module named
    like one it imports, in the directory being scanned and run in, stays unimported."""
    tree = _tree(tmp_path / "tree")
    marker = tmp_path / "imported"
    for name in ("sarif_om.py", "attr.py", "json.py"):
        (tree / name).write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\nraise ImportError('planted')\n",
            encoding="utf-8",
        )
    script = textwrap.dedent(
        """
        import os, sys
        sys.path = [p for p in sys.path if p not in ("", os.getcwd())]  # as the executable
        from rolecall.cli.main import build_parser
        from rolecall.cli.request import run_scan_command
        from rolecall.cli.scan_cmd import scan_args
        from rolecall.output import spawned

        spawned.ENABLED = True
        spawned.idle_core = lambda: True
        writer = spawned.SpawnedWriter.start("sarif")
        args = ["scan", "--isolated", "--no-cache", "--format", "sarif", "."]
        report, _ = run_scan_command(scan_args(build_parser("scan").parse_args(args)))
        text = writer.render(report)
        writer.close()
        print("helper" if text and text.startswith("{") else "none")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=tree,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["helper"]
    assert not marker.exists()
