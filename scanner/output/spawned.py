"""The SARIF log written by a helper process that starts with the command line and
imports the SARIF object model while the scan runs.

Importing the reporter costs about 36 ms: sarif-om builds some sixty attrs classes at
import time. That is a third of a pre-commit run over 20 files, which is bound by
start-up, and the scan itself leaves the second core idle. So the ``rolecall``
executable, when its command line asks for a SARIF report, starts a helper before it
imports anything else: a new interpreter (``posix_spawn``) that imports the reporter,
converts every rule's documentation (:meth:`~rolecall.output.sarif.SarifReporter.prepare`)
and waits. The scan runs meanwhile. The report then goes to the helper through a pipe,
pickled (the helper runs the same installed code: it gets the command line's
``sys.path``), and the log's text comes back. The command line still writes the text
itself, to the terminal or to ``--output``, so where the report goes, every message
and the exit code stay as they were.

A new interpreter, not a fork: a forked helper shares the command line's memory, and
each page the scan then writes to is copied first, about 1,500 page faults that cost
the scan more than the helper saved (see docs/performance.md).

The helper starts before the command line's parser runs, so on a reading of the
arguments (:func:`requested_format`) that the parser then confirms (:func:`take`): a
helper started on a wrong reading is stopped, and where the reading misses a SARIF
request the command line writes the report itself.

The output is the same either way: in any unusual case the command line writes the
report itself, as it always did. That covers no ``posix_spawn`` (Linux only here), no
idle processor (the helper would slow the scan down), a report too large to be worth
the two copies through the pipes, and a helper that fails to start, fails or is gone.

The helper writes nothing anywhere but its pipe: its standard streams are the null
device from its start, so that a reader waiting for the end of rolecall's output
(pre-commit, a shell pipe) never waits for it. It exits when its request pipe closes,
so it cannot outlive the command line by more than its start-up. The command line
always reaps it, by its answer or by a kill.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # not typing's: the helper starts before anything imports it
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType
    from typing import NoReturn

    from rolecall.output.report import ScanReport

#: Set by the ``rolecall`` executable (:mod:`rolecall.cli.console`) only: library callers
#: and tests calling :func:`rolecall.cli.main.main` in their own process never start one.
ENABLED = False

#: The formats whose reporter is worth preparing: the others import in a few ms.
FORMATS = frozenset({"sarif"})

#: Larger reports are written in process: the import is then a small part of the run,
#: while pickling the report and copying the log through pipes grow with its size.
MAX_FINDINGS = 2_000

_CHUNK = 1 << 16
#: Bytes of the length that starts a message (:func:`_framed`).
_SIZE = 8

#: What the helper interpreter runs: ``sys.argv`` is then ``-c``, the format, the two
#: pipe descriptors and the command line's ``sys.path``. Without the cyclic collector,
#: as the command line (rolecall.cli.console): the import makes long-lived objects only.
_HELPER = (
    "import gc, sys; gc.disable(); sys.path[:] = sys.argv[4:]; "
    "from rolecall.output.spawned import serve; "
    "serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))"
)

_started: SpawnedWriter | None = None


def requested_format(argv: Sequence[str]) -> str | None:
    """The report format that a ``scan`` command line asks for, read without the parser:
    ``--format`` (or an unambiguous abbreviation of it, as argparse takes them), else
    what ``--output``/``-o``'s file name says. None for another command, or where the
    arguments are not plain enough to tell; the parser decides in the end."""
    if not argv or argv[0] != "scan":
        return None
    fmt: str | None = None
    output: str | None = None
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if len(name) > 4 and "--format".startswith(name):  # "--fo": --follow-symlinks too
            fmt = value if equals else next(args, None)
        elif len(name) > 2 and "--output".startswith(name):
            output = value if equals else next(args, None)
        elif arg.startswith("-o") and not arg.startswith("--"):
            output = arg[2:] or next(args, None)
    from rolecall.cli.report_format import output_format
    from rolecall.errors import UsageError

    try:
        return output_format(fmt, output)
    except UsageError:
        return None


def start_for(argv: Sequence[str]) -> None:
    """Start the helper for the report that ``argv`` asks for, where one helps (the
    ``rolecall`` executable calls this first of all; :func:`take` hands it over)."""
    global _started
    fmt = requested_format(argv)
    if fmt is not None and _started is None:
        _started = SpawnedWriter.start(fmt)


def take(fmt: str) -> SpawnedWriter | None:
    """The helper started for this command line, when it was started for ``fmt`` (the
    parser's decision); one started on a wrong reading of the arguments is stopped."""
    global _started
    writer, _started = _started, None
    if writer is not None and writer.fmt != fmt:
        writer.close()
        return None
    return writer


def stop() -> None:
    """Stop a helper that no command took (a usage error, another command)."""
    take("")


class SpawnedWriter:
    """A helper process that writes one report in ``fmt`` (see the module's docstring)."""

    __slots__ = ("_done", "_reply", "_request", "fmt", "pid")

    def __init__(self, fmt: str, pid: int, request: int, reply: int) -> None:
        self.fmt = fmt
        self.pid: int | None = pid
        self._request: int | None = request
        self._reply: int | None = reply
        self._done = False  # a whole answer came

    @classmethod
    def start(cls, fmt: str) -> SpawnedWriter | None:
        """Start the helper for ``fmt``, or None where the command line should write the
        report itself (see :data:`ENABLED`, :data:`FORMATS`)."""
        if not ENABLED or fmt not in FORMATS or not sys.platform.startswith("linux"):
            return None
        if not sys.executable or getattr(sys, "frozen", False) or not hasattr(os, "posix_spawn"):
            return None  # no interpreter to start (a frozen application is its own)
        if not idle_core():
            return None  # the helper would take the scan's own processor time
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        argv = [sys.executable, "-I", "-c", _HELPER, fmt, str(request_read), str(reply_write)]
        argv += [str(entry) for entry in sys.path]
        null = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
        try:
            # The helper's ends only are inherited; the command line's stay its own.
            os.set_inheritable(request_read, True)
            os.set_inheritable(reply_write, True)
            pid = os.posix_spawn(sys.executable, argv, os.environ, file_actions=null)
        except (OSError, ValueError):  # ValueError: a NUL in a path
            for fd in (request_read, request_write, reply_read, reply_write):
                os.close(fd)
            return None
        os.close(request_read)
        os.close(reply_write)
        return cls(fmt, pid, request_write, reply_read)

    def render(self, report: ScanReport, *, color: bool = False, verbose: int = 0) -> str | None:
        """The report's text as the reporter writes it, or None: then the caller writes
        it itself. The helper ends either way; :meth:`close` reaps it (the caller calls
        that once the text is written, by when an answering helper has exited)."""
        try:
            reply_fd = self._reply
            if len(report.findings) > MAX_FINDINGS or self._request is None or reply_fd is None:
                return None
            pickle = _pickle()
            try:
                data = pickle.dumps((color, verbose, report), protocol=-1)  # the highest
            except Exception:  # something unpicklable from a plugin: write in process
                return None
            try:
                _write_all(self._request, _framed(data))
                self._close_request()
                reply = _read_framed(reply_fd)
            except OSError:  # the helper is gone (a broken pipe)
                return None
            if reply is None:  # the helper ended before a whole answer
                return None
            self._done = True
            return reply.decode("utf-8", "surrogatepass")
        finally:
            if not self._done:
                self.close()

    def close(self) -> None:
        """End the helper and reap it: one that answered exits on its own (a next run
        must not find it still running, see :func:`idle_core`), any other is killed."""
        self._close_request()
        if self._reply is not None:
            os.close(self._reply)
            self._reply = None
        pid, self.pid = self.pid, None
        if pid is None:
            return
        import contextlib  # here: the command line has imported it by now

        if not self._done:
            import signal

            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def _close_request(self) -> None:
        if self._request is not None:
            os.close(self._request)
            self._request = None


def idle_core(samples: int = 3) -> bool:
    """Whether a processor this process may run on is idle: the kernel's count of
    runnable tasks (this one included) is below the number of such processors in one of
    ``samples`` looks 0.5 ms apart. On a busy machine the helper would compete with the
    scan and slow the run down. One look is not enough at start-up: the process that
    started this one, or a kernel thread woken by its start, is often still runnable
    for a moment (4 in 10 looks at a 20-file hook run's start on an idle machine)."""
    try:
        processors = len(os.sched_getaffinity(0))
        for n in range(samples):
            if n:
                time.sleep(0.0005)
            if _runnable() < processors:
                return True
    except (OSError, ValueError, AttributeError):
        pass
    return False


def _runnable() -> int:
    with open("/proc/stat", "rb") as stat:
        for line in stat:
            if line.startswith(b"procs_running "):
                return int(line.split()[1])
    raise ValueError("no procs_running in /proc/stat")


def serve(fmt: str, request: int, reply: int) -> NoReturn:
    """The helper: import the reporter, read one pickled report, answer with its text.
    Never returns; exits 0 only after a whole answer."""
    status = 1
    try:
        import io

        from rolecall.output.formats import get_reporter

        pickle = _pickle()
        prepare = getattr(get_reporter(fmt), "prepare", None)
        if prepare is not None:
            prepare()  # work that does not need the report (the SARIF rule descriptors)
        data = _read_framed(request)
        if data is not None:
            color, verbose, report = pickle.loads(data)
            buffer = io.StringIO()
            get_reporter(fmt, color=color, verbose=verbose).write(report, buffer)
            _write_all(reply, _framed(buffer.getvalue().encode("utf-8", "surrogatepass")))
            os.close(reply)
            status = 0
    except BaseException:  # anything at all: the command line writes the report then
        status = 1
    finally:
        os._exit(status)


def _pickle() -> ModuleType:
    """The C pickler itself where there is one: ``pickle`` imports three times longer,
    for the pure-Python pickler it keeps beside it."""
    try:
        import _pickle

        return _pickle
    except ImportError:  # pragma: no cover - an interpreter without the C pickler
        import pickle

        return pickle


def _framed(data: bytes) -> bytes:
    """``data`` after its length: a message is whole when that many bytes came, so that
    neither side waits for the other's end of the pipe (a worker process forked from the
    command line later holds a copy of it)."""
    return len(data).to_bytes(_SIZE, "little") + data


def _read_framed(fd: int) -> bytes | None:
    """One :func:`_framed` message from ``fd``, or None when the pipe ends before it."""
    head = _read_exactly(fd, _SIZE)
    return None if head is None else _read_exactly(fd, int.from_bytes(head, "little"))


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    while size:
        part = os.read(fd, min(size, _CHUNK))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
