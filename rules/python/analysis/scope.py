"""Name resolution for the Python rules: one pass that records scopes and bindings.

Qualified names come from the module's own ``import`` statements, looked up through
function/class scopes the way Python does (a parameter or assignment named ``boto3``
shadows the import). The pass also records what each name is assigned, which lets the
rules follow ``s = boto3.Session(); s.client(...)`` and ``self.session.client(...)``.

The tree is the standard library's ``ast``; the walk keeps its own stack (no recursion),
so a deep tree that ``ast.parse`` accepted cannot exhaust Python's recursion limit here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Binding:
    kind: str  # "import" | "assign" | "param" | "function" | "class" | "other"
    qualname: str = ""
    value: ast.expr | None = None
    annotation: ast.expr | None = None
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    body_scope: Scope | None = None
    position: tuple[int, int] = (0, 0)  # (line, column) of the binding statement


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function"
    parent: Scope | None
    name: str = ""
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    #: ``self.x = value`` in the methods of a class: each value with the method's scope.
    attrs: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    @property
    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    @property
    def enclosing_class(self) -> Scope | None:
        """For a method, the class whose ``self`` attributes it may read."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None


Candidate = tuple[ast.AST, Scope]
_POP = object()  # a stack marker: leave the scope opened by the node below it
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
#: Nodes with no handler and no node below them (a name, a literal, a context, an
#: operator): the walk does not push them. They are about half of a module's nodes.
_INERT: frozenset[type] = frozenset(
    {ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del}
    | {
        cls
        for base in (ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
        for cls in base.__subclasses__()
    }
)


class Collector:
    """Records scopes, bindings and the nodes the rules may care about."""

    def __init__(self, wants_call: Callable[[ast.Call], bool]) -> None:
        self._handlers: dict[type, Callable[[Any], None]] = {
            getattr(ast, n[len("visit_") :]): getattr(self, n)
            for n in dir(self)
            if n.startswith("visit_")
        }
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self._wants_call = wants_call
        self.calls: list[Candidate] = []
        self.assigns: list[Candidate] = []  # Assign / AnnAssign / AugAssign statements

    def walk(self, node: ast.AST) -> None:
        handlers = self._handlers
        stack: list[object] = [node]
        push = stack.append
        while stack:
            current = stack.pop()
            if current is _POP:
                assert self.scope.parent is not None
                self.scope = self.scope.parent
                continue
            assert isinstance(current, ast.AST)
            visit = handlers.get(type(current))
            if visit is not None:
                visit(current)
                if isinstance(current, _SCOPES):
                    push(_POP)  # everything below is read in the new scope
            # The children of ast.iter_child_nodes(current), pushed last first so that
            # they pop in its order; inline, without its two generators per node (a
            # third of the walk's time over botocore's Python files).
            for name in reversed(current._fields):
                value = getattr(current, name, None)
                if type(value) in _INERT:
                    continue
                if isinstance(value, ast.AST):
                    push(value)
                elif isinstance(value, list):
                    for item in reversed(value):
                        if type(item) not in _INERT and isinstance(item, ast.AST):
                            push(item)

    # --- scopes ---------------------------------------------------------------------
    def _push(self, kind: str, name: str) -> Scope:
        self.scope = Scope(kind, self.scope, name)
        return self.scope

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.scope
        inner = self._push("function", node.name)
        position = (node.lineno, node.col_offset)
        binding = Binding("function", function=node, body_scope=inner, position=position)
        outer.bind(node.name, binding)
        self._bind_params(node.args)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._push("function", "<lambda>")
        self._bind_params(node.args)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.scope
        inner = self._push("class", node.name)
        outer.bind(node.name, Binding("class", body_scope=inner))

    def _bind_params(self, params: ast.arguments) -> None:
        every = [*params.posonlyargs, *params.args, *params.kwonlyargs]
        every.extend(p for p in (params.vararg, params.kwarg) if p is not None)
        for param in every:
            self.scope.bind(param.arg, Binding("param", annotation=param.annotation))

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    # --- bindings -------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        position = (node.lineno, node.col_offset)
        for alias in node.names:
            if alias.asname is not None:
                self.scope.bind(alias.asname, Binding("import", alias.name, position=position))
            else:
                head = alias.name.split(".", 1)[0]
                self.scope.bind(head, Binding("import", head, position=position))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        position = (node.lineno, node.col_offset)
        for alias in node.names:
            if alias.name == "*":
                return
            local = alias.asname or alias.name
            self.scope.bind(local, Binding("import", f"{base}.{alias.name}", position=position))

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind_target(target, node.value, node)
        self.assigns.append((node, self.scope))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value, node)
            self.assigns.append((node, self.scope))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._bind_target(node.target, None, node)
        self.assigns.append((node, self.scope))

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind_target(node.target, node.value, node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._bind_target(node.target, None, node)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self._bind_target(node.optional_vars, node.context_expr, node.context_expr)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self.scope.bind(node.name, Binding("other", position=(node.lineno, node.col_offset)))

    def _bind_target(self, target: ast.expr, value: ast.expr | None, where: ast.AST) -> None:
        if isinstance(target, ast.Name):
            scope = self.scope.module if target.id in self.scope.globals else self.scope
            kind = "assign" if value is not None else "other"
            position = (where.lineno, where.col_offset)  # type: ignore[attr-defined]
            scope.bind(target.id, Binding(kind, value=value, position=position))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_target(element, None, where)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None, where)
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
            and value is not None
        ):
            owner = self.scope.enclosing_class
            if owner is not None:
                owner.attrs.setdefault(target.attr, []).append((value, self.scope))

    # --- candidates -----------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if self._wants_call(node):
            self.calls.append((node, self.scope))


def lookup(scope: Scope, name: str) -> tuple[list[Binding], Scope] | None:
    """The bindings ``name`` refers to from ``scope`` (class bodies are skipped for
    nested functions, as in Python), and the scope that holds them."""
    current: Scope | None = scope.module if name in scope.globals else scope
    first = True
    while current is not None:
        if (first or current.kind != "class") and name in current.bindings:
            return current.bindings[name], current
        first = False
        current = current.parent
    return None
