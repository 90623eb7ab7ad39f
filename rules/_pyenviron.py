"""Credentials written into the process environment or into settings modules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import libcst as cst
from rolecall.rules._pyscope import Scope
from rolecall.rules._pyvalues import string_of

if TYPE_CHECKING:
    from rolecall.rules._pysdk import CredArg, Use, _Finder

_SETTINGS_CLASS_SUFFIXES = ("config", "settings", "configuration")


def environ_uses(finder: _Finder) -> Iterator[Use]:
    """``os.environ[...] = ...``, ``os.environ.update/setdefault``, ``os.putenv``."""
    from rolecall.rules._pyapis import ENV_VARS
    from rolecall.rules._pysdk import CredArg, Use

    qualify = finder.resolver.qualify
    for node, scope in finder.collector.assigns:
        args: list[CredArg] = []
        if isinstance(node, cst.Assign):
            for target in node.targets:
                key = _environ_key(target.target, scope, finder)
                if key in ENV_VARS:
                    value = finder.value(node.value, scope)
                    args.append(CredArg(key, ENV_VARS[key], node, node.value, value))
        elif (
            isinstance(node, cst.AugAssign)
            and isinstance(node.operator, cst.BitOrAssign)
            and qualify(node.target, scope) == "os.environ"
        ):
            args.extend(_dict_args(node.value, scope, finder))
        if args:
            yield Use("environ", "os.environ", tuple(args), True, fixable=False)
    for call, scope in finder.collector.calls:
        assert isinstance(call, cst.Call)
        name = qualify(call.func, scope)
        positional = [a for a in call.args if a.keyword is None and not a.star]
        args = []
        if name in ("os.putenv", "os.environ.setdefault") and len(positional) == 2:
            key = string_of(positional[0].value)
            if key in ENV_VARS:
                value = finder.value(positional[1].value, scope)
                args.append(CredArg(key, ENV_VARS[key], call, positional[1].value, value))
        elif name == "os.environ.update":
            for arg in call.args:
                if arg.keyword is None and not arg.star:
                    args.extend(_dict_args(arg.value, scope, finder))
                elif arg.keyword is not None and arg.keyword.value in ENV_VARS:
                    key = arg.keyword.value
                    value = finder.value(arg.value, scope)
                    args.append(CredArg(key, ENV_VARS[key], arg, arg.value, value))
        if args and name is not None:
            yield Use("environ", name, tuple(args), True, fixable=False)


def _environ_key(target: cst.BaseExpression, scope: Scope, finder: _Finder) -> str | None:
    if not isinstance(target, cst.Subscript) or len(target.slice) != 1:
        return None
    index = target.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    if finder.resolver.qualify(target.value, scope) != "os.environ":
        return None
    return string_of(index.value)


def _dict_args(value: cst.BaseExpression, scope: Scope, finder: _Finder) -> list[CredArg]:
    from rolecall.rules._pyapis import ENV_VARS
    from rolecall.rules._pysdk import CredArg

    if not isinstance(value, cst.Dict):
        return []
    out = []
    for element in value.elements:
        if isinstance(element, cst.DictElement):
            key = string_of(element.key)
            if key in ENV_VARS:
                classified = finder.value(element.value, scope)
                out.append(CredArg(key, ENV_VARS[key], element, element.value, classified))
    return out


def settings_uses(finder: _Finder, settings_module: bool) -> Iterator[Use]:
    """``AWS_SECRET_ACCESS_KEY = ...`` at the top of a settings module or in a config
    class: Django (django-storages), Flask and similar integrations pass these to boto3."""
    from rolecall.rules._pyapis import SETTINGS_NAMES
    from rolecall.rules._pysdk import CredArg, Use

    for node, scope in finder.collector.assigns:
        if not _settings_scope(scope, settings_module):
            continue
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AnnAssign):
            targets = [node.target]
        else:
            continue
        value_node = node.value
        for target in targets:
            if isinstance(target, cst.Name) and target.value in SETTINGS_NAMES and value_node:
                name = target.value
                value = finder.value(value_node, scope)
                arg = CredArg(name, SETTINGS_NAMES[name], node, value_node, value)
                yield Use("settings", name, (arg,), True, fixable=False)


def _settings_scope(scope: Scope, settings_module: bool) -> bool:
    if scope.kind == "module":
        return settings_module
    return scope.kind == "class" and scope.name.lower().endswith(_SETTINGS_CLASS_SUFFIXES)
