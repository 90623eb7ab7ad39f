"""Which calls and assignments hand credentials to an AWS SDK, found in one pass.

Built once per document as the ``python-aws-credentials`` view and shared by every
RC2xx rule; each rule reports the uses of its own family. Positions are computed in one
code-generation pass, only for the uses that carry something to report.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
from rolecall import secrets
from rolecall.document import Document, View, ViewError
from rolecall.parsers.python import PythonModule, python_module
from rolecall.rules._pyapis import (
    ALL_KEYWORDS,
    APIS,
    ARROW_KW,
    BOTO_KW,
    BY_NAME,
    S3FS_KW,
    STORAGE_KEYS,
    TYPES,
    WATCHED_NAMES,
    Api,
)
from rolecall.rules._pyresolve import Resolver, dict_of
from rolecall.rules._pyscope import Collector, Scope, lookup
from rolecall.rules._pyvalues import ABSENT, Classifier, Source, Value, string_of

#: Text a file must contain to hold any finding (a keyword argument, dictionary key,
#: variable or call of credential shape), checked before paying for libcst. The rules'
#: keywords chose the file; this looks for the shape around them (PERF-NOTES).
_PRECHECK = re.compile(
    r"""
    aws_(?:s3_)?(?:access_key_id|secret_access_key|session_token)\s*=(?!=)
  | ["']aws_(?:access_key_id|secret_access_key|session_token|security_token)\\?["']
  | set_credentials\s*\(
  | (?-i:\b(?:ReadOnly|Aio)?Credentials\s*\()
  | \b(?:secret|secret_key|access_key)\s*=(?!=)
  | ["'](?:key|secret|token)\\?["']\s*:
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DJANGO_MARKERS = ("INSTALLED_APPS", "STORAGES", "DEFAULT_FILE_STORAGE", "ROOT_URLCONF")


@dataclass(frozen=True)
class CredArg:
    name: str  # keyword, dictionary key or variable name
    role: str  # "key_id" | "secret" | "token"
    node: cst.CSTNode  # what the finding points at (and a fix removes)
    value_node: cst.BaseExpression
    value: Value


@dataclass(frozen=True)
class Use:
    """One place that hands credentials over: a call, a dict, an assignment."""

    family: str
    api: str  # canonical name when resolved, else the code of the callee
    args: tuple[CredArg, ...]
    resolved: bool
    call: cst.Call | None = None  # the call a fix rewrites (None: no fix)
    dict_node: cst.Dict | None = None  # a storage_options dict bound to a name
    fixable: bool = True
    profile: bool = False  # a profile is named too: dropping keys would switch to it

    @property
    def reported(self) -> list[CredArg]:
        return [a for a in self.args if a.value.source.reported]


@dataclass(frozen=True)
class Analysis:
    module: PythonModule | None
    uses: tuple[Use, ...]


def _wants(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.star == "**" or (arg.keyword is not None and arg.keyword.value in ALL_KEYWORDS):
            return True
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
    return name in WATCHED_NAMES


class _Finder:
    def __init__(self, doc: Document, module: PythonModule, collector: Collector) -> None:
        self.doc = doc
        self.resolver = Resolver(module)
        self.values = Classifier(self.resolver)
        self.collector = collector
        self.uses: list[Use] = []

    def value(self, expr: cst.BaseExpression, scope: Scope) -> Value:
        return self.values.classify(expr, scope)

    def run(self) -> list[Use]:
        from rolecall.rules._pyenviron import environ_uses, settings_uses

        for call, scope in self.collector.calls:
            assert isinstance(call, cst.Call)
            self._call(call, scope)
        self.uses.extend(environ_uses(self))
        self.uses.extend(settings_uses(self, _looks_like_settings(self.doc, self.collector)))
        return [_plausible(use) for use in self.uses]

    def _call(self, call: cst.Call, scope: Scope) -> None:
        func = call.func
        name = self.resolver.qualify(func, scope)
        if name == "functools.partial":
            self._partial(call, scope)
            return
        if name not in APIS and isinstance(func, cst.Attribute):
            owner = self.resolver.instance_of(func.value, scope, TYPES)
            name = f"{owner}.{func.attr.value}" if owner else name
        if name in APIS:
            api = APIS[name]
            target = _s3_target(call, scope, self) if api.s3_arg else True
            if target:
                self._add(call, scope, api, name, resolved=True)
            elif target is None and _has_keywords(call, {"secret": "secret"}):
                self._add(call, scope, api, name, resolved=False)  # s3fs-style keys
        elif name is None or not name.startswith(("os.", "boto", "aio")):
            attr = func.attr.value if isinstance(func, cst.Attribute) else ""
            attr = attr or (func.value if isinstance(func, cst.Name) else "")
            if attr in BY_NAME and _has_keywords(call, BOTO_KW):
                self._add(call, scope, BY_NAME[attr], _short(func), resolved=False)
            elif attr == "S3FileSystem" and _has_keywords(call, ARROW_KW):
                self._add(call, scope, APIS["pyarrow.fs.S3FileSystem"], _short(func), False)
            elif attr == "S3FileSystem" and _has_keywords(call, S3FS_KW):
                self._add(call, scope, APIS["s3fs.S3FileSystem"], _short(func), False)
        self._storage_options(call, scope, name)

    def _partial(self, call: cst.Call, scope: Scope) -> None:
        """``functools.partial(boto3.client, aws_access_key_id=...)`` binds the keys for
        every later call: read it as a call of the wrapped function."""
        wrapped = next((a.value for a in call.args if a.keyword is None and not a.star), None)
        if wrapped is None:
            return
        name = self.resolver.qualify(wrapped, scope)
        if name not in APIS and isinstance(wrapped, cst.Attribute):
            owner = self.resolver.instance_of(wrapped.value, scope, TYPES)
            name = f"{owner}.{wrapped.attr.value}" if owner else name
        if name in APIS:
            api = dataclasses.replace(APIS[name], positional=0, s3_arg=False)
            self._add(call, scope, api, name, resolved=True)

    def _add(self, call: cst.Call, scope: Scope, api: Api, name: str, resolved: bool) -> None:
        args: list[CredArg] = []
        positional = [a for a in call.args if a.keyword is None and not a.star]
        roles = ("key_id", "secret", "token")[: api.positional]
        for arg, role in zip(positional, roles, strict=False):
            args.append(CredArg(role, role, arg, arg.value, self.value(arg.value, scope)))
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in api.keywords:
                role = api.keywords[arg.keyword.value]
                args.append(
                    CredArg(arg.keyword.value, role, arg, arg.value, self.value(arg.value, scope))
                )
        for arg in call.args:
            if arg.star == "**":
                self._expanded(call, arg, scope, api, name, resolved)
        if not args:
            return
        keeps_order = api.positional == 0 or len(positional) <= api.positional
        fixable = keeps_order and not name.endswith(("set_credentials", "Credentials"))
        profile = any(
            a.keyword is not None and a.keyword.value == "profile_name" for a in call.args
        )
        self.uses.append(
            Use(api.family, name, tuple(args), resolved, call, fixable=fixable, profile=profile)
        )

    def _expanded(
        self, call: cst.Call, arg: cst.Arg, scope: Scope, api: Api, name: str, resolved: bool
    ) -> None:
        """``client("s3", **kwargs)`` with the credentials in a dictionary literal."""
        found = dict_of(arg.value, scope)
        if found is None:
            return
        options, where = found
        args = []
        for element in options.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = string_of(element.key)
            if key is not None and key in api.keywords:
                value = self.value(element.value, where)
                args.append(CredArg(key, api.keywords[key], element, element.value, value))
        if args:
            self.uses.append(Use(api.family, name, tuple(args), resolved, dict_node=options))

    def _storage_options(self, call: cst.Call, scope: Scope, name: str | None) -> None:
        arg = next(
            (a for a in call.args if a.keyword and a.keyword.value == "storage_options"), None
        )
        if arg is None:
            return
        args: list[CredArg] = []
        container: cst.CSTNode | None = None
        found = dict_of(arg.value, scope)
        if found is not None:
            options, where = found
            container = options if options is not arg.value else None
            for element in options.elements:
                if not isinstance(element, cst.DictElement):
                    continue
                key = string_of(element.key)
                if key is not None and key in STORAGE_KEYS:
                    value = self.value(element.value, where)
                    args.append(CredArg(key, STORAGE_KEYS[key], element, element.value, value))
        elif isinstance(arg.value, cst.Call) and _is_name(arg.value.func, "dict"):
            container = arg.value  # storage_options=dict(key=..., secret=...)
            for item in arg.value.args:
                key = item.keyword.value if item.keyword is not None else None
                if key is not None and key in STORAGE_KEYS:
                    value = self.value(item.value, scope)
                    args.append(CredArg(key, STORAGE_KEYS[key], item, item.value, value))
        target = _s3_target(call, scope, self)
        aws_spelled = any(a.name.startswith("aws_") for a in args)
        if not args or target is False or (target is None and not aws_spelled and not name):
            return
        resolved = name is not None or bool(target)
        api = name or _short(call.func)
        if container is None:
            use = Use("storage_options", api, tuple(args), resolved, call)
        elif isinstance(container, cst.Dict):
            use = Use("storage_options", api, tuple(args), resolved, dict_node=container)
        else:
            assert isinstance(container, cst.Call)
            use = Use("storage_options", api, tuple(args), resolved, container)
        self.uses.append(use)


def _plausible(use: Use) -> Use:
    """Literals that cannot be AWS credentials (``"key"``, ``"ak"``), and anything given
    to a local emulator's endpoint, are not reported."""
    local = use.call is not None and _local_endpoint(use.call)
    args = tuple(
        dataclasses.replace(a, value=ABSENT)
        if a.value.literal is not None
        and (local or not secrets.plausible_credential(a.value.literal, a.role))
        else a
        for a in use.args
    )
    return dataclasses.replace(use, args=args)


def _local_endpoint(node: cst.CSTNode) -> bool:
    for child in _endpoint_values(node):
        url = string_of(child)
        if url is not None and secrets.is_local_endpoint(url):
            return True
    return False


def _endpoint_values(node: cst.CSTNode) -> list[cst.BaseExpression]:
    found: list[cst.BaseExpression] = []
    if isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "endpoint_url":
                found.append(arg.value)
            elif isinstance(arg.value, cst.Dict):
                found.extend(_endpoint_values(arg.value))
    elif isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                if string_of(element.key) in ("endpoint_url", "aws_endpoint_url", "endpoint"):
                    found.append(element.value)
                elif isinstance(element.value, cst.Dict):
                    found.extend(_endpoint_values(element.value))
    return found


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _has_keywords(call: cst.Call, keywords: Mapping[str, str]) -> bool:
    return any(a.keyword is not None and a.keyword.value in keywords for a in call.args)


def _short(func: cst.BaseExpression) -> str:
    parts: list[str] = []
    while isinstance(func, cst.Attribute):
        parts.append(func.attr.value)
        func = func.value
    parts.append(func.value if isinstance(func, cst.Name) else "...")
    return ".".join(reversed(parts))


_PATH_KEYWORDS = frozenset(
    {"path", "urlpath", "url", "protocol", "source", "uri", "filepath_or_buffer",
     "path_or_buf", "file", "fo"}
)  # fmt: skip


def _s3_target(call: cst.Call, scope: Scope, finder: _Finder) -> bool | None:
    """Whether the call's path/protocol argument names S3 (None: cannot tell).

    Names bound once are followed and an f-string counts by its known leading text,
    so ``target = f"{LAKE}/x.parquet"`` with ``LAKE = "s3://lake"`` is an S3 path.
    """
    first = next((a for a in call.args if a.keyword is None and not a.star), None)
    first = first or next(
        (a for a in call.args if a.keyword and a.keyword.value in _PATH_KEYWORDS), None
    )
    if first is None:
        return None
    text = _leading_text(first.value, scope, finder, 0)
    if not text:
        return None
    text = text.lower()
    if text in ("s3", "s3a") or text.startswith(("s3://", "s3a://", "s3n://")):
        return True
    return False if "://" in text or len(text) > 5 else None


def _leading_text(expr: cst.BaseExpression, scope: Scope, finder: _Finder, depth: int) -> str:
    if depth > 4:
        return ""
    full = finder.values.literal(expr, scope)
    if full is not None:
        return full
    if isinstance(expr, cst.Name):
        found = lookup(scope, expr.value)
        if found and len(found[0]) == 1 and found[0][0].value is not None:
            return _leading_text(found[0][0].value, found[1], finder, depth + 1)
    if isinstance(expr, cst.FormattedString):
        text = ""
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                text += part.value
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            inner = finder.values.literal(part.expression, scope)
            if inner is None:
                return text or _leading_text(part.expression, scope, finder, depth + 1)
            text += inner
        return text
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return _leading_text(expr.left, scope, finder, depth + 1)
    return ""


def _looks_like_settings(doc: Document, collector: Collector) -> bool:
    path = doc.path.lower()
    stem = posixpath.splitext(posixpath.basename(path))[0]
    parent = posixpath.basename(posixpath.dirname(path))
    if "settings" in stem or "config" in stem or parent in ("settings", "config", "conf"):
        return True
    return any(n in collector.module_scope.bindings for n in _DJANGO_MARKERS)


def _build(doc: Document) -> Analysis:
    from rolecall.document import DocKind
    from rolecall.rules._pyprecheck import may_hold_finding

    if not _PRECHECK.search(doc.text):
        return Analysis(None, ())
    if doc.kind is not DocKind.NOTEBOOK and not may_hold_finding(doc.text):
        return Analysis(None, ())
    try:
        module = python_module(doc)
    except ViewError:
        return Analysis(None, ())  # the Python view's own error becomes the notice
    collector = Collector(_wants)
    collector.walk(module.module)
    uses = tuple(_Finder(doc, module, collector).run())
    wanted: list[cst.CSTNode] = []
    for use in uses:
        if any(a.value.source is not Source.ABSENT for a in use.args):
            wanted.extend(a.node for a in use.args)
            wanted.extend(n for n in (use.call, use.dict_node) if n is not None)
    if wanted:
        module.spans(wanted)
    return Analysis(module, uses)


#: Every credential hand-over in a Python document or notebook.
AWS_CREDENTIALS: View[Analysis] = View("python-aws-credentials", _build)
