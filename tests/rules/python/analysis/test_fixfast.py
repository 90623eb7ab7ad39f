"""The fix code built from the text (rules/python/analysis/fixfast.py) against libcst's
(rules/python/analysis/fixcst.py).

Where the text path answers, its code must be libcst's, character for character; where it
is not certain it answers None and the fix asks libcst. Compared on every RC2xx use in the
tests' tables, the rules' examples and the repository's corpus, on generated layouts of
calls and dictionaries, and on every call and dictionary of real code (a sample of the
standard library) with each subset of up to two of its parts removed. Each comparison
counts, and each test asserts how many it made and how many the text path answered, so
none can pass by comparing nothing.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import random
import sysconfig
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.fix.edits import fixed_text
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document
from rolecall.read.parsers.python import PythonModule
from rolecall.rules.python.analysis import analysis
from rolecall.rules.python.analysis import fixcst as _pyfixcst
from rolecall.rules.python.analysis import fixfast as _pyfixfast
from rolecall.rules.python.analysis.nodes import Measure, call_args

from tests.conftest import REPO

ROOT = REPO
Drop = Mapping[int, set[int] | None]


def compare(tally: Counter[str], source: str, start: int, end: int, drop: Drop) -> None:
    """Count one comparison; fail when the text path answers something libcst does not."""
    fast = _pyfixfast.rebuilt(source, start, end, drop)
    if fast is None:
        tally["libcst"] += 1
        return
    try:
        theirs = _pyfixcst.rebuilt(source, start, end, drop)
    except RecursionError:  # see test_code_too_deep_for_libcst_gets_its_fix
        tally["libcst overflows"] += 1
        return
    assert fast == theirs, (source[start:end], dict(drop))
    tally["text"] += 1


def compare_uses(tally: Counter[str], code: str, path: str = "app.py") -> None:
    """Compare the fix code of every RC2xx use in ``code`` (fixable or not)."""
    found = analysis(Document(path, code.encode()))
    if found.measure is None or found.module is None:
        return
    for use in found.uses:
        container = use.call if use.call is not None else use.dict_node
        if container is None:
            continue
        layout = found.measure.layout(container)
        compare(tally, found.module.source, layout.start, layout.end, use.removal())


def test_ordinary_calls_are_built_without_libcst() -> None:
    code = 'f(\n    "s3",  # bucket\n    region_name="eu-west-1",\n    key=k,\n)'
    expected = 'f(\n    "s3",  # bucket\n    region_name="eu-west-1",\n)'
    assert _pyfixfast.rebuilt(code, 0, len(code), {2: None}) == expected
    assert _pyfixcst.rebuilt(code, 0, len(code), {2: None}) == expected


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("f(a, \\\n  b)", id="backslash-continuation"),
        pytest.param("f(a  # why\n  , b)", id="comment-before-comma"),
        pytest.param("f(a,\r  b)", id="lone-carriage-return"),
        pytest.param("f(a,\n  b,\r\n  c)", id="mixed-line-breaks"),
        pytest.param("f(a,\f b)", id="form-feed"),
        pytest.param("f(x for x in y)", id="generator-argument"),
    ],
)
def test_unusual_layouts_are_left_to_libcst(code: str) -> None:
    assert _pyfixfast.rebuilt(code, 0, len(code), {0: None}) is None
    assert _pyfixcst.rebuilt(code, 0, len(code), {0: None}) is not None


def test_code_too_deep_for_libcst_gets_its_fix() -> None:
    """libcst writes a chain of implicitly concatenated strings recursively, one level a
    string: 600 of them overflow Python's stack. A scan that built the fix with libcst
    lost the finding for a notice (RC910) in JSON and SARIF output only; the text path
    builds the fix, so every format reports the finding."""
    chain = "\n    ".join(['"a"'] * 600)
    code = (
        f'import os\nimport boto3\ns3 = boto3.client("s3", endpoint_url=({chain}),\n'
        '    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
        '    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
    )
    engine = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
    result = engine.scan_document(Document("app.py", code.encode()))
    [finding] = result.findings
    assert finding.fix is not None and finding.fix.edits
    fixed = fixed_text(code, result.findings, unsafe=False)
    assert fixed.endswith(f"endpoint_url=({chain}))\n")
    start = code.index("boto3.client(")
    with pytest.raises(RecursionError):
        _pyfixcst.rebuilt(code, start, len(code) - 1, {2: None, 3: None})


# -- (a) the code of the tests, the rules' examples and the corpus ---------------------------


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    else:
        values = getattr(value, "values", None)  # a pytest.param's
        if isinstance(values, tuple):
            yield from _strings(values)


def _python(text: str) -> bool:
    if "(" not in text and "{" not in text:
        return False
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def existing_code() -> list[str]:
    """Every Python source the fix tests use, the rules' examples and the corpus files."""
    found: list[str] = []
    for name in ("rules.python.analysis.test_fix", "fix.test_fixer", "fix.test_fixer_finishes"):
        module = importlib.import_module(f"tests.{name}")
        for value in vars(module).values():
            found += [text for text in _strings(value) if _python(text)]
    for cls in default_registry().rules:
        for example in (*cls.VALID, *cls.INVALID):
            if example.filename.endswith(".py") and isinstance(example.code, str):
                found.append(example.code)
    for folder in ("corpus", "examples"):
        found += [p.read_text(encoding="utf-8") for p in sorted((ROOT / folder).rglob("*.py"))]
    return found


def test_existing_cases_agree_with_libcst() -> None:
    tally: Counter[str] = Counter()
    sources = existing_code()
    assert len(sources) > 150
    for code in sources:
        compare_uses(tally, code)
        compare_uses(tally, code.replace("\n", "\r\n"))
    assert tally["text"] + tally["libcst"] >= 250, tally
    assert tally["text"] >= 0.95 * (tally["text"] + tally["libcst"]), tally


# -- (b) generated layouts ---------------------------------------------------------------------

_VALUES = [
    "x",
    '"s3"',
    "os.environ['AWS_ACCESS_KEY_ID']",
    'os.getenv("AWS_SECRET_ACCESS_KEY")',
    "(a + b)",
    "((x))",
    "f(1, 2)",
    '"a, b # c"',
    "[1, 2,]",
    "lambda q: q",
    "a if b else c",
    "{'k': 1}",
    'f"{host}:{port}"',
]
_SEPARATORS = [
    ",",
    ", ",
    " , ",
    ",\t",
    ",\n    ",
    ",  # note\n    ",
    ",\n\n        ",
    ",\n    # a comment line\n    ",
]
#: Layouts the text path leaves to libcst.
_ODD_SEPARATORS = [",  \\\n    ", "  # before\n    ,  ", ",\f ", ",  # crlf\r\n  "]
_OPENINGS = ["", " ", "\n    ", "  # open\n    ", "\\\n  "]
_CLOSINGS = ["", ",", " ", ", ", ",\n", "\n", ",  # end\n", "  # end\n", ",\n  # last\n"]


def _separator(rng: random.Random) -> str:
    return rng.choice(_ODD_SEPARATORS if rng.random() < 0.05 else _SEPARATORS)


def _argument(rng: random.Random) -> str:
    kind = rng.randrange(6)
    value = rng.choice(_VALUES)
    if kind == 0:
        return value
    if kind == 1:
        return "*" + rng.choice(["args", "(a or b)"])
    if kind == 2:
        return "**" + rng.choice(["kwargs", "{'a': 1}"])
    if kind == 3:
        return "storage_options=" + _dictionary(rng)
    name = rng.choice(["aws_access_key_id", "region_name", "key", "endpoint_url"])
    return f"{name}{rng.choice(['=', ' = '])}{value}"


def _join(rng: random.Random, items: list[str], opening: str, closing: str) -> str:
    text = opening + items[0] if items else opening
    for item in items[1:]:
        text += _separator(rng) + item
    if items:
        text += rng.choice(_CLOSINGS)
    return text + closing


def _dictionary(rng: random.Random) -> str:
    entries = [
        rng.choice(['"key"', '"secret"', "'anon'", "(k)"]) + rng.choice([": ", ":", " : "])
        if rng.random() < 0.85
        else "**"
        for _ in range(rng.randrange(1, 5))
    ]
    entries = [e + (rng.choice(_VALUES) if not e.startswith("**") else "extra") for e in entries]
    body = _join(rng, entries, rng.choice(_OPENINGS), "")
    return "(" + "{" + body + "})" if rng.random() < 0.1 else "{" + body + "}"


def _subset(rng: random.Random, count: int) -> set[int]:
    return {i for i in range(count) if rng.random() < 0.4}


def generated(rng: random.Random) -> tuple[str, Drop] | None:
    """A call or dictionary in a random layout, and a random choice of parts to remove;
    None when the layout drawn is not valid Python (a positional argument after ``**``)."""
    if rng.random() < 0.2:
        code = _dictionary(rng)
        if code.startswith("("):
            code = code[1:-1]
        entries = len(ast.parse(code, mode="eval").body.keys)  # type: ignore[attr-defined]
        return code, dict.fromkeys(_subset(rng, entries))
    items = [_argument(rng) for _ in range(rng.randrange(0, 6))]
    func = rng.choice(["f", "boto3.client", "(make)", "s.client "])
    code = func + "(" + _join(rng, items, rng.choice(_OPENINGS), ")")
    try:
        tree = ast.parse(code, mode="eval").body
    except SyntaxError:
        return None
    assert isinstance(tree, ast.Call)
    drop: dict[int, set[int] | None] = {}
    for index, arg in enumerate(call_args(tree)):
        if isinstance(arg.value, ast.Dict) and rng.random() < 0.7:
            drop[index] = _subset(rng, len(arg.value.keys)) | {rng.randrange(len(arg.value.keys))}
        elif rng.random() < 0.4:
            drop[index] = None
    return code, drop


def compare_generated(count: int, seed: int = 20261207) -> Counter[str]:
    """Compare ``count`` generated cases, each alone and inside a module, a quarter of
    them with CRLF line breaks."""
    rng = random.Random(seed)
    tally: Counter[str] = Counter()
    made = 0
    while made < count:
        case = generated(rng)
        if case is None:
            continue
        code, drop = case
        made += 1
        newline = "\r\n" if rng.random() < 0.25 else "\n"
        code = code.replace("\n", newline)
        compare(tally, code, 0, len(code), drop)
        head = "x = [" + newline + "    "  # the same code inside a module
        wrapped = head + code + newline + "]" + newline
        compare(tally, wrapped, len(head), len(head) + len(code), drop)
    return tally


def test_generated_layouts_agree_with_libcst() -> None:
    tally = compare_generated(3000)
    assert tally["text"] + tally["libcst"] == 6000
    # A quarter of the layouts hold something the text path leaves to libcst.
    assert tally["text"] >= 0.6 * 6000, tally
    assert tally["libcst"] >= 0.1 * 6000, tally


# -- (c) real code -------------------------------------------------------------------------


def _subsets(count: int, largest: int) -> Iterator[tuple[int, ...]]:
    """Every subset of up to ``largest`` of ``count`` parts; of a long call or dictionary
    (a table of hundreds of entries) each part alone, each two neighbours, and the
    first with the last, which meet every kind of separator without the square."""
    if count <= 8:
        for size in range(1, min(count, largest) + 1):
            yield from itertools.combinations(range(count), size)
        return
    yield from ((i,) for i in range(count))
    if largest >= 2:
        yield from ((i, i + 1) for i in range(count - 1))
        yield (0, count - 1)


def compare_file(tally: Counter[str], source: str, largest: int = 2) -> None:
    """Compare every call and dictionary of ``source`` with two parts or more, without
    each subset of up to ``largest`` of its parts (and of a dictionary argument's
    entries; see :func:`_subsets` for long ones)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    measure = Measure(PythonModule(tree, source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            args = call_args(node)
            count = len(args)
            inner = [(i, a.value) for i, a in enumerate(args) if isinstance(a.value, ast.Dict)]
        elif isinstance(node, ast.Dict):
            count, inner = len(node.keys), []
        else:
            continue
        if count < 2:
            continue
        start, end = measure.span(node)
        for subset in _subsets(count, largest):
            compare(tally, source, start, end, dict.fromkeys(subset))
        for index, value in inner:
            for subset in _subsets(len(value.keys), largest):
                compare(tally, source, start, end, {index: set(subset)})


def real_files() -> list[Path]:
    """A fixed sample of the standard library: its top-level modules from ``c`` to ``h``."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [p for p in sorted(stdlib.glob("*.py")) if "c" <= p.name[0] <= "h"]


def test_real_code_agrees_with_libcst() -> None:
    tally: Counter[str] = Counter()
    files = real_files()
    assert len(files) >= 30  # 41 in Python 3.11; 3.13 removed a few (cgi, chunk, crypt)
    for path in files:
        compare_file(tally, path.read_text(encoding="utf-8", errors="replace"))
    assert tally["text"] + tally["libcst"] >= 8_000, tally  # 10,559 in Python 3.11
    assert tally["text"] >= 0.9 * (tally["text"] + tally["libcst"]), tally


def run(paths: Iterable[Path]) -> Counter[str]:
    """The real-code comparison over any files (for a larger tree than the test's)."""
    tally: Counter[str] = Counter()
    for path in paths:
        compare_file(tally, path.read_text(encoding="utf-8", errors="replace"))
    return tally


def test_findings_are_the_same_when_libcst_builds_every_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """End to end: the findings (fix edits and their locations included) of every
    existing case are those of a scan where the text path always defers to libcst."""
    engine = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
    sources = [code for code in existing_code() for code in (code, code.replace("\n", "\r\n"))]
    ours = [engine.scan_document(Document("app.py", code.encode())).findings for code in sources]
    monkeypatch.setattr(_pyfixfast, "rebuilt", lambda *args: None)
    theirs = [engine.scan_document(Document("app.py", code.encode())).findings for code in sources]
    assert ours == theirs
    edits = sum(len(f.fix.edits) for found in ours for f in found if f.fix is not None)
    assert edits >= 200
