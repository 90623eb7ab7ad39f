"""Which calls and assignments hand credentials to an AWS SDK, found in one pass.

Built once per document as the ``python-aws-credentials`` view
(:mod:`~rolecall.rules.python.analysis.view`) and shared by every RC2xx rule; each rule
reports the uses of its own family. The writes to the environment and to settings
modules are found by :mod:`~rolecall.rules.python.analysis.environ`, the last filter is
:mod:`~rolecall.rules.python.analysis.plausible`. The tree is the standard
library's ``ast``: nothing here loads libcst, which only the fixes need.
"""

from __future__ import annotations

import ast
import dataclasses
import posixpath
import re
from collections.abc import Mapping

from rolecall import Document, ViewError
from rolecall.plugin.api import PythonModule, python_module
from rolecall.rules.python.analysis.apis import (
    ALL_KEYWORDS,
    APIS,
    ARROW_KW,
    BOTO_KW,
    BY_NAME,
    S3FS_KW,
    STANDARD_ENV,
    STORAGE_KEYS,
    TYPES,
    WATCHED_NAMES,
    Api,
)
from rolecall.rules.python.analysis.credargs import CredArgs
from rolecall.rules.python.analysis.environ import environ_uses, settings_uses
from rolecall.rules.python.analysis.nodes import Arg, call_args
from rolecall.rules.python.analysis.origin import Source, positional, string_of
from rolecall.rules.python.analysis.places import s3_target
from rolecall.rules.python.analysis.plausible import plausible
from rolecall.rules.python.analysis.resolve import constructor_of, dict_of
from rolecall.rules.python.analysis.scope import Collector, Scope
from rolecall.rules.python.analysis.uses import Analysis, CredArg, Use

#: Text a file must contain to hold any finding (a keyword argument, dictionary key,
#: variable or call of credential shape), checked before parsing the file. The rules'
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
#: Session arguments that give it a credential source of its own (keys count unless
#: they are plain reads of the standard environment variables, see _standard_env_read).
_SESSION_SOURCES = frozenset({"profile_name", "botocore_session"})
_SESSION_KEY_ROLES = {
    "aws_access_key_id": "key_id",
    "aws_secret_access_key": "secret",
    "aws_session_token": "token",
}
_DJANGO_MARKERS = ("INSTALLED_APPS", "STORAGES", "DEFAULT_FILE_STORAGE", "ROOT_URLCONF")


def _wants(call: ast.Call) -> bool:
    for kw in call.keywords:
        if kw.arg is None or kw.arg in ALL_KEYWORDS:
            return True
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in WATCHED_NAMES


class _Finder(CredArgs):
    """The SDK calls of one document, then the environment and settings writes."""

    def __init__(self, doc: Document, module: PythonModule, collector: Collector) -> None:
        super().__init__(doc, module, collector)
        self.uses: list[Use] = []

    def run(self) -> list[Use]:
        for call, scope in self.collector.calls:
            assert isinstance(call, ast.Call)
            self._call(call, scope)
        self.uses.extend(environ_uses(self))
        self.uses.extend(settings_uses(self, _looks_like_settings(self.doc, self.collector)))
        return [plausible(use) for use in self.uses]

    def _call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        name = self.resolver.qualify(func, scope)
        if name == "functools.partial":
            self._partial(call, scope)
            return
        if name not in APIS and isinstance(func, ast.Attribute):
            owner = self.resolver.instance_of(func.value, scope, TYPES)
            name = f"{owner}.{func.attr}" if owner else name
        if name in APIS:
            api = APIS[name]
            target = s3_target(call, scope, self.values) if api.s3_arg else True
            if target:
                self._add(call, scope, api, name, resolved=True)
            elif target is None and _has_keywords(call, {"secret": "secret"}):
                self._add(call, scope, api, name, resolved=False)  # s3fs-style keys
        elif name is None or not name.startswith(("os.", "boto", "aio")):
            attr = func.attr if isinstance(func, ast.Attribute) else ""
            attr = attr or (func.id if isinstance(func, ast.Name) else "")
            if attr in BY_NAME and _has_keywords(call, BOTO_KW):
                self._add(call, scope, BY_NAME[attr], _short(func), resolved=False)
            elif attr == "S3FileSystem" and _has_keywords(call, ARROW_KW):
                self._add(call, scope, APIS["pyarrow.fs.S3FileSystem"], _short(func), False)
            elif attr == "S3FileSystem" and _has_keywords(call, S3FS_KW):
                self._add(call, scope, APIS["s3fs.S3FileSystem"], _short(func), False)
        self._storage_options(call, scope, name)

    def _partial(self, call: ast.Call, scope: Scope) -> None:
        """``functools.partial(boto3.client, aws_access_key_id=...)`` binds the keys for
        every later call: read it as a call of the wrapped function."""
        wrapped = next(iter(positional(call)), None)
        if wrapped is None:
            return
        name = self.resolver.qualify(wrapped, scope)
        if name not in APIS and isinstance(wrapped, ast.Attribute):
            owner = self.resolver.instance_of(wrapped.value, scope, TYPES)
            name = f"{owner}.{wrapped.attr}" if owner else name
        if name in APIS:
            api = dataclasses.replace(APIS[name], positional=0, s3_arg=False)
            self._add(call, scope, api, name, resolved=True)

    def _add(self, call: ast.Call, scope: Scope, api: Api, name: str, resolved: bool) -> None:
        args: list[CredArg] = []
        every = call_args(call)
        plain = [a for a in every if a.keyword is None and not a.star]
        roles = ("key_id", "secret", "token")[: api.positional]
        for arg, role in zip(plain, roles, strict=False):
            args.append(self.arg(call, arg, role, role, scope))
        for arg in every:
            if arg.keyword is not None and arg.keyword in api.keywords:
                args.append(self.arg(call, arg, arg.keyword, api.keywords[arg.keyword], scope))
        for arg in every:
            if arg.star == "**":
                self._expanded(arg, scope, api, name, resolved)
        if not args:
            return
        keeps_order = api.positional == 0 or len(plain) <= api.positional
        fixable = keeps_order and not name.endswith(("set_credentials", "Credentials"))
        profile = any(a.keyword == "profile_name" for a in every)
        profile = profile or self._session_has_credentials(call, scope)
        self.uses.append(
            Use(api.family, name, tuple(args), resolved, call, fixable=fixable, profile=profile)
        )

    def _session_has_credentials(self, call: ast.Call, scope: Scope) -> bool:
        """Whether ``call`` is a method of a session made with a credential source of its
        own (``boto3.Session(profile_name="dev").client(...)``): dropping the client's
        keys would then switch it to that source, not to the default chain. A session
        whose making is not visible here counts as one with a source."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        if self.resolver.instance_of(func.value, scope, TYPES) is None:
            # boto3.client(...): a module's function, no session involved; anything else
            # (a parameter, an attribute) is a session whose source is not known here.
            return self.resolver.qualify(func.value, scope) is None
        made = constructor_of(func.value, scope)
        if made is None or made.args:
            return True
        for kw in made.keywords:
            role = _SESSION_KEY_ROLES.get(kw.arg or "")
            if role is not None:
                if not self._standard_env_read(kw.value, role, scope):
                    return True  # its own keys: dropping the client's switches to them
            elif kw.arg is None or kw.arg in _SESSION_SOURCES:
                return True
        return False

    def _standard_env_read(self, node: ast.expr, role: str, scope: Scope) -> bool:
        """``os.environ["AWS_..."]`` / ``os.getenv("AWS_...")`` of the standard variable
        for ``role``, without a default: what the default chain reads anyway."""
        value = self.value(node, scope)
        return (
            isinstance(node, (ast.Call, ast.Subscript))
            and value.source is Source.ENVIRONMENT
            and not value.has_default
            and value.env_var == STANDARD_ENV[role]
        )

    def _expanded(self, arg: Arg, scope: Scope, api: Api, name: str, resolved: bool) -> None:
        """``client("s3", **kwargs)`` with the credentials in a dictionary literal."""
        found = dict_of(arg.value, scope)
        if found is None:
            return
        options, where = found
        args = []
        for i, key_node in enumerate(options.keys):
            key = string_of(key_node) if key_node is not None else None
            if key is not None and key in api.keywords:
                args.append(self.entry(options, i, key, api.keywords[key], where))
        if args:
            self.uses.append(Use(api.family, name, tuple(args), resolved, dict_node=options))

    def _storage_options(self, call: ast.Call, scope: Scope, name: str | None) -> None:
        every = call_args(call)
        arg = next((a for a in every if a.keyword == "storage_options"), None)
        if arg is None:
            return
        args: list[CredArg] = []
        container: ast.Call | ast.Dict | None = None
        found = dict_of(arg.value, scope)
        if found is not None:
            options, where = found
            inline = options is arg.value
            container = None if inline else options
            for i, key_node in enumerate(options.keys):
                key = string_of(key_node) if key_node is not None else None
                if key is not None and key in STORAGE_KEYS:
                    outer = arg.index if inline else -1
                    args.append(self.entry(options, i, key, STORAGE_KEYS[key], where, outer))
        elif isinstance(arg.value, ast.Call) and _is_name(arg.value.func, "dict"):
            inner = arg.value
            container = inner  # storage_options=dict(key=..., secret=...)
            for item in call_args(inner):
                if item.keyword is not None and item.keyword in STORAGE_KEYS:
                    role = STORAGE_KEYS[item.keyword]
                    args.append(self.arg(inner, item, item.keyword, role, scope))
        target = s3_target(call, scope, self.values)
        aws_spelled = any(a.name.startswith("aws_") for a in args)
        if not args or target is False or (target is None and not aws_spelled and not name):
            return
        resolved = name is not None or bool(target)
        api = name or _short(call.func)
        if container is None:
            use = Use("storage_options", api, tuple(args), resolved, call)
        elif isinstance(container, ast.Dict):
            use = Use("storage_options", api, tuple(args), resolved, dict_node=container)
        else:
            use = Use("storage_options", api, tuple(args), resolved, container)
        self.uses.append(use)


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _has_keywords(call: ast.Call, keywords: Mapping[str, str]) -> bool:
    return any(kw.arg is not None and kw.arg in keywords for kw in call.keywords)


def _short(func: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    parts.append(func.id if isinstance(func, ast.Name) else "...")
    return ".".join(reversed(parts))


def _looks_like_settings(doc: Document, collector: Collector) -> bool:
    path = doc.path.lower()
    stem = posixpath.splitext(posixpath.basename(path))[0]
    parent = posixpath.basename(posixpath.dirname(path))
    if "settings" in stem or "config" in stem or parent in ("settings", "config", "conf"):
        return True
    return any(n in collector.module_scope.bindings for n in _DJANGO_MARKERS)


def build(doc: Document) -> Analysis:
    """Every credential hand-over in ``doc``: what the ``python-aws-credentials`` view
    (:mod:`~rolecall.rules.python.analysis.view`) holds."""
    if not _PRECHECK.search(doc.text):
        return Analysis(None, ())
    try:
        module = python_module(doc)
    except ViewError:
        return Analysis(None, ())  # the Python view's own error becomes the notice
    collector = Collector(_wants)
    collector.walk(module.tree)
    finder = _Finder(doc, module, collector)
    return Analysis(module, tuple(finder.run()), finder.measure)
