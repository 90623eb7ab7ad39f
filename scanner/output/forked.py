"""The SARIF log built by a process forked before the scan, which imports the SARIF
object model while the scan runs.

Importing the reporter costs about 36 ms: sarif-om builds some sixty attrs classes at
import time. That is a third of a pre-commit run over 20 files, which is bound by
start-up, and the scan itself leaves the second core idle. So the ``rolecall``
executable, once it has read a ``scan --format sarif`` command line, forks a helper
that imports the reporter and waits. The scan runs meanwhile. The report then goes to
the helper through a pipe (pickled: a forked copy of the same code reads it) and the
log's text comes back. The command line still writes the text itself, to the terminal
or to ``--output``, so where the report goes, every message and the exit code stay as
they were.

The output is the same either way: in any unusual case the command line writes the
report itself, as it always did. That covers no ``fork`` (only Linux forks here), a
thread already running, no idle processor (the helper would slow the scan down), a
report too large to be worth the two copies through the pipes, and a helper that
fails or is gone.

The helper writes nothing anywhere but its pipe. Its standard streams point to the null
device, so that a reader waiting for the end of rolecall's output (pre-commit, a shell
pipe) never waits for the helper. It exits when its request pipe closes, so it cannot
outlive the command line by more than its import. The command line always reaps it,
by its answer or by a kill.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from types import ModuleType

    from rolecall.output.report import ScanReport

#: Set by the ``rolecall`` executable (:mod:`rolecall.cli.console`) only: library callers
#: and tests calling :func:`rolecall.cli.main.main` in their own process never fork.
ENABLED = False

#: The formats whose reporter is worth preparing: the others import in a few ms.
FORMATS = frozenset({"sarif"})

#: Larger reports are written in process: the import is then a small part of the run,
#: while pickling the report and copying the log through pipes grow with its size.
MAX_FINDINGS = 2_000

_CHUNK = 1 << 16
#: Bytes of the length that starts a message (:func:`_framed`).
_SIZE = 8


class ForkedWriter:
    """A helper process that writes one report in ``fmt`` (see the module's docstring)."""

    __slots__ = ("_done", "_reply", "_request", "pid")

    def __init__(self, pid: int, request: int, reply: int) -> None:
        self.pid: int | None = pid
        self._request: int | None = request
        self._reply: int | None = reply
        self._done = False  # a whole answer came

    @classmethod
    def start(cls, fmt: str, *, color: bool = False, verbose: int = 0) -> ForkedWriter | None:
        """Fork the helper for ``fmt``, or None where the command line should write the
        report itself (see :data:`ENABLED`, :data:`FORMATS`)."""
        if not ENABLED or fmt not in FORMATS or not sys.platform.startswith("linux"):
            return None
        threading = sys.modules.get("threading")
        if threading is not None and threading.active_count() > 1:
            return None  # forking a process with threads risks locks held by none
        if not idle_core():
            return None  # the helper would take the scan's own processor time
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (request_read, request_write, reply_read, reply_write):
                os.close(fd)
            return None
        if pid == 0:  # the helper
            os.close(request_write)
            os.close(reply_read)
            _serve(request_read, reply_write, fmt, color, verbose)
        os.close(request_read)
        os.close(reply_write)
        return cls(pid, request_write, reply_read)

    def render(self, report: ScanReport) -> str | None:
        """The report's text as the reporter writes it, or None: then the caller writes
        it itself. The helper ends either way; :meth:`close` reaps it (the caller calls
        that once the text is written, by when an answering helper has exited)."""
        try:
            reply_fd = self._reply
            if len(report.findings) > MAX_FINDINGS or self._request is None or reply_fd is None:
                return None
            pickle = _pickle()
            try:
                data = pickle.dumps(report, protocol=-1)  # the highest
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


def idle_core() -> bool:
    """Whether a processor this process may run on is idle now: the kernel's count of
    runnable tasks (this one included) is below the number of such processors. On a
    busy machine the helper would compete with the scan and slow the run down."""
    try:
        processors = len(os.sched_getaffinity(0))
        with open("/proc/stat", "rb") as stat:
            for line in stat:
                if line.startswith(b"procs_running "):
                    return int(line.split()[1]) < processors
    except (OSError, ValueError, AttributeError):
        pass
    return False


def _serve(request: int, reply: int, fmt: str, color: bool, verbose: int) -> NoReturn:
    """The helper: import the reporter, read one pickled report, answer with its text.
    Never returns; exits 0 only after a whole answer."""
    status = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        import io

        from rolecall.output.formats import get_reporter

        pickle = _pickle()

        reporter = get_reporter(fmt, color=color, verbose=verbose)  # the import, meanwhile
        prepare = getattr(reporter, "prepare", None)
        if prepare is not None:
            prepare()  # work that does not need the report (the SARIF rule descriptors)
        data = _read_framed(request)
        if data is not None:
            report = pickle.loads(data)
            buffer = io.StringIO()
            reporter.write(report, buffer)
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
