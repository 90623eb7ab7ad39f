"""Resolving names to qualified API names and session types, and finding dictionaries.

Qualified names come from the module's own ``import`` statements (see
:mod:`rolecall.rules._pyscope`); libcst's QualifiedNameProvider is consulted only when a
name is bound both by an import and by something else in the same scope.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from rolecall.parsers.python import PythonModule
from rolecall.rules._pyscope import Scope, lookup

_MAX_DEPTH = 8


class Resolver:
    """Qualified names and simple value types of expressions, per module."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module

    def qualify(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        """``boto3.client`` for ``b.client`` after ``import boto3 as b``; None if unknown."""
        if isinstance(expr, cst.Attribute):
            base = self.qualify(expr.value, scope)
            return f"{base}.{expr.attr.value}" if base else None
        if not isinstance(expr, cst.Name):
            return None
        found = lookup(scope, expr.value)
        if found is None:
            return None
        bindings = found[0]
        imports = [b.qualname for b in bindings if b.kind == "import"]
        if not imports:
            return None
        others = [b for b in bindings if b.kind != "import" and not _is_none(b.value)]
        if others:
            return self._ask_libcst(expr, imports)
        return imports[0]

    def _ask_libcst(self, expr: cst.Name, imports: Sequence[str]) -> str | None:
        # Bound by an import and by something else: let libcst's scope analysis decide.
        names = self.module.qualified_names(expr)
        return next((q for q in imports if q in names), None)

    def instance_of(
        self, expr: cst.BaseExpression, scope: Scope, types: dict[str, str], depth: int = 0
    ) -> str | None:
        """The type (a key of ``types``' values) an expression evaluates to, if known."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Await):
            return self.instance_of(expr.expression, scope, types, depth + 1)
        if isinstance(expr, cst.Call):
            callee = self.qualify(expr.func, scope)
            return types.get(callee) if callee else None
        if isinstance(expr, cst.Name):
            found = lookup(scope, expr.value)
            if found is None:
                return None
            bindings, owner = found
            for binding in bindings:
                if binding.kind == "assign" and binding.value is not None:
                    got = self.instance_of(binding.value, owner, types, depth + 1)
                elif binding.kind == "param" and binding.annotation is not None:
                    qual = self.qualify(_unquote(binding.annotation), owner)
                    got = types.get(qual) if qual else None
                else:
                    got = None
                if got:
                    return got
            return None
        if (
            isinstance(expr, cst.Attribute)
            and isinstance(expr.value, cst.Name)
            and expr.value.value == "self"
        ):
            cls = _method_scope(scope)
            for value in cls.attrs.get(expr.attr.value, []) if cls else []:
                got = self.instance_of(value, cls or scope, types, depth + 1)
                if got:
                    return got
        return None


def dict_of(
    expr: cst.BaseExpression, scope: Scope, depth: int = 0
) -> tuple[cst.Dict, Scope] | None:
    """The dictionary literal an expression evaluates to, and the scope it is written in:
    a literal, a name bound once to one, or a call of a function of this module that
    returns one (``kwargs = _aws_kwargs()``)."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, cst.Dict):
        return expr, scope
    if isinstance(expr, cst.Name):
        found = lookup(scope, expr.value)
        if found and len(found[0]) == 1 and found[0][0].value is not None:
            return dict_of(found[0][0].value, found[1], depth + 1)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
        found = lookup(scope, expr.func.value)
        binding = found[0][0] if found and len(found[0]) == 1 else None
        if binding is not None and binding.function is not None and binding.body_scope:
            for statement in _returns(binding.function):
                got = dict_of(statement, binding.body_scope, depth + 1)
                if got is not None:
                    return got
    return None


def _returns(function: cst.FunctionDef) -> list[cst.BaseExpression]:
    body = function.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else ()
    found: list[cst.BaseExpression] = []
    for line in statements:
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                if isinstance(small, cst.Return) and small.value is not None:
                    found.append(small.value)
    return found


def _method_scope(scope: Scope) -> Scope | None:
    current: Scope | None = scope
    while current is not None:
        owner = current.enclosing_class
        if owner is not None:
            return owner
        current = current.parent
    return None


def _is_none(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _unquote(annotation: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(annotation, cst.SimpleString):
        try:
            return cst.parse_expression(str(annotation.evaluated_value))
        except (cst.ParserSyntaxError, TypeError, SyntaxError, ValueError):
            # SyntaxError/ValueError: compile() refuses a NUL byte that libcst accepted.
            return annotation
    return annotation
