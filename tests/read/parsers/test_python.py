"""The Python and notebook views: lazy loading, positions, notices, cell mapping."""

from __future__ import annotations

import json
import subprocess
import sys

import libcst
import libcst.metadata as meta
import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document, ViewError
from rolecall.read.parsers.notebook import NOTEBOOK_PYTHON
from rolecall.read.parsers.python import PYTHON, parse_python

ENGINE = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
KEY = "AKIA" + "Q3ZR7HVTX2M4WYLB"


def test_importing_rolecall_and_rules_does_not_import_libcst() -> None:
    code = (
        "import sys, rolecall\n"
        "from rolecall.plugin.registry import default_registry\n"
        "assert default_registry().rules\n"
        "print('libcst' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_python_without_keywords_is_never_parsed() -> None:
    doc = Document("app.py", b"import boto3\nprint 'python 2'\n")
    result = ENGINE.scan_document(doc)
    assert result.notices == []
    assert doc.view_errors == {}


def test_unparseable_python_becomes_one_notice_without_content() -> None:
    secret_line = "print 'aws_access_key_id=hunter2hunter2'\n"
    result = ENGINE.scan_document(Document("old.py", f"import boto3\n{secret_line}".encode()))
    assert result.findings == []
    assert len(result.notices) == 1
    notice = result.notices[0]
    assert notice.code.value == "RC905"
    assert "hunter2" not in notice.message


def test_view_error_for_syntax_error() -> None:
    with pytest.raises(ViewError):
        Document("x.py", b"def f(:\n").view(PYTHON)


@pytest.mark.parametrize(
    "source",
    [
        "import boto3\n\n\ndef f(x):\n    return boto3.client(\n        'a', k=(x + 1),\n    )\n",
        "class A:\n    def m(self):\n"
        "        if self.x: y = [1, 2,\n  3]\n        return {'k': y}\n",
        "x = 'é—😀'; f( ( a ) , # c (\n  (b), *c, k = ( 'ü' ), **{('k'): (v), **w, 'z': 1,})\n",
        "(g)  (1,\r\n 2)\r\nd = {  }\rh(x for x in y)\n",
    ],
)
def test_extents_match_libcst_positions(source: str) -> None:
    """Arguments and entries, as the fixes (libcst) delimit them: from ast positions."""
    import ast

    from rolecall.rules.python.analysis.nodes import Measure

    module = parse_python(source)
    measure = Measure(module)
    wrapper = meta.MetadataWrapper(libcst.parse_module(source), unsafe_skip_copy=True)
    positions = wrapper.resolve(meta.PositionProvider)
    lines = source.replace("\r\n", "\n").replace("\r", "\n").splitlines(keepends=True)
    raw = [len(line) for line in source.splitlines(keepends=True)]

    def offset(line: int, column: int) -> int:
        assert len(lines) == len(raw)
        return sum(raw[: line - 1]) + column

    def extent(node: libcst.CSTNode) -> tuple[int, int]:
        where = positions[node]
        return offset(where.start.line, where.start.column), offset(
            where.end.line, where.end.column
        )

    cst_nodes = [n for n in positions if isinstance(n, (libcst.Call, libcst.Dict))]
    ast_nodes = [n for n in ast.walk(module.tree) if isinstance(n, (ast.Call, ast.Dict))]
    by_start = {extent(n): n for n in cst_nodes}
    assert len(by_start) == len(ast_nodes)
    for node in ast_nodes:
        layout = measure.layout(node)
        theirs = by_start[(layout.start, layout.end)]
        children = theirs.args if isinstance(theirs, libcst.Call) else theirs.elements
        assert [(p.start, p.end) for p in layout.parts] == [extent(c) for c in children]
        for part, child in zip(layout.parts, children, strict=True):
            # A value's code, as evidence shows it, keeps its own parentheses.
            code = libcst.Module([]).code_for_node(child.value)
            assert source[part.value_start : part.value_end] == code


def _notebook(*cells: list[str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
                *({"cell_type": "code", "metadata": {}, "source": c, "outputs": []} for c in cells),
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def test_notebook_cells_are_joined_magics_skipped_and_lines_mapped() -> None:
    text = _notebook(
        ["%pip install boto3\n", "import boto3\n", "session = boto3.Session()\n"],
        ["%%bash\n", "aws s3 ls\n"],
        ["!ls -la\n", "files = !ls\n", "session?\n"],
        ["def broken(:\n"],
        ["%%time\n", "s3 = session.client(\n", f'    "s3", aws_access_key_id="{KEY}",\n', ")\n"],
    )
    result = ENGINE.scan_document(Document("analysis.ipynb", text.encode()))
    assert [f.rule_id for f in result.findings] == ["RC201"]
    finding = result.findings[0]
    line = text.splitlines()[finding.location.line - 1]
    assert f'aws_access_key_id=\\"{KEY}\\"' in line
    start, end = finding.location.start_offset, finding.location.end_offset
    assert text[start:end] == f'aws_access_key_id=\\"{KEY}\\"'
    assert result.notices == []


def test_notebook_source_as_one_string_and_escapes() -> None:
    text = _notebook(
        [f'import boto3\nx = "tab\\there"; c = boto3.client("s3", aws_access_key_id="{KEY}")\n']
    )
    doc = Document("n.ipynb", text.encode())
    module = doc.view(NOTEBOOK_PYTHON)
    assert not module.editable
    result = ENGINE.scan_document(doc)
    start = result.findings[0].location.start_offset
    assert text[start:].startswith("aws_access_key_id=")


def test_invalid_notebook_json_is_a_notice() -> None:
    result = ENGINE.scan_document(Document("n.ipynb", b'{"cells": ["aws_access_key_id=x"'))
    assert [n.code.value for n in result.notices] == ["RC905"]


def test_notebook_form_feed_is_not_a_line_break() -> None:
    text = _notebook([f'import boto3\x0c\nc = boto3.client("s3", aws_access_key_id="{KEY}")\n'])
    result = ENGINE.scan_document(Document("n.ipynb", text.encode()))
    assert [f.rule_id for f in result.findings] == ["RC201"]
    start = result.findings[0].location.start_offset
    assert text[start:].startswith("aws_access_key_id=")
