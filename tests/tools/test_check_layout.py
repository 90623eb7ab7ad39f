"""scripts/check_layout.py on small synthetic packages written to a temporary folder:
a clean package passes, and each limit (module lines, function lines, import cycles at
module or function level) is reported at its boundary, and only past it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_layout.py"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _run(root: Path, *packages: str) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root), *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stderr == ""
    return proc.returncode, proc.stdout.splitlines()


def _function(name: str, lines: int, indent: str = "") -> str:
    """A function whose def spans exactly ``lines`` lines."""
    body = [f"{indent}def {name}() -> int:"]
    body += [f"{indent}    x{i} = {i}" for i in range(lines - 2)]
    body.append(f"{indent}    return 0")
    return "\n".join(body) + "\n"


def test_a_clean_package_passes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/__init__.py": "from pkg.a import f\n",
            "src/a.py": "from pkg import b\n\ndef f() -> int:\n    return b.g()\n",
            "src/b.py": "def g() -> int:\n    return 1\n",
            "src/sub/__init__.py": "",
            "src/sub/c.py": "from ..b import g\nfrom . import d\n",
            "src/sub/d.py": "import pkg.b\n",
        },
    )
    assert _run(tmp_path, "pkg=src") == (0, [])


def test_a_module_level_cycle_is_reported_once(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/a.py": "from pkg.b import g\n",
            "src/b.py": "import pkg.c\n",
            "src/c.py": "from . import a\n",
            "src/d.py": "from pkg import a\n",  # reaches the cycle, is not part of it
        },
    )
    assert _run(tmp_path, "pkg=src") == (1, ["import cycle: pkg.a <-> pkg.b <-> pkg.c"])


def test_an_import_inside_a_function_closes_a_cycle(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/sub/__init__.py": "",
            "src/sub/x.py": "from ..y import h\n",
            "src/y.py": "def h() -> None:\n    from pkg.sub.x import z\n",
        },
    )
    assert _run(tmp_path, "pkg=src") == (1, ["import cycle: pkg.sub.x <-> pkg.y"])


def test_imports_for_the_type_checker_only_do_not_count(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/a.py": "from pkg.b import g\n",
            "src/b.py": (
                "import typing\nTYPE_CHECKING = False\nif TYPE_CHECKING:\n"
                "    from pkg.a import A\nif typing.TYPE_CHECKING:\n    import pkg.a\n"
            ),
        },
    )
    assert _run(tmp_path, "pkg=src") == (0, [])


def test_long_functions_are_reported_past_the_limit_only(tmp_path: Path) -> None:
    decorated = "import functools\n\n@functools.lru_cache\n" + _function("decorated", 60)
    method = "class K:\n" + _function("method", 61, indent="    ")
    _write(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/ok.py": _function("sixty", 60) + "\n" + decorated,
            "src/long.py": "import os\n\n" + _function("sixty_one", 61) + "\n" + method,
        },
    )
    code, lines = _run(tmp_path, "pkg=src")
    assert (code, lines) == (
        1,
        [
            "src/long.py:3: function sixty_one has 61 lines (limit 60)",
            "src/long.py:66: function K.method has 61 lines (limit 60)",
        ],
    )


def test_long_modules_are_reported_past_the_limit_only(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/four_hundred.py": "x = 1\n" * 400,
            "src/four_hundred_one.py": "x = 1\n" * 401,
        },
    )
    assert _run(tmp_path, "pkg=src") == (
        1,
        ["src/four_hundred_one.py: module has 401 lines (limit 400)"],
    )


def test_a_subpackage_mapped_to_its_own_folder_gets_its_own_names(tmp_path: Path) -> None:
    # As in the project: rolecall=scanner and rolecall.rules=rules, side by side.
    _write(
        tmp_path,
        {
            "engine/__init__.py": "",
            "engine/api.py": "def helper() -> None:\n    from app.plugins.one import R\n",
            "plugins/__init__.py": "",
            "plugins/one.py": "from app.api import helper\n",
        },
    )
    assert _run(tmp_path, "app=engine", "app.plugins=plugins") == (
        1,
        ["import cycle: app.api <-> app.plugins.one"],
    )


def test_a_malformed_mapping_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(tmp_path), "nofolder"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "expected PACKAGE=FOLDER" in proc.stderr


def test_the_repository_keeps_the_layout_limits() -> None:
    """The issue-15 limits hold for rolecall itself: no module of scanner/ or rules/ over
    400 lines, no function over 60, no import cycle between modules (imports inside
    functions included)."""
    root = SCRIPT.parent.parent
    assert (root / "scanner" / "engine").is_dir() and (root / "rules" / "aws").is_dir()
    assert _run(root) == (0, [])
