"""No hang: deep nesting, alias bombs, pathological Python and every regex are bounded.

Deep input stops at a limit or recursion guard and is reported as a notice (RC905
unparseable or RC910 limit-reached); never a crash, never unbounded time. Linear
behaviour is checked with size ratios (1x against 10x input, CPU time): a quadratic
step shows as a ratio near 100, so a generous bound of 30 tolerates noise but not that.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import random
import re
import time
from collections.abc import Callable, Iterator

import pytest
import rolecall
import rolecall.parsers
import rolecall.rules
from rolecall import Document
from rolecall.document import ViewError
from rolecall.fakes import fake_secret_key
from rolecall.lazyre import LazyPattern
from rolecall.model import NoticeCode
from rolecall.parsers.python import parse_python

from tests.robustness._support import CORPUS_KINDS, all_views, corpus_files, count, scan

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
    :mod:`rolecall.lazyre`), and whether its module scans text with it
    (search/finditer/sub/...; False: only anchored ``match`` calls on one line)."""
    names = [f"rolecall.{m.name}" for m in pkgutil.iter_modules(rolecall.__path__)]
    names += [f"rolecall.rules.{m.name}" for m in pkgutil.iter_modules(rolecall.rules.__path__)]
    names += [f"rolecall.parsers.{m.name}" for m in pkgutil.iter_modules(rolecall.parsers.__path__)]
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
