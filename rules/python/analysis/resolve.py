"""Resolving names to qualified API names and session types, and finding dictionaries.

Qualified names come from the module's own ``import`` statements (see
:mod:`rolecall.rules.python.analysis.scope`). A name bound both by an import and by something else
in the same scope resolves to the import when the import comes first (a use in a
nested function sees every binding of the enclosing scope), which is what a scope
analysis over assignments answers too, at none of its cost (PERF-NOTES).
"""

from __future__ import annotations

import ast

from rolecall.rules.python.analysis.scope import Binding, Scope, lookup

_MAX_DEPTH = 8


class _Imports:
    """The import bindings among one name's bindings in one scope, indexed once: a big
    module rebinds a name thousands of times, and every use asks about it."""

    __slots__ = ("bindings", "first_before", "rebound")

    def __init__(self, bindings: list[Binding]) -> None:
        self.bindings = [b for b in bindings if b.kind == "import"]
        self.rebound = any(b.kind != "import" and not _is_none(b.value) for b in bindings)
        #: The smallest position among the first i + 1 imports, for each i.
        self.first_before: list[tuple[int, int]] = []
        for binding in self.bindings:
            last = self.first_before[-1] if self.first_before else binding.position
            self.first_before.append(min(last, binding.position))

    def seen_from(self, use: tuple[int, int]) -> Binding | None:
        """The first import (in binding order) written before ``use``: the first index
        at which the running minimum of positions falls below ``use``."""
        lo, hi = 0, len(self.first_before)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.first_before[mid] < use:
                hi = mid
            else:
                lo = mid + 1
        return self.bindings[lo] if lo < len(self.bindings) else None


class Resolver:
    """Qualified names and simple value types of expressions, per module.

    Answers about a name depend only on its bindings (and the recursion depth), so they
    are remembered per scope and name: a module that rebinds one name many times (or
    binds it to itself, ``v = v or w``) costs time linear in its bindings, not their
    product along every chain of names. The scopes must be complete (the collector has
    walked the module) before the first question.
    """

    def __init__(self) -> None:
        self._imports: dict[int, _Imports] = {}
        self._instances: dict[tuple[int, str, int, int], str | None] = {}

    def imports_of(self, bindings: list[Binding]) -> _Imports:
        known = self._imports.get(id(bindings))
        if known is None:
            known = self._imports[id(bindings)] = _Imports(bindings)
        return known

    def qualify(self, expr: ast.expr, scope: Scope) -> str | None:
        """``boto3.client`` for ``b.client`` after ``import boto3 as b``; None if unknown."""
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        found = lookup(scope, expr.id)
        if found is None:
            return None
        bindings, owner = found
        imports = self.imports_of(bindings)
        if not imports.bindings:
            return None
        first = imports.bindings[0]
        if imports.rebound and owner is scope:
            # Rebound in its own scope: only the imports written before the use count;
            # from a nested function, every binding of the enclosing scope is visible.
            seen = imports.seen_from((expr.lineno, expr.col_offset))
            if seen is None:
                return None
            first = seen
        return ".".join([first.qualname, *reversed(parts)])

    def instance_of(
        self, expr: ast.expr, scope: Scope, types: dict[str, str], depth: int = 0
    ) -> str | None:
        """The type (a key of ``types``' values) an expression evaluates to, if known."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Await):
            return self.instance_of(expr.value, scope, types, depth + 1)
        if isinstance(expr, ast.Call):
            callee = self.qualify(expr.func, scope)
            return types.get(callee) if callee else None
        if isinstance(expr, ast.Name):
            found = lookup(scope, expr.id)
            if found is None:
                return None
            key = (id(found[1]), expr.id, depth, id(types))
            if key not in self._instances:
                self._instances[key] = self._bound_instance(*found, types, depth)
            return self._instances[key]
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id == "self"
        ):
            cls = _method_scope(scope)
            if cls is None:
                return None
            key = (id(cls), "self." + expr.attr, depth, id(types))
            if key not in self._instances:
                self._instances[key] = self._attr_instance(cls, expr.attr, types, depth)
            return self._instances[key]
        return None

    def _bound_instance(
        self, bindings: list[Binding], owner: Scope, types: dict[str, str], depth: int
    ) -> str | None:
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

    def _attr_instance(
        self, cls: Scope, attr: str, types: dict[str, str], depth: int
    ) -> str | None:
        for value, where in cls.attrs.get(attr, []):
            got = self.instance_of(value, where, types, depth + 1)
            if got:
                return got
        return None


def constructor_of(expr: ast.expr, scope: Scope, depth: int = 0) -> ast.Call | None:
    """The call that made the object ``expr`` evaluates to, when a single assignment (or
    the expression itself) shows it: ``boto3.Session(profile_name="dev")`` for ``s`` in
    ``s = boto3.Session(profile_name="dev"); s.client("s3")``."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Await):
        return constructor_of(expr.value, scope, depth + 1)
    if isinstance(expr, ast.Call):
        return expr
    if isinstance(expr, ast.Name):
        found = lookup(scope, expr.id)
        if found is None:
            return None
        bindings, owner = found
        assigned = [b for b in bindings if b.kind == "assign" and b.value is not None]
        if len(assigned) == 1 and len(bindings) == 1:
            value = assigned[0].value
            assert value is not None
            return constructor_of(value, owner, depth + 1)
    return None


def dict_of(expr: ast.expr, scope: Scope, depth: int = 0) -> tuple[ast.Dict, Scope] | None:
    """The dictionary literal an expression evaluates to, and the scope it is written in:
    a literal, a name bound once to one, or a call of a function of this module that
    returns one (``kwargs = _aws_kwargs()``)."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Dict):
        return expr, scope
    if isinstance(expr, ast.Name):
        found = lookup(scope, expr.id)
        if found and len(found[0]) == 1 and found[0][0].value is not None:
            return dict_of(found[0][0].value, found[1], depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        found = lookup(scope, expr.func.id)
        binding = found[0][0] if found and len(found[0]) == 1 else None
        if binding is not None and binding.function is not None and binding.body_scope:
            for statement in _returns(binding.function):
                got = dict_of(statement, binding.body_scope, depth + 1)
                if got is not None:
                    return got
    return None


def _returns(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    # The function's own top-level ``return`` statements (not those in nested blocks).
    return [s.value for s in function.body if isinstance(s, ast.Return) and s.value is not None]


def _method_scope(scope: Scope) -> Scope | None:
    current: Scope | None = scope
    while current is not None:
        owner = current.enclosing_class
        if owner is not None:
            return owner
        current = current.parent
    return None


def _is_none(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _unquote(annotation: ast.expr) -> ast.expr:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return ast.parse(annotation.value, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return annotation
    return annotation
