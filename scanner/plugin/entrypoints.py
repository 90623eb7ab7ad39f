"""Entry points of one group, found without importing :mod:`importlib.metadata`.

``importlib.metadata`` imports ``email``, ``zipfile``, ``csv`` and ``pathlib``: about a
fifth of rolecall's start-up on a pre-commit run of a few files. Rules are found through
entry points on every scan, so this module reads the installed distributions' metadata
directories on ``sys.path`` itself: ``*.dist-info`` and ``*.egg-info`` folders with an
``entry_points.txt``, the first distribution of a name on ``sys.path`` winning, as
``importlib.metadata.entry_points()`` does. Anything unusual (a zip file on ``sys.path``,
a custom finder that provides distributions) falls back to ``importlib.metadata``.

An entry point may name a package that declares its rule modules in ``RULE_MODULES``
(rolecall's own rules are one such entry point, ``rolecall = "rolecall.rules"``): each
declared module then counts as an entry point of its own, named as the declaration says
(``"aws_keys = rolecall.rules.aws.keys"``) or after the module's last part
(:func:`module_entry_points`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from rolecall.plugin.lazyre import lazy

#: The group rule plugins (and the built-in rules) register in.
ENTRY_POINT_GROUP = "rolecall.rules"
#: The package of the built-in rules, rolecall's one entry point in the group.
BUILTIN_PACKAGE = "rolecall.rules"
#: The attribute in which a package entry point lists its rule modules (dotted names).
RULE_MODULES = "RULE_MODULES"

_NORMAL = re.compile(r"[-_.]+")
_NAME = lazy(r"[\w.-]+$")
_VALUE = lazy(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
_META_SUFFIXES = (".dist-info", ".egg-info")


@dataclass(frozen=True)
class EntryPointInfo:
    """One entry point and the distribution (name, version) that declares it."""

    name: str
    value: str
    dist: str
    version: str

    def load(self) -> object:
        """Import the object the entry point names (ValueError for a malformed value)."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"malformed entry point value {self.value!r}")
        obj: object = import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            obj = getattr(obj, attr)
        return obj


def entry_points(group: str) -> list[EntryPointInfo]:
    """The entry points of ``group`` of every installed distribution."""
    if not _plain_path():
        return _via_importlib(group)
    seen: set[str] = set()
    out: list[EntryPointInfo] = []
    for entry in sys.path:
        directory = entry or "."
        try:
            names = sorted(n for n in os.listdir(directory) if n.endswith(_META_SUFFIXES))
        except OSError:
            continue
        for folder in names:
            stem = folder.rsplit(".", 1)[0]
            dist, _, version = stem.partition("-")
            key = _NORMAL.sub("_", dist).lower()
            if key in seen:
                continue
            seen.add(key)
            path = os.path.join(directory, folder, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            entries = _section(text, group)
            if entries:
                version = version.split("-")[0] or _metadata_version(directory, folder)
                out.extend(EntryPointInfo(name, value, dist, version) for name, value in entries)
    return out


def declared_modules(obj: object) -> tuple[str, ...] | None:
    """The rule modules a package entry point's module declares in ``RULE_MODULES``;
    None for any other entry point (a module of rules, a rule class, a sequence).
    Each item is a dotted module name, or ``name = module`` to choose the entry name.
    TypeError when the declaration is not a tuple or list of such strings."""
    if not isinstance(obj, ModuleType) or not hasattr(obj, RULE_MODULES):
        return None
    modules = getattr(obj, RULE_MODULES)
    if not isinstance(modules, (tuple, list)) or not all(
        isinstance(m, str) and _declared(m) is not None for m in modules
    ):
        raise TypeError(f"{obj.__name__}.{RULE_MODULES} is not a tuple of module names")
    return tuple(modules)


def declared_entries(modules: Iterable[str]) -> list[tuple[str, str]]:
    """``(entry name, module)`` of each well-formed item of a ``RULE_MODULES``."""
    return [pair for pair in map(_declared, modules) if pair is not None]


def _declared(item: str) -> tuple[str, str] | None:
    """``(entry name, module)`` of one ``RULE_MODULES`` item; None when malformed."""
    name, eq, module = item.rpartition("=")
    module = module.strip()
    name = name.strip() if eq else module.rpartition(".")[2]
    if not name or not _VALUE.match(module) or ":" in module or not _NAME.match(name):
        return None
    return name, module


def module_entry_points(package: EntryPointInfo, modules: Iterable[str]) -> list[EntryPointInfo]:
    """One entry point per declared module of ``package``, named as declared
    (``aws_keys = rolecall.rules.aws.keys``) or after the module's last part, from the
    package's distribution: rule origins, their order and the result cache's keys are
    those of one entry point per module."""
    return [
        EntryPointInfo(name, module, package.dist, package.version)
        for name, module in declared_entries(modules)
    ]


def with_builtin_modules(points: Iterable[EntryPointInfo]) -> list[EntryPointInfo]:
    """``points`` with rolecall's own package entry point replaced by its modules. Only
    the built-in package is imported (it holds nothing but the list); a third-party
    package entry point stays as it is (see :func:`declared_modules` for loading it)."""
    out: list[EntryPointInfo] = []
    for ep in points:
        if ep.value.strip() == BUILTIN_PACKAGE:
            out.extend(module_entry_points(ep, declared_modules(ep.load()) or ()))
        else:
            out.append(ep)
    return out


def _metadata_version(directory: str, folder: str) -> str:
    """The ``Version:`` header, for metadata folders whose name does not carry it."""
    for name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(directory, folder, name), encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("Version:"):
                        return line.partition(":")[2].strip()
                    if not line.strip():
                        break
        except OSError:
            continue
    return ""


def _plain_path() -> bool:
    """True when only the standard path finder provides distributions from directories."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False
    return not any(entry and os.path.isfile(entry) for entry in sys.path)


def _section(text: str, group: str) -> list[tuple[str, str]]:
    """``name = value`` pairs of the ``[group]`` section of an ``entry_points.txt``."""
    out: list[tuple[str, str]] = []
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == group and "=" in line:
            name, _, value = line.partition("=")
            out.append((name.strip(), value.strip()))
    return out


def _via_importlib(group: str) -> list[EntryPointInfo]:
    from importlib.metadata import entry_points as metadata_entry_points

    out: list[EntryPointInfo] = []
    for ep in metadata_entry_points(group=group):
        dist = ep.dist
        out.append(
            EntryPointInfo(
                ep.name,
                ep.value,
                dist.name if dist is not None else "",
                dist.version if dist is not None else "",
            )
        )
    return out
