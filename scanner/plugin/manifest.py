"""The built-in rules' manifest: what each rule declares for selection, without importing it.

A pre-commit run scans a handful of files, and most rule modules have nothing to do on
any of them; importing all of them was a third of such a run. ``rules/_manifest.json``
lists, per built-in rule module, the fields the engine selects rules by (id, kinds,
keywords, off-by-default, supersedes, whether ``applies_to`` is overridden) and the
rule's metadata as reports show it (:class:`~rolecall.plugin.rule.RuleInfo`, but for its
origin). The registry builds rules from it as :class:`RuleSpec` and imports a module only
when one of its rules is selected for a file, or when a command needs the rule classes
themselves (``explain``, ``fix``). Listing every rule's metadata, as JSON and SARIF
reports and ``rolecall rules`` do, imports none: about 10 ms of a pre-commit run.

The manifest carries a digest of the sources its fields can come from: the rule modules,
and the plugin API (:mod:`rolecall.plugin.api` and the modules its names live in), which
is all of the engine that a rule may import. When that digest does not
match the installed sources, the manifest is ignored and every module is imported, so a
stale manifest costs time, never a finding. ``python scripts/generate.py`` writes
it; a test fails while the committed one is stale. Third-party plugins are always
imported: only built-in modules are in the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rolecall.model import Notice
    from rolecall.plugin.rule import Rule, RuleInfo

MANIFEST_NAME = "_manifest.json"
#: 2: each rule's entry carries its metadata (``info``).
FORMAT = 2


def declaration_sources() -> list[str]:
    """The engine modules a rule declaration can depend on, as paths under the package
    folder: the plugin API module and the modules its names live in (rules import
    nothing else of the engine; a test checks that)."""
    from rolecall.plugin.api import HOMES

    modules = ["rolecall.plugin.api", *HOMES]
    return sorted({m.removeprefix("rolecall.").replace(".", "/") + ".py" for m in modules})


@dataclass(frozen=True)
class RuleSpec:
    """What the engine needs to decide whether a rule runs on a file.

    ``info`` (from the manifest only) holds the rule's metadata fields as the manifest
    stores them, for :meth:`rolecall.plugin.registry.Registry.infos`; it takes no part in
    comparisons: a spec made from the class has none and is equal.
    """

    id: str
    module: str
    qualname: str
    kinds: tuple[str, ...] | None  # DocKind values; None: every kind
    keywords: tuple[str, ...]
    default_enabled: bool
    supersedes: tuple[str, ...]
    custom_applies: bool  # overrides Rule.applies_to: the document decides
    info: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, rule: type[Rule]) -> RuleSpec:
        from rolecall.plugin.rule import Rule

        return cls(
            id=rule.id,
            module=rule.__module__,
            qualname=rule.__qualname__,
            kinds=None if rule.kinds is None else tuple(sorted(k.value for k in rule.kinds)),
            keywords=tuple(rule.keywords),
            default_enabled=bool(rule.default_enabled),
            supersedes=tuple(rule.supersedes),
            custom_applies=rule.applies_to is not Rule.applies_to,
        )


def _package_folder() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rules_folder() -> str | None:
    from rolecall.cache.key import module_folder

    return module_folder("rolecall.rules")


def python_sources(folder: str) -> list[str]:
    """The ``.py`` files under ``folder``, its subpackages included, as sorted relative
    paths with ``/`` separators (bytecode caches aside)."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        rel = os.path.relpath(root, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found += [prefix + n for n in names if n.endswith(".py")]
    return sorted(found)


def source_digest(rules: str) -> str:
    """SHA-256 over the sources a rule declaration can depend on (named the same way
    whatever the folders are called: a source tree, an editable or a wheel install)."""
    package = _package_folder()
    files = [(f"rolecall/{name}", os.path.join(package, name)) for name in declaration_sources()]
    files += [(f"rules/{rel}", os.path.join(rules, rel)) for rel in python_sources(rules)]
    digest = hashlib.sha256()
    for label, path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_manifest() -> dict[str, list[RuleSpec]] | None:
    """Module name -> its rules' specs, or None when there is no current manifest."""
    folder = rules_folder()
    if folder is None:
        return None
    try:
        with open(os.path.join(folder, MANIFEST_NAME), encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != FORMAT or data.get("digest") != source_digest(folder):
            return None
        return {
            module: [_spec(module, raw) for raw in specs]
            for module, specs in data["modules"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _spec(module: str, raw: dict[str, Any]) -> RuleSpec:
    kinds = raw["kinds"]
    return RuleSpec(
        id=str(raw["id"]),
        module=module,
        qualname=str(raw["qualname"]),
        kinds=None if kinds is None else tuple(str(k) for k in kinds),
        keywords=tuple(str(k) for k in raw["keywords"]),
        default_enabled=bool(raw["default_enabled"]),
        supersedes=tuple(str(s) for s in raw["supersedes"]),
        custom_applies=bool(raw["custom_applies"]),
        info=dict(raw["info"]),
    )


def build_manifest(rules: Iterable[type[Rule]], notices: Sequence[Notice] = ()) -> dict[str, Any]:
    """The manifest of the built-in rules among ``rules``: a registry's, built without a
    manifest (``build_registry(use_manifest=False)``, which imports all of them), with
    its load ``notices`` (any is an error). The caller builds the registry: the registry
    reads manifests, so a manifest never imports the registry."""
    from rolecall.plugin.rule import rule_info

    folder = rules_folder()
    if folder is None:
        raise RuntimeError("the built-in rules package is not installed")
    if notices:
        raise RuntimeError(f"rules failed to load: {[n.message for n in notices]}")
    modules: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        if not rule.__module__.startswith("rolecall.rules."):
            continue
        spec = RuleSpec.of(rule)
        entry: dict[str, Any] = {k: v for k, v in vars(spec).items() if k not in ("module", "info")}
        entry["info"] = info_entry(rule_info(rule))
        modules.setdefault(rule.__module__, []).append(entry)
    return {"format": FORMAT, "digest": source_digest(folder), "modules": modules}


def info_entry(info: RuleInfo) -> dict[str, Any]:
    """``info``'s fields as the manifest stores them: enums by value, without the id
    (the spec's) and the origin (the registry's, from the entry point)."""
    out: dict[str, Any] = {}
    for name, value in vars(info).items():
        if name in ("id", "origin"):
            continue
        if name in ("severity", "confidence"):
            value = value.value
        elif name == "severities":
            value = [s.value for s in value]
        out[name] = value
    return out


def manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=1, sort_keys=True) + "\n"
