"""bench/run.py and bench/corpus.py without the package index and without timing: target
evaluation, the case tables, the choice of the hook's 20 files, the corpus built from a
tiny fake site-packages (and scanned by the real rolecall), the generated big file, the
git copy of a tree, and the injectable download and install steps."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

ROOT = REPO


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """bench/run.py as a module (it puts bench/ and scripts/ on the path itself)."""
    import importlib.util

    saved_path = list(sys.path)
    saved = {name: sys.modules.pop(name) for name in ("corpus", "floor") if name in sys.modules}
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    try:
        yield module
    finally:
        sys.path[:] = saved_path
        sys.modules.pop("bench_run", None)
        for name in ("corpus", "floor"):
            sys.modules.pop(name, None)
        sys.modules.update(saved)


def _case(bench: ModuleType, key: str, walls: dict[str, list[float]], size: int = 10**7):
    case = bench.Case(key, f"{key} case", size, {tool: [["true"]] for tool in walls})
    for tool, values in walls.items():
        case.samples[tool] = [bench.Sample(w, w * 1.5, 40.0 + i, 0) for i, w in enumerate(values)]
    return case


# --- targets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "op", "line"),
    [
        (1.0, 1.0, "<=", "PASS t: 1.00 (target <= 1)"),
        (1.004, 1.0, "<=", "FAIL t: 1.00 (target <= 1)"),
        (0.49, 0.5, "<=", "PASS t: 0.49 (target <= 0.5)"),
        (199.9, 200, "<", "PASS t: 199.90 (target < 200)"),
        (200, 200, "<", "FAIL t: 200.00 (target < 200)"),
        (0.9, 0.9, ">=", "PASS t: 0.90 (target >= 0.9)"),
        (0.89, 0.9, ">=", "FAIL t: 0.89 (target >= 0.9)"),
    ],
)
def test_target_line(bench: ModuleType, value: float, limit: float, op: str, line: str) -> None:
    target = bench.Target("t", value, limit, op)
    assert target.line() == line
    assert target.ok is line.startswith("PASS")


def test_target_rejects_an_unknown_comparison(bench: ModuleType) -> None:
    with pytest.raises(ValueError, match="unknown comparison"):
        _ = bench.Target("t", 1.0, 1.0, "==").ok


def test_targets_of_a_full_run(bench: ModuleType) -> None:
    cases = {
        "small": _case(bench, "small", {"rolecall": [3.0, 1.0, 2.0], "kingfisher": [2.0] * 3}),
        "large": _case(
            bench, "large", {"rolecall": [15.0, 16.0, 17.0], "kingfisher": [8.0] * 3}, 10**8
        ),
        "botocore": _case(bench, "botocore", {"rolecall": [3.0], "kingfisher": [1.0]}),
        "awscli": _case(bench, "awscli", {"rolecall": [1.0], "kingfisher": [1.0]}),
        "moto": _case(bench, "moto", {"rolecall": [0.5], "kingfisher": [1.0]}),
        "bigfile": _case(bench, "bigfile", {"rolecall": [9.0]}),
        "hook": _case(
            bench,
            "hook",
            {**{f"rolecall {f}": [0.1] for f in bench.FORMATS}, "bandit": [0.2]},
        ),
        "rescan": _case(bench, "rescan", {"rolecall": [0.09], "floor.py": [0.06]}),
        "gitrescan": _case(bench, "gitrescan", {"rolecall": [0.2], "git status + python": [0.1]}),
    }
    cases["hook"].samples["rolecall sarif"] = [bench.Sample(0.11, 0.1, 30.0, 1)]
    lines = [t.line() for t in bench.targets(cases)]
    assert lines == [
        "PASS small case: rolecall / kingfisher wall: 1.00 (target <= 1; CPU time 1.00)",
        "FAIL large case: rolecall / kingfisher wall: 2.00 (target <= 1; CPU time 2.00)",
        "FAIL botocore case: rolecall / kingfisher wall: 3.00 (target <= 1; CPU time 3.00)",
        "PASS awscli case: rolecall / kingfisher wall: 1.00 (target <= 1; CPU time 1.00)",
        "PASS moto case: rolecall / kingfisher wall: 0.50 (target <= 1; CPU time 0.50)",
        # 10 MB in 2 s, 100 MB in 16 s: 6.25 / 5 MB/s
        "PASS throughput, large / small tree (MB/s): 1.25 (target >= 0.9)",
        "PASS large case: rolecall peak RSS MB: 42.00 (target < 200)",
        "PASS bigfile case: rolecall peak RSS MB: 40.00 (target < 200)",
        "PASS hook, 20 files, --format text: rolecall / bandit wall: 0.50 (target <= 0.5; "
        "CPU time 0.50)",
        "PASS hook, 20 files, --format json: rolecall / bandit wall: 0.50 (target <= 0.5; "
        "CPU time 0.50)",
        "FAIL hook, 20 files, --format sarif: rolecall / bandit wall: 0.55 (target <= 0.5; "
        "CPU time 0.33)",
        "PASS hook, 20 files, --format github: rolecall / bandit wall: 0.50 (target <= 0.5; "
        "CPU time 0.50)",
        "PASS rescan outside git: rolecall / bench/floor.py wall: 1.50 (target <= 1.5; "
        "CPU time 1.50)",
        "FAIL rescan inside git: rolecall / (git status + python -c pass) wall: 2.00 "
        "(target <= 1.5; CPU time 2.00)",
    ]


def test_quick_run_has_only_the_small_trees_targets(bench: ModuleType) -> None:
    cases = {
        "small": _case(bench, "small", {"rolecall": [1.0], "kingfisher": [2.0]}),
        "rescan": _case(bench, "rescan", {"rolecall": [0.1], "floor.py": [0.1]}),
    }
    names = [t.name for t in bench.targets(cases)]
    assert names == [
        "small case: rolecall / kingfisher wall",
        "rescan outside git: rolecall / bench/floor.py wall",
    ]


def test_format_case_prints_min_median_max(bench: ModuleType) -> None:
    case = _case(bench, "small", {"rolecall": [3.0, 1.0, 2.0], "bandit": [100.0]}, size=20_800_000)
    case.samples["bandit"][0].code = 1
    assert bench.format_case(case) == [
        "\n### small case (20.8 MB)",
        "",
        "| tool | wall s min / median / max | CPU s (median) | MB/s | peak RSS MB | exit |",
        "|---|---:|---:|---:|---:|---:|",
        "| rolecall | 1.000 / 2.000 / 3.000 | 3.00 | 10.4 | 42 | 0 |",
        "| bandit (1 run) | 100.000 / 100.000 / 100.000 | 150.00 | 0.2 | 40 | 1 |",
    ]
    small = _case(bench, "hook", {"rolecall": [0.5]}, size=51_000)
    assert small.title in bench.format_case(small)[0] and "(51 KB)" in bench.format_case(small)[0]


def test_measure_alternates_tools_and_runs_slow_ones_once(bench: ModuleType) -> None:
    case = bench.Case("c", "c", 1, {"a": [["a"]], "slow": [["s"]], "b": [["b1"], ["b2"]]})
    case.once = {"slow"}
    calls: list[list[list[str]]] = []

    def runner(commands: list[list[str]], env: dict[str, str], cwd: str) -> object:
        calls.append(commands)
        return bench.Sample(1.0, 1.0, 1.0, 0)

    bench.measure(case, 3, runner)
    assert calls == [[["a"]], [["s"]], [["b1"], ["b2"]]] + [[["a"]], [["b1"], ["b2"]]] * 2
    assert {tool: len(s) for tool, s in case.samples.items()} == {"a": 3, "slow": 1, "b": 3}


def test_warm_up_runs_the_chosen_tools_once(bench: ModuleType) -> None:
    full = bench.Case("large", "l", 1, {"rolecall": [["r"]], "kingfisher": [["k"]]})
    full.warm = {"kingfisher"}
    big = bench.Case("bigfile", "b", 1, {"rolecall": [["big"]]}, warm=set())
    rescan = bench.Case("rescan", "r", 1, {"rolecall": [["rc"]], "ds": [["ds"]]}, once={"ds"})
    calls: list[list[list[str]]] = []

    def runner(commands: list[list[str]], env: dict[str, str], cwd: str) -> object:
        calls.append(commands)
        return bench.Sample(1.0, 1.0, 1.0, 0)

    bench.warm_up([full, big, rescan], runner)
    assert calls == [[["k"]], [["rc"]]]
    assert all(not case.samples for case in (full, big, rescan))


def test_run_once_adds_times_and_keeps_the_largest_process(bench: ModuleType) -> None:
    grow = "x = bytearray(64 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"
    sample = bench.run_once([[sys.executable, "-c", "pass"], [sys.executable, "-c", grow]], {}, ".")
    assert sample.code == 0
    assert sample.rss_mb > 64  # the second process's, not the first one's
    assert sample.wall > 0 and sample.cpu > 0
    failed = bench.run_once([[sys.executable, "-c", "import sys; sys.exit(3)"]], {}, ".")
    assert failed.code == 3


@pytest.mark.parametrize(
    ("argv", "rounds", "skip_slow", "line"),
    [
        ([], 5, False, "python bench/run.py --rounds 5"),
        (
            ["--rounds", "3", "--skip-slow", "--workdir", "w"],
            3,
            True,
            "python bench/run.py --rounds 3 --skip-slow",
        ),
        (["--quick", "--realworld-cache", "c"], 1, True, "python bench/run.py --quick"),
    ],
)
def test_command_line_names_what_decides_the_figures(
    bench: ModuleType, argv: list[str], rounds: int, skip_slow: bool, line: str
) -> None:
    args = bench.parse_args(argv)
    assert (args.rounds, args.skip_slow) == (rounds, skip_slow)
    assert bench.command_line(args) == line


def test_tool_env_drops_the_no_bytecode_setting(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = bench.tool_env({"XDG_CACHE_HOME": "x"})
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["XDG_CACHE_HOME"] == "x"


# --- the hook's 20 files -------------------------------------------------------------


def _write(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"#" * size)


def test_pick_small(bench: ModuleType, tmp_path: Path) -> None:
    for i in range(30):
        _write(tmp_path / "pkg" / f"mod{i}.py", 3_000 + i)
        _write(tmp_path / "conf" / f"c{i}.yaml", 500)
    _write(tmp_path / "pkg" / "tiny.py", 100)  # below 2 KB: not a commit's typical file
    _write(tmp_path / "pkg" / "huge.py", 70_000)
    _write(tmp_path / "conf" / "model.json", 300_000)
    _write(tmp_path / "doc" / "readme.rst", 500)  # neither Python nor configuration
    planted = [f"keys/{name}" for name in (".env", "a.tf", "b.py", "credentials", "c.sh")]
    planted += ["keys/d.yaml", "keys/e.json", "keys/f.ini"]
    for rel in planted:
        _write(tmp_path / rel, 200)

    files = bench.pick_small(str(tmp_path), planted=planted)
    assert len(files) == len(set(files)) == 20
    assert files[:6] == sorted(planted, key=bench.corpus._stable)[:6]
    assert all(f in planted for f in files[:6]) and not any(f in planted for f in files[6:])
    assert sum(f.endswith(".py") for f in files) == 10
    assert all(f.endswith(".yaml") for f in files if f.startswith("conf/"))
    for excluded in ("pkg/tiny.py", "pkg/huge.py", "conf/model.json", "doc/readme.rst"):
        assert excluded not in files
    assert bench.pick_small(str(tmp_path), planted=planted) == files  # a fixed choice
    plain = bench.pick_small(str(tmp_path))
    assert len(plain) == 20 and sum(f.endswith(".py") for f in plain) == 10


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (".env", True),
        (".env.production", True),
        ("Dockerfile", True),
        ("credentials", True),
        ("main.tf", True),
        ("deploy.sh", True),
        ("values.yml", True),
        ("setup.cfg", True),
        ("module.py", False),
        ("README.md", False),
        ("messages.po", False),
    ],
)
def test_is_config_name(bench: ModuleType, name: str, config: bool) -> None:
    assert bench.is_config_name(name) is config


# --- the corpus ------------------------------------------------------------------------


def _fake_site_packages(root: Path) -> Path:
    site = root / "site-packages"
    for name in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(f'"""{name}"""\n')
    for name in ("django", "asgiref", "sqlparse", "sqlalchemy"):
        (site / name / "sub").mkdir(parents=True)
        (site / name / "sub" / "core.py").write_text(f"NAME = {name!r}\n")
    (site / "six.py").write_text("PY3 = True\n")
    (site / "typing_extensions.py").write_text("__all__ = []\n")
    model = site / "botocore" / "data" / "s3" / "2006-03-01"
    model.mkdir(parents=True)
    shape = {"shapes": {"SecretAccessKey": {"type": "string", "sensitive": True}}}
    with gzip.open(model / "service-2.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(shape, fh)
    (model / "other.gz").write_bytes(gzip.compress(b"not json"))
    (site / "botocore" / "__pycache__").mkdir()
    (site / "botocore" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (site / "botocore" / "speedups.so").write_bytes(b"\x7fELF")
    (site / "botocore" / "link.py").symlink_to(site / "six.py")
    (site / "unlisted").mkdir()
    (site / "unlisted" / "ignored.py").write_text("")
    return site


def _fake_stdlib(root: Path) -> Path:
    lib = root / "lib"
    for rel, text in {
        "json/__init__.py": '"""json"""\n',
        "test/test_json.py": "def test(): pass\n",
        "site-packages/foreign.py": "",
        "lib-dynload/_x.py": "",
        "config-3.11-x86_64-linux-gnu/Makefile": "all:\n",
        "encodings/__pycache__/a.pyc": "",
    }.items():
        (lib / rel).parent.mkdir(parents=True, exist_ok=True)
        (lib / rel).write_text(text)
    return lib


def _tree_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_corpus_build_tree(bench: ModuleType, tmp_path: Path) -> None:
    corpus = bench.corpus
    site, lib = _fake_site_packages(tmp_path), _fake_stdlib(tmp_path)
    size = corpus.Size("tiny", 1.0, planted=10, decoys=3)
    summary = corpus.build_tree(str(tmp_path / "tree"), str(site), size, stdlib=str(lib))
    tree = tmp_path / "tree"
    files = _tree_files(tree)

    model = json.loads(files["pkgs/botocore/data/s3/2006-03-01/service-2.json"])
    assert "SecretAccessKey" in model["shapes"]  # written out as plain JSON
    assert "cpython-Lib/json/__init__.py" in files
    assert "cpython-Lib/test/test_json.py" in files  # the stdlib's tests are part of it
    assert "pkgs/six.py" in files and "pkgs/typing_extensions.py" in files
    assert "pkgs/django/sub/core.py" in files
    for rel in files:
        assert not rel.endswith((".gz", ".pyc", ".so")), rel
        for skipped in ("site-packages", "lib-dynload", "config-3.11", "unlisted", "link.py"):
            assert skipped not in rel, rel

    assert len(summary.planted) == 10 and len(set(summary.planted)) == 10
    assert summary.files == len(files) and summary.bytes == sum(map(len, files.values()))
    assert summary.suffixes[".json"][0] == 1 + sum(p.endswith(".json") for p in summary.planted)
    bare = corpus.build_tree(
        str(tmp_path / "bare"), str(site), corpus.Size("bare", 1.0, 0, 0), stdlib=str(lib)
    )
    generated = set(files) - set(_tree_files(tmp_path / "bare"))
    assert bare.planted == [] and set(summary.planted) <= generated
    decoys = generated - set(summary.planted)
    assert len(decoys) == 3

    # Every planted file holds a credential the real scanner reports; nothing else does.
    done = subprocess.run(
        [sys.executable, "-m", "rolecall", "scan", "--isolated", "--no-cache", "--format=json"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    reported = {f["path"] for f in json.loads(done.stdout)["findings"]}
    assert reported == set(summary.planted)  # and no decoy
    assert {Path(p).suffix or Path(p).name for p in reported} >= {".json", ".py", ".tf"}

    # Rebuilt from the same inputs: byte-identical.
    again = corpus.build_tree(str(tmp_path / "again"), str(site), size, stdlib=str(lib))
    assert _tree_files(tmp_path / "again") == files and again.planted == summary.planted


def test_corpus_sample_is_a_fixed_fraction_of_paths(bench: ModuleType) -> None:
    corpus = bench.corpus
    paths = [f"pkgs/botocore/data/service{i}/service-2.json" for i in range(4000)]
    chosen = [p for p in paths if corpus.sampled(p, 0.1)]
    assert 300 < len(chosen) < 500
    assert chosen == [p for p in paths if corpus.sampled(p, 0.1)]
    assert all(corpus.sampled(p, 1.0) for p in paths)
    assert set(chosen) <= {p for p in paths if corpus.sampled(p, 0.5)}


def test_corpus_needs_every_package(bench: ModuleType, tmp_path: Path) -> None:
    site = _fake_site_packages(tmp_path)
    (site / "six.py").unlink()
    with pytest.raises(FileNotFoundError, match=r"six\.py"):
        bench.corpus.sources(str(site), stdlib=str(tmp_path))


def test_corpus_ensure_tree_reuses_a_build(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = bench.corpus
    site, lib = _fake_site_packages(tmp_path), _fake_stdlib(tmp_path)
    monkeypatch.setattr(corpus, "stdlib_root", lambda: str(lib))
    size = corpus.Size("tiny", 1.0, planted=4, decoys=1)
    dst = str(tmp_path / "tree")
    first = corpus.ensure_tree(dst, str(site), size)
    assert corpus.planted_files(dst) == first.planted and len(first.planted) == 4
    marker = tmp_path / "tree" / "marker.txt"
    marker.write_text("kept while the stamp is unchanged")
    assert corpus.ensure_tree(dst, str(site), size).files == first.files + 1
    corpus.ensure_tree(dst, str(site), corpus.Size("tiny", 1.0, planted=5, decoys=1))
    assert not marker.exists() and len(corpus.planted_files(dst)) == 5


def test_corpus_big_file(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "big" / "settings.txt"
    written = bench.corpus.write_big_file(str(path), 300_000, seed=3, keys=4)
    data = path.read_bytes()
    assert written == len(data) == 300_000
    assert data.count(b"aws_access_key_id = AKIA") == 4
    assert data.count(b"aws_secret_access_key = ") == 4
    assert len(set(data.splitlines())) > 1000  # varied text, not one block repeated
    other = tmp_path / "other.txt"
    bench.corpus.write_big_file(str(other), 300_000, seed=3, keys=4)
    assert other.read_bytes() == data


def test_corpus_ensure_venv_installs_once_per_requirements(
    bench: ModuleType, tmp_path: Path
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3==1.0\n")
    installs: list[tuple[str, str]] = []

    def install(path: str, reqs: str) -> None:  # instead of the package index
        installs.append((path, Path(reqs).read_text()))
        (Path(path) / "bin").mkdir(parents=True)
        (Path(path) / "bin" / "python").write_text("")

    venv = str(tmp_path / "venv")
    python = bench.corpus.ensure_venv(venv, str(requirements), install)
    assert python == os.path.join(venv, "bin", "python")
    assert bench.corpus.ensure_venv(venv, str(requirements), install) == python
    assert installs == [(venv, "boto3==1.0\n")]
    requirements.write_text("boto3==2.0\n")
    bench.corpus.ensure_venv(venv, str(requirements), install)
    assert installs[-1] == (venv, "boto3==2.0\n") and len(installs) == 2


# --- real packages and the git copy ------------------------------------------------------


def test_real_package_trees_use_the_pinned_set(bench: ModuleType, tmp_path: Path) -> None:
    asked: list[str] = []

    def fetch(package: object, cache: Path) -> Path:  # instead of pip download
        asked.append(package.key)  # type: ignore[attr-defined]
        assert cache == tmp_path
        return tmp_path / "src" / package.name  # type: ignore[attr-defined]

    trees = bench.real_package_trees(bench.REAL_PACKAGES, tmp_path, fetch)
    pinned = {p.name: p.key for p in bench.realworld.PACKAGES}
    assert asked == [pinned["botocore"], pinned["awscli"], pinned["moto"]]
    assert trees == {n: tmp_path / "src" / n for n in ("botocore", "awscli", "moto")}


@pytest.mark.integration
def test_git_copy_commits_the_tree(bench: ModuleType, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "x.py").write_text("X = 1\n")
    (src / ".env").write_text("DEBUG=1\n")
    repo = bench.git_copy(str(src), str(tmp_path / "repo"), "stamp-1")

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=True
        ).stdout

    assert git("ls-files").split() == [".env", "a/x.py"]
    assert git("status", "--porcelain") == ""
    head = git("rev-parse", "HEAD")
    assert bench.git_copy(str(src), repo, "stamp-1") == repo
    assert git("rev-parse", "HEAD") == head  # reused
    (src / "a" / "y.py").write_text("Y = 2\n")
    bench.git_copy(str(src), repo, "stamp-2")
    assert git("ls-files").split() == [".env", "a/x.py", "a/y.py"]
