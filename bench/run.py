"""rolecall's benchmark: every performance target, side by side with other tools, here.

    python bench/run.py [--rounds 5] [--workdir DIR] [--skip-slow] [--quick]

Run it with the Python of the environment rolecall is installed in (``.venv/bin/python``);
it measures the ``rolecall`` installed there, so rerunning it after a merge measures the
merged code. The package index is used on the first run only: for two virtual environments
in the work directory (default ``$XDG_CACHE_HOME/rolecall-bench``), ``corpus-venv``
(``bench/requirements-corpus.txt``: the packages whose site-packages become part of the
corpus) and ``tools-venv`` (``bench/requirements-tools.txt``: the scanners compared), and
for the pinned source distributions of botocore, awscli and moto (downloaded with pip by
``scripts/realworld.py``'s code). Everything else is offline and seeded (``bench/corpus.py``).

The cases (cold means ``--no-cache``; SARIF for the full trees, whose user is code
scanning; the hook's own entry for the 20 files):

- the small (about 20 MB) and the large (about 200 MB) corpus tree, cold, SARIF, against
  kingfisher (``--no-validate --no-update-check --git-history none``, SARIF);
- the unpacked sources of botocore, awscli and moto, the same way;
- one generated 256 MB file of configuration text with a few fake keys (peak RSS);
- the pre-commit hook's entry on 20 files of the small tree in every output format,
  against bandit's hard-coded password tests (B105-B107) on the Python ones;
- a rescan of the unchanged small tree with a warm cache, outside git, against the
  minimal rescan of ``bench/floor.py``, and inside a git work tree (a committed copy),
  against ``git status`` plus ``python -c pass``; the same inside git for the botocore
  sdist committed into a repository (not with ``--quick``). A rescan of an unchanged
  tree is a replay of the recorded report (``rolecall.cache.replay``): the first measured
  round may still record it.

Each case runs every tool once per round, tools alternating, and prints for each tool
min/median/max wall time, median CPU time (user + system, worker processes included)
and the peak RSS of the largest process, from ``wait4``'s resource usage. Targets are
ratios of medians of wall time measured in the same run, never absolute times, printed
as ``PASS``/``FAIL name: ratio (target)`` with the same ratio in CPU time beside it
(steadier while other work runs on the machine); the exit code is 1 when one fails. ``--quick``
(one round, the small tree's cases only) is a smoke run; ``--skip-slow`` leaves out
detect-secrets and bandit on the whole small tree (minutes each, no target).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(ROOT, "scripts"))

import floor  # noqa: E402
import realworld  # noqa: E402  (scripts/realworld.py: the pinned packages, their download)

import corpus  # noqa: E402  (bench/ is not a package)

#: Real packages scanned whole (their pinned versions are realworld.PACKAGES').
REAL_PACKAGES = ("botocore", "awscli", "moto")
FORMATS = ("text", "json", "sarif", "github")
KINGFISHER_FLAGS = ("--no-validate", "--no-update-check", "--git-history", "none")
BIG_FILE_BYTES = 256 * 1000 * 1000  # below the default --max-file-size (256 MiB)


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int


@dataclass
class Case:
    """One measured situation: tools, each one command or several run back to back
    (their times added, their peak RSS the largest)."""

    key: str
    title: str
    bytes: int
    commands: dict[str, list[list[str]]]
    cwd: str = "."
    env: dict[str, str] = field(default_factory=dict)
    once: set[str] = field(default_factory=set)  # slow tools: the first round only
    #: tools run once before the rounds (None: every tool not in ``once``)
    warm: set[str] | None = None
    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def median(self, tool: str, attr: str = "wall") -> float:
        return statistics.median(getattr(s, attr) for s in self.samples[tool])

    def peak_rss(self, tool: str) -> float:
        return max(s.rss_mb for s in self.samples[tool])


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    op: str = "<="  # "<=", "<" or ">="
    #: the same ratio in CPU time (user + system), printed beside: steadier on a busy machine
    cpu: float | None = None

    @property
    def ok(self) -> bool:
        if self.op == "<=":
            return self.value <= self.limit
        if self.op == "<":
            return self.value < self.limit
        if self.op == ">=":
            return self.value >= self.limit
        raise ValueError(f"unknown comparison {self.op!r}")

    def line(self) -> str:
        word = "PASS" if self.ok else "FAIL"
        cpu = "" if self.cpu is None else f"; CPU time {self.cpu:.2f}"
        return f"{word} {self.name}: {self.value:.2f} (target {self.op} {self.limit:g}{cpu})"


def tool_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a measured run: this one, as a user's shell would have it.

    ``PYTHONDONTWRITEBYTECODE`` is dropped: with it, every Python tool compiles every
    module it imports on every run, which no installed tool does for its users.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def run_once(commands: Sequence[Sequence[str]], env: dict[str, str], cwd: str) -> Sample:
    """Wall and CPU time (added) and peak RSS (the largest, KiB -> MB) of ``commands``
    run one after the other, from ``wait4``'s resource usage of each."""
    wall = cpu = rss = 0.0
    code = 0
    for cmd in commands:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=tool_env(env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall += time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
        code = code or proc.returncode
    return Sample(wall, cpu, rss, code)


def measure(case: Case, rounds: int, runner: Callable[..., Sample] = run_once) -> None:
    print(f"\n== {case.title}: {len(case.commands)} tools x {rounds} rounds", flush=True)
    for tool in case.commands:
        case.samples[tool] = []
    for r in range(rounds):
        for tool, commands in case.commands.items():
            if r and tool in case.once:
                continue
            sample = runner(commands, case.env, case.cwd)
            case.samples[tool].append(sample)
            print(f"   round {r + 1} {tool:26} {sample.wall:8.3f} s", flush=True)


def format_case(case: Case) -> list[str]:
    """The Markdown table of one measured case."""
    mb = case.bytes / 1e6
    size = f"{mb:.1f} MB" if mb >= 0.1 else f"{case.bytes / 1e3:.0f} KB"
    lines = [
        f"\n### {case.title} ({size})",
        "",
        "| tool | wall s min / median / max | CPU s (median) | MB/s | peak RSS MB | exit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for tool in case.commands:
        walls = [s.wall for s in case.samples[tool]]
        wall = statistics.median(walls)
        cpu = case.median(tool, "cpu")
        codes = ",".join(str(c) for c in sorted({s.code for s in case.samples[tool]}))
        runs = "" if len(walls) > 1 else " (1 run)"
        lines.append(
            f"| {tool}{runs} | {min(walls):.3f} / {wall:.3f} / {max(walls):.3f} | {cpu:.2f} "
            f"| {mb / wall:.1f} | {case.peak_rss(tool):.0f} | {codes} |"
        )
    return lines


def targets(cases: dict[str, Case]) -> list[Target]:
    """The targets of issue 18 that the measured cases allow (a case not run: none)."""
    out: list[Target] = []

    def ratio(name: str, key: str, tool: str, other: str, limit: float) -> Target:
        case = cases[key]
        wall = case.median(tool) / case.median(other)
        cpu = case.median(tool, "cpu") / case.median(other, "cpu")
        return Target(name, wall, limit, cpu=cpu)

    for key in ("small", "large", *REAL_PACKAGES):
        if key in cases:
            name = f"{cases[key].title}: rolecall / kingfisher wall"
            out.append(ratio(name, key, "rolecall", "kingfisher", 1.0))
    if "small" in cases and "large" in cases:
        small, large = cases["small"], cases["large"]
        rate_small = small.bytes / small.median("rolecall")
        rate_large = large.bytes / large.median("rolecall")
        name = "throughput, large / small tree (MB/s)"
        out.append(Target(name, rate_large / rate_small, 0.9, ">="))
    for key in ("large", "bigfile"):
        if key in cases:
            name = f"{cases[key].title}: rolecall peak RSS MB"
            out.append(Target(name, cases[key].peak_rss("rolecall"), 200, "<"))
    if "hook" in cases:
        for fmt in FORMATS:
            name = f"hook, 20 files, --format {fmt}: rolecall / bandit wall"
            out.append(ratio(name, "hook", f"rolecall {fmt}", "bandit", 0.5))
    if "rescan" in cases:
        name = "rescan outside git: rolecall / bench/floor.py wall"
        out.append(ratio(name, "rescan", "rolecall", "floor.py", 1.5))
    if "gitrescan" in cases:
        name = "rescan inside git: rolecall / (git status + python -c pass) wall"
        out.append(ratio(name, "gitrescan", "rolecall", "git status + python", 1.5))
    if "gitrescan-botocore" in cases:
        name = "rescan of botocore inside git: rolecall / (git status + python -c pass) wall"
        out.append(ratio(name, "gitrescan-botocore", "rolecall", "git status + python", 1.5))
    return out


def is_config_name(name: str) -> bool:
    lower = name.lower()
    if lower in ("dockerfile", "credentials", "config") or lower.startswith(".env"):
        return True
    suffixes = (".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".tf", ".sh", ".env")
    return lower.endswith(suffixes)


def pick_small(root: str, count: int = 20, planted: Sequence[str] = ()) -> list[str]:
    """The pre-commit case: what a commit touches, a fixed choice by a hash of the path.

    Up to ``count * 3 // 10`` of the ``planted`` files (those with fake keys: a hook run
    that finds something), then Python files of 2-60 KB up to half of ``count``, then
    configuration files under 200 KB.
    """
    py: list[str] = []
    other: list[str] = []
    chosen = set(planted)
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            size = os.lstat(path).st_size
            if rel in chosen:
                continue
            if name.endswith(".py") and 2_000 <= size <= 60_000:
                py.append(rel)
            elif is_config_name(name) and 0 < size <= 200_000:
                other.append(rel)
    key = corpus._stable
    picked = sorted(planted, key=key)[: count * 3 // 10]
    python = sum(p.endswith(".py") for p in picked)
    picked += sorted(py, key=key)[: max(0, count // 2 - python)]
    picked += sorted(other, key=key)[: count - len(picked)]
    return picked


def tree_bytes(root: str) -> int:
    if os.path.isfile(root):
        return os.lstat(root).st_size
    total = 0
    for directory, _, names in os.walk(root):
        total += sum(os.lstat(os.path.join(directory, n)).st_size for n in names)
    return total


def rolecall_cmd() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "rolecall")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "rolecall"]


def compile_bytecode(*folders: str) -> None:
    """Write the bytecode caches that ``pip install`` writes, for every tool alike."""
    for folder in folders:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", folder],
            check=False,
            stdout=subprocess.DEVNULL,
            env=tool_env({}),
        )


Fetch = Callable[["realworld.Package", Path], Path]


def fetch_package(package: realworld.Package, cache: Path) -> Path:
    """The unpacked source distribution of ``package`` (downloaded with pip once)."""
    return realworld.unpack(realworld.download(package, cache), cache, package)


def real_package_trees(
    names: Iterable[str], cache: Path, fetch: Fetch = fetch_package
) -> dict[str, Path]:
    """name -> unpacked tree of each pinned package of ``names``."""
    pinned = {p.name: p for p in realworld.PACKAGES}
    return {name: fetch(pinned[name], cache) for name in names}


def git_copy(src: str, dst: str, stamp: str) -> str:
    """``src`` copied to ``dst`` and committed as a git repository (redone when
    ``stamp`` changes)."""
    marker = dst.rstrip("/") + ".stamp"
    try:
        with open(marker, encoding="utf-8") as fh:
            if fh.read() == stamp and os.path.isdir(os.path.join(dst, ".git")):
                return dst
    except OSError:
        pass
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    git += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench tree"]):
        subprocess.run([*git, *args], cwd=dst, check=True, stdout=subprocess.DEVNULL)
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(stamp)
    return dst


def rule_ids() -> str:
    out = subprocess.run(
        [*rolecall_cmd(), "rules", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    return ", ".join(r["id"] for r in json.loads(out))


def tool_version(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    default_work = os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rolecall-bench"
    )
    parser.add_argument("--workdir", default=default_work)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--skip-slow",
        action="store_true",
        help="leave detect-secrets and bandit (minutes each) out of the whole small tree",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: one round, the small tree's cases only"
    )
    parser.add_argument(
        "--realworld-cache",
        type=Path,
        help="where the real packages are downloaded and unpacked (default: WORKDIR/realworld)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 1
        args.skip_slow = True
    return args


def build_cases(args: argparse.Namespace, work: str) -> dict[str, Case]:
    """Prepare every input (venvs, trees, files) and describe the cases to measure."""
    corpus_python = corpus.ensure_venv(
        os.path.join(work, "corpus-venv"), os.path.join(HERE, "requirements-corpus.txt")
    )
    tools_python = corpus.ensure_venv(
        os.path.join(work, "tools-venv"), os.path.join(HERE, "requirements-tools.txt")
    )
    tools_bin = os.path.dirname(tools_python)
    site_packages = corpus.site_packages_of(corpus_python)
    sizes = ("small",) if args.quick else ("small", "large")
    trees = {}
    for size in sizes:
        trees[size] = os.path.join(work, f"tree-{size}")
        summary = corpus.ensure_tree(trees[size], site_packages, corpus.SIZES[size])
        print(f"{size} tree: {summary.line()}", flush=True)

    rc = [*rolecall_cmd(), "scan", "--isolated"]
    kf = [os.path.join(tools_bin, "kingfisher"), "scan"]
    kf_flags = [*KINGFISHER_FLAGS, "--format", "sarif"]
    xdg = os.path.join(work, "xdg")
    env = {"XDG_CACHE_HOME": xdg}
    import rolecall.rules

    compile_bytecode(
        os.path.dirname(rolecall.__file__),
        os.path.dirname(rolecall.rules.__file__),
        os.path.dirname(tools_bin),
    )

    def full_scan(key: str, title: str, path: str, cwd: str) -> Case:
        return Case(
            key,
            title,
            tree_bytes(os.path.join(cwd, path)),
            {
                "rolecall": [[*rc, "--no-cache", "--format", "sarif", path]],
                "kingfisher": [[*kf, path, *kf_flags]],
            },
            cwd,
            env,
            warm={"kingfisher"},  # reads every file into the page cache, in seconds
        )

    cases: dict[str, Case] = {}
    small = cases["small"] = full_scan("small", "small tree, SARIF, cold", "tree-small", work)
    if not args.skip_slow:
        small.commands["detect-secrets"] = [
            [os.path.join(tools_bin, "detect-secrets"), "scan", "--all-files", "tree-small"]
        ]
        small.commands["bandit"] = [[os.path.join(tools_bin, "bandit"), "-q", "-r", "tree-small"]]
        small.once = {"detect-secrets", "bandit"}
    if not args.quick:
        cases["large"] = full_scan("large", "large tree, SARIF, cold", "tree-large", work)
        cache = args.realworld_cache or Path(work) / "realworld"
        real = real_package_trees(REAL_PACKAGES, cache)
        for name, tree in real.items():
            title = f"{tree.name} (unpacked sdist), SARIF, cold"
            cases[name] = full_scan(name, title, tree.name, str(tree.parent))
        big = os.path.join(work, "big", "settings-256mb.txt")
        if not os.path.exists(big) or os.path.getsize(big) != BIG_FILE_BYTES:
            corpus.write_big_file(big, BIG_FILE_BYTES)
        cases["bigfile"] = Case(
            "bigfile",
            "one generated 256 MB file, text, cold",
            BIG_FILE_BYTES,
            {"rolecall": [[*rc, "--no-cache", "-q", big]]},
            work,
            env,
            warm=set(),  # just written or read: in the page cache
        )

    files = pick_small(trees["small"], planted=corpus.planted_files(trees["small"]))
    hook: dict[str, list[list[str]]] = {
        f"rolecall {fmt}": [
            [*rolecall_cmd(), "scan", "--jobs=1", "--no-cache", "--format", fmt, "--", *files]
        ]
        for fmt in FORMATS
    }
    py_files = [f for f in files if f.endswith(".py")]
    hook["bandit"] = [
        [os.path.join(tools_bin, "bandit"), "-q", "-t", "B105,B106,B107", "--", *py_files]
    ]
    hook_bytes = sum(os.path.getsize(os.path.join(trees["small"], f)) for f in files)
    cases["hook"] = Case(
        "hook", "hook entry, 20 files, cold", hook_bytes, hook, trees["small"], env
    )

    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=work, capture_output=True, check=False
    )
    if inside.returncode == 0:
        print(f"warning: {work} is inside a git work tree: the 'outside git' rescan is not")
    cases["rescan"] = Case(
        "rescan",
        "rescan of the unchanged small tree, outside git, warm cache",
        small.bytes,
        {
            "rolecall": [[*rc, "tree-small"]],
            "floor.py": [[sys.executable, "-c", floor.MINIMAL_RESCAN, "tree-small"]],
        },
        work,
        env,
    )
    stamp = corpus.tree_stamp(site_packages, corpus.SIZES["small"], corpus.SEED)
    repo = git_copy(trees["small"], os.path.join(work, "git-small"), stamp)
    cases["gitrescan"] = Case(
        "gitrescan",
        "rescan of the unchanged small tree, inside git, warm cache",
        small.bytes,
        {
            "rolecall": [[*rc, "."]],
            "git status + python": [
                ["git", "status", "--porcelain=v2", "-z"],
                [sys.executable, "-c", "pass"],
            ],
        },
        repo,
        env,
    )
    if not args.quick:
        # A larger repository (5,700 files): the botocore sdist committed into one.
        boto = real["botocore"]
        boto_repo = git_copy(str(boto), os.path.join(work, "git-botocore"), boto.name)
        cases["gitrescan-botocore"] = Case(
            "gitrescan-botocore",
            f"rescan of the unchanged {boto.name} sdist, inside git, warm cache",
            tree_bytes(str(boto)),
            {
                "rolecall": [[*rc, "."]],
                "git status + python": [
                    ["git", "status", "--porcelain=v2", "-z"],
                    [sys.executable, "-c", "pass"],
                ],
            },
            boto_repo,
            env,
        )
    return cases


def warm_up(cases: Iterable[Case], runner: Callable[..., Sample] = run_once) -> None:
    """Run each case's ``warm`` tools once: the page cache, kingfisher's rule cache, and
    the result cache that the rescan cases read."""
    for case in cases:
        warm = case.warm if case.warm is not None else set(case.commands) - case.once
        for tool, commands in case.commands.items():
            if tool in warm:
                runner(commands, case.env, case.cwd)


def report(cases: dict[str, Case], args: argparse.Namespace) -> list[str]:
    kingfisher = os.path.join(args.workdir, "tools-venv", "bin", "kingfisher")
    out = [
        f"# rolecall benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{tool_version([kingfisher, '--version'])}, {args.rounds} round(s), "
        f"medians (detect-secrets and bandit on the whole tree: 1 run); "
        f"`{command_line(args)}`",
        "",
        f"rolecall rules: {rule_ids()}",
    ]
    for case in cases.values():
        out.extend(format_case(case))
    results = targets(cases)
    out.extend(["", "## Targets", "", *(f"- {t.line()}" for t in results)])
    return out


def command_line(args: argparse.Namespace) -> str:
    """The options that decide the figures (not where files are kept)."""
    words = ["python bench/run.py"]
    if args.quick:
        words.append("--quick")
    else:
        words.append(f"--rounds {args.rounds}")
        if args.skip_slow:
            words.append("--skip-slow")
    return " ".join(words)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.workdir = os.path.abspath(args.workdir)
    os.makedirs(work, exist_ok=True)
    print(f"work directory: {work}")
    cases = build_cases(args, work)
    warm_up(cases.values())
    for case in cases.values():
        measure(case, args.rounds)
    out = report(cases, args)
    print("\n" + "\n".join(out))
    with open(os.path.join(work, "latest.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    return 0 if all(t.ok for t in targets(cases)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
