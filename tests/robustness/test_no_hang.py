"""No hang: deep nesting, alias bombs, pathological Python and every regex are bounded.

Deep input stops at a limit or recursion guard and is reported as a notice (RC905
unparseable or RC910 limit-reached); never a crash, never unbounded time. Linear
behaviour is checked with size ratios (1x against 10x input, CPU time): a quadratic
step shows as a ratio near 100, so a generous bound of 30 tolerates noise but not that.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import pkgutil
import random
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import rolecall
import rolecall.read.parsers
import rolecall.rules
from rolecall import Document
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.model import NoticeCode
from rolecall.plugin.lazyre import LazyPattern
from rolecall.read.document import ViewError
from rolecall.read.parsers.python import parse_python

from tests.robustness._support import CORPUS_KINDS, all_views, corpus_files, count, engine, scan

N = 10_000
VIEWS = {view.name: view for view in all_views()}
BOUNDED = {NoticeCode.UNPARSEABLE, NoticeCode.LIMIT}
RATIO = 30.0

KEY = "aws_secret_access_key"
#: A secret-shaped value: the config rules parse a file only when one could be there.
VALUE = fake_secret_key(random.Random(9))
DEEP: dict[str, tuple[str, str, str]] = {
    # case: (file name, view, content); each holds a rule keyword (and, where the config
    # rules read the file, a secret-shaped value) so the view is built
    "json-arrays": (
        "package.json",
        "json",
        f'{{"id": "{VALUE}", "{KEY}": ' + "[" * N + "]" * N + "}",
    ),
    "json-objects": (
        "package.json",
        "json",
        f'{{"id": "{VALUE}", "{KEY}": ' + '{"a": ' * N + "1" + "}" * N + "}",
    ),
    "notebook": ("n.ipynb", "notebook-python", '{"cells": ' + "[" * N + "]" * N + "}" + KEY),
    "yaml-flow": ("v.yaml", "yaml", f"{KEY}: " + "[" * N + "]" * N + "\n"),
    "yaml-flow-maps": ("v.yaml", "yaml", f"{KEY}: " + "{a: " * N + "1" + "}" * N + "\n"),
    "yaml-block-seq": ("v.yaml", "yaml", f"{KEY}: x\nb:\n" + "- " * N + "x\n"),
    "workflow": (".github/workflows/w.yml", "yaml", f"env:\n  {KEY}: " + "[" * N + "]" * N),
    "toml-arrays": ("p.toml", "toml", f'id = "{VALUE}"\n{KEY} = ' + "[" * N + "]" * N + "\n"),
    "toml-tables": (
        "p.toml",
        "toml",
        f'id = "{VALUE}"\n{KEY} = ' + "{a = " * N + "1" + "}" * N + "\n",
    ),
    "toml-dotted": (
        "p.toml",
        "toml",
        f'id = "{VALUE}"\n{KEY} = 1\n' + ".".join(["a"] * N) + " = 1\n",
    ),
    "hcl": ("main.tf", "hcl", f"{KEY} = " + "[" * N + "]" * N + "\n"),
    "hcl-blocks": ("main.tf", "hcl", f"# {KEY}\n" + "a {\n" * N + "}\n" * N),
    "python-parens": ("a.py", "python", f"{KEY} = " + "(" * N + "1" + ")" * N + "\n"),
    "python-lists": ("a.py", "python", f"{KEY} = " + "[" * N + "]" * N + "\n"),
    "python-calls": ("a.py", "python", f"{KEY} = " + "f(" * N + ")" * N + "\n"),
    "python-chain": ("a.py", "python", f"{KEY} = " + "a + " * N + "1\n"),
    "python-unary": ("a.py", "python", f"{KEY} = " + "-" * N + "1\n"),
    "python-attributes": ("a.py", "python", f"{KEY} = a" + ".b" * N + "\n"),
    "python-subscripts": ("a.py", "python", f"{KEY} = a" + "[0]" * N + "\n"),
    "python-lambdas": ("a.py", "python", f"{KEY} = " + "lambda: " * N + "1\n"),
    "python-ternary": ("a.py", "python", f"{KEY} = " + "a if b else " * N + "1\n"),
    "python-fstrings": ("a.py", "python", f"{KEY} = " + "f'{" * N + "1" + "}'" * N + "\n"),
    "python-dicts": ("a.py", "python", f"{KEY} = " + "{1: " * N + "1" + "}" * N + "\n"),
    "python-blocks": (
        "a.py",
        "python",
        f"{KEY} = 1\n" + "".join(" " * i + "if x:\n" for i in range(300)) + " " * 300 + "pass\n",
    ),
}


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_nesting_is_bounded_and_reported(case: str) -> None:
    name, view_name, text = DEEP[case]
    data = text.encode()
    count("deep")
    try:
        Document(name, data).view(VIEWS[view_name])
    except ViewError:
        refused = True
    else:
        refused = False  # an iterative parser that needs no limit: it must stay linear
    result = scan(name, data, "deep")
    if refused:
        assert {n.code for n in result.notices} & BOUNDED, result.notices


#: Formats whose parser reads this nesting without a limit (iteratively).
UNLIMITED = {"hcl", "notebook"}


def test_deep_nesting_refused_where_the_parser_needs_a_limit() -> None:
    refused = set()
    for case, (name, view_name, text) in DEEP.items():
        try:
            Document(name, text.encode()).view(VIEWS[view_name])
        except ViewError:
            refused.add(case)
    assert set(DEEP) - refused == UNLIMITED


def _deep_scan(case: str, depth: int) -> None:
    name, _, text = DEEP[case]
    scan(name, text.replace("[" * N, "[" * depth).replace("]" * N, "]" * depth).encode(), "deep")


@pytest.mark.parametrize("case", sorted(UNLIMITED))
def test_unlimited_nesting_is_linear(case: str) -> None:
    assert _ratio(lambda n: _deep_scan(case, n), N // 10) < RATIO


ALIAS_BOMB = (
    f"{KEY}: x\n"
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    )
)


@pytest.mark.parametrize("name", ["v.yaml", ".github/workflows/w.yml"])
def test_yaml_alias_bomb_stops_at_the_limit(name: str) -> None:
    with pytest.raises(ViewError, match="aliases"):
        Document(name, ALIAS_BOMB.encode()).view(VIEWS["yaml"])
    result = scan(name, ALIAS_BOMB.encode(), "deep")
    assert {n.code for n in result.notices} & BOUNDED


def _cpu(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def _ratio(fn: Callable[[int], object], size: int) -> float:
    small = _cpu(lambda: fn(size))
    # Best of three for the large input too when it is cheap: a single millisecond-scale
    # sample on a busy machine is noise, not a measurement.
    large = _cpu(lambda: fn(10 * size), repeat=3 if small < 0.05 else 1)
    return large / small


# Pathological but valid Python: just under the guard's limits, then many of them.
PY_SHAPES: dict[str, Callable[[int], str]] = {
    "operator-chains": lambda n: f"{KEY} = x\n" + ("y = " + "a + " * 400 + "1\n") * n,
    "deep-parentheses": lambda n: f"{KEY} = x\n" + ("y = " + "(" * 150 + "1" + ")" * 150 + "\n")
    * n,
    "attribute-chains": lambda n: f"{KEY} = x\n" + ("y = a" + ".b" * 400 + "\n") * n,
    "long-string-concatenation": lambda n: f"{KEY} = " + "'ab' " * (40 * n) + "\n",
    "one-long-call": lambda n: f"boto3.client('s3', {KEY}=x" + ", a=1" * (200 * n) + ")\n",
}  # fmt: skip


@pytest.mark.heavy
@pytest.mark.parametrize("shape", sorted(PY_SHAPES))
def test_python_view_on_pathological_python_is_linear(shape: str) -> None:
    build = PY_SHAPES[shape]
    count("linear", 4)
    assert _ratio(lambda n: parse_python(build(n)), 2) < RATIO
    result = scan("a.py", build(2).encode(), "linear")
    assert not {n.code for n in result.notices} & BOUNDED


@pytest.mark.heavy
@pytest.mark.parametrize("name", sorted(CORPUS_KINDS))
def test_whole_scan_is_linear_in_file_size(name: str) -> None:
    """Each kind's corpus file, repeated: the scan of 10x the content costs about 10x."""
    sample = corpus_files()[CORPUS_KINDS[name]]
    engine_scan = lambda n: scan(name, sample * n, "linear")  # noqa: E731
    reps = max(1, 20_000 // len(sample))
    assert _ratio(engine_scan, reps) < RATIO


def _patterns() -> Iterator[tuple[str, tuple[re.Pattern[str] | re.Pattern[bytes], bool]]]:
    """Every module-level compiled regex (compiled now or on first use, see
    :mod:`rolecall.plugin.lazyre`), and whether its module scans text with it
    (search/finditer/sub/...; False: only anchored ``match`` calls on one line)."""
    names = [f"rolecall.{m.name}" for m in pkgutil.iter_modules(rolecall.__path__)]
    names += [f"rolecall.rules.{m.name}" for m in pkgutil.iter_modules(rolecall.rules.__path__)]
    names += [
        f"rolecall.read.parsers.{m.name}"
        for m in pkgutil.iter_modules(rolecall.read.parsers.__path__)
    ]
    for module_name in sorted(names):
        if module_name.endswith("__main__"):
            continue
        module = importlib.import_module(module_name)
        source = inspect.getsource(module)
        for attr, value in sorted(vars(module).items()):
            values = value if isinstance(value, (tuple, list)) else [value]
            used = set(re.findall(rf"\b{re.escape(attr)}\.(\w+)\(", source))
            scans = bool(used - {"match", "fullmatch"}) or not used
            for n, item in enumerate(values):
                if isinstance(item, LazyPattern):
                    item = item.compiled
                if isinstance(item, re.Pattern):
                    yield f"{module_name}.{attr}[{n}]", (item, scans)


PATTERNS = dict(_patterns())

# Repeated units that make backtracking regexes blow up: long runs of one character
# class, near-misses of key shapes, and credential words without an end.
UNITS = [
    "a", "A", "0", " ", "\t", "=", ":", "/", "+", "\\", '"', "'", "-", "_", ".", "\n",
    "\r\n", "#", "$", "{", "[", "(", "%2F", "AKIA", "aws_", "a=", "a ", "key=", "x:",
    "Q7", "ab/+", "${{", "-----", "aws_secret_access_key=", "\"a\": ", "é",
]  # fmt: skip


def test_the_regex_inventory_is_not_empty() -> None:
    assert len(PATTERNS) > 50


@pytest.mark.heavy
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_regex_is_linear_on_adversarial_input(name: str) -> None:
    pattern, scans = PATTERNS[name]

    def run(text: str) -> object:
        subject: str | bytes = text.encode() if isinstance(pattern.pattern, bytes) else text
        if scans:
            return list(pattern.finditer(subject))  # type: ignore[arg-type]
        return pattern.match(subject)  # type: ignore[arg-type]

    size = 2_000
    for unit in UNITS:
        text = unit * (size // len(unit))
        big = unit * (10 * size // len(unit))
        count("regex", 2)
        small_t = _cpu(lambda text=text: run(text))  # type: ignore[misc]
        large_t = _cpu(lambda big=big: run(big), repeat=1)  # type: ignore[misc]
        if small_t < 2e-3:
            # Too fast to time reliably: then the large run must simply stay cheap.
            assert large_t < 0.2, (name, unit, large_t)
        else:
            assert large_t / small_t < RATIO, (name, unit, small_t, large_t)


# --- Many findings and many names in one file (issue 17 #7) ----------------------------
_ENV_KEYS = (
    'aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], '
    'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]'
)

#: Python modules of n units, each unit one use the RC2xx rules report (or, for
#: "constants", names the resolver indexes): the shapes of big generated or vendored
#: modules, where any per-use scan of all bindings or of the whole line is quadratic.
PY_MANY: dict[str, Callable[[int], str]] = {
    "env-client-calls": lambda n: "import os\nimport boto3\n"
    + "".join(f'c{i} = boto3.client(\n    "s3",\n    {_ENV_KEYS},\n)\n' for i in range(n)),
    "session-rebound-per-call": lambda n: "import os\nimport boto3\n"
    + f"s = boto3.Session()\nc = s.client('s3', {_ENV_KEYS})\n" * n,
    "key-rebound-per-call": lambda n: "import os\nimport boto3\n"
    + (
        "key = os.environ['AWS_ACCESS_KEY_ID']\n"
        "boto3.client('s3', aws_access_key_id=key, aws_secret_access_key=key)\n"
    )
    * n,
    # A name bound to itself: every binding refers to all the others.
    "self-referring-fallbacks": lambda n: "import os\nimport boto3\n"
    + "key = os.environ.get('AWS_ACCESS_KEY_ID')\n"
    + "key = key or os.environ['AWS_ACCESS_KEY_ID']\n" * n
    + "env = os.environ\n"
    + "env = env\n" * n
    + "boto3.client('s3', aws_access_key_id=key, aws_secret_access_key=env['AWS_X'])\n",
    "many-constants": lambda n: "import os\nimport boto3\n"
    + "".join(f"KEY_{i} = os.environ['AWS_ACCESS_KEY_ID']\nNAME_{i} = 'b-{i}'\n" for i in range(n))
    + "boto3.client('s3', aws_access_key_id=KEY_0, aws_secret_access_key=KEY_1)\n",
    "many-classes": lambda n: "import os\nimport boto3\n"
    + "".join(
        f"class Store{i}:\n    def __init__(self):\n        self.session = boto3.Session()\n"
        f"    def client(self):\n        return self.session.client('s3', {_ENV_KEYS})\n"
        for i in range(n)
    ),
    "nested-functions": lambda n: "import os\nimport boto3\n"
    + "".join(
        f"def outer{i}(key):\n    def inner():\n        def deeper():\n"
        "            return boto3.client('s3', aws_access_key_id=key,"
        " aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'])\n"
        "        return deeper\n    return inner\n"
        for i in range(n)
    ),
    "deep-attribute-chains": lambda n: "import os\nimport boto3\n"
    + "".join(
        f"c{i} = boto3.client('s3', aws_access_key_id=cfg" + ".part" * 60
        + f".key{i}, aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'])\n"
        for i in range(n)
    ),
    # Each call's keys in private constants its fix deletes (issue 16 #4): the module's
    # name index is built once, not once per fix.
    "private-constants-per-call": lambda n: "import boto3\n"
    + "".join(
        f"_K{i} = '{fake_key_id('AKIA', random.Random(i))}'\n"
        f"_S{i} = '{fake_secret_key(random.Random(i))}'\n"
        f"c{i} = boto3.client('s3', aws_access_key_id=_K{i}, aws_secret_access_key=_S{i})\n"
        for i in range(n)
    ),
    # One line holding every call, with a non-ASCII character in each: positions are
    # UTF-8 byte columns on that line.
    "one-line-non-ascii": lambda n: "import os, boto3; "
    + f"c = boto3.client('s3', region_name='é', {_ENV_KEYS}); " * n
    + "\n",
}  # fmt: skip
#: Findings each unit of a shape gives (None: a fixed number, whatever n).
PY_MANY_FINDINGS = {
    "env-client-calls": 1,
    "session-rebound-per-call": 1,
    "key-rebound-per-call": 1,
    "self-referring-fallbacks": None,
    "many-constants": None,
    "many-classes": 1,
    "nested-functions": 1,
    "deep-attribute-chains": 1,
    "one-line-non-ascii": 1,
    "private-constants-per-call": 1,
}


def _rc2_findings(path: str, text: str) -> int:
    result = scan(path, text.encode(), "linear")
    return sum(1 for f in result.findings if f.rule_id.startswith("RC2"))


@pytest.mark.heavy
@pytest.mark.parametrize("shape", sorted(PY_MANY))
def test_python_rules_are_linear_in_uses_and_names(shape: str) -> None:
    """The RC2xx analysis (resolver, value classes, SDK uses, positions, fixes) and the
    engine after it: 10x the uses or names costs about 10x, and each use is reported."""
    build = PY_MANY[shape]
    small, large = 30, 300
    per_unit = PY_MANY_FINDINGS[shape]
    found_small = _rc2_findings("app/clients.py", build(small))
    found_large = _rc2_findings("app/clients.py", build(large))
    if per_unit is None:
        assert found_small == found_large == 1
    else:
        assert (found_small, found_large) == (per_unit * small, per_unit * large)
    count("linear", 4)
    assert _ratio(lambda n: scan("app/clients.py", build(n).encode(), "linear"), small) < RATIO


@pytest.mark.heavy
@pytest.mark.parametrize("shape", ["env-client-calls", "private-constants-per-call"])
def test_fix_run_is_linear_in_fixes(shape: str, tmp_path: Path) -> None:
    """``rolecall fix`` on a module of n fixable calls (each deleting its constants and,
    once, the unused ``os`` import): 10x the calls costs about 10x, and every call and
    constant goes in one run."""
    from rolecall.fix.fixer import run_fix

    build = PY_MANY[shape]

    def fix(n: int) -> None:
        target = tmp_path / f"clients{n}.py"
        target.write_text(build(n))
        out = io.StringIO()
        summary = run_fix(
            engine(), [(str(target), target.name)], unsafe=True, diff_only=False, out=out
        )
        assert summary.fixes_applied == n, out.getvalue()
        fixed = target.read_text()
        assert "aws_access_key_id" not in fixed and "_K0 =" not in fixed
        assert "import os" not in fixed or shape == "env-client-calls"

    count("linear", 2)
    assert _ratio(fix, 20) < RATIO


def test_a_name_bound_to_itself_is_classified_by_its_sources() -> None:
    """``key = key or os.environ[...]``: the environment read is found through the chain
    of rebindings (the warning of an environment value, with the safe-fix test's
    ``os.environ`` reads), whatever the number of lines."""
    result = scan("app/clients.py", PY_MANY["self-referring-fallbacks"](50).encode(), "linear")
    (finding,) = [f for f in result.findings if f.rule_id == "RC201"]
    assert finding.severity.value == "warning"
    assert "an environment variable" in finding.message


def _env_pairs(n: int) -> bytes:
    rng = random.Random(17)
    lines = []
    for i in range(n):
        lines.append(f"SERVICE_{i}_AWS_ACCESS_KEY_ID={fake_key_id('AKIA', rng)}\n")
        lines.append(f"SERVICE_{i}_AWS_SECRET_ACCESS_KEY={fake_secret_key(rng)}\n")
    return "".join(lines).encode()


def _literal_calls(n: int) -> bytes:
    rng = random.Random(18)
    calls = [
        f"c{i} = boto3.client('s3', aws_access_key_id='{fake_key_id('AKIA', rng)}',"
        f" aws_secret_access_key='{fake_secret_key(rng)}')\n"
        for i in range(n)
    ]
    return ("import boto3\n" + "".join(calls)).encode()


#: Files with many findings each: key pairs in a .env (text and config rules, pairing,
#: supersession between them) and literal keys in boto3 calls (RC201 superseding RC1xx
#: on every line, related locations).
MANY_FINDINGS: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "env-key-pairs": (".env", _env_pairs),
    "python-literal-calls": ("app/clients.py", _literal_calls),
}


@pytest.mark.heavy
@pytest.mark.parametrize("case", sorted(MANY_FINDINGS))
def test_whole_scan_is_linear_in_findings_per_file(case: str) -> None:
    path, build = MANY_FINDINGS[case]
    small, large = scan(path, build(100), "linear"), scan(path, build(1000), "linear")
    # One finding per key pair, whichever rule reports it.
    assert (len(small.findings), len(large.findings)) == (100, 1000)
    count("linear", 4)
    assert _ratio(lambda n: scan(path, build(n), "linear"), 100) < RATIO


def _one_line_spans(n: int) -> int:
    """Every node's extent in a one-line module of ``n`` calls with non-ASCII text."""
    module = parse_python("import boto3; " + "boto3.client('s3', region_name='é'); " * n)
    return sum(end - start for node in ast.walk(module.tree) if hasattr(node, "lineno")
               for start, end in [module.span(node)])  # fmt: skip


@pytest.mark.heavy
def test_positions_on_one_long_line_are_linear() -> None:
    """``ast`` columns are UTF-8 bytes: turning them into offsets on a long line with
    non-ASCII characters must not re-read the line for every node."""
    module = parse_python("x = 'é'; y = 'ab'\n")
    spans = [module.source[slice(*module.span(n))] for n in ast.walk(module.tree)
             if isinstance(n, ast.Constant)]  # fmt: skip
    assert spans == ["'é'", "'ab'"]
    count("linear", 4)
    assert _ratio(_one_line_spans, 1_000) < RATIO
