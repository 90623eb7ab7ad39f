"""rolecall's benchmark: one command, side by side with other scanners, on this machine.

    python bench/run.py [--rounds 5] [--workdir DIR] [--skip-slow] [--no-large]

Run it with the Python of the environment rolecall is installed in (``.venv/bin/python``);
it measures the ``rolecall`` installed there, so rerunning it after a merge measures the
merged rule set. On the first run it creates two virtual environments in the work
directory (default: ``$XDG_CACHE_HOME/rolecall-bench``) from the package registry:
``corpus-venv`` with the packages whose site-packages become part of the corpus
(``bench/requirements-corpus.txt``) and ``tools-venv`` with the scanners compared
(``bench/requirements-tools.txt``). Everything else is offline and seeded: the corpus is
the running Python's standard library, that site-packages and generated configuration
files with fake keys (``bench/corpus.py``).

Each case runs every tool once per round, tools alternating, and reports the median wall
time, CPU time (user + system, including worker processes), throughput and the largest
peak RSS of any process of the run. The targets from the performance issue are printed
as ratios with PASS/FAIL; they compare tools measured in the same run, never absolute
times. Whole-process times: start-up included.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpus  # noqa: E402  (bench/ is not a package)


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int


@dataclass
class Case:
    name: str
    bytes: int
    commands: dict[str, list[str]]
    env: dict[str, str] = field(default_factory=dict)
    setup: dict[str, list[str]] = field(default_factory=dict)  # run before each sample
    once: set[str] = field(default_factory=set)  # slow tools: first round only
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def tool_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a measured run: this one, as a user's shell would have it.

    ``PYTHONDONTWRITEBYTECODE`` is dropped: with it, every Python tool compiles every
    module it imports on every run, which no installed tool does for its users.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def compile_bytecode(*folders: str) -> None:
    """Write the bytecode caches that ``pip install`` writes, for every tool alike."""
    for folder in folders:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", folder],
            check=False,
            stdout=subprocess.DEVNULL,
            env=tool_env({}),
        )


def run_once(cmd: list[str], env: dict[str, str], cwd: str) -> Sample:
    """Wall time, CPU time and peak RSS (KiB -> MB) of one run, from wait4's rusage."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=tool_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss / 1024, proc.returncode)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return ""


def venv(path: str, requirements: str) -> str:
    """A virtual environment with ``requirements`` installed (reused while unchanged)."""
    with open(requirements, "rb") as fh:
        stamp = hashlib.sha256(fh.read()).hexdigest()
    marker = os.path.join(path, ".bench-stamp")
    python = os.path.join(path, "bin", "python")
    if _read(marker) == stamp:
        return python
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", path], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "-r", requirements], check=True)
    with open(marker, "w") as fh:
        fh.write(stamp)
    return python


def site_packages(python: str) -> str:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return subprocess.run(
        [python, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


def tree_bytes(root: str) -> int:
    total = 0
    for directory, _, names in os.walk(root):
        total += sum(os.lstat(os.path.join(directory, n)).st_size for n in names)
    return total


def build_trees(base: str, large: str, packages: str, args: argparse.Namespace) -> None:
    """Build the trees, or keep them when nothing that decides their content changed."""
    digest = hashlib.sha256()
    for name in ("corpus.py", "requirements-corpus.txt"):
        with open(os.path.join(HERE, name), "rb") as fh:
            digest.update(fh.read())
    digest.update(f"{sys.version} {corpus.stdlib_root()} {args.copies}".encode())
    stamp = digest.hexdigest()
    marker = os.path.join(os.path.dirname(base), ".trees-stamp")
    if _read(marker) == stamp and os.path.isdir(large):
        print("trees: unchanged, reused")
        return
    files, size = corpus.build_tree(base, packages, corpus.Quota())
    print(f"base tree: {files} files, {size / 1e6:.1f} MB")
    files_l, size_l = corpus.build_copies(base, large, args.copies)
    print(f"large tree: {files_l} files, {size_l / 1e6:.1f} MB")
    with open(marker, "w") as fh:
        fh.write(stamp)


def rule_ids() -> str:
    out = subprocess.run(
        [*rolecall_cmd(), "rules", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    import json

    return ", ".join(r["id"] for r in json.loads(out))


def rolecall_cmd() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "rolecall")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "rolecall"]


def pick_small(root: str, count: int = 20) -> list[str]:
    """The pre-commit case: half Python files, half configuration files, fixed choice."""
    py, other = [], []
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            rel = os.path.relpath(os.path.join(directory, name), root)
            (py if name.endswith(".py") else other).append(rel)
    key = corpus._stable
    return sorted(py, key=key)[: count // 2] + sorted(other, key=key)[: count - count // 2]


def measure(case: Case, rounds: int, cwd: str) -> None:
    print(f"\n== {case.name}: {len(case.commands)} tools x {rounds} rounds", flush=True)
    for tool in case.commands:
        case.samples[tool] = []
    for r in range(rounds):
        for tool, cmd in case.commands.items():
            if r and tool in case.once:
                continue
            if tool in case.setup:
                subprocess.run(case.setup[tool], check=True, cwd=cwd, env=tool_env(case.env))
            sample = run_once(cmd, case.env, cwd)
            case.samples[tool].append(sample)
            print(f"   round {r + 1} {tool:22} {sample.wall:7.3f} s", flush=True)


def median(case: Case, tool: str, attr: str = "wall") -> float:
    return statistics.median(getattr(s, attr) for s in case.samples[tool])


def table(case: Case) -> list[str]:
    mb = case.bytes / 1e6
    lines = [
        f"\n{case.name} ({mb:.1f} MB)",
        "| tool | median wall s | median CPU s | MB/s (wall) | peak RSS MB | exit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for tool in case.commands:
        wall = median(case, tool)
        cpu = median(case, tool, "cpu")
        rss = max(s.rss_mb for s in case.samples[tool])
        codes = sorted({s.code for s in case.samples[tool]})
        lines.append(f"| {tool} | {wall:.3f} | {cpu:.3f} | {mb / wall:.1f} | {rss:.0f} | {codes} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_work = os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rolecall-bench"
    )
    parser.add_argument("--workdir", default=default_work)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10, help="size of the large tree")
    parser.add_argument(
        "--skip-slow",
        action="store_true",
        help="leave detect-secrets and bandit (minutes each) out of the full tree",
    )
    parser.add_argument("--no-large", action="store_true", help="skip the large tree")
    args = parser.parse_args(argv)

    work = os.path.abspath(args.workdir)
    os.makedirs(work, exist_ok=True)
    print(f"work directory: {work}")
    corpus_python = venv(
        os.path.join(work, "corpus-venv"), os.path.join(HERE, "requirements-corpus.txt")
    )
    tools_python = venv(
        os.path.join(work, "tools-venv"), os.path.join(HERE, "requirements-tools.txt")
    )
    tools_bin = os.path.dirname(tools_python)
    base, large = os.path.join(work, "tree"), os.path.join(work, "tree-large")
    build_trees(base, large, site_packages(corpus_python), args)

    rc = rolecall_cmd()
    kf = [os.path.join(tools_bin, "kingfisher"), "scan"]
    kf_flags = ["--no-validate", "--no-update-check", "--git-history", "none"]
    ds = [os.path.join(tools_bin, "detect-secrets"), "scan", "--all-files"]
    bandit = [os.path.join(tools_bin, "bandit"), "-q"]
    xdg = os.path.join(work, "xdg")
    env = {"XDG_CACHE_HOME": xdg}
    import rolecall.rules

    compile_bytecode(
        os.path.dirname(rolecall.__file__),
        os.path.dirname(rolecall.rules.__file__),
        os.path.dirname(tools_bin),
    )
    # Warm-up: page cache, kingfisher's compiled rule cache, Python bytecode.
    for cmd in ([*rc, "scan", "--isolated", "--no-cache", "-q", "tree"], [*kf, "tree", *kf_flags]):
        run_once(cmd, env, work)

    cases = []
    full = Case(
        "full tree, all rules, text output",
        tree_bytes(base),
        {
            "rolecall": [*rc, "scan", "--isolated", "--no-cache", "-q", "tree"],
            "kingfisher": [*kf, "tree", *kf_flags],
        },
        env,
    )
    if not args.skip_slow:
        # Minutes per run: measured once (their medians are that one run).
        full.commands["detect-secrets"] = [*ds, "tree"]
        full.commands["bandit"] = [*bandit, "-r", "tree"]
        full.once = {"detect-secrets", "bandit"}
    cases.append(full)
    small = pick_small(base)
    cases.append(
        Case(
            "pre-commit case, 20 files as arguments",
            sum(os.path.getsize(os.path.join(base, p)) for p in small),
            {
                "rolecall": [*rc, "scan", "--isolated", "--no-cache", "-q", *small],
                "bandit": [*bandit, *small],
                "kingfisher": [*kf, *small, *kf_flags],
                "detect-secrets": [*ds, *small],
            },
            env,
        )
    )
    cache_dir = os.path.join(xdg, "rolecall")
    clear = [sys.executable, "-c", f"import shutil; shutil.rmtree({cache_dir!r}, True)"]
    cached = Case(
        "cache: first scan (empty cache), then unchanged tree",
        tree_bytes(base),
        {
            "rolecall first": [*rc, "scan", "--isolated", "-q", "tree"],
            "rolecall second": [*rc, "scan", "--isolated", "-q", "tree"],
        },
        env,
        setup={"rolecall first": clear},
    )
    cases.append(cached)
    if not args.no_large:
        cases.append(
            Case(
                f"large tree ({args.copies}x), text output",
                tree_bytes(large),
                {
                    "rolecall": [*rc, "scan", "--isolated", "--no-cache", "-q", "tree-large"],
                    "kingfisher": [*kf, "tree-large", *kf_flags],
                },
                env,
            )
        )
    for case in cases:
        base_cwd = work if case is not cases[1] else base
        measure(case, args.rounds, base_cwd)

    out = [
        f"\n# rolecall benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{args.rounds} rounds (medians; detect-secrets and bandit on the full tree: 1 run), "
        f"rolecall rules: {rule_ids()}"
    ]
    for case in cases:
        out.extend(table(case))
    out.append("\n## Targets")
    out.extend(targets(cases, args))
    print("\n".join(out))
    with open(os.path.join(work, "latest.md"), "w") as fh:
        fh.write("\n".join(out) + "\n")
    return 0


def targets(cases: list[Case], args: argparse.Namespace) -> list[str]:
    full, small, cached = cases[0], cases[1], cases[2]
    rows = []

    def check(name: str, value: float, ok: bool, how: str) -> None:
        rows.append(f"- {'PASS' if ok else 'FAIL'} {name}: {value:.2f} ({how})")

    rc = median(full, "rolecall")
    kf = median(full, "kingfisher")
    check("full tree, rolecall / kingfisher wall", rc / kf, rc <= kf, "target <= 1.00")
    if "detect-secrets" in full.commands:
        ds = median(full, "detect-secrets")
        check("full tree, detect-secrets / rolecall wall", ds / rc, ds / rc >= 50, ">= 50")
    b = median(small, "bandit")
    r = median(small, "rolecall")
    check("20 files, rolecall / bandit wall", r / b, r / b < 0.5, "target < 0.50")
    first, second = median(cached, "rolecall first"), median(cached, "rolecall second")
    check("cache, first / second scan wall", first / second, first / second >= 10, ">= 10")
    if not args.no_large:
        large = cases[3]
        tp_small = full.bytes / rc
        tp_large = large.bytes / median(large, "rolecall")
        ratio = tp_large / tp_small
        check("large / full tree throughput", ratio, ratio >= 0.9, ">= 0.90: linear in bytes")
        rss = max(s.rss_mb for s in large.samples["rolecall"])
        check("large tree peak RSS MB (largest process)", rss, rss < 200, "< 200")
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
