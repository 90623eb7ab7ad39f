"""Python newer than the interpreter: files with 3.12-3.14 syntax keep their RC2xx rules.

The newer constructs below are written after the examples of their PEPs and of the
"What's New" pages (PEP 695 type parameters and ``type``, PEP 696 defaults, PEP 701
f-strings, PEP 758 ``except`` without parentheses, PEP 750 t-strings). Each sits next to
a ``boto3.client`` call with a literal key, which must be found at its real position.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_secret_key
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document, ViewError
from rolecall.read.parsers.pynewer import rewrite_newer
from rolecall.read.parsers.python import parse_python

ENGINE = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
KEY = "AKIA" + "Q3ZR7HVTX2M4WYLB"
SECRET = fake_secret_key()
CALL = f's3 = boto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}")\n'

NEWER = {
    "pep695-type-alias": "type Point = tuple[float, float]\ntype ListOrSet[T] = list[T] | set[T]\n",
    "pep695-type-alias-multiline": "type Pair[\n    K,  # key\n    V,\n] = dict[K, V]\n",
    "pep695-generic-function": "def max[T](args: list[T]) -> T:\n    return args[0]\n",
    "pep695-generic-class": (
        "class ClassA[T: str, *Ts, **P](Base):\n    def method1(self) -> T: ...\n"
    ),
    "pep695-generic-multiline": (
        "def first[\n    T: (int, str),\n](xs: list[T]) -> T:\n    return xs[0]\n"
    ),
    "pep696-default": "class Box[T = int]:\n    pass\n",
    "pep701-same-quotes": 'songs = ["Alkaline", "Eden"]\nmsg = f"playlist: {", ".join(songs)}"\n',
    "pep701-nested": 'x = f"{f"{f"{1+1}"}"}"\n',
    "pep701-backslash": 'words = ["a", "b"]\nout = f"{"\\n".join(words)}"\n',
    "pep701-comment-multiline": 'v = f"""{\n    3  # three\n    * 2\n}"""\n',
    "pep701-apostrophe": 'd = {\'k\': 1}\nq = f"it\'s {d["k"]} é"\n',
    "pep758-except": (
        "try:\n    connect()\nexcept TimeoutError, ConnectionRefusedError:\n    pass\n"
    ),
    "pep758-except-star": "try:\n    pass\nexcept* ValueError, TypeError:\n    pass\n",
    "pep750-t-string": 'name = "World"\ntemplate = t"Hello {name}!"\n',
}


def _file(construct: str, before: bool) -> str:
    code = NEWER[construct]
    if before:
        return f"import boto3\n{code}{CALL}"
    return f"import boto3\n{CALL}{code}"


@pytest.mark.parametrize("before", [True, False], ids=["call-after", "call-before"])
@pytest.mark.parametrize("construct", list(NEWER))
def test_rc2xx_rules_run_next_to_newer_syntax(construct: str, before: bool) -> None:
    text = _file(construct, before)
    result = ENGINE.scan_document(Document("app.py", text.encode()))
    assert result.notices == []
    assert result.findings, text
    line = text.splitlines().index(CALL.rstrip("\n")) + 1
    for finding in result.findings:
        assert finding.rule_id.startswith("RC2")
        assert finding.location.line == line
        start = finding.location.start_offset
        assert text[start:].startswith(("aws_access_key_id=", "aws_secret_access_key=", "boto3"))


def test_found_at_its_column_in_a_real_file(tmp_path: Path) -> None:
    text = (
        "import boto3\n"
        "type Creds = dict[str, str]\n"
        'label = f"{"région"}"\n'
        f'def client[T]() -> T:\n    return boto3.client("s3", aws_access_key_id="{KEY}")\n'
    )
    (tmp_path / "app.py").write_text(text, encoding="utf-8")
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    rc2 = [f for f in report.findings if f.rule_id.startswith("RC2")]
    assert rc2, report.notices
    loc = rc2[0].location
    assert (loc.line, loc.column) == (5, text.splitlines()[4].index("aws_access_key_id") + 1)
    assert not [n for n in report.notices if n.code.value == "RC905"]


@pytest.mark.parametrize("construct", list(NEWER))
def test_rewrite_keeps_every_line_and_every_name(construct: str) -> None:
    """Each line keeps its UTF-8 length, and every name ``ast`` finds in the rewrite is
    at the same place in the original (ast columns are byte columns)."""
    source = _file(construct, True)
    newer = rewrite_newer(source)
    assert newer is not None and newer.source is not None
    assert newer.version is not None and newer.version >= (3, 12)
    assert [len(x) for x in newer.source.encode().splitlines()] == [
        len(x) for x in source.encode().splitlines()
    ]
    lines = source.encode().splitlines()
    for node in ast.walk(ast.parse(newer.source)):
        if isinstance(node, ast.Name):
            raw = lines[node.lineno - 1][node.col_offset : node.end_col_offset]
            assert raw.decode() == node.id


def test_same_quote_f_string_keeps_its_meaning() -> None:
    source = 'x = f"{d["k"]}"\n'
    newer = rewrite_newer(source)
    assert newer is not None and newer.source == "x = f'{d[\"k\"]}'\n"


def test_versions_and_constructs_are_named() -> None:
    cases = {
        "pep695-type-alias": ((3, 12), ["type statement"]),
        "pep696-default": ((3, 13), ["type parameters"]),
        "pep758-except": ((3, 14), ["except without parentheses"]),
        "pep750-t-string": ((3, 14), ["t-string"]),
    }
    for construct, (version, names) in cases.items():
        newer = rewrite_newer(NEWER[construct])
        assert newer is not None
        assert (newer.version, sorted(set(newer.constructs))) == (version, names)


def test_invalid_python_says_so() -> None:
    source = "import boto3\ndef f(:\n"
    assert rewrite_newer(source) is None
    with pytest.raises(ViewError, match=r"^not valid Python \(syntax error\)$"):
        parse_python(source)


def test_invalid_python_with_newer_syntax_is_still_invalid() -> None:
    # libcst's newest grammar refuses it too: the cause is the file, not the version.
    with pytest.raises(ViewError, match=r"^not valid Python \(syntax error\)$"):
        parse_python("import boto3\ntype X = int\ndef f(:\n")


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="this Python parses 3.14 syntax itself")
def test_newer_syntax_left_unreadable_names_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the rewrite does not satisfy ``ast`` (a construct it does not know), the
    notice names the newer syntax it found instead of calling the file invalid."""
    import rolecall.read.parsers.pynewer as pynewer

    monkeypatch.setattr(pynewer._Rewriter, "apply", lambda self: self.data)
    source = "import boto3\ntry:\n    c = boto3.client(aws_access_key_id=k)\n"
    source += "except ValueError, TypeError:\n    pass\n"
    (notice,) = ENGINE.scan_document(Document("new.py", source.encode())).notices
    assert notice.code.value == "RC905"
    assert notice.message == (
        "cannot parse as python: uses Python 3.14 syntax (except without parentheses) "
        "that rolecall "
        f"could not analyse on Python {sys.version_info[0]}.{sys.version_info[1]}; "
        "RC2xx rules did not run; text rules still ran"
    )
    bad = b"import boto3\nboto3.client(aws_access_key_id=k\n"
    (notice,) = ENGINE.scan_document(Document("bad.py", bad)).notices
    assert notice.message == "cannot parse as python: not valid Python (syntax error); " + (
        "text rules still ran"
    )
