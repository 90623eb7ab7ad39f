"""Rescan cases of the performance issue (target 3), as small standalone functions.

    python bench/rescan.py TREE [--repo WORKTREE] [--rounds 11]

Each function warms rolecall's result cache in a cache directory of its own (a
temporary ``XDG_CACHE_HOME``), then runs the same command ``rounds`` times, alternating
with what it is compared to, and prints and returns the medians of wall and CPU time
(user + system of the child processes, from ``getrusage``): wall time on a shared
machine is noisy, CPU time much less. ``bench/run.py`` calls them; run alone, this file
measures TREE (outside git, and as a fresh git repository) and, with ``--repo``, an
existing git work tree. Run it with the Python of the environment rolecall is installed
in; ``PYTHONDONTWRITEBYTECODE`` is dropped for every measured process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from floor import MINIMAL_RESCAN  # noqa: E402  (bench/ is not a package)

#: The targets: a rescan within this factor of what it is compared to.
TARGET = 1.5


def _env(cache_home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = cache_home
    return env


def _rolecall() -> list[str]:
    found = shutil.which("rolecall", path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", "rolecall"]


def _sample(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def _medians(
    commands: dict[str, list[list[str]]], cwd: str, env: dict[str, str], rounds: int
) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of each named sequence of commands, alternating per round."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, sequence in commands.items():
            parts = [_sample(cmd, cwd, env) for cmd in sequence]
            samples[name].append((sum(p[0] for p in parts), sum(p[1] for p in parts)))
    return {
        name: (statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs))
        for name, runs in samples.items()
    }


def _report(title: str, figures: dict[str, tuple[float, float]], rescan: str, base: str) -> float:
    print(title)
    for name, (wall, cpu) in figures.items():
        print(f"  {name:<34} wall {wall * 1000:7.1f} ms   cpu {cpu * 1000:7.1f} ms")
    ratio_wall = figures[rescan][0] / figures[base][0]
    ratio_cpu = figures[rescan][1] / figures[base][1]
    verdict = "PASS" if ratio_wall <= TARGET else "FAIL"
    print(f"  ratio {ratio_wall:.2f} wall, {ratio_cpu:.2f} cpu (target <= {TARGET}) {verdict}")
    return ratio_wall


def _warm(cwd: str, env: dict[str, str]) -> None:
    for _ in range(2):  # the second run fills the file index with settled stamps
        subprocess.run(
            [*_rolecall(), "scan", "."], cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False
        )


def rescan_outside_git(tree: str, rounds: int = 11) -> dict[str, tuple[float, float]]:
    """A text-format ``rolecall scan .`` of ``tree`` (not in a git work tree) with a warm
    cache, against ``bench/floor.py``'s minimal rescan of the same tree (start Python,
    import what such a tool needs, stat every file, print a line per file). The files
    are answered by the stat-keyed file index. Target: <= 1.5x the floor."""
    with tempfile.TemporaryDirectory(prefix="rolecall-rescan-") as cache_home:
        env = _env(cache_home)
        _warm(tree, env)
        figures = _medians(
            {
                "rolecall scan . (warm cache)": [[*_rolecall(), "scan", "."]],
                "floor (bench/floor.py)": [[sys.executable, "-c", MINIMAL_RESCAN, "."]],
            },
            tree,
            env,
            rounds,
        )
    _report(f"rescan outside git: {tree}", figures, *figures)
    return figures


def rescan_git_repository(worktree: str, rounds: int = 11) -> dict[str, tuple[float, float]]:
    """A text-format ``rolecall scan .`` of an unchanged git work tree with a warm
    cache, against ``git status`` plus ``python -c pass`` (Python start-up) run one
    after the other. The tracked files git vouches for are answered by their blob id
    without being stat'ed (see ``rolecall.gitlist``). Target: <= 1.5x."""
    with tempfile.TemporaryDirectory(prefix="rolecall-rescan-") as cache_home:
        env = _env(cache_home)
        _warm(worktree, env)
        figures = _medians(
            {
                "rolecall scan . (warm cache)": [[*_rolecall(), "scan", "."]],
                "git status + python -c pass": [
                    ["git", "status"],
                    [sys.executable, "-c", "pass"],
                ],
            },
            worktree,
            env,
            rounds,
        )
    _report(f"rescan inside git: {worktree}", figures, *figures)
    return figures


def rescan_inside_git(tree: str, rounds: int = 11) -> dict[str, tuple[float, float]]:
    """:func:`rescan_git_repository` on a copy of ``tree`` made a git repository with
    one commit of every file (``git init && git add -A && git commit``), in a temporary
    directory; ``tree`` itself is not changed."""
    with tempfile.TemporaryDirectory(prefix="rolecall-rescan-git-") as work:
        copy = os.path.join(work, "tree")
        shutil.copytree(tree, copy, symlinks=True)
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.invalid",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        }
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
            subprocess.run(["git", *args], cwd=copy, env=env, check=True)
        # Files written in the second the index was written are "racily clean": git
        # compares their contents on every check until the index is written again
        # later. A repository not just committed has none: wait, and let git status
        # rewrite the index.
        time.sleep(2.0)
        subprocess.run(["git", "status", "-s"], cwd=copy, stdout=subprocess.DEVNULL, check=True)
        return rescan_git_repository(copy, rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", help="a directory outside any git work tree")
    parser.add_argument("--repo", help="an existing git work tree (e.g. a botocore clone)")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args(argv)
    rescan_outside_git(args.tree, args.rounds)
    rescan_inside_git(args.tree, args.rounds)
    if args.repo:
        rescan_git_repository(args.repo, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
