"""A C decision first for JSON: can any built-in JSON rule report anything in a file?

Not a rule module. The position-keeping JSON tree (``rolecall.read.parsers.json``) costs
Python time per character; botocore's API models alone are 128 MB of JSON, and their
shapes are named ``SecretAccessKey`` and ``SessionToken``, so the keyword prefilter
sends them to the configuration rules. :data:`JSON_GATE` reads the text with the C
parser and walks the plain result once for a *candidate*: something a rule that reads
the JSON tree through :func:`~rolecall.rules.config.places.config_entries` or
:func:`~rolecall.rules.config.places.tree_roots` could report. Only a file with a
candidate, or one the C parser refuses, gets the position-keeping tree.

The gate over-approximates every such rule (RC301, RC307, RC310, RC311, RC320, RC321):
each reports a string value that ``credential_value`` accepts under some name, a value
shaped like an access key id (which makes its neighbours secrets by position), or a
structure named below. A candidate is any of:

- a string value shaped like an access key id (blanks aside), also after ``KEY=`` in an
  environment list item;
- a string value that ``credential_value`` accepts under its key, under the key of its
  mapping when the key is ``default``/``value`` (the binding name), or under the string
  of a ``name``/``key`` sibling when the key is ``value`` (Kubernetes/ECS environment
  items, API client variables), or under ``KEY`` of a ``KEY=value`` environment item;
- HTTPie's ``raw_auth`` (``id:secret``) and Terraform's ``ses_smtp_password_v4``;
- a root object that is a Kubernetes Secret, or has CloudFormation ``Resources`` or
  ``Outputs``.

Keys and paths follow :func:`~rolecall.read.parsers.common.flatten` (a ``<<`` key adds no
path element) and :func:`~rolecall.read.parsers.common.walk` where the rules use it. A tree
beyond the parser's budget (depth, node count) counts as a candidate, so that the full
parse runs and reports it as it always has.

A rule that comes to read JSON through ``config_entries``/``tree_roots`` and reports
something else must add it here: ``tests/rules/config/test_json_gate.py`` scans real files and
random trees with the gate and without it and requires the same report.
"""

from __future__ import annotations

import gc
from typing import Any

from rolecall import Document, View
from rolecall.plugin.api import MAX_DEPTH, MAX_NODES
from rolecall.rules.aws.names import credential_name, credential_value
from rolecall.rules.config.env_blocks import is_env_key

_NAMED = 1  # a credential name
_BINDING = 2  # "default"/"value": the value is bound to its mapping's key
_NAME = 4  # "name"/"key": names the "value" beside it
_VALUE = 8  # "value"
_ENV = 16  # an environment block
_SPECIAL = 32  # raw_auth, ses_smtp_password_v4

_KEY_ID_PREFIXES = frozenset({"AKIA", "ASIA", "ABIA", "ACCA"})


def _flags(key: str) -> int:
    lowered = key.lower()
    flags = _NAMED if credential_name(key) is not None else 0
    if lowered in ("default", "value"):
        flags |= _BINDING
    if lowered in ("name", "key"):
        flags |= _NAME
    if lowered == "value":
        flags |= _VALUE
    if is_env_key(key):
        flags |= _ENV
    if key in ("raw_auth", "ses_smtp_password_v4"):
        flags |= _SPECIAL
    return flags


def _key_id_like(value: str) -> bool:
    """The rules' first look for a key id (``_may_be_key_id``), no narrower."""
    value = value.strip()
    return len(value) == 20 and value[:4] in _KEY_ID_PREFIXES


def _root_candidate(root: object) -> bool:
    """A root object a rule reads by structure: a Kubernetes Secret (RC301 decodes its
    ``data``), CloudFormation ``Resources`` (RC310) or ``Outputs`` (RC311)."""
    if type(root) is not tuple:
        return False
    for key, value in root:
        if key in ("Resources", "Outputs") or (key == "kind" and value == "Secret"):
            return True
    return False


def may_report(root: object) -> bool:
    """Whether a JSON rule may report something in ``root`` (a :func:`load_fast` tree),
    or the tree exceeds the position-keeping parser's budget."""
    if _root_candidate(root):
        return True
    if type(root) is str:
        return len(root) >= 20 and _key_id_like(root)
    if type(root) is not tuple and type(root) is not list:
        return False
    return _walk(root)


#: A container still to look at: (the container, its last path element, the one
#: before, its depth, whether it is an environment list). "" stands for a sequence
#: position or no element (never a name).
_Pending = tuple[object, str, str, int, bool]


def _walk(root: object) -> bool:
    """:func:`may_report` of a container, depth first without recursion (a tree may be
    as deep as the C parser allows), one call per container and none per value."""
    known: dict[str, int] = {}
    nodes = 1
    stack: list[_Pending] = [(root, "", "", 1, False)]
    while stack:
        node, key, parent, depth, env = stack.pop()
        if depth > MAX_DEPTH:
            return True
        nodes += len(node)  # type: ignore[arg-type]
        if nodes > MAX_NODES:
            return True
        if type(node) is list:
            if _sequence(node, key, depth, env, stack):
                return True
        elif _mapping(node, key, parent, depth, known, stack):  # type: ignore[arg-type]
            return True
    return False


def _sequence(node: list[Any], key: str, depth: int, env: bool, stack: list[_Pending]) -> bool:
    """A candidate among the strings of a sequence; its containers go on ``stack``."""
    for item in node:
        kind = type(item)
        if kind is str:
            size = len(item)
            if size >= 20 and (
                item[:4] in _KEY_ID_PREFIXES
                if size == 20
                else (item[0].isspace() or item[-1].isspace()) and _key_id_like(item)
            ):
                return True
            if env and "=" in item and _env_item(item):
                return True
        elif kind is tuple or kind is list:
            stack.append((item, "", key, depth + 1, False))
    return False


def _mapping(
    node: tuple[tuple[str, Any], ...],
    key: str,
    parent: str,
    depth: int,
    known: dict[str, int],
    stack: list[_Pending],
) -> bool:
    """A candidate among the string values of a mapping (pairs, as :func:`load_fast`
    gives them); its containers go on ``stack``. ``known`` caches :func:`_flags`."""
    names: list[str] = []
    values: list[str] = []
    for k, v in node:
        kind = type(v)
        if kind is str:
            # _key_id_like(v), without a call for the many values that cannot be one.
            size = len(v)
            if size >= 20 and (
                v[:4] in _KEY_ID_PREFIXES
                if size == 20
                else (v[0].isspace() or v[-1].isspace()) and _key_id_like(v)
            ):
                return True
            # A "<<" key adds no path element (flatten): its value is the mapping's.
            path_key = key if k == "<<" else k
            f = known.get(path_key)
            if f is None:
                f = known[path_key] = _flags(path_key)
            if not f:
                continue
            if f & _NAMED and credential_value(path_key, v) is not None:
                return True
            if f & _BINDING:
                path_parent = parent if k == "<<" else key
                g = known.get(path_parent)
                if g is None:
                    g = known[path_parent] = _flags(path_parent)
                if g & _NAMED and credential_value(path_parent, v) is not None:
                    return True
            if f & _SPECIAL:
                return True
            if k != "<<":
                if f & _NAME:
                    names.append(v)
                if f & _VALUE:
                    values.append(v)
        elif kind is tuple or kind is list:
            if k == "<<":
                path_key, path_parent = key, parent
            else:
                path_key, path_parent = k, key
            env = False
            if kind is list:
                # Environment lists are found by walk(), whose paths keep "<<".
                f = known.get(k)
                if f is None:
                    f = known[k] = _flags(k)
                env = bool(f & _ENV)
            stack.append((v, path_key, path_parent, depth + 1, env))
    return bool(names and values and _named_value(names, values))


def _env_item(item: str) -> bool:
    """A ``KEY=value`` environment list item whose value a rule may report."""
    name, _, value = item.partition("=")
    return _key_id_like(value) or credential_value(name.strip(), value) is not None


def _named_value(names: list[str], values: list[str]) -> bool:
    """Whether a ``value`` string is a credential under a ``name``/``key`` sibling."""
    return any(
        credential_value(name, value) is not None
        for name in names
        if credential_name(name) is not None
        for value in values
    )


def _decide(doc: Document) -> bool:
    from rolecall.plugin.api import load_fast

    # The C parser's tree holds no reference cycle, but its tuples and lists are tracked
    # by the cyclic collector: a 4 MB model allocates a million of them, which starts
    # collections that traverse every young object again and again (a third of the
    # decoding time). Off while the tree lives; freed by reference counting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        root = load_fast(doc.text)
        return True if root is None else may_report(root)
    finally:
        root = None
        if collecting:
            gc.enable()


JSON_GATE: View[bool] = View("json-gate", _decide)
"""True when the JSON rules need the position-keeping tree of a document: a candidate,
or text the C parser refuses (then the full parse gives the notice it always gave)."""
