"""Credentials written into the process environment or into settings modules."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator

from rolecall.rules.python.analysis.apis import ENV_VARS, SETTINGS_NAMES
from rolecall.rules.python.analysis.credargs import CredArgs
from rolecall.rules.python.analysis.nodes import call_args
from rolecall.rules.python.analysis.origin import Source, string_of
from rolecall.rules.python.analysis.scope import Scope
from rolecall.rules.python.analysis.uses import CredArg, Use

_SETTINGS_CLASS_SUFFIXES = ("config", "settings", "configuration")


def environ_uses(finder: CredArgs) -> Iterator[Use]:
    """``os.environ[...] = ...``, ``os.environ.update/setdefault``, ``os.putenv``."""

    qualify = finder.resolver.qualify
    for node, scope in finder.collector.assigns:
        args: list[CredArg] = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                key = _environ_key(target, scope, finder)
                if key in ENV_VARS:
                    args.append(finder.statement(node, key, ENV_VARS[key], node.value, scope))
        elif (
            isinstance(node, ast.AugAssign)
            and isinstance(node.op, ast.BitOr)
            and qualify(node.target, scope) == "os.environ"
        ):
            args.extend(_dict_args(node.value, scope, finder))
        args = [a for a in args if not _restores(a)]
        if args:
            yield Use("environ", "os.environ", tuple(args), True, fixable=False)
    for call, scope in finder.collector.calls:
        assert isinstance(call, ast.Call)
        name = qualify(call.func, scope)
        args = []
        if name in ("os.putenv", "os.environ.setdefault"):
            plain = [a for a in call_args(call) if a.keyword is None and not a.star]
            key = string_of(plain[0].value) if len(plain) == 2 else None
            if key in ENV_VARS:
                arg = finder.arg(call, plain[1], key, ENV_VARS[key], scope)
                # The finding points at the whole call, as it always has.
                args.append(_at(arg, finder.measure.span(call)))
        elif name == "os.environ.update":
            for item in call_args(call):
                if item.keyword is None and not item.star:
                    args.extend(_dict_args(item.value, scope, finder))
                elif item.keyword is not None and item.keyword in ENV_VARS:
                    key = item.keyword
                    args.append(finder.arg(call, item, key, ENV_VARS[key], scope))
        args = [a for a in args if not _restores(a)]
        if args and name is not None:
            yield Use("environ", name, tuple(args), True, fixable=False)


def _restores(arg: CredArg) -> bool:
    """Putting back the value the same variable had before (a ``tearDown`` or ``finally``
    restoring what ``setUp`` saved): no credential comes from the code."""
    value = arg.value
    return value.source is Source.ENVIRONMENT and value.env_var == arg.name


def _at(arg: CredArg, span: tuple[int, int]) -> CredArg:
    return dataclasses.replace(arg, span=span)


def _environ_key(target: ast.expr, scope: Scope, finder: CredArgs) -> str | None:
    if not isinstance(target, ast.Subscript) or isinstance(target.slice, (ast.Slice, ast.Tuple)):
        return None
    if finder.resolver.qualify(target.value, scope) != "os.environ":
        return None
    return string_of(target.slice)


def _dict_args(value: ast.expr, scope: Scope, finder: CredArgs) -> list[CredArg]:

    if not isinstance(value, ast.Dict):
        return []
    out = []
    for i, key_node in enumerate(value.keys):
        key = string_of(key_node) if key_node is not None else None
        if key in ENV_VARS:
            out.append(finder.entry(value, i, key, ENV_VARS[key], scope))
    return out


def settings_uses(finder: CredArgs, settings_module: bool) -> Iterator[Use]:
    """``AWS_SECRET_ACCESS_KEY = ...`` at the top of a settings module or in a config
    class: Django (django-storages), Flask and similar integrations pass these to boto3."""

    for node, scope in finder.collector.assigns:
        if not _settings_scope(scope, settings_module):
            continue
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        value_node = node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id in SETTINGS_NAMES and value_node:
                name = target.id
                arg = finder.statement(node, name, SETTINGS_NAMES[name], value_node, scope)
                yield Use("settings", name, (arg,), True, fixable=False)


def _settings_scope(scope: Scope, settings_module: bool) -> bool:
    if scope.kind == "module":
        return settings_module
    return scope.kind == "class" and scope.name.lower().endswith(_SETTINGS_CLASS_SUFFIXES)
