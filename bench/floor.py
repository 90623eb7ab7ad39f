"""The floor of a cached rescan: what any Python process pays to learn that a tree is
unchanged, without rolecall.

    python bench/floor.py TREE [--rounds 11]

A second scan of an unchanged tree has to start Python and at least list every directory
and stat every file (as ``git status`` does), then print what it knows. This script does
only that: start-up with the standard-library modules any such tool needs (sqlite3,
hashlib, json, argparse, dataclasses), a sorted walk with one ``lstat`` per entry, a
stamp string and a dictionary lookup per file, and a line of output per file. It prints
the median wall time of ``python -c pass`` and of that minimal rescan, to compare with
``rolecall scan`` on the same tree with a warm cache (``bench/run.py``'s rescan cases).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

MINIMAL_RESCAN = """
import argparse, dataclasses, hashlib, json, os, sqlite3, sys
index = {}
lines = []
def walk(directory):
    with os.scandir(directory) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        st = entry.stat(follow_symlinks=False)
        if entry.is_dir(follow_symlinks=False):
            walk(entry.path)
        else:
            stamp = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"
            index.get(entry.path) == stamp
            lines.append(entry.path)
walk(sys.argv[1])
sys.stdout.write("\\n".join(lines) + "\\n")
"""


def median_wall(cmd: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args(argv)
    if not os.path.isdir(args.tree):
        parser.error(f"{args.tree}: not a directory")
    start = median_wall([sys.executable, "-c", "pass"], args.rounds)
    rescan = median_wall([sys.executable, "-c", MINIMAL_RESCAN, args.tree], args.rounds)
    print(f"python -c pass:          {start * 1000:6.1f} ms")
    print(f"minimal cached rescan:   {rescan * 1000:6.1f} ms  ({args.tree})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
