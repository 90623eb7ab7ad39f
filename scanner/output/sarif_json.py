"""A small, fast JSON encoder for sarif-om's attrs classes.

sarif-om's companion serializer (``jschema_to_python.to_json``) drops every value that
equals its schema default, so an explicit ``level: "warning"`` vanishes and the result
silently inherits its rule's level; it also deep-copies every object and is slow. Here
the rule is simpler: a field is written when it is not ``None``. Objects are built with
:func:`om`, which turns every default the caller did not pass into ``None``, so what the
caller set explicitly is exactly what is written.
"""

from __future__ import annotations

import json
import os
import re
import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attr

T = TypeVar("T")

_Fields = tuple[tuple[str, str], ...]  # (python attribute, SARIF property name)
#: Properties written first, in this order, so a log reads top-down; the rest follow in
#: sarif-om's order (required first, then alphabetical).
_FIRST = ("$schema", "version", "id", "ruleId", "ruleIndex", "name", "level", "message", "uri")
_FIELDS: dict[type, _Fields] = {}
_UNSET: dict[type, dict[str, None]] = {}


def _fields(cls: type) -> _Fields:
    found = _FIELDS.get(cls)
    if found is None:
        pairs = [
            (f.name, str(f.metadata.get("schema_property_name", f.name))) for f in attr.fields(cls)
        ]
        rank = {name: n for n, name in enumerate(_FIRST)}
        found = tuple(sorted(pairs, key=lambda pair: rank.get(pair[1], len(rank))))
        _FIELDS[cls] = found
    return found


def om(cls: Callable[..., T], **values: Any) -> T:
    """Construct a sarif-om object where every field not passed is ``None``.

    sarif-om gives some fields non-``None`` defaults (``Result.level = "warning"``,
    ``Result.rank = -1.0``, ``Run.language = "en-US"``, ...); this keeps them out of the
    log unless the caller sets them.
    """
    klass = cast(type, cls)
    unset = _UNSET.get(klass)
    if unset is None:
        unset = {f.name: None for f in attr.fields(klass) if f.default is not attr.NOTHING}
        _UNSET[klass] = unset
    return cls(**{**unset, **values})


class Spliced:
    """A value whose JSON text is known: :func:`dumps` writes ``text`` where the value
    is, without converting and encoding it again. For a part of a log that is the same
    in every log a process writes (the rule descriptors, see
    :func:`rolecall.output.sarif.render`), serialized once and kept.

    Until then it stands in the data as a string no other value can equal (NUL, 128
    random bits, NUL), which :func:`dumps` replaces by ``text``.
    """

    __slots__ = ("__weakref__", "mark", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.mark = f"\0{os.urandom(16).hex()}\0"
        _SPLICED[self.mark] = self


_SPLICED: weakref.WeakValueDictionary[str, Spliced] = weakref.WeakValueDictionary()
#: A mark as ``json.dumps(..., ensure_ascii=True)`` writes it.
_MARK = re.compile(r'"\\u0000[0-9a-f]{32}\\u0000"')

_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_data(obj: object) -> Any:
    """``obj`` as plain JSON data: attrs objects become dicts keyed by SARIF names."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is list or kind is tuple:
        return [to_data(item) for item in obj]  # type: ignore[attr-defined]
    if isinstance(obj, Mapping):
        return {str(key): to_data(value) for key, value in obj.items() if value is not None}
    if kind is Spliced:
        return obj.mark  # type: ignore[attr-defined]
    fields = _FIELDS.get(kind) or _fields(kind)
    values = obj.__dict__  # sarif-om classes are plain attrs classes, not slotted
    out: dict[str, Any] = {}
    for name, json_name in fields:
        value = values[name]
        if value is not None:
            out[json_name] = value if type(value) in _SCALARS else to_data(value)
    return out


def dumps(obj: object, *, indent: int | None = None) -> str:
    """Serialize a sarif-om object (or plain data holding some) to JSON text.

    Compact by default: with ``indent`` the standard library falls back to its pure-Python
    encoder, which takes several times longer on a large log.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(to_data(obj), indent=indent, separators=separators, ensure_ascii=True)
    if _SPLICED and "\\u0000" in text:
        text = _MARK.sub(_splice, text)
    return text


def _splice(match: re.Match[str]) -> str:
    spliced = _SPLICED.get(json.loads(match[0]))
    return match[0] if spliced is None else spliced.text
