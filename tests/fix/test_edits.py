"""RC2xx detection runs on the standard library's ``ast``: fix edits are built only when a
scan wants them (``rolecall fix``, JSON and SARIF reports), from the source text, and with
libcst only for a call laid out in a way the text path leaves to it."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rolecall.engine.core as engine_module
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.fix.edits import choose_fixes, fixed_text
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document
from rolecall.rules.python.analysis import scope as _pyscope

KEY = "AKIA" + "Q3ZR7HVTX2M4WYLB"
SECRET = "q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK"
LEAKY = (
    "import os\nimport boto3\n"
    f's3 = boto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}")\n'
    'db = boto3.client("dynamodb", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
    '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
)
#: LEAKY with the second call continued by a backslash, which only libcst rebuilds.
CONTINUED = LEAKY.replace('"AWS_ACCESS_KEY_ID"],\n', '"AWS_ACCESS_KEY_ID"], \\\n')
SELECT = RuleSelection(select=("RC2",))


def _child(code: str, cwd: Path, *args: str) -> list[object]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env={**os.environ, "XDG_CACHE_HOME": str(cwd / "cache")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: list[object] = json.loads(out.strip().splitlines()[-1])
    return result


CLI = (
    "import io, sys, json, contextlib\n"
    "from rolecall.cli.main import main\n"
    "buffer = io.StringIO()\n"
    "with contextlib.redirect_stdout(buffer):\n"
    "    code = main(sys.argv[1:])\n"
    "print(json.dumps([code, 'libcst' in sys.modules, buffer.getvalue()]))\n"
)


def test_text_scan_of_a_leaky_file_does_not_import_libcst(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(LEAKY)
    code, loaded, output = _child(CLI, tmp_path, "scan", "--isolated", "--no-cache", "app.py")
    assert (code, loaded) == (1, False)
    assert isinstance(output, str)
    assert "RC201" in output
    assert "safe fix available: Remove aws_access_key_id, aws_secret_access_key" in output


@pytest.mark.parametrize(("source", "libcst"), [(LEAKY, False), (CONTINUED, True)])
@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_scans_carry_the_edits(
    tmp_path: Path, fmt: str, source: str, libcst: bool
) -> None:
    (tmp_path / "app.py").write_text(source)
    args = ("scan", "--isolated", "--no-cache", "--format", fmt, "app.py")
    code, loaded, output = _child(CLI, tmp_path, *args)
    assert (code, loaded) == (1, libcst)
    assert isinstance(output, str)
    report = json.loads(output)
    if fmt == "json":
        edits = [f["fix"]["edits"] for f in report["findings"] if f["fix"]]
    else:
        edits = [r["fixes"] for r in report["runs"][0]["results"] if r.get("fixes")]
    assert len(edits) == 2 and all(edits)


def test_text_then_json_with_the_cache_gets_edits(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(LEAKY)
    text = _child(CLI, tmp_path, "scan", "--isolated", "app.py")
    assert text[:2] == [1, False]
    code, _, output = _child(CLI, tmp_path, "scan", "--isolated", "--format", "json", "app.py")
    assert code == 1
    assert isinstance(output, str)
    fixes = [f["fix"] for f in json.loads(output)["findings"] if f["fix"]]
    assert fixes and all(fix["edits"] for fix in fixes)


@pytest.mark.parametrize(("source", "libcst"), [(LEAKY, False), (CONTINUED, True)])
def test_fix_command_applies_the_edits(tmp_path: Path, source: str, libcst: bool) -> None:
    (tmp_path / "app.py").write_text(source)
    code, loaded, _ = _child(CLI, tmp_path, "fix", "--isolated", "app.py")
    assert (code, loaded) == (1, libcst)  # 1: the literal key is left for --unsafe-fixes
    fixed = (tmp_path / "app.py").read_text()
    assert 'db = boto3.client("dynamodb")\n' in fixed
    assert KEY in fixed  # the literal key's fix is unsafe: not without --unsafe-fixes


def test_fixes_without_edits_are_described_but_never_applied() -> None:
    full = Engine(default_registry(), EngineOptions(selection=SELECT))
    light = Engine(default_registry(), EngineOptions(selection=SELECT, fix_edits=False))
    with_edits = full.scan_document(Document("app.py", LEAKY.encode())).findings
    without = light.scan_document(Document("app.py", LEAKY.encode())).findings
    assert len(with_edits) == len(without) == 2
    for a, b in zip(with_edits, without, strict=True):
        assert a.fix is not None and b.fix is not None
        assert (a.fix.description, a.fix.safe) == (b.fix.description, b.fix.safe)
        assert a.fix.edits and not b.fix.edits
        assert (a.message, a.recommendation, a.fingerprint) == (
            b.message,
            b.recommendation,
            b.fingerprint,
        )
    assert choose_fixes(without, unsafe=True) == []
    assert fixed_text(LEAKY, without, unsafe=True) == LEAKY


def test_columns_count_code_points_on_non_ascii_lines() -> None:
    call = f'boto3.client("s3", aws_secret_access_key="{SECRET}")'
    code = f'import boto3\nnote = "héllo 😀"; c = {call}\n'
    engine = Engine(default_registry(), EngineOptions(selection=SELECT))
    [finding] = engine.scan_document(Document("app.py", code.encode())).findings
    line = code.splitlines()[1]
    assert finding.location.line == 2
    assert finding.location.column == line.index("aws_secret_access_key") + 1
    start, end = finding.location.start_offset, finding.location.end_offset
    assert code[start:end] == f'aws_secret_access_key="{SECRET}"'
    assert fixed_text(code, [finding], unsafe=True).endswith('boto3.client("s3")\n')


def _preorder(tree: ast.AST) -> list[ast.AST]:
    """Every node in the order the scope walk visited them with ``ast.iter_child_nodes``."""
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def _walked(tree: ast.AST) -> list[ast.AST]:
    """The nodes the scope collector's walk visits, in order (its handlers still run)."""
    seen: list[ast.AST] = []
    collector = _pyscope.Collector(lambda call: True)
    original = dict(collector._handlers)

    def recorder(node: ast.AST) -> None:
        seen.append(node)
        visit = original.get(type(node))
        if visit is not None:
            visit(node)

    collector._handlers = {type(node): recorder for node in ast.walk(tree)}
    collector.walk(tree)
    return seen


def test_scope_walk_skips_only_nodes_no_handler_reads() -> None:
    """The walk does not push names, literals, contexts and operators; none of them may
    have a handler, nor a child node (they would go unseen)."""
    handled = set(_pyscope.Collector(lambda call: True)._handlers)
    assert handled
    assert not handled & _pyscope._INERT
    assert ast.Name in _pyscope._INERT and ast.Add in _pyscope._INERT
    for cls in _pyscope._INERT:
        fields = cls._fields
        assert fields in ((), ("id", "ctx"), ("value", "kind")), cls


def test_scope_walk_visits_every_node_in_iter_child_nodes_order() -> None:
    """The scope collector lists each node's children inline; it must visit exactly what
    ``ast.iter_child_nodes`` gives, in its order (bindings are position-sensitive), less
    the inert leaves it never pushes."""
    sources = [
        Path(_pyscope.__file__).read_text(encoding="utf-8"),
        Path(engine_module.__file__).read_text(encoding="utf-8"),
        "async def f(a, /, b=1, *c, d: int = 2, **e):\n"
        "    async with x as (y, z), w:\n"
        "        return [i async for i in g if i] or (lambda q: q)\n"
        "match p:\n    case {'k': [1, *rest]} | C(a=b) if b:\n        pass\n"
        "x: int = (a := 1) if b else f'{c!r:>{w}}'\ny = z = x\n"
        "class K(B, metaclass=M):\n    global g\n    del a[1:2, ::3]\n",
    ]
    for source in sources:
        tree = ast.parse(source)
        seen = _walked(tree)
        expected = [
            node for node in _preorder(tree) if node is tree or type(node) not in _pyscope._INERT
        ]
        assert len(seen) == len(expected) > 40
        assert all(a is b for a, b in zip(seen, expected, strict=True))
