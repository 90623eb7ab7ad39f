"""Rule discovery through the ``rolecall.rules`` entry-point group, with validation.

Built-in rules register through the same entry points as third-party plugins. A rule
that fails to import or to validate becomes a notice naming it, and the rest load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from rolecall.entrypoints import ENTRY_POINT_GROUP as ENTRY_POINT_GROUP  # re-exported
from rolecall.entrypoints import entry_points
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.rule import Rule, RuleInfo, rule_info, validate_rule


@dataclass
class Registry:
    """The loaded rules (sorted by id) and the notices loading produced."""

    rules: list[type[Rule]] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    #: origin -> "distribution version" of the plugin that provided it (cache keys).
    versions: dict[str, str] = field(default_factory=dict)

    def infos(self) -> list[RuleInfo]:
        return [rule_info(cls, self.origins.get(cls.id, "")) for cls in self.rules]

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
        return sorted(found, key=lambda c: str(c.id))
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        out: list[type[Rule]] = []
        for item in obj:
            out.extend(_rules_in(item))
        return out
    raise TypeError(f"entry point gave {type(obj).__name__}, not a Rule class or module")


def build_registry(
    sources: Iterable[tuple[str, object]] | None = None,
) -> Registry:
    """Load rules from ``(origin, object)`` pairs, or from the installed entry points."""
    registry = Registry()
    pairs = _load_entry_points(registry) if sources is None else sources
    seen: dict[str, str] = {}
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
            registry.rules.append(cls)
            registry.origins[rid] = origin
    registry.rules.sort(key=lambda c: c.id)
    return registry


def _load_entry_points(registry: Registry) -> Iterable[tuple[str, object]]:
    for ep in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        origin = f"{ep.name} = {ep.value}"
        registry.versions[origin] = f"{ep.dist} {ep.version}"
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not stop the scan
            registry.notices.append(_load_notice(origin, f"{type(exc).__name__}: {exc}"))
            continue
        yield origin, obj


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
