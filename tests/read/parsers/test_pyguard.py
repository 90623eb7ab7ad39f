"""The complexity guard's scan, which eats blanks up front, against the scan it replaced.

``check_complexity`` passes over blanks inside each token match and takes a character
that starts no token as a token of its own. Its verdict (none, or the same message and
line) must be that of the plain token-by-token loop, kept here as the reference, on
real source and on hostile text, and a long run of blanks must cost its length.
"""

from __future__ import annotations

import random
import re
import sysconfig
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rolecall.read.document import ViewError
from rolecall.read.parsers.pyguard import MAX_BRACKETS, MAX_EXPRESSION_DEPTH, check_complexity

_REFERENCE_TOKEN = re.compile(
    r"(?:[rRbBuUfF]{1,2})?"
    + r"""(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
    + r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<number>\d[\w.]*)"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<sep>[,;\n]|=(?!=))"
    r"|(?P<op>\*\*|//|<<|>>|[-+*/%@&|^~<>.!]|==)",
    re.DOTALL,
)
_CHAIN_WORDS = frozenset({"not", "and", "or", "lambda", "await", "if", "else", "in", "is"})


def _reference(source: str) -> tuple[str, int | None] | None:
    """The guard's loop one token at a time, without its shortcuts: its verdict."""
    chains = [0]
    total = 0
    after_operand = False
    for match in _REFERENCE_TOKEN.finditer(source):
        kind = match.lastgroup
        if kind is None:
            after_operand = True
            continue
        if kind == "comment":
            continue
        if kind == "word":
            if match.group() in _CHAIN_WORDS:
                chains[-1] += 1
                total += 1
                after_operand = False
            else:
                after_operand = True
        elif kind == "number":
            after_operand = True
        elif kind == "open":
            if after_operand:
                chains[-1] += 1
                total += 1
            chains.append(0)
            total += 1
            if len(chains) > MAX_BRACKETS + 1:
                return (f"brackets nested deeper than {MAX_BRACKETS} levels", None)
            after_operand = False
        elif kind == "close":
            if len(chains) > 1:
                total -= chains.pop() + 1
            after_operand = True
        elif kind == "sep":
            if match.group() != "\n" or len(chains) == 1:
                total -= chains[-1]
                chains[-1] = 0
            after_operand = False
        else:
            chains[-1] += 1
            total += 1
            after_operand = False
        if total > MAX_EXPRESSION_DEPTH:
            line = source.count("\n", 0, match.start()) + 1
            return (f"expression nested or chained deeper than {MAX_EXPRESSION_DEPTH} levels", line)
    return None


def _verdict(source: str) -> tuple[str, int | None] | None:
    try:
        check_complexity(source)
    except ViewError as exc:
        return (exc.message, exc.line)
    return None


def _loop_only(source: str) -> tuple[str, int | None] | None:
    """The guard's loop with its length and count shortcuts out of the way: a short or
    plain text still goes through every token."""
    return _verdict(" " * MAX_EXPRESSION_DEPTH + source)


def _stdlib_sources() -> list[Path]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    return sorted(lib.glob("*.py")) + sorted(lib.glob("json/*.py"))


def test_stdlib_sources_get_the_reference_verdict() -> None:
    paths = _stdlib_sources()
    assert len(paths) > 100
    for path in paths:
        source = path.read_text(encoding="utf-8", errors="replace")
        assert _verdict(source) == _reference(source), path.name


_CHAIN = " or ".join(["x"] * (MAX_EXPRESSION_DEPTH + 5))
_HOSTILE = [
    # every kind of run ending at the limit, on the line the reference names
    "a = 1\n" + "y = a" + ".b" * (MAX_EXPRESSION_DEPTH + 1) + "\n",
    "a = 1\n" + "y = a" + ".b" * (MAX_EXPRESSION_DEPTH - 1) + "\n",
    "x = (\n" + ("a .b\n" * (MAX_EXPRESSION_DEPTH + 1)) + ")\n",
    "x = (\n" + ("a .b,\n\n" * (MAX_EXPRESSION_DEPTH + 1)) + ")\n",
    "x = [\n" + ("a.b\n  \n" * (MAX_EXPRESSION_DEPTH + 1)) + "]\n",
    "x = (\n" + ("a.b # c, d\n" * (MAX_EXPRESSION_DEPTH + 1)) + ")\n",
    "f" + "(" * (MAX_BRACKETS + 1) + ")" * (MAX_BRACKETS + 1) + " " * MAX_EXPRESSION_DEPTH,
    "f" + "(a" * (MAX_BRACKETS - 1),
    _CHAIN,
    "(" + _CHAIN + ")",
    "(\n" + _CHAIN.replace(" or ", "\nor ") + ")",
    "x = " + " + ".join(["rb'a'"] * (MAX_EXPRESSION_DEPTH + 1)),
    "x = " + ".".join(["'a'"] * (MAX_EXPRESSION_DEPTH + 1)),
    "x = " + ".".join(["1"] * (MAX_EXPRESSION_DEPTH + 1)),
    "x = " + ".".join(["not"] * (MAX_EXPRESSION_DEPTH + 1)),
    "x = " + "...a" * (MAX_EXPRESSION_DEPTH // 2),
    "x = " + "a <= b != " * MAX_EXPRESSION_DEPTH,
    "x = " + "a == = b " * MAX_EXPRESSION_DEPTH,
    "x = (" + "a if b else c " * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "await a lambda: b " * MAX_EXPRESSION_DEPTH + ")",
    "x = (\n" + "await a\n" * MAX_EXPRESSION_DEPTH + ")",
    "a" + ".\na" * (MAX_EXPRESSION_DEPTH + 1),
    "a" + ". a" * (MAX_EXPRESSION_DEPTH + 1),
    "x = (\n" + "a.b\n:\n" * MAX_EXPRESSION_DEPTH + ")",
    "x = (\n" + "a.b\n\\\n" * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "notx.inx.isy " * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "'unclosed .a " * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "r'''a\n.b''' .c " * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "é.ü ñ(ß) " * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "a\\\n.b " * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "a\r\n.b;\f\t" * MAX_EXPRESSION_DEPTH + ")",
    "x = (" + "a  :  $ ? ` \\ " * MAX_EXPRESSION_DEPTH + "." * MAX_EXPRESSION_DEPTH,
    "x = (" + "a" + "\t \f" * MAX_EXPRESSION_DEPTH + "(" + ".a" * MAX_EXPRESSION_DEPTH,
    "x = (" + ".a" * MAX_EXPRESSION_DEPTH + " " * MAX_EXPRESSION_DEPTH,
    "x = (" + "+\n" * MAX_EXPRESSION_DEPTH + " \t" * MAX_EXPRESSION_DEPTH + "'",
    "a" + " " * (4 * MAX_EXPRESSION_DEPTH) + "(" + ".b" * MAX_EXPRESSION_DEPTH,
    "\n" * 3 + "x = (\n" + "    \\\n" * MAX_EXPRESSION_DEPTH + "  .c" * (MAX_EXPRESSION_DEPTH + 1),
]


@pytest.mark.parametrize("source", _HOSTILE, ids=range(len(_HOSTILE)))
def test_hostile_text_gets_the_reference_verdict(source: str) -> None:
    assert _verdict(source) == _reference(source)
    assert _loop_only(source) == _reference(" " * MAX_EXPRESSION_DEPTH + source)


def test_the_hostile_cases_reach_both_verdicts() -> None:
    # Otherwise the table above could not tell a broken scan from a working one.
    verdicts = [_reference(source) for source in _HOSTILE]
    assert sum(v is None for v in verdicts) >= 3
    assert sum(v is not None and v[1] is not None for v in verdicts) >= 10
    assert any(v is not None and v[1] is None for v in verdicts)


_PIECES = [
    "a", "b1", "not", "and", "or", "if", "else", "in", "is", "lambda", "await", "é",
    "1", "2.5", "0x1f", "'s'", '"t"', "rb'u'", "'''m\n'''", "'", '"', "#c", "#,",
    ".", "..", "(", ")", "[", "]", "{", "}", ",", ";", "=", "==", "<=", "!=", "+",
    "**", "//", "<<", "@", "~", ":", "\\", "\n", " ", "  ", "\t", "\r", "\f",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=400), st.integers(1, 40))
def test_random_token_soup_gets_the_reference_verdict(pieces: list[str], repeat: int) -> None:
    source = "".join(pieces) * repeat
    padded = " " * MAX_EXPRESSION_DEPTH + source
    assert _verdict(padded) == _reference(padded)


def test_random_deep_expressions_get_the_reference_verdict() -> None:
    rng = random.Random(18)
    raised = 0
    for _ in range(200):
        pieces = ["a.b.c", " a", "(", ")", " or ", ",\n", "\n", "+1", "f(", "'s' "]
        weights = [8, 2, 3, 2, 3, 1, 2, 2, 2, 1]
        parts = rng.choices(pieces, weights, k=rng.randrange(100, 1200))
        source = "x = " + "".join(parts)
        padded = " " * MAX_EXPRESSION_DEPTH + source
        expected = _reference(padded)
        raised += expected is not None
        assert _verdict(padded) == expected
    assert 20 < raised < 180


def _cpu_seconds(source: str) -> float:
    start = time.process_time()
    for _ in range(3):
        check_complexity(source)
    return time.process_time() - start


@pytest.mark.parametrize("stop", [":", "$", "'", "\\", ""])
def test_a_long_run_of_blanks_costs_its_length(stop: str) -> None:
    # A search that failed after eating blanks would start over one blank later: the
    # square of the run. Ten times the blanks may cost at most a few times ten.
    small = "x = 1\n" + " " * 4_000 + stop
    large = "x = 1\n" + " " * 40_000 + stop
    assert _verdict(large) is None
    ratio = _cpu_seconds(large) / max(_cpu_seconds(small), 1e-4)
    assert ratio < 30, ratio
