"""Report the layout limits of issue 15: module size, function size, import cycles.

A module over 400 lines, a function over 60 lines (``end_lineno - lineno + 1`` of the
``def``, decorators not counted) and any cycle between modules are printed, one per line,
and the exit status is 1 if there is any. Imports are read with ``ast`` and never run,
so the check is safe on a broken tree; imports inside functions count too, because a
cycle that only closes at run time still ties the two modules together for a reader.

Usage: ``python scripts/check_layout.py [--root DIR] [PACKAGE=FOLDER ...]``. Without
packages it checks the project's own mapping (``rolecall=scanner``,
``rolecall.rules=rules``) under the repository root.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
DEFAULT_PACKAGES = ("rolecall=scanner", "rolecall.rules=rules")


@dataclass(frozen=True)
class Module:
    """One source file: its dotted name, its path and whether it is a package's __init__."""

    name: str
    path: Path
    is_package: bool


def discover(root: Path, packages: Mapping[str, str]) -> dict[str, Module]:
    """Map every module's dotted name to its file, for each ``package -> folder`` pair.

    A folder that is itself mapped to another package (``rules/`` inside the mapping of
    ``rolecall.rules``) is left to that mapping, so a file gets exactly one name.
    """
    folders = {name: (root / folder).resolve() for name, folder in packages.items()}
    owned = set(folders.values())
    modules: dict[str, Module] = {}
    for package, folder in folders.items():
        for path in sorted(folder.rglob("*.py")):
            if not _nearest_owner_is(path.resolve(), folder, owned):
                continue
            parts = list(path.relative_to(folder).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join([package, *parts])
            modules[name] = Module(name, path, is_package)
    return modules


def _nearest_owner_is(path: Path, folder: Path, owned: set[Path]) -> bool:
    for parent in path.parents:
        if parent in owned:
            return parent == folder
    return False


def _resolve_from(module: Module, level: int, target: str | None) -> str:
    """The absolute name a ``from`` import refers to (``level`` dots, then ``target``)."""
    if level == 0:
        return target or ""
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imported_modules(module: Module, tree: ast.Module, known: set[str]) -> set[str]:
    """The known modules that ``module`` imports anywhere in its body.

    ``from package import name`` names the submodule ``package.name`` when there is one,
    and the package otherwise; ``import a.b.c`` names the longest known prefix. Imports
    under ``if TYPE_CHECKING:`` are left out: they never run, so they tie nothing at run
    time and are how a typed cycle is normally broken.
    """
    found: set[str] = set()
    skipped = {id(n) for n in _type_checking_nodes(tree)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                hit = _longest_known(alias.name, known)
                if hit:
                    found.add(hit)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(module, node.level, node.module)
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                hit = candidate if candidate in known else _longest_known(base, known)
                if hit:
                    found.add(hit)
    found.discard(module.name)
    return found


def _type_checking_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from ast.walk(child)


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _longest_known(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in known:
            return prefix
    return None


def long_functions(tree: ast.Module) -> Iterator[tuple[str, int, int]]:
    """Each function over the limit: its qualified name, first line and length."""

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                length = (child.end_lineno or child.lineno) - child.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield name, child.lineno, length
                yield from visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def find_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative).

    Each cycle is reported once, as its sorted member list, so the output is stable.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def check(root: Path, packages: Mapping[str, str]) -> list[str]:
    """Every problem found, one printable line each, in a stable order."""
    modules = discover(root, packages)
    known = set(modules)
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    for name, module in sorted(modules.items()):
        source = module.path.read_text(encoding="utf-8")
        shown = module.path.relative_to(root).as_posix()
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            problems.append(f"{shown}: module has {lines} lines (limit {MAX_MODULE_LINES})")
        tree = ast.parse(source, filename=str(module.path))
        for func, lineno, length in long_functions(tree):
            problems.append(
                f"{shown}:{lineno}: function {func} has {length} lines (limit {MAX_FUNCTION_LINES})"
            )
        graph[name] = imported_modules(module, tree, known)
    for cycle in find_cycles(graph):
        problems.append("import cycle: " + " <-> ".join(cycle))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Print every layout problem; 1 if there is any, 0 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the folder the package folders are relative to (default: the repository)",
    )
    parser.add_argument(
        "packages",
        nargs="*",
        default=list(DEFAULT_PACKAGES),
        metavar="PACKAGE=FOLDER",
        help="an import name and the folder that holds it",
    )
    args = parser.parse_args(argv)
    mapping: dict[str, str] = {}
    for item in args.packages:
        package, sep, folder = item.partition("=")
        if not sep or not package or not folder:
            parser.error(f"expected PACKAGE=FOLDER, got {item!r}")
        mapping[package] = folder
    problems = check(args.root.resolve(), mapping)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
