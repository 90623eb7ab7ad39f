"""The shape of ``rolecall.rules``: no import cycle between its modules, the Python rules
reach their analysis through its one interface, and that analysis is built once per
document however many rules read it.

Imports are read from the source (inside functions and ``TYPE_CHECKING`` blocks too), so
a cycle that only a lazy import closes is still found.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import rolecall.rules
from rolecall import Document, RuleContext
from rolecall.plugin.registry import default_registry
from rolecall.rules.python import analysis as python_analysis

RULES = Path(rolecall.rules.__file__).parent
ANALYSIS = "rolecall.rules.python.analysis"


def _modules() -> dict[str, Path]:
    found = {}
    for path in RULES.rglob("*.py"):
        parts = list(path.relative_to(RULES).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(["rolecall.rules", *parts])] = path
    return found


def _imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The ``rolecall.rules`` modules that ``name`` imports (a ``from package import
    module`` names the module, ``from module import name`` the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield f"{base}.{alias.name}"
                elif base in known:
                    yield base


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {n: set(_imports(n, p, known)) - {n} for n, p in known.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        state[start] = 1
        todo = [iter(sorted(graph[start]))]
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                todo.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                todo.append(iter(sorted(graph[nxt])))
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    graph = _graph()
    # view.py imports the finder inside a function, uses.py Measure under TYPE_CHECKING.
    assert f"{ANALYSIS}.sdk" in graph[f"{ANALYSIS}.view"]
    assert f"{ANALYSIS}.nodes" in graph[f"{ANALYSIS}.uses"]
    assert f"{ANALYSIS}.fixfast" in graph[f"{ANALYSIS}.fix"]


def test_no_import_cycle_in_the_rules() -> None:
    assert _cycle(_graph()) is None


def test_python_rules_import_only_the_analysis_interface() -> None:
    graph = _graph()
    users = {
        name: sorted(i for i in imported if i.startswith(ANALYSIS + "."))
        for name, imported in graph.items()
        if not name.startswith(ANALYSIS)
    }
    assert any(
        ANALYSIS in graph[name] for name in graph if name.startswith("rolecall.rules.python.")
    )
    assert {name: inner for name, inner in users.items() if inner} == {}


def test_the_interface_lists_what_it_exports() -> None:
    assert {"findings", "analysis", "Analysis", "Use", "CredArg"} <= set(python_analysis.__all__)
    for name in python_analysis.__all__:
        assert getattr(python_analysis, name) is not None, name


@pytest.fixture
def counted_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from rolecall.rules.python.analysis import sdk

    calls: list[str] = []
    original = sdk.build

    def build(doc: Document) -> python_analysis.Analysis:
        calls.append(doc.path)
        return original(doc)

    monkeypatch.setattr(sdk, "build", build)
    return calls


def test_every_python_rule_reads_one_analysis_per_document(counted_builds: list[str]) -> None:
    key_id = "AKIA" + "Q3ZR7HVTX2M4WYLB"
    code = (
        "import os, boto3, s3fs\n"
        f'boto3.client("s3", aws_access_key_id="{key_id}")\n'
        's3fs.S3FileSystem(key=os.environ["AWS_ACCESS_KEY_ID"])\n'
        'os.environ["AWS_SECRET_ACCESS_KEY"] = os.environ["X"]\n'
    )
    doc = Document("app.py", code.encode())
    rules = [cls() for cls in default_registry().rules if cls.id.startswith("RC2")]
    assert len(rules) == 8
    found = [f.rule_id for rule in rules for f in rule.check(doc, RuleContext())]
    assert sorted(found) == ["RC201", "RC204", "RC207"]
    assert counted_builds == ["app.py"]
    uses = python_analysis.analysis(doc).uses
    assert counted_builds == ["app.py"]  # kept by the document
    assert sorted(u.family for u in uses) == ["boto3", "environ", "s3fs"]
