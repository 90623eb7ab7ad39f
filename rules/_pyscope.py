"""Name resolution for the Python rules: one pass that records scopes and bindings.

Qualified names come from the module's own ``import`` statements, looked up through
function/class scopes the way Python does (a parameter or assignment named ``boto3``
shadows the import). Only when a name is bound both by an import and by something else
in the same scope does the resolver ask libcst's QualifiedNameProvider, whose scope
analysis is far more expensive (PERF-NOTES). libcst's qualified names do not follow
variables, so the pass also records what each name is assigned, which lets the rules
follow ``s = boto3.Session(); s.client(...)`` and ``self.session.client(...)``.

Imported only from a rule's ``check``, so libcst is never loaded at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

_MAX_DEPTH = 8


@dataclass(frozen=True)
class Binding:
    kind: str  # "import" | "assign" | "param" | "function" | "class" | "other"
    qualname: str = ""
    value: cst.BaseExpression | None = None
    annotation: cst.BaseExpression | None = None
    function: cst.FunctionDef | None = None
    body_scope: Scope | None = None


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function"
    parent: Scope | None
    name: str = ""
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    attrs: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)  # self.x = ...

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


Candidate = tuple[cst.CSTNode, Scope]
_SCOPES = frozenset({"FunctionDef", "Lambda", "ClassDef"})


#: Fields that hold only whitespace, punctuation or operators: never walked into.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "comma", "semicolon", "lbrace", "rbrace", "lbracket", "rbracket",
        "leading_lines", "lines_after_decorators", "header", "footer", "colon", "equal",
        "operator", "dot", "whitespace_before", "whitespace_after", "whitespace_after_arg",
        "whitespace_before_args", "whitespace_after_func", "whitespace_after_star",
        "whitespace_before_colon", "whitespace_after_colon",
        "whitespace_before_params", "whitespace_after_def", "whitespace_after_name",
        "whitespace_before_value", "whitespace_after_import", "whitespace_after_from",
        "whitespace_before_import", "whitespace_after_as", "whitespace_before_as",
        "whitespace_after_await", "whitespace_before_indent", "whitespace_after_assert",
        "trailing_whitespace", "asynchronous", "star", "indent",
    }
)  # fmt: skip
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


_NODE_TYPES: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known


def _child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        fields = getattr(kind, "__dataclass_fields__", {})
        names = _FIELDS[kind] = tuple(n for n in fields if n not in _SKIPPED_FIELDS)
    return names


class Collector:
    """Records scopes, bindings and the nodes the rules may care about.

    It walks the tree itself instead of using ``CSTVisitor``: libcst's visitor rebuilds
    every node as it goes, which costs several times the parse (measured: 1.9 s against
    0.4 s for a 100 kB module); reading the dataclass fields costs a fraction of that.
    """

    def walk(self, node: cst.CSTNode) -> None:
        handlers = self._handlers
        stack: list[tuple[cst.CSTNode, bool]] = [(node, False)]
        while stack:
            current, leaving = stack.pop()
            name = type(current).__name__
            if leaving:
                getattr(self, "leave_" + name)(current)
                continue
            visit = handlers.get(name)
            if visit is not None:
                visit(current)
                if name in _SCOPES:
                    stack.append((current, True))
            children: list[cst.CSTNode] = []
            for field_name in _child_fields(type(current)):
                value = getattr(current, field_name)
                kind = type(value)
                if kind is tuple or kind is list:
                    children.extend(v for v in value if _is_node(type(v)))
                elif _is_node(kind):
                    children.append(value)
            stack.extend((child, False) for child in reversed(children))

    def __init__(self, wants_call: Callable[[cst.Call], bool]) -> None:
        self._handlers: dict[str, Callable[[Any], None]] = {
            n[len("visit_") :]: getattr(self, n) for n in dir(self) if n.startswith("visit_")
        }
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self._wants_call = wants_call
        self.calls: list[Candidate] = []
        self.assigns: list[Candidate] = []  # Assign / AnnAssign / AugAssign statements

    # --- scopes ---------------------------------------------------------------------
    def _push(self, kind: str, name: str) -> None:
        self.scope = Scope(kind, self.scope, name)

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.scope
        self._push("function", node.name.value)
        outer.bind(node.name.value, Binding("function", function=node, body_scope=self.scope))
        self._bind_params(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push("function", "<lambda>")
        self._bind_params(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        outer = self.scope
        self._push("class", node.name.value)
        outer.bind(node.name.value, Binding("class", body_scope=self.scope))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def _bind_params(self, params: cst.Parameters) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            annotation = param.annotation.annotation if param.annotation else None
            self.scope.bind(param.name.value, Binding("param", annotation=annotation))

    def visit_Global(self, node: cst.Global) -> None:
        self.scope.globals.update(item.name.value for item in node.names)

    # --- bindings -------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bind(alias.asname.name.value, Binding("import", dotted))
            else:
                head = dotted.split(".", 1)[0]
                self.scope.bind(head, Binding("import", head))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        base = "." * len(node.relative) + (_dotted(node.module) if node.module else "")
        for alias in node.names:
            name = _dotted(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.scope.bind(local, Binding("import", f"{base}.{name}"))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)
        self.assigns.append((node, self.scope))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)
            self.assigns.append((node, self.scope))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)
        self.assigns.append((node, self.scope))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            scope = self.scope.module if target.value in self.scope.globals else self.scope
            kind = "assign" if value is not None else "other"
            scope.bind(target.value, Binding(kind, value=value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
            and value is not None
        ):
            owner = self.scope.enclosing_class
            if owner is not None:
                owner.attrs.setdefault(target.attr.value, []).append(value)

    # --- candidates -----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if self._wants_call(node):
            self.calls.append((node, self.scope))


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


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
