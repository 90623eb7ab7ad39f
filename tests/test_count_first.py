"""Count first: no test may assert only inside loops over what could be empty.

A test whose every check sits in ``for finding in findings:`` (or in ``assert
all(... for ...)``, or ``assert not any(...)``) passes when there is nothing to loop
over: a rule that stops finding anything turns it green instead of red. Such a test
must first establish that there is something to check: assert the count (or that the
collection is not empty) before the loop, or call a helper that asserts, or expect an
exception with ``pytest.raises``.

This module reads every test module under tests/ with :mod:`ast` (nothing is imported
or run) and fails on each test function that checks only vacuously, naming it.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

TESTS = REPO / "tests"

_Loop = (ast.For, ast.AsyncFor)
_Defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
#: Context managers whose block is itself a check (the block must raise or warn).
_CHECKING_CONTEXTS = frozenset({"raises", "warns", "deprecated_call", "assertRaises"})


@dataclass(frozen=True)
class Vacuous:
    """A test function whose checks all pass when a loop runs zero times."""

    path: str
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name}"


def asserting_helpers(modules: Iterable[ast.Module]) -> frozenset[str]:
    """Names of the functions (not tests) that check something: they contain an
    ``assert``, a checking context or ``pytest.fail``, directly or through another such
    helper. Matched by name, as a call site sees them (``check_golden``, ``h.expect``)."""
    bodies: dict[str, list[ast.AST]] = {}
    for module in modules:
        for node in ast.walk(module):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not node.name.startswith("test"):
                bodies.setdefault(node.name, []).append(node)
    found: set[str] = set()
    changed = True
    while changed:  # a helper that calls a helper that asserts asserts too
        changed = False
        for name, defs in bodies.items():
            if name not in found and any(_checks(d, found) for d in defs):
                found.add(name)
                changed = True
    return frozenset(found)


def _checks(func: ast.AST, helpers: set[str] | frozenset[str]) -> bool:
    return any(_is_check(node, helpers) for node in _own_nodes(func))


def _own_nodes(func: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``func``'s own body, not of functions or classes defined in it."""
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, _Defs):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_check(node: ast.AST, helpers: set[str] | frozenset[str]) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Call):
        name = _call_name(node)
        return name is not None and (name in helpers or name == "fail")
    if isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            ctx = item.context_expr
            if isinstance(ctx, ast.Call) and _call_name(ctx) in _CHECKING_CONTEXTS:
                return True
    return False


def _literal_names(body: Iterable[ast.AST], outer: frozenset[str]) -> frozenset[str]:
    """Names bound exactly once among ``body``'s nodes, to a non-empty literal
    (``CASES = (...)``), added to ``outer`` (what an enclosing scope knows) less the
    names ``body`` binds otherwise. A module's functions that return only non-empty
    literals are named with ``()`` (``"_mutations()"``)."""
    stores: dict[str, int] = {}
    literal: set[str] = set()
    for node in body:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and _non_empty_literal(node.value, outer):
                literal.update(t.id for t in targets if isinstance(t, ast.Name))
    own = {name for name in literal if stores[name] == 1}
    return frozenset((outer - stores.keys()) | own)


def _module_names(module: ast.Module) -> frozenset[str]:
    top = [n for stmt in module.body if not isinstance(stmt, _Defs) for n in ast.walk(stmt)]
    names = _literal_names(top, frozenset())
    functions = set()
    for stmt in module.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            values = [n.value for n in _own_nodes(stmt) if isinstance(n, ast.Return)]
            if values and all(v is not None and _non_empty_literal(v, names) for v in values):
                functions.add(stmt.name + "()")
    return names | functions


def _non_empty_literal(node: ast.expr, names: frozenset[str]) -> bool:
    """Whether ``node`` surely yields something to loop over."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and not all(isinstance(e, ast.Starred) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes)) and bool(node.value)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call):
        name = _call_name(node)
        args = node.args
        if isinstance(node.func, ast.Name) and f"{name}()" in names:
            return True
        if name == "range" and args:
            stop = args[0] if len(args) == 1 else args[1]
            start = args[0] if len(args) > 1 else ast.Constant(0)
            bounds = [b.value if isinstance(b, ast.Constant) else None for b in (start, stop)]
            low, high = bounds
            return isinstance(low, int) and isinstance(high, int) and high > low
        if name in {"enumerate", "sorted", "reversed", "list", "tuple", "set", "zip"} and args:
            if name == "zip":
                return all(_non_empty_literal(a, names) for a in args)
            return _non_empty_literal(args[0], names)
        if name in {"items", "keys", "values"} and isinstance(node.func, ast.Attribute):
            return _non_empty_literal(node.func.value, names)
    return False


def _vacuous_all(node: ast.Assert) -> ast.comprehension | None:
    """The loop of ``assert all(... for x in xs)`` or ``assert not any(...)``: true for
    an empty ``xs``."""
    test = node.test
    wanted = "all"
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, wanted = test.operand, "any"
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == wanted
        and len(test.args) == 1
        and isinstance(test.args[0], (ast.GeneratorExp, ast.ListComp, ast.SetComp))
    ):
        return test.args[0].generators[0]
    return None


def vacuous_tests(source: str, path: str, helpers: frozenset[str]) -> list[Vacuous]:
    """The test functions in ``source`` whose checks are all inside loops (``for``
    statements, ``all``/``not any`` over a comprehension) over what could be empty."""
    module = ast.parse(source)
    module_names = _module_names(module)
    found = []
    for func in _test_functions(module):
        names = _literal_names(_own_nodes(func), module_names)
        checks = [node for node in _own_nodes(func) if _is_check(node, helpers)]
        if checks and all(_in_possibly_empty_loop(func, c, names) for c in checks):
            found.append(Vacuous(path, func.lineno, func.name))
    return found


def _test_functions(module: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in module.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("test"):
                yield node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            yield from (
                item
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                and item.name.startswith("test")
            )


def _in_possibly_empty_loop(func: ast.AST, check: ast.AST, names: frozenset[str]) -> bool:
    if isinstance(check, ast.Assert):
        loop = _vacuous_all(check)
        if loop is not None and not _non_empty_literal(loop.iter, names):
            return True
    loops = _enclosing_loops(func, check) or ()
    return any(not _non_empty_literal(loop.iter, names) for loop in loops)


def _enclosing_loops(
    node: ast.AST, target: ast.AST, loops: tuple[ast.For | ast.AsyncFor, ...] = ()
) -> tuple[ast.For | ast.AsyncFor, ...] | None:
    """The ``for`` statements whose body (not ``else``) holds ``target``, outermost
    first; None when ``node`` does not hold it."""
    if node is target:
        return loops
    if isinstance(node, _Loop):
        for stmt in node.body:
            found = _enclosing_loops(stmt, target, (*loops, node))
            if found is not None:
                return found
        others: list[ast.AST] = [node.target, node.iter]
        others.extend(node.orelse)
    else:
        others = list(ast.iter_child_nodes(node))
    for child in others:
        found = _enclosing_loops(child, target, loops)
        if found is not None:
            return found
    return None


def _test_modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "golden" not in p.parts)


def test_no_test_checks_only_inside_loops() -> None:
    paths = _test_modules()
    assert len(paths) > 80  # the whole suite is read, not an empty glob
    sources = {p: p.read_text(encoding="utf-8") for p in paths}
    helpers = asserting_helpers(ast.parse(s) for s in sources.values())
    assert "check_golden" in helpers  # helpers of other modules count as checks
    found = [
        str(v)
        for path, source in sources.items()
        for v in vacuous_tests(source, path.relative_to(TESTS.parent).as_posix(), helpers)
    ]
    assert found == [], "assert the count (or non-emptiness) before the loop:\n" + "\n".join(found)


# --- the check's own cases -----------------------------------------------------------

FLAGGED = {
    "loop only": """
        def test_x():
            for f in scan():
                assert f.ok
    """,
    "nested loops": """
        def test_x():
            for f in scan():
                for loc in f.locations:
                    assert loc.line
    """,
    "all over a generator": """
        def test_x():
            findings = scan()
            assert all(f.ok for f in findings)
    """,
    "not any over a list comprehension": """
        def test_x():
            assert not any([SECRET in line for line in output()])
    """,
    "helper call inside the loop only": """
        def check(f):
            assert f.ok

        def test_x():
            for f in scan():
                check(f)
    """,
    "method of a test class": """
        class TestScan:
            def test_x(self):
                for f in scan():
                    assert f.ok
    """,
    "loop inside a with block": """
        def test_x(tmp_path):
            with open(tmp_path / "f") as fh:
                for line in fh:
                    assert line
    """,
    "literal reassigned, so not surely non-empty": """
        CASES = ("a",)
        CASES = load()

        def test_x():
            for case in CASES:
                assert case
    """,
    "starred only literal": """
        def test_x():
            for f in (*scan(),):
                assert f
    """,
    "local list that is appended to and reassigned": """
        def test_x():
            cases = ["a"]
            cases = [c for c in load()]
            for case in cases:
                assert case
    """,
    "module function that may return an empty list": """
        def cases(n):
            if n:
                return ["a"]
            return []

        def test_x():
            for case in cases(1):
                assert case
    """,
    "range with a variable bound": """
        def test_x(n):
            for i in range(n):
                assert i >= 0
    """,
}

NOT_FLAGGED = {
    "count first": """
        def test_x():
            findings = scan()
            assert len(findings) == 2
            for f in findings:
                assert f.ok
    """,
    "non-empty first": """
        def test_x():
            findings = scan()
            assert findings  # the fixture plants three
            assert all(f.ok for f in findings)
    """,
    "assert after the loop": """
        def test_x():
            seen = 0
            for f in scan():
                assert f.ok
                seen += 1
            assert seen == 3
    """,
    "unpacking is a count": """
        def test_x():
            (f,) = scan()
            assert f.ok
    """,
    "asserting helper before the loop": """
        def expect_count(items, n):
            assert len(items) == n

        def test_x():
            findings = scan()
            expect_count(findings, 2)
            for f in findings:
                assert f.ok
    """,
    "helper of another module": """
        def test_x():
            check_golden(PATH, render())
            for line in render().splitlines():
                assert "\\t" not in line
    """,
    "pytest.raises before the loop": """
        def test_x():
            with pytest.raises(ValueError):
                parse("")
            for case in load():
                assert parse(case)
    """,
    "loop over a literal tuple": """
        def test_x():
            for kind in ("github", "npm"):
                assert fake(kind)
    """,
    "loop over a module constant": """
        KINDS = ["github", "npm"]

        def test_x():
            for n, kind in enumerate(KINDS):
                assert fake(kind, n)
    """,
    "loop over a local literal": """
        def test_x():
            cases = {"a": 1, "b": 2}
            for name, value in cases.items():
                assert fake(name) == value
    """,
    "loop over what a module function returns as a literal": """
        def mutations(data):
            return [data[:1], data * 2]

        def test_x():
            for mutated in mutations(b"x"):
                assert scan(mutated)
    """,
    "range with a constant bound": """
        def test_x():
            for seed in range(5):
                assert fake("github", seed)
    """,
    "all over a literal": """
        def test_x():
            assert all(fake(k) for k in ("a", "b"))
    """,
    "loop in the else branch is not in the loop": """
        def test_x():
            for f in scan():
                break
            else:
                assert False
    """,
    "no assert at all": """
        def test_x():
            main(["scan"])
    """,
    "asserts in a nested function only": """
        def test_x():
            def inner(xs):
                for x in xs:
                    assert x
            run(inner)
    """,
    "not a test": """
        def helper():
            for f in scan():
                assert f.ok
    """,
    "pytest.fail in the test, outside the loop": """
        def test_x():
            for f in scan():
                assert f.ok
            if not done():
                pytest.fail("nothing scanned")
    """,
}


def _vacuous(snippet: str) -> list[str]:
    source = textwrap.dedent(snippet)
    helpers = asserting_helpers([ast.parse(source)]) | {"check_golden"}
    return [v.name for v in vacuous_tests(source, "snippet.py", helpers)]


@pytest.mark.parametrize("snippet", FLAGGED.values(), ids=FLAGGED.keys())
def test_flags(snippet: str) -> None:
    assert _vacuous(snippet) == ["test_x"]


@pytest.mark.parametrize("snippet", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_does_not_flag(snippet: str) -> None:
    assert _vacuous(snippet) == []


def test_names_each_function_with_its_line() -> None:
    source = "def test_a():\n    for f in g():\n        assert f\n\n\ndef test_b():\n    assert 1\n"
    (found,) = vacuous_tests(source, "tests/t.py", frozenset())
    assert str(found) == "tests/t.py:1: test_a"


def test_helpers_that_assert_through_other_helpers() -> None:
    source = textwrap.dedent(
        """
        def leaf(x):
            assert x

        def middle(x):
            leaf(x)

        def quiet(x):
            return x
        """
    )
    assert asserting_helpers([ast.parse(source)]) == {"leaf", "middle"}
