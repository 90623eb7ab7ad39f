"""The ``rolecall`` executable (and ``python -m rolecall``): the command line, with the
process's cyclic garbage collector set for a short run, and the replay of an unchanged
rescan.

Start-up creates tens of thousands of long-lived objects (modules, classes, functions,
compiled patterns); the cyclic collector traverses them again and again while they are
made, and once more at interpreter exit, for no garbage: rolecall's own objects are
freed by reference counting. So the collector is off for the whole command (forked
workers inherit that), and everything is frozen out of its sight before exit.

Measured with the benchmark's files: 20 files 135 -> 122 ms; the 21.9 MB tree 511 ->
463 ms; the 219 MB tree 3.57 -> 3.13 s with the same peak RSS (51 MB), i.e. there was
nothing for the collector to collect. :func:`rolecall.cli.main.main` itself (used by tests
and by library callers) leaves the collector alone.

First of all, where the command line asks for a SARIF report, the helper process that
will write it starts (:mod:`rolecall.output.spawned`). Then, before the command line is
imported, :func:`rolecall.cache.replay.try_replay` answers a ``scan`` whose every input
is unchanged since a recorded scan of the same request with the recorded output (see
:mod:`rolecall.cache.replay`), and the helper is stopped; otherwise the scan runs, and
is recorded when it qualifies.
"""

from __future__ import annotations

import gc
import sys


def run() -> None:
    gc.disable()
    from rolecall.output import spawned

    spawned.ENABLED = True  # this process is the command line: it may start a writer
    spawned.start_for(sys.argv[1:])  # first: the helper's start-up runs beside ours
    try:
        code = _command()
    finally:
        spawned.stop()  # one that no command took: a replay answered, a usage error
    gc.freeze()  # nothing left to collect: skip the collector's passes at exit
    sys.exit(code)


def _command() -> int:
    from rolecall.cache.replay import try_replay

    try:
        code, attempt = try_replay(sys.argv[1:], sys.stdout)
    except KeyboardInterrupt as exc:  # said and coded as the command line does
        from rolecall.errors import error_line, exit_code

        print(error_line(exc), file=sys.stderr)
        sys.exit(exit_code(exc))
    if code is not None:
        return code
    from rolecall.cli.main import main

    if attempt is None:
        return main()
    from rolecall.cache.replay_record import run_recorded

    return run_recorded(attempt, main)
