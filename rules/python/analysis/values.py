"""Where a credential value in Python code comes from.

DESIGN.md's severity policy, applied to an expression: a string literal (or a name
bound to one, a concatenation or f-string of literals) is an embedded key; an
environment or configuration lookup, a parameter or any other run-time value still
bypasses the provider chain; values read from an STS response or from credentials the
chain resolved are the recommended pattern; ``None``, placeholders and AWS's documented
example keys are not credentials (rolecall.rules.common.placeholders decides which).
"""

from __future__ import annotations

import ast

from rolecall.plugin.api import lazy
from rolecall.rules.common import placeholders
from rolecall.rules.python.analysis.origin import (
    ABSENT,
    Source,
    Value,
    index_string,
    positional,
    string_of,
    worst,
)
from rolecall.rules.python.analysis.resolve import Resolver
from rolecall.rules.python.analysis.scope import Binding, Scope, lookup

_MAX_DEPTH = 8

#: Field names of the credentials in STS (and Cognito) responses.
STS_FIELDS = frozenset({"AccessKeyId", "SecretAccessKey", "SessionToken", "SecretKey"})
#: Methods whose results carry temporary credentials.
STS_METHODS = frozenset(
    {
        "assume_role",
        "assume_role_with_web_identity",
        "assume_role_with_saml",
        "get_session_token",
        "get_federation_token",
        "get_credentials_for_identity",
        "get_role_credentials",
    }
)
#: Attributes of botocore credential objects the provider chain resolved.
_CHAIN_ATTRS = frozenset({"access_key", "secret_key", "token"})
_CHAIN_METHODS = frozenset({"get_credentials", "get_frozen_credentials"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
#: Packages of AWS emulators: credentials they define are their own test values.
EMULATOR_PACKAGES = frozenset({"localstack", "moto"})
_CONFIG_GETTERS = frozenset({"env", "config", "getenv", "get_env", "get_setting", "decouple"})


class Classifier:
    """Where values come from. What a name (or ``self.<attr>``) holds depends only on
    its bindings and the recursion depth, so each answer is remembered per scope and
    name: a name bound many times, used many times or bound to itself (``v = v or w``)
    costs time linear in its bindings, never their product along chains of names."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._names: dict[tuple[int, str, int], Value] = {}
        self._attrs: dict[tuple[int, str, int], Value] = {}
        self._environments: dict[tuple[int, str, int], bool] = {}
        self._iam_keys: dict[tuple[int, str], bool] = {}
        self._chains: dict[tuple[int, str, int], bool] = {}

    def classify(self, expr: ast.expr, scope: Scope, depth: int = 0) -> Value:
        if depth > _MAX_DEPTH:
            return Value(Source.VARIABLE)
        parts: list[ast.expr] = []
        literal = self.literal(expr, scope, depth, parts)
        if literal is not None:
            return literal_value(literal, tuple(parts))
        if isinstance(expr, ast.Constant) and expr.value is None:
            return ABSENT
        if isinstance(expr, (ast.Name, ast.Attribute)) and self._emulator_constant(expr, scope):
            return ABSENT
        if isinstance(expr, ast.Name):
            return self._name(expr, scope, depth)
        if isinstance(expr, ast.BoolOp):
            # ``a or b or c`` is one node here: fold it as nested pairs, left first.
            result = self.classify(expr.values[-1], scope, depth + 1)
            for operand in reversed(expr.values[:-1]):
                result = worst(self.classify(operand, scope, depth + 1), result)
            return result
        if isinstance(expr, ast.IfExp):
            return worst(
                self.classify(expr.body, scope, depth + 1),
                self.classify(expr.orelse, scope, depth + 1),
            )
        if isinstance(expr, ast.Subscript):
            return self._subscript(expr, scope)
        if isinstance(expr, ast.JoinedStr) and _names_itself(expr):
            return ABSENT
        if isinstance(expr, ast.Call):
            return self._call(expr, scope, depth)
        if isinstance(expr, ast.Attribute):
            if expr.attr in _CHAIN_ATTRS and self._from_chain(expr.value, scope, depth):
                return Value(Source.STS)
            owner = _attribute_owner(expr, scope)
            assigned = owner.attrs.get(expr.attr, []) if owner is not None else []
            if owner is not None and assigned:
                # ``self.key``: what the class's methods assign to it (``self.key = "foo"``
                # in setUp is a test value, ``self.key = key`` in __init__ a parameter).
                key = (id(owner), expr.attr, depth)
                known = self._attrs.get(key)
                if known is None:
                    known = self._attrs[key] = self._worst_of(assigned, depth)
                return known
            return Value(Source.CONFIG)
        return Value(Source.VARIABLE)

    def literal(
        self, expr: ast.expr, scope: Scope, depth: int = 0, parts: list[ast.expr] | None = None
    ) -> str | None:
        """The string an expression always evaluates to: literals, and names bound once
        to literals, joined by ``+`` or inside f-strings. The string literals it is made
        of are appended to ``parts`` (when given)."""
        if depth > _MAX_DEPTH:
            return None
        value = string_of(expr)
        if value is not None:
            if parts is not None:
                parts.append(expr)
            return value
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = self.literal(expr.left, scope, depth + 1, parts)
            right = self.literal(expr.right, scope, depth + 1, parts)
            return left + right if left is not None and right is not None else None
        if isinstance(expr, ast.Name):
            return self._bound_literal(expr.id, scope, depth, parts)
        if isinstance(expr, ast.Attribute):
            body = self._class_body(expr.value, scope)
            if body is not None:
                return self._bound_literal(expr.attr, body, depth, parts)
        return None

    def _emulator_constant(self, expr: ast.expr, scope: Scope) -> bool:
        """A name imported from an AWS emulator's package (``from localstack.constants
        import INTERNAL_AWS_SECRET_ACCESS_KEY``, ``config.X`` after ``from localstack
        import config``): the emulator's own dummy credentials, only it accepts them."""
        name = self.resolver.qualify(expr, scope)
        return name is not None and name.split(".", 1)[0] in EMULATOR_PACKAGES

    def _bound_literal(
        self, name: str, scope: Scope, depth: int, parts: list[ast.expr] | None
    ) -> str | None:
        found = lookup(scope, name)
        if found is not None and len(found[0]) == 1 and found[0][0].kind == "assign":
            bound = found[0][0].value
            if bound is None:
                return None
            return self.literal(bound, found[1], depth + 1, parts)
        return None

    def _class_body(self, expr: ast.expr, scope: Scope) -> Scope | None:
        """The body of the class ``expr`` names (``Config`` in ``Config.KEY``, also
        ``self``/``cls`` inside its methods), for constants kept on a class."""
        if not isinstance(expr, ast.Name):
            return None
        if expr.id in ("self", "cls"):
            current: Scope | None = scope
            while current is not None and current.enclosing_class is None:
                current = current.parent
            return current.enclosing_class if current is not None else None
        found = lookup(scope, expr.id)
        if found is None or len(found[0]) != 1 or found[0][0].kind != "class":
            return None
        return found[0][0].body_scope

    def _worst_of(self, assigned: list[tuple[ast.expr, Scope]], depth: int) -> Value:
        result = self.classify(assigned[0][0], assigned[0][1], depth + 1)
        for value, where in assigned[1:]:
            result = worst(result, self.classify(value, where, depth + 1))
        return result

    def _name(self, expr: ast.Name, scope: Scope, depth: int) -> Value:
        found = lookup(scope, expr.id)
        if found is None:
            return Value(Source.VARIABLE)
        bindings, owner = found
        key = (id(owner), expr.id, depth)
        known = self._names.get(key)
        if known is None:
            known = self._names[key] = self._bound(expr.id, bindings, owner, depth)
        return known

    def _bound(self, name: str, bindings: list[Binding], owner: Scope, depth: int) -> Value:
        if any(b.kind == "param" for b in bindings):
            return Value(Source.PARAMETER, name=name)
        if any(b.kind == "import" for b in bindings):
            return Value(Source.CONFIG)
        assigned = [
            (b.value, owner) for b in bindings if b.kind == "assign" and b.value is not None
        ]
        if not assigned:
            return Value(Source.VARIABLE)
        return self._worst_of(assigned, depth)

    def _subscript(self, expr: ast.Subscript, scope: Scope) -> Value:
        keys: list[str] = []
        base: ast.expr = expr
        while isinstance(base, ast.Subscript):
            key = index_string(base)
            if key is None:
                break
            keys.append(key)
            base = base.value
        if keys and keys[0] in STS_FIELDS and not self._iam_key(keys, base, scope):
            return Value(Source.STS)
        if len(keys) == 1 and self._environment(base, scope):
            return Value(Source.ENVIRONMENT, env_var=keys[0])
        return Value(Source.CONFIG)

    def _environment(self, expr: ast.expr, scope: Scope, depth: int = 0) -> bool:
        """``os.environ``, or a copy of it saved earlier (``saved = os.environ.copy()``,
        ``self._env = dict(os.environ)``)."""
        if self.resolver.qualify(expr, scope) == "os.environ":
            return True
        if depth > 2:
            return False
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "copy" and not expr.args:
                return self._environment(func.value, scope, depth + 1)
            if isinstance(func, ast.Name) and func.id == "dict" and len(expr.args) == 1:
                return self._environment(expr.args[0], scope, depth + 1)
            return False
        owner: Scope | None = None
        assigned: list[tuple[ast.expr, Scope]] = []
        if isinstance(expr, ast.Name):
            found = lookup(scope, expr.id)
            if found is not None:
                owner, name = found[1], expr.id
                assigned = [(b.value, owner) for b in found[0] if b.value is not None]
        elif isinstance(expr, ast.Attribute):
            owner, name = _attribute_owner(expr, scope), "self." + expr.attr
            assigned = owner.attrs.get(expr.attr, []) if owner is not None else []
        if owner is None or not assigned:
            return False
        key = (id(owner), name, depth)
        known = self._environments.get(key)
        if known is None:
            known = self._environments[key] = all(
                self._environment(value, where, depth + 1) for value, where in assigned
            )
        return known

    def _iam_key(self, keys: list[str], base: ast.expr, scope: Scope) -> bool:
        """``create_access_key()["AccessKey"]``: a new long-term key, not STS credentials."""
        if "AccessKey" in keys:
            return True
        if isinstance(base, ast.Name):
            found = lookup(scope, base.id)
            if found is None:
                return False
            key = (id(found[1]), base.id)
            known = self._iam_keys.get(key)
            if known is None:
                values = [b.value for b in found[0] if b.value is not None]
                known = any("AccessKey" in _keys_and_calls(v) for v in values)
                self._iam_keys[key] = known
            return known
        return "AccessKey" in _keys_and_calls(base)

    def _call(self, expr: ast.Call, scope: Scope, depth: int) -> Value:
        func = expr.func
        args = positional(expr)
        first = string_of(args[0]) if args else None
        if isinstance(func, ast.Attribute) and func.attr == "get" and first in STS_FIELDS:
            return Value(Source.STS)
        if isinstance(func, ast.Name) and func.id == "str" and len(args) == 1:
            return self.classify(args[0], scope, depth + 1)
        callee = self.resolver.qualify(func, scope)
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and callee not in _ENV_GETTERS
            and self._environment(func.value, scope)
        ):
            callee = "os.environ.get"  # a saved copy of the environment
        if callee in _ENV_GETTERS and first is not None:
            default = args[1] if len(args) > 1 else None
            if default is not None:
                fallback = self.classify(default, scope, depth + 1)
                if fallback.source is Source.LITERAL:
                    return fallback
            has_default = default is not None and not (
                isinstance(default, ast.Constant) and default.value is None
            )
            return Value(Source.ENVIRONMENT, env_var=first, has_default=has_default)
        name = func.attr if isinstance(func, ast.Attribute) else _name_of(func)
        if first is not None and (name in _CONFIG_GETTERS or _is_config_object(func)):
            return Value(Source.CONFIG)
        return Value(Source.VARIABLE)

    def _from_chain(self, expr: ast.expr, scope: Scope, depth: int) -> bool:
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
            return expr.func.attr in _CHAIN_METHODS
        if isinstance(expr, ast.Name) and depth <= _MAX_DEPTH:
            if "cred" in expr.id.lower():
                return True
            found = lookup(scope, expr.id)
            if found is None:
                return False
            key = (id(found[1]), expr.id, depth)
            known = self._chains.get(key)
            if known is None:
                known = self._chains[key] = any(
                    b.value is not None and self._from_chain(b.value, found[1], depth + 1)
                    for b in found[0]
                )
            return known
        return False


def _attribute_owner(expr: ast.Attribute, scope: Scope) -> Scope | None:
    """For ``self.<attr>``, the enclosing class, whose ``attrs`` hold the values its
    methods assign to it; None for any other attribute."""
    if not (isinstance(expr.value, ast.Name) and expr.value.id == "self"):
        return None
    current: Scope | None = scope
    while current is not None and current.enclosing_class is None:
        current = current.parent
    return current.enclosing_class if current is not None else None


#: The text of an f-string around its run-time parts, when it only names what the
#: value is: ``f"{profile}-access-key"``, ``f"fake-{rand(15)}"``, ``f"{user}_secret"``.
_NAMING_TEXT = lazy(r"[-_./: ]*(?:[a-z]+[-_./: ]*)+")


def _names_itself(expr: ast.JoinedStr) -> bool:
    """An f-string whose every literal part is lower-case words and separators around
    run-time values: a generated test value, never an embedded key."""
    parts = [p.value for p in expr.values if isinstance(p, ast.Constant)]
    has_insert = any(isinstance(p, ast.FormattedValue) for p in expr.values)
    return (
        has_insert
        and bool(parts)
        and all(isinstance(p, str) and _NAMING_TEXT.fullmatch(p) for p in parts)
    )


def _keys_and_calls(expr: ast.expr) -> set[str]:
    """String subscripts and called method names along an expression's spine, with
    ``create_access_key`` counted as the "AccessKey" it returns."""
    found: set[str] = set()
    while True:
        if isinstance(expr, ast.Subscript):
            key = index_string(expr)
            if key is not None:
                found.add(key)
            expr = expr.value
        elif isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "create_access_key":
                found.add("AccessKey")
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            expr = expr.value
        else:
            return found


def _is_config_object(func: ast.expr) -> bool:
    """``env.str("X")``, ``config.get("X")``: a getter on a configuration object."""
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id.lower() in ("env", "config", "settings", "conf", "environ")
    )


def _name_of(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else ""


def literal_value(value: str, parts: tuple[ast.expr, ...] = ()) -> Value:
    """What a literal string is as a credential: an AWS documentation example, no
    credential at all (a placeholder), or an embedded one."""
    if placeholders.is_documented_example(value):
        return Value(Source.EXAMPLE, literal=value, parts=parts)
    if placeholders.is_not_a_secret(value):
        return ABSENT
    return Value(Source.LITERAL, literal=value, parts=parts)
