"""Which calls and assignments hand credentials to an AWS SDK, found in one pass.

Built once per document as the ``python-aws-credentials`` view and shared by every
RC2xx rule; each rule reports the uses of its own family. The tree is the standard
library's ``ast``: nothing here loads libcst, which only the fixes need.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from rolecall import Document, View, ViewError
from rolecall.plugin.api import PythonModule, python_module
from rolecall.rules.aws.names import plausible_credential
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
from rolecall.rules.python.analysis.nodes import Arg, Measure, call_args
from rolecall.rules.python.analysis.places import local_endpoint, s3_target
from rolecall.rules.python.analysis.resolve import Resolver, constructor_of, dict_of
from rolecall.rules.python.analysis.scope import Collector, Scope
from rolecall.rules.python.analysis.values import (
    ABSENT,
    Classifier,
    Source,
    Value,
    positional,
    string_of,
)

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


@dataclass(frozen=True)
class CredArg:
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


@dataclass(frozen=True)
class Analysis:
    module: PythonModule | None
    uses: tuple[Use, ...]
    measure: Measure | None = None


def _wants(call: ast.Call) -> bool:
    for kw in call.keywords:
        if kw.arg is None or kw.arg in ALL_KEYWORDS:
            return True
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in WATCHED_NAMES


class _Finder:
    def __init__(self, doc: Document, module: PythonModule, collector: Collector) -> None:
        self.doc = doc
        self.measure = Measure(module)
        self.resolver = Resolver()
        self.values = Classifier(self.resolver)
        self.collector = collector
        self.uses: list[Use] = []

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

    def run(self) -> list[Use]:
        from rolecall.rules.python.analysis.environ import environ_uses, settings_uses

        for call, scope in self.collector.calls:
            assert isinstance(call, ast.Call)
            self._call(call, scope)
        self.uses.extend(environ_uses(self))
        self.uses.extend(settings_uses(self, _looks_like_settings(self.doc, self.collector)))
        return [_plausible(use) for use in self.uses]

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


def _plausible(use: Use) -> Use:
    """Drop what is not a static credential: literals that cannot be AWS credentials
    (``"key"``, ``"mock-secret-key"``) or that go to a local emulator's endpoint, keys
    that travel with a session token (temporary credentials), and parameters that SDK
    wrappers and credential objects only pass on."""
    local = use.call is not None and local_endpoint(use.call)
    args = tuple(
        dataclasses.replace(a, value=ABSENT)
        if a.value.literal is not None
        and (local or not _plausible_literal(a.value.literal, a.role))
        else a
        for a in use.args
    )
    temporary = any(a.role == "token" and a.value.source in _TEMPORARY_TOKEN for a in args)
    # A credential object built from a caller's values (a provider, a signer, a request
    # being verified): every run-time part of it is the caller's, not a static key.
    builds = use.api.endswith(("Credentials", "set_credentials")) and any(
        a.value.source is Source.PARAMETER for a in args
    )
    args = tuple(
        dataclasses.replace(a, value=_STS)
        if ((temporary or builds) and a.value.source in _RUN_TIME) or _passed_on(a)
        else a
        for a in args
    )
    return dataclasses.replace(use, args=args)


#: Where a session token that marks temporary credentials comes from: run-time values
#: (a parameter, a variable, an attribute, a settings value), not the environment (the
#: standard variables read explicitly stay reported, with their fix) nor a literal.
_TEMPORARY_TOKEN = frozenset({Source.PARAMETER, Source.VARIABLE, Source.CONFIG, Source.STS})
#: Values that a session token beside them makes temporary: everything but literals
#: (a committed key stays reported whatever travels with it) and the environment.
_RUN_TIME = frozenset({Source.PARAMETER, Source.VARIABLE, Source.CONFIG})
_STS = Value(Source.STS)
#: Lower-case words joined by ``-``, ``_`` or ``.``: a value that names itself
#: (``"mock-aws-secret-access-key"``, ``"bad-token-causes-400"``, ``"__internal_call__"``).
#: AWS secrets and session tokens are random base64 and never look like this.
_SPELLED_OUT = re.compile(r"_*[a-z]+(?:[-_.]+[a-z0-9]+)+_*")


def _plausible_literal(value: str, role: str) -> bool:
    if not plausible_credential(value, role) or _typed_sequence(value):
        return False
    return role == "key_id" or not _SPELLED_OUT.fullmatch(value)


def _typed_sequence(value: str) -> bool:
    """A run of six letters or digits typed in order, up or down (``ABCDEFGHIJ...``,
    ``TSRQPONMLK...``): the policy of rolecall.rules.aws.key_ids for key ids, applied to secrets
    too. A random 40-character secret holds one with a probability below 1e-7."""
    up = down = 1
    for before, after in itertools.pairwise(value):
        step = ord(after) - ord(before) if before.isalnum() and after.isalnum() else 0
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        if up >= 6 or down >= 6:
            return True
    return False


def _passed_on(arg: CredArg) -> bool:
    """A wrapper's own ``aws_access_key_id`` parameter passed on under the same name
    (``boto3.Session.client``, emulator client factories): the caller decides where the
    key comes from, and an SDK's signature is not a credential."""
    value = arg.value
    return value.source is Source.PARAMETER and value.name == arg.name and value.name[:4] == "aws_"


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


def _build(doc: Document) -> Analysis:
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


#: Every credential hand-over in a Python document or notebook.
AWS_CREDENTIALS: View[Analysis] = View("python-aws-credentials", _build)
