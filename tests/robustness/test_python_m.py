"""``python -m rolecall`` in a booby-trapped repository runs none of the repository's code.

``python -m`` puts the current directory first on ``sys.path``, and a scan usually runs
in the repository it scans: a ``json.py`` or ``hashlib.py`` there would run in place of
the standard module. rolecall drops the directory from the path first thing; what
Python's own ``runpy`` imports before that cannot be protected from inside rolecall, so
the README points to the ``rolecall`` executable or ``python -P``, tested here too.

Which modules to plant is measured, not listed: every top-level module a full scan
imports (every output format, a fix with a diff), minus those already loaded when
rolecall's package starts running under ``python -m``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.robustness._support import count

_KEY_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
_SECRET = "hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri"
#: A little of every kind of file, so that every lazily imported parser is imported.
_TREE: dict[str, str | bytes] = {
    ".env": f"AWS_ACCESS_KEY_ID={_KEY_ID}\nAWS_SECRET_ACCESS_KEY={_SECRET}\n",
    "app.py": (
        "import boto3\nimport os\n"
        's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])\n'
    ),
    "ci.yml": "jobs:\n  a:\n    steps:\n      - run: echo hi\n",
    "pyproject.toml": '[project]\nname = "x"\n',
    "Dockerfile": "FROM python:3.12\nENV A=b\n",
    "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n',
    "data.json": '{"aws_secret_access_key": "${SECRET}"}\n',
    "nb.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
}
_RUNS = (
    ("scan", "--no-cache", "--format", "sarif", "."),
    ("scan", "--no-cache", "--format", "json", "."),
    ("scan", "--format", "text", "-v", "."),
    ("fix", "--diff", "."),
)

#: Both scripts write the top-level names of the loaded modules to the file in argv[1]
#: (stdout carries the reports).
_NAMES = (
    "pathlib.Path(sys.argv[1]).write_text(' '.join({m.partition('.')[0] for m in sys.modules}))"
)
_IMPORTED_BY_A_SCAN = (
    "import pathlib, sys\nfrom rolecall.cli.main import main\n"
    "for argv in {runs!r}:\n    main(list(argv))\n" + _NAMES
)
#: What is loaded before any package code runs under ``python -m``.
_LOADED_BY_RUNPY = "import pathlib, runpy, sys\n" + _NAMES


def _names(script: str, cwd: Path) -> set[str]:
    out = cwd.parent / f"{cwd.name}-names.txt"
    subprocess.run(
        [sys.executable, "-c", script, str(out)], cwd=cwd, capture_output=True, check=True
    )
    return set(out.read_text().split())


def _plant(root: Path, names: set[str], marker_dir: Path) -> None:
    for name in names:
        marker = marker_dir / name
        (root / f"{name}.py").write_text(
            f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
        )


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[str], set[str]]:
    clean = tmp_path_factory.mktemp("clean")
    write_tree(clean, _TREE)
    imported = _names(_IMPORTED_BY_A_SCAN.replace("{runs!r}", repr(_RUNS)), clean)
    early = _names(_LOADED_BY_RUNPY, clean)
    protectable = {
        n
        for n in imported - early - {"rolecall", "__main__", "tests"}
        if n.isidentifier() and n not in sys.builtin_module_names
    }
    assert {"json", "hashlib", "difflib", "tempfile", "typing"} <= protectable
    repo = tmp_path_factory.mktemp("repo")
    markers = tmp_path_factory.mktemp("markers")
    write_tree(repo, _TREE)
    _plant(repo, protectable, markers)
    count("python-m-planted", len(protectable))
    return repo, markers, protectable, early


def test_python_m_runs_no_module_of_the_scanned_repository(
    planted: tuple[Path, Path, set[str], set[str]],
) -> None:
    repo, markers, protectable, _early = planted
    for argv in _RUNS:
        done = subprocess.run(
            [sys.executable, "-m", "rolecall", *argv],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sorted(p.name for p in markers.iterdir()) == [], argv
        assert done.returncode in (0, 1), (argv, done.stderr[-2000:])
        if argv[1:4] == ("--no-cache", "--format", "json"):
            report = json.loads(done.stdout)
            assert any(f["path"] == ".env" for f in report["findings"])
    assert len(protectable) > 20


@pytest.mark.skipif(sys.version_info < (3, 11), reason="python -P is new in 3.11")
def test_python_safe_path_protects_runpy_imports_too(
    planted: tuple[Path, Path, set[str], set[str]], tmp_path: Path
) -> None:
    repo, markers, _protectable, early = planted
    runpy_markers = tmp_path / "markers"
    runpy_markers.mkdir()
    planted_early = {n for n in early if n.isidentifier() and n not in sys.builtin_module_names}
    planted_early -= {"site", "sitecustomize", "usercustomize", "encodings", "_distutils_hack"}
    _plant(repo, planted_early, runpy_markers)
    for stale in markers.iterdir():  # left by another test: this one judges its own run
        stale.unlink()
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-m", "rolecall", "scan", "--no-cache", "."],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr[-2000:]
        assert sorted(p.name for p in runpy_markers.iterdir()) == []
        assert sorted(p.name for p in markers.iterdir()) == []
    finally:
        for name in planted_early:
            (repo / f"{name}.py").unlink()


def test_library_import_leaves_sys_path_alone(tmp_path: Path) -> None:
    script = "import sys; before = list(sys.path); import rolecall; print(sys.path == before)"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert out.stdout.strip() == "True", out.stderr
