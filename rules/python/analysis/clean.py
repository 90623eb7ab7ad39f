"""What an RC2xx fix leaves behind: the constants that held the key, an unused ``os``.

Removing ``aws_access_key_id=KEY`` from a call leaves ``KEY = "AKIA..."`` holding the key,
and the next scan reports it again. A fix therefore also deletes the assignments whose
only use was an argument it removes, and the ``import os`` (or ``from os import getenv``)
that only those arguments used. What counts as a use is decided on the whole module,
syntactically and conservatively: every ``Name`` node with that identifier in any scope
(a shadowing local counts as a use), a ``global``/``nonlocal`` declaration, a string
equal to the name (``__all__``, ``getattr(module, "KEY")``), and any call of
``globals``/``locals``/``vars``/``eval``/``exec`` in the module. A name with any use
outside the removed arguments stays.

A module-level name may also be imported by another module that this fix cannot see,
so a module-level constant is deleted only when it looks private (``_KEY``) or the
module is a script (it has an ``if __name__ == "__main__":`` block). A constant that
stays is named, with the reason, in the fix's description; ``rolecall fix`` then says
which literal still holds the key and exits 1.

Only what one fix removes is considered: when two calls share ``KEY``, neither fix may
delete it (the other call may not be fixed: suppressed, another rule, another pass).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rolecall.plugin.api import PythonModule
from rolecall.rules.python.analysis.origin import Source, string_of
from rolecall.rules.python.analysis.uses import CredArg

#: Names whose use lets code reach any variable by a string: no constant is deleted.
_DYNAMIC = frozenset({"globals", "locals", "vars", "eval", "exec", "__import__"})
#: Why a constant stays (each reason also said of several constants, see REASONS).
USED, PUBLIC, NOT_PLAIN = "used", "public", "not plain"
REASONS = {
    USED: ("used elsewhere in this module", "used elsewhere in this module"),
    PUBLIC: (
        "a public module-level name that another module may import",
        "public module-level names that another module may import",
    ),
    NOT_PLAIN: (
        "not a plain string assignment on its own line",
        "not plain string assignments on their own lines",
    ),
}
_TAIL = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|\Z)")


@dataclass
class _Binding:
    """A plain ``NAME = <string literals>`` statement, directly in a module or function
    body with other statements beside it."""

    name: str
    stmt: ast.stmt
    module_level: bool


@dataclass
class _Import:
    """A top-level ``import os`` / ``from os import ...`` statement."""

    stmt: ast.Import | ast.ImportFrom
    bound: list[str]  # the local name of each alias, in order


@dataclass
class Index:
    """Facts about one module, gathered in one walk, that every fix of it consults."""

    uses: Counter[str] = field(default_factory=Counter)
    declared: set[str] = field(default_factory=set)  # global/nonlocal names
    strings: set[str] = field(default_factory=set)  # identifier-shaped string constants
    by_value: dict[int, _Binding] = field(default_factory=dict)  # id(value) -> binding
    os_imports: list[_Import] = field(default_factory=list)
    dynamic: bool = False
    script: bool = False


def build_index(tree: ast.Module) -> Index:
    index = Index()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            index.uses[node.id] += 1
            if node.id in _DYNAMIC:
                index.dynamic = True
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            index.declared.update(node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.isidentifier():
                index.strings.add(node.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _bindings(index, node.body, module_level=False)
    _bindings(index, tree.body, module_level=True)
    for stmt in tree.body:
        if _is_main_guard(stmt):
            index.script = True
        imported = _os_import(stmt)
        if imported is not None:
            index.os_imports.append(imported)
    return index


def _bindings(index: Index, body: Sequence[ast.stmt], *, module_level: bool) -> None:
    if len(body) < 2:
        return  # deleting the only statement would leave an empty body
    for stmt in body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and stmt.simple:
            target, value = stmt.target, stmt.value
        if isinstance(target, ast.Name) and value is not None and _only_strings(value):
            binding = _Binding(target.id, stmt, module_level)
            for node in ast.walk(value):  # the value, and each piece of a concatenation
                index.by_value[id(node)] = binding


def _only_strings(value: ast.expr) -> bool:
    """A value made of string literals only (``"AKIA" + "..."``), no names."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _only_strings(value.left) and _only_strings(value.right)
    if isinstance(value, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in value.values)
    return isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes))


def _is_main_guard(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    test = stmt.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    strings = [string_of(s) for s in sides]
    return names == ["__name__"] and "__main__" in strings


def _os_import(stmt: ast.stmt) -> _Import | None:
    if isinstance(stmt, ast.Import):
        bound = [a.asname or a.name for a in stmt.names]
        if any(a.name == "os" for a in stmt.names):
            return _Import(stmt, bound)
    elif (
        isinstance(stmt, ast.ImportFrom)
        and stmt.module == "os"
        and not stmt.level
        and all(a.name != "*" for a in stmt.names)
    ):
        return _Import(stmt, [a.asname or a.name for a in stmt.names])
    return None


@dataclass(frozen=True)
class Cleanup:
    """What a fix deletes besides the arguments: source spans with their replacement
    (empty, or the import statement's shorter list of names), the constants deleted and
    the constants that stay, each with the reason."""

    edits: tuple[tuple[int, int, str], ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[tuple[str, str], ...] = ()


def cleanup(module: PythonModule, index: Index, dropped: Iterable[CredArg]) -> Cleanup:
    """The constants and ``os`` imports that only the ``dropped`` arguments used."""
    dropped = list(dropped)
    inside: Counter[str] = Counter()
    for arg in dropped:
        for node in ast.walk(arg.value_node):
            if isinstance(node, ast.Name):
                inside[node.id] += 1
    edits: list[tuple[int, int, str]] = []
    removed: list[str] = []
    kept: list[tuple[str, str]] = []
    seen: set[int] = set()
    for arg in dropped:
        if arg.value.source not in (Source.LITERAL, Source.EXAMPLE):
            continue
        for part in arg.value.parts:
            binding = _binding_of(index, part, arg)
            if binding is None:
                if arg.value.source is Source.LITERAL and not _inside(part, arg.value_node):
                    _note(kept, _label(arg.value_node), NOT_PLAIN)
                continue
            if id(binding.stmt) in seen:
                continue
            seen.add(id(binding.stmt))
            reason = _why_kept(module, index, binding, inside)
            if reason is None:
                edits.append(_delete_line(module, binding.stmt))
                removed.append(binding.name)
            elif arg.value.source is Source.LITERAL:
                _note(kept, binding.name, reason)
    edits = _merge_lines(module.source, edits)
    edits.extend(_unused_os(module, index, inside))
    return Cleanup(tuple(edits), tuple(removed), tuple(kept))


_BLANK = re.compile(r"[ \t]*(?:\r\n|\r|\n)")


def _merge_lines(source: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Adjacent deleted lines as one block; a block between two blank lines takes the
    blank line after it too, so that no double gap is left where it was."""
    merged: list[tuple[int, int, str]] = []
    for start, end, text in sorted(spans):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end, text)
        else:
            merged.append((start, end, text))
    out = []
    for start, end, text in merged:
        before = source[: start - 1].rsplit("\n", 1)[-1] if start else ""
        blank_before = start == 0 or not before.strip()
        after = _BLANK.match(source, end)
        if blank_before and after is not None:
            end = after.end()
        out.append((start, end, text))
    return out


def _note(kept: list[tuple[str, str]], name: str, reason: str) -> None:
    if all(name != known for known, _ in kept):
        kept.append((name, reason))


def _binding_of(index: Index, part: ast.expr, arg: CredArg) -> _Binding | None:
    """The statement that wrote the string literal ``part``, when it is a plain
    assignment (found by its value: a part is the value or a piece of it)."""
    if _inside(part, arg.value_node):
        return None  # written in the argument itself: the argument's removal takes it
    return index.by_value.get(id(part))


def _inside(node: ast.expr, tree: ast.expr) -> bool:
    return any(inner is node for inner in ast.walk(tree))


def _label(expr: ast.expr) -> str:
    """``KEY``, ``Config.KEY``: how the argument names the constant."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return "the constant"
    return ".".join([expr.id, *reversed(parts)])


def _why_kept(
    module: PythonModule, index: Index, binding: _Binding, inside: Counter[str]
) -> str | None:
    name = binding.name
    if index.dynamic or name in index.declared or name in index.strings:
        return USED
    if index.uses[name] != 1 + inside[name]:  # 1: the assignment's own target
        return USED
    if binding.module_level and not name.startswith("_") and not index.script:
        return PUBLIC
    if not _own_lines(module, binding.stmt):
        return NOT_PLAIN
    return None


def _own_lines(module: PythonModule, stmt: ast.stmt) -> bool:
    """Whether ``stmt`` has its lines to itself (blanks and a trailing comment aside)."""
    source = module.source
    start, end = module.span(stmt)
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    return not source[line_start:start].strip() and _TAIL.match(source, end) is not None


def _delete_line(module: PythonModule, stmt: ast.stmt) -> tuple[int, int, str]:
    """The span of ``stmt``'s lines, line break and trailing comment included."""
    source = module.source
    start, end = module.span(stmt)
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    tail = _TAIL.match(source, end)
    assert tail is not None
    return line_start, tail.end(), ""


def _unused_os(
    module: PythonModule, index: Index, inside: Counter[str]
) -> list[tuple[int, int, str]]:
    """Edits that remove the ``os`` imports whose names only the dropped arguments used."""
    edits: list[tuple[int, int, str]] = []
    for imported in index.os_imports:
        unused = [
            name
            for name in imported.bound
            if inside[name]
            and index.uses[name] == inside[name]
            and name not in index.declared
            and name not in index.strings
            and not index.dynamic
        ]
        if not unused:
            continue
        stmt = imported.stmt
        if len(unused) == len(imported.bound):
            if _own_lines(module, stmt):
                edits.append(_delete_line(module, stmt))
            continue
        names = stmt.names
        if stmt.lineno != stmt.end_lineno or not all(hasattr(a, "lineno") for a in names):
            continue  # a parenthesised list over lines: keep its layout, keep the import
        first, last = module.span(names[0])[0], module.span(names[-1])[1]
        texts = [
            _code(module, alias)
            for alias, bound in zip(names, imported.bound, strict=True)
            if bound not in unused
        ]
        edits.append((first, last, ", ".join(texts)))
    return edits


def _code(module: PythonModule, node: ast.AST) -> str:
    start, end = module.span(node)
    return module.source[start:end]
