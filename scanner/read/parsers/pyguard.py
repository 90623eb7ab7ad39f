"""A linear pre-check that keeps the Python parsers away from source they cannot survive.

The RC2xx analysis reads ``ast``, whose parser and tree conversion recurse per nesting
level (a RecursionError or MemoryError for long chains), as do the rules' bounded walks
of expressions. libcst, which builds fix edits from a call's text, is worse: its native
parser recurses once per nesting level and per link of an operator or trailer chain, so
2,000 nested brackets or 10,000 ``a + a + ...`` terms overflow its C stack and kill the
process (a segfault, not an exception), and well before that its time grows with the
square of the depth. CPython refuses such code as well (200 nested brackets; a recursion
error for long chains), so no working program is lost.

:func:`check_complexity` walks the tokens once (strings and comments skipped) and
estimates the deepest expression tree: open brackets plus the operators, keywords and
trailers chained at each open level since the last ``,``, ``;``, ``=`` or line end.
"""

from __future__ import annotations

import re

from rolecall.plugin.lazyre import lazy
from rolecall.read.document import ViewError

#: CPython's own limit on nested brackets (its tokenizer's MAXLEVEL).
MAX_BRACKETS = 200
#: Deepest estimated expression tree (brackets + chained operators) that is parsed.
MAX_EXPRESSION_DEPTH = 500

_STRING_PREFIX = r"(?:[rRbBuUfF]{1,2})?"
# Blanks start no token, and with no first character to look for, a search tries every
# alternative at every blank: half of the scan's time in indented code. Eaten up front
# (atomically: a lookahead does not give back), they are passed over at once. A
# character that starts no token is the "skip" token, as is the end after blanks, so
# no search fails after eating blanks to start over at the next one: a long run of
# blanks costs its length, not its square. Every other token is what it was without.
_TOKEN = lazy(
    r"(?=(?P<blanks>[ \t\f\r]*))(?P=blanks)"
    r"(?:(?P<string>"
    + _STRING_PREFIX
    + r"""(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
    + r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))"""
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<number>\d[\w.]*)"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<sep>[,;\n]|=(?!=))"
    r"|(?P<op>\*\*|//|<<|>>|[-+*/%@&|^~<>.!]|==)"
    r"|(?P<skip>.|\Z))",
    re.DOTALL,
)
_CHAIN_WORDS = frozenset({"not", "and", "or", "lambda", "await", "if", "else", "in", "is"})
_RISKY = "([{.+-*/%@&|^~<>"


def check_complexity(source: str) -> None:
    """Raise :class:`ViewError` when ``source`` nests deeper than the parsers can take."""
    if len(source) < MAX_EXPRESSION_DEPTH:
        return
    risky = sum(source.count(c) for c in _RISKY)
    if risky + source.count(" ") < MAX_EXPRESSION_DEPTH:
        return  # every operator and keyword together stay below the limit
    chains = [0]  # chained operators per open bracket level
    total = 0  # sum of chains + open brackets: the estimated tree depth
    after_operand = False
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup  # the token; match.group() has the blanks before it too
        if kind == "string":  # a string literal is an operand
            after_operand = True
            continue
        if kind == "comment" or kind == "skip":
            continue
        if kind == "word":
            if match.group(kind) in _CHAIN_WORDS:
                chains[-1] += 1
                total += 1
                after_operand = False
            else:
                after_operand = True
        elif kind == "number":
            after_operand = True
        elif kind == "open":
            if after_operand:  # a call or subscript trailer chains on its operand
                chains[-1] += 1
                total += 1
            chains.append(0)
            total += 1
            if len(chains) > MAX_BRACKETS + 1:
                raise ViewError(f"brackets nested deeper than {MAX_BRACKETS} levels")
            after_operand = False
        elif kind == "close":
            if len(chains) > 1:
                total -= chains.pop() + 1
            after_operand = True
        elif kind == "sep":
            if match.group(kind) != "\n" or len(chains) == 1:
                total -= chains[-1]
                chains[-1] = 0
            after_operand = False
        else:
            chains[-1] += 1
            total += 1
            after_operand = False
        if total > MAX_EXPRESSION_DEPTH:
            line = source.count("\n", 0, match.start()) + 1
            raise ViewError(
                f"expression nested or chained deeper than {MAX_EXPRESSION_DEPTH} levels", line
            )
