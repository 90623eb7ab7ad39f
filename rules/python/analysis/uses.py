"""What the Python analysis finds: credential hand-overs, as plain values.

A :class:`Use` is one place that hands credentials to an SDK or to the environment (a
call, a dictionary, an assignment); each :class:`CredArg` is one credential in it, with
the :class:`~rolecall.rules.python.analysis.origin.Value` that says where it comes from.
:class:`Analysis` is the whole answer for one document: what the
``python-aws-credentials`` view holds. Kept apart from the code that finds them so that
the readers (findings, fixes, the fixes' cleanup) import values, not the finder.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolecall.rules.python.analysis.origin import Value

if TYPE_CHECKING:
    from rolecall.plugin.api import PythonModule
    from rolecall.rules.python.analysis.nodes import Measure


@dataclass(frozen=True)
class CredArg:
    """One credential of a use: an argument, a dictionary entry or an assigned value."""

    name: str  # keyword, dictionary key or variable name
    role: str  # "key_id" | "secret" | "token"
    span: tuple[int, int]  # what the finding points at (and a fix removes), in source
    value_node: ast.expr
    value_span: tuple[int, int]  # the value's code, parentheses included
    value: Value
    #: Where a fix finds it in ``Use.call``/``Use.dict_node``: (argument or entry,) or
    #: (argument, entry of the dictionary that argument passes); () for no fix.
    slot: tuple[int, ...] = ()


@dataclass(frozen=True)
class Use:
    """One place that hands credentials over: a call, a dict, an assignment."""

    family: str
    api: str  # canonical name when resolved, else the code of the callee
    args: tuple[CredArg, ...]
    resolved: bool
    call: ast.Call | None = None  # the call a fix rewrites (None: no fix)
    dict_node: ast.Dict | None = None  # a storage_options dict bound to a name
    fixable: bool = True
    profile: bool = False  # a profile is named too: dropping keys would switch to it

    @property
    def reported(self) -> list[CredArg]:
        return [a for a in self.args if a.value.source.reported]

    def removal(self) -> dict[int, set[int] | None]:
        """What a fix removes from the call or dictionary: argument (or entry) indexes,
        each mapped to None (all of it) or to the entries of the dictionary it passes."""
        drop: dict[int, set[int] | None] = {}
        for arg in self.args:
            if len(arg.slot) == 1:
                drop[arg.slot[0]] = None
            elif len(arg.slot) == 2:
                entries = drop.setdefault(arg.slot[0], set())
                if entries is not None:
                    entries.add(arg.slot[1])
        return drop


@dataclass(frozen=True)
class Analysis:
    """Every credential hand-over in one Python document or notebook.

    ``module`` and ``measure`` are None when the document cannot hold one (its text
    lacks every credential shape) or does not parse (the Python view's own error then
    becomes the notice); ``uses`` is empty then."""

    module: PythonModule | None
    uses: tuple[Use, ...]
    measure: Measure | None = None
