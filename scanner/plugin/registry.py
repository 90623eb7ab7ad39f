"""Rule discovery through the ``rolecall.rules`` entry-point group, with validation.

Built-in rules register through the same entry-point group as third-party plugins: one
entry point names the package :mod:`rolecall.rules`, whose ``RULE_MODULES`` lists the
modules, and each listed module loads as a plugin module does (a plugin may register a
package the same way). A rule that fails to import or to validate becomes a notice
naming it, and the rest load.
Built-in modules listed in a current manifest (:mod:`rolecall.plugin.manifest`) are not
imported until one of their rules is needed: the registry holds their specs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType

from rolecall.model import Confidence, Notice, NoticeCode, NoticeLevel, Severity
from rolecall.plugin.entrypoints import ENTRY_POINT_GROUP as ENTRY_POINT_GROUP  # re-exported
from rolecall.plugin.entrypoints import (
    EntryPointInfo,
    declared_entries,
    declared_modules,
    entry_points,
    module_entry_points,
)
from rolecall.plugin.manifest import RuleSpec
from rolecall.plugin.rule import Rule, RuleInfo, rule_info, validate_rule


class Registry:
    """The rules (sorted by id) and the notices loading produced.

    ``loaded`` holds the imported rule classes; ``lazy`` the specs of built-in rules
    whose module is not imported yet. :meth:`specs` lists both, :meth:`load` imports one,
    and :attr:`rules` imports every one.
    """

    def __init__(
        self,
        rules: Iterable[type[Rule]] = (),
        origins: dict[str, str] | None = None,
        notices: list[Notice] | None = None,
        versions: dict[str, str] | None = None,
    ) -> None:
        self.loaded: list[type[Rule]] = list(rules)
        self.origins: dict[str, str] = origins if origins is not None else {}
        self.notices: list[Notice] = notices if notices is not None else []
        #: origin -> "distribution version" of the plugin that provided it (cache keys).
        self.versions: dict[str, str] = versions if versions is not None else {}
        self.lazy: dict[str, RuleSpec] = {}

    def specs(self) -> list[RuleSpec]:
        """Every rule's selection fields, imported or not, sorted by id."""
        found = [RuleSpec.of(cls) for cls in self.loaded] + list(self.lazy.values())
        return sorted(found, key=lambda s: s.id)

    def load(self, spec: RuleSpec) -> type[Rule]:
        """The class of ``spec``'s rule, importing its module if need be."""
        for cls in self.loaded:
            if cls.id == spec.id:
                return cls
        obj: object = importlib.import_module(spec.module)
        for part in spec.qualname.split("."):
            obj = getattr(obj, part)
        if not (isinstance(obj, type) and issubclass(obj, Rule) and obj.id == spec.id):
            raise TypeError(f"{spec.module}:{spec.qualname} is not rule {spec.id}")
        del self.lazy[spec.id]
        self.loaded.append(obj)
        self.loaded.sort(key=lambda c: c.id)
        return obj

    @property
    def rules(self) -> list[type[Rule]]:
        """Every rule class, importing the modules not imported yet."""
        for spec in list(self.lazy.values()):
            try:
                self.load(spec)
            except Exception as exc:  # sources changed under a current manifest
                del self.lazy[spec.id]
                origin = self.origins.get(spec.id, spec.module)
                self.notices.append(_load_notice(origin, f"{type(exc).__name__}", spec.id))
        return self.loaded

    def infos(self) -> list[RuleInfo]:
        """Every rule's metadata, sorted by id. A rule not imported yet is described by
        its manifest entry (written from the class), so this imports no rule module."""
        if any(spec.info is None for spec in self.lazy.values()):
            self.rules  # noqa: B018 (imports the rules that no entry describes)
        found = [rule_info(cls, self.origins.get(cls.id, "")) for cls in self.loaded]
        found += [
            _manifest_info(spec, self.origins.get(spec.id, "")) for spec in self.lazy.values()
        ]
        return sorted(found, key=lambda info: info.id)

    def get(self, rule_id: str) -> type[Rule] | None:
        for cls in self.rules:
            if cls.id == rule_id.upper():
                return cls
        return None


def _rules_in(obj: object) -> list[type[Rule]]:
    if isinstance(obj, type) and issubclass(obj, Rule):
        return [obj]
    if isinstance(obj, ModuleType):
        found = [
            value
            for value in vars(obj).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == obj.__name__
            and "id" in vars(value)
        ]
        # A package given as a source (not through an entry point, which lists its
        # modules one by one): the rules of the modules it declares too.
        for _, name in declared_entries(declared_modules(obj) or ()):
            try:
                module = importlib.import_module(name)
            except Exception as exc:
                raise TypeError(f"{name} cannot be imported: {type(exc).__name__}") from exc
            found += _rules_in(module)
        return sorted(found, key=lambda c: str(c.id))
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        out: list[type[Rule]] = []
        for item in obj:
            out.extend(_rules_in(item))
        return out
    raise TypeError(f"entry point gave {type(obj).__name__}, not a Rule class or module")


def build_registry(
    sources: Iterable[tuple[str, object]] | None = None, *, use_manifest: bool = True
) -> Registry:
    """Load rules from ``(origin, object)`` pairs, or from the installed entry points
    (built-in modules from the manifest when it is current and ``use_manifest``)."""
    registry = Registry()
    seen: dict[str, str] = {}
    pairs = _load_entry_points(registry, seen, use_manifest) if sources is None else sources
    for origin, obj in pairs:
        try:
            classes = _rules_in(obj)
        except TypeError as exc:
            registry.notices.append(_load_notice(origin, str(exc)))
            continue
        for cls in classes:
            problems = validate_rule(cls)
            rid = str(getattr(cls, "id", "?"))
            if rid in seen:
                problems.append(f"id {rid} is already used by {seen[rid]}")
            if not problems:
                try:
                    cls()  # the engine instantiates every rule before the first file
                except Exception as exc:
                    problems.append(f"cannot be instantiated: {type(exc).__name__}")
            if problems:
                registry.notices.append(
                    _load_notice(f"{origin}:{cls.__name__}", "; ".join(problems), rid)
                )
                continue
            seen[rid] = f"{origin}:{cls.__name__}"
            registry.loaded.append(cls)
            registry.origins[rid] = origin
    registry.loaded.sort(key=lambda c: c.id)
    return registry


def _load_entry_points(
    registry: Registry, seen: dict[str, str], use_manifest: bool
) -> Iterable[tuple[str, object]]:
    from rolecall.plugin.manifest import load_manifest

    manifest = load_manifest() if use_manifest else None
    for ep, loaded in _module_points(manifest):
        origin = f"{ep.name} = {ep.value}"
        registry.versions[origin] = f"{ep.dist} {ep.version}"
        listed = manifest.get(ep.value.strip()) if manifest is not None else None
        if listed and all(spec.id not in seen for spec in listed):
            for spec in listed:  # validated when the manifest was written
                registry.lazy[spec.id] = spec
                registry.origins[spec.id] = origin
                seen[spec.id] = f"{origin}:{spec.qualname}"
            continue
        if loaded is _UNLOADED:
            try:
                loaded = ep.load()
            except Exception as exc:  # a broken plugin must not stop the scan
                loaded = exc
        if isinstance(loaded, Exception):
            registry.notices.append(_load_notice(origin, f"{type(loaded).__name__}: {loaded}"))
            continue
        yield origin, loaded


_UNLOADED = object()


def _module_points(
    manifest: dict[str, list[RuleSpec]] | None,
) -> list[tuple[EntryPointInfo, object]]:
    """The group's entry points, a package entry point replaced by one per module it
    declares, sorted by name; each with what loading it gave (the object, or the
    exception), or ``_UNLOADED`` when it was not loaded yet. A built-in module that the
    manifest describes is never loaded here."""
    out: list[tuple[EntryPointInfo, object]] = []
    for ep in entry_points(ENTRY_POINT_GROUP):
        if manifest is not None and ep.value.strip() in manifest:
            out.append((ep, _UNLOADED))
            continue
        try:
            obj = ep.load()
            modules = declared_modules(obj)
        except Exception as exc:  # a broken plugin must not stop the scan
            out.append((ep, exc))
            continue
        if modules is None:
            out.append((ep, obj))
        else:
            out.extend((module, _UNLOADED) for module in module_entry_points(ep, modules))
    return sorted(out, key=lambda pair: (pair[0].name, pair[0].value))


def _manifest_info(spec: RuleSpec, origin: str) -> RuleInfo:
    """The :class:`RuleInfo` that :func:`~rolecall.plugin.rule.rule_info` gave for the class when
    the manifest was written (see :func:`rolecall.plugin.manifest.info_entry`)."""
    raw = spec.info or {}
    return RuleInfo(
        id=spec.id,
        name=str(raw["name"]),
        severity=Severity(raw["severity"]),
        confidence=Confidence(raw["confidence"]),
        cwe=int(raw["cwe"]),
        summary=str(raw["summary"]),
        docs=str(raw["docs"]),
        recommendation=str(raw["recommendation"]),
        kinds=tuple(str(k) for k in raw["kinds"]),
        fixable=bool(raw["fixable"]),
        tags=tuple(str(t) for t in raw["tags"]),
        origin=origin,
        default_enabled=bool(raw["default_enabled"]),
        severities=tuple(Severity(s) for s in raw["severities"]),
        builtin=bool(raw["builtin"]),
    )


def _load_notice(origin: str, reason: str, rule_id: str | None = None) -> Notice:
    return Notice(
        code=NoticeCode.RULE_LOAD,
        message=f"rule {origin} not loaded: {reason}",
        level=NoticeLevel.ERROR,
        rule_id=rule_id,
    )


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The installed rules, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = build_registry()
    return _DEFAULT
