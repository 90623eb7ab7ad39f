"""argparse stays inside the command line: the commands get a typed, immutable value of
their flags, no module outside ``scanner/cli/`` mentions argparse, and the command
line's modules import each other one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rolecall.cli.args import CommandArgs, command_args
from rolecall.cli.main import build_parser

SCANNER = Path(__file__).resolve().parents[2] / "scanner"


def _mentions_argparse(tree: ast.AST) -> list[int]:
    """Lines of imports, names, attributes and non-docstring strings that say argparse."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            said = " ".join(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            said = node.module or ""
        elif isinstance(node, ast.Name):
            said = node.id
        elif isinstance(node, ast.Attribute):
            said = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            said = "" if id(node) in docstrings else node.value
        else:
            continue
        if "argparse" in said or "Namespace" in said:
            lines.append(node.lineno)
    return lines


def test_no_module_outside_the_command_line_mentions_argparse() -> None:
    modules = [p for p in SCANNER.rglob("*.py") if "cli" not in p.relative_to(SCANNER).parts]
    assert len(modules) > 50  # the whole engine was looked at
    offenders = {
        str(p.relative_to(SCANNER)): lines
        for p in modules
        if (lines := _mentions_argparse(ast.parse(p.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_the_check_sees_each_way_of_naming_argparse() -> None:
    for source in (
        "import argparse\n",
        "from argparse import Namespace\n",
        "def f(a: argparse.Namespace) -> None: ...\n",
        "X = 'argparse.Namespace'\n",
    ):
        assert _mentions_argparse(ast.parse(source)), source
    assert not _mentions_argparse(ast.parse('"""argparse\'s names."""\n'))


@pytest.mark.parametrize(
    "argv",
    [
        ["scan", "--format", "json", "--output", "r.json", "--shard", "1/2", "-q", "a", "b"],
        ["scan", "--no-baseline", "--report-stale", "--color", "never", "-vv", "--no-cache"],
        ["baseline", "--update", "--baseline", "b.json", "--select", "RC1", "--select", "RC2"],
        ["fix", "--diff", "--unsafe-fixes", "--force", "--exclude", "gen/", "-j", "2"],
    ],
    ids=lambda argv: argv[0],
)
def test_every_flag_of_a_command_becomes_a_field(argv: list[str]) -> None:
    namespace = build_parser().parse_args(argv)
    flags = vars(namespace)
    assert set(flags) <= set(CommandArgs._fields), "a flag the commands would never see"
    args = command_args(namespace)
    for name, value in flags.items():
        expected = tuple(value) if isinstance(value, list) else value
        assert getattr(args, name) == expected, name
    with pytest.raises(AttributeError):
        args.paths = ("elsewhere",)  # type: ignore[misc]


def test_a_flag_a_command_lacks_keeps_the_value_it_scans_with() -> None:
    args = command_args(build_parser().parse_args(["baseline"]))
    assert (args.format, args.output, args.shard, args.slow_fingerprints) == (
        "text",
        None,
        None,
        False,
    )
    assert command_args(build_parser().parse_args(["scan"]), format="sarif").format == "sarif"


def _imports(path: Path) -> set[str]:
    """The ``rolecall.cli`` modules ``path`` imports at run time (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and id(node) not in typing_only and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import) and id(node) not in typing_only:
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("rolecall.cli.")}


def test_nothing_in_the_command_line_imports_main_back() -> None:
    graph = {f"rolecall.cli.{p.stem}": _imports(p) for p in (SCANNER / "cli").glob("*.py")}
    assert "rolecall.cli.parser" in graph["rolecall.cli.main"]
    # Only the executable's wrapper, which runs main(), imports it.
    importers = [m for m, deps in graph.items() if "rolecall.cli.main" in deps]
    assert importers == ["rolecall.cli.console"]

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for dep in graph.get(start, ()):
            if dep == goal or (dep not in seen and reaches(dep, goal, seen | {dep})):
                return True
        return False

    assert [m for m in graph if reaches(m, m, set())] == []
