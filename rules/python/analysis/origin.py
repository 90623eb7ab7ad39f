"""What a credential value is: its source, and the literal text it holds.

The vocabulary of the Python analysis, shared by the classifier
(:mod:`rolecall.rules.python.analysis.values`, which decides where an expression's value
comes from) and by everything that reads its answers (the credential uses, the findings,
the fixes). It reads syntax only, never a scope, so any module of the analysis can use
it without importing the resolver.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field


class Source(enum.Enum):
    """Where a credential value comes from; the member's value is how a message says it."""

    LITERAL = "a string literal"
    ENVIRONMENT = "an environment variable"
    CONFIG = "a configuration value"
    PARAMETER = "a parameter"
    VARIABLE = "a run-time value"
    STS = "temporary credentials"  # no finding
    ABSENT = "no value"  # None, placeholder: no finding
    EXAMPLE = "an AWS documentation example key"  # NOTE with report_examples only

    @property
    def reported(self) -> bool:
        return self not in (Source.STS, Source.ABSENT, Source.EXAMPLE)


@dataclass(frozen=True)
class Value:
    """A credential value as the analysis classified it."""

    source: Source
    literal: str | None = None
    env_var: str | None = None  # ENVIRONMENT: the variable read
    has_default: bool = False  # ENVIRONMENT: a default other than None is given
    #: LITERAL/EXAMPLE: the string literals the value is made of, wherever they are
    #: written (a module constant, a class attribute, the parts of a concatenation), so
    #: that a finding can point at every line holding the credential.
    parts: tuple[ast.expr, ...] = field(default=(), compare=False)
    name: str | None = None  # PARAMETER: the parameter's name


ABSENT = Value(Source.ABSENT)


def string_of(expr: ast.expr) -> str | None:
    """The value of a string literal expression (no names followed)."""
    if isinstance(expr, ast.Constant):
        value = expr.value
        if isinstance(value, str):
            return value
        return value.decode("latin-1") if isinstance(value, bytes) else None
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for part in expr.values:
            if isinstance(part, ast.FormattedValue):  # conversion and format spec ignored
                inner = string_of(part.value)
                if inner is None:
                    return None
                parts.append(inner)
            else:
                text = string_of(part)
                if text is None:
                    return None
                parts.append(text)
        return "".join(parts)
    return None


def positional(call: ast.Call) -> list[ast.expr]:
    """The call's positional arguments, without ``*args``."""
    return [a for a in call.args if not isinstance(a, ast.Starred)]


def index_string(node: ast.Subscript) -> str | None:
    """The string a subscript indexes with (``x["KEY"]``), or None."""
    index = node.slice
    if isinstance(index, ast.Index):  # type: ignore[attr-defined,unused-ignore]
        index = index.value  # type: ignore[attr-defined,unused-ignore]
    if isinstance(index, (ast.Slice, ast.Tuple)):
        return None
    return string_of(index)


_RANK = {
    Source.ABSENT: 0,
    Source.EXAMPLE: 1,
    Source.STS: 2,
    Source.VARIABLE: 3,
    Source.PARAMETER: 4,
    Source.CONFIG: 5,
    Source.ENVIRONMENT: 6,
    Source.LITERAL: 7,
}


def worst(a: Value, b: Value) -> Value:
    """The value that decides severity when an expression may take either."""
    return a if _RANK[a.source] >= _RANK[b.source] else b
