"""Reading credentials out of code: one :class:`CredArg` per argument, dictionary entry
or assigned value, with its spans and the source of its value.

The shared half of the finders: the SDK calls (:mod:`~rolecall.rules.python.analysis.sdk`)
and the environment and settings writes (:mod:`~rolecall.rules.python.analysis.environ`)
both build their credentials here, from one document's scopes, resolver and value
classifier, so that neither finder needs the other.
"""

from __future__ import annotations

import ast

from rolecall import Document
from rolecall.plugin.api import PythonModule
from rolecall.rules.python.analysis.nodes import Arg, Measure
from rolecall.rules.python.analysis.origin import Value
from rolecall.rules.python.analysis.resolve import Resolver
from rolecall.rules.python.analysis.scope import Collector, Scope
from rolecall.rules.python.analysis.uses import CredArg
from rolecall.rules.python.analysis.values import Classifier


class CredArgs:
    """The credentials of one document, read from the calls and assignments its
    :class:`~rolecall.rules.python.analysis.scope.Collector` kept."""

    def __init__(self, doc: Document, module: PythonModule, collector: Collector) -> None:
        self.doc = doc
        self.measure = Measure(module)
        self.resolver = Resolver()
        self.values = Classifier(self.resolver)
        self.collector = collector

    def value(self, expr: ast.expr, scope: Scope) -> Value:
        return self.values.classify(expr, scope)

    def arg(self, call: ast.Call, arg: Arg, name: str, role: str, scope: Scope) -> CredArg:
        """A credential passed as an argument of ``call``."""
        part = self.measure.layout(call).parts[arg.index]
        value = self.value(arg.value, scope)
        span, value_span = (part.start, part.end), (part.value_start, part.value_end)
        return CredArg(name, role, span, arg.value, value_span, value, (arg.index,))

    def entry(
        self, node: ast.Dict, index: int, name: str, role: str, scope: Scope, outer: int = -1
    ) -> CredArg:
        """A credential in entry ``index`` of a dictionary (passed as argument ``outer``
        of the call a fix rewrites, if not -1)."""
        part = self.measure.layout(node).parts[index]
        value_node = node.values[index]
        value = self.value(value_node, scope)
        span, value_span = (part.start, part.end), (part.value_start, part.value_end)
        slot = (index,) if outer < 0 else (outer, index)
        return CredArg(name, role, span, value_node, value_span, value, slot)

    def statement(
        self, node: ast.stmt, name: str, role: str, value_node: ast.expr, scope: Scope
    ) -> CredArg:
        """A credential assigned by a statement (the finding points at the statement)."""
        span = self.measure.span(node)
        value_span = self.measure.value_in(value_node, span[0], span[1])
        value = self.value(value_node, scope)
        return CredArg(name, role, span, value_node, value_span, value)
