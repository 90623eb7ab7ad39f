"""Generated, well-formed fake credentials for tests, the demo, benchmarks and corpora.

Key-shaped test data is never written into a repository: it is generated, with a seeded
:class:`random.Random`, so that rolecall scanning its own source stays clean. The
generators live with the rules whose formats they make; a package entry point of the
``rolecall.rules`` group offers them by naming modules in ``FAKE_MODULES`` beside its
``RULE_MODULES`` (the built-in package names ``rolecall.rules.fakes``). Such a module's
``FAKES`` maps a short name to a generator that takes a :class:`random.Random`; this
module merges every provider's table, so the engine (``rolecall demo``) gets the fakes
through the rules' own registration, never by importing a rule module by name.

    >>> from rolecall.fakes import fake, fake_key_id
    >>> token = fake("github")            # deterministic for a given seed
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

#: The attribute in which a package entry point of ``rolecall.rules`` lists the modules
#: (dotted names) whose ``FAKES`` tables it offers.
FAKE_MODULES = "FAKE_MODULES"

Generator = Callable[[random.Random], str]


@cache
def _providers() -> tuple[ModuleType, ...]:
    from importlib import import_module

    from rolecall.plugin.entrypoints import ENTRY_POINT_GROUP, entry_points

    found: list[ModuleType] = []
    for ep in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        if ":" in ep.value:
            continue  # a rule class: not a package that declares modules
        package = ep.load()
        names = getattr(package, FAKE_MODULES, ()) if isinstance(package, ModuleType) else ()
        if isinstance(names, (tuple, list)):
            found.extend(import_module(name) for name in names if isinstance(name, str))
    return tuple(found)


def generators() -> dict[str, Generator]:
    """Every provider's generators by name (a later provider's name wins)."""
    merged: dict[str, Generator] = {}
    for module in _providers():
        merged.update(getattr(module, "FAKES", {}))
    return merged


def _provided(name: str) -> Any:
    """The public name ``name`` of the first provider that offers it."""
    for module in _providers():
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"no installed rule package provides {name!r}")


def fake(kind: str, seed: int | str = 0) -> str:
    """One fake of ``kind`` (a key of :data:`FAKES`), the same for the same seed."""
    return generators()[kind](random.Random(f"rolecall-fake-{kind}-{seed}"))


def fake_key_id(prefix: str = "AKIA", rng: random.Random | None = None) -> str:
    """A new-generation AWS access key id with ``prefix`` (one that encodes an account)."""
    return str(_provided("fake_key_id")(prefix, rng))


def fake_secret_key(rng: random.Random | None = None) -> str:
    """40 characters with the mix of a real random AWS secret access key."""
    return str(_provided("fake_secret_key")(rng))


def fake_session_token(rng: random.Random | None = None) -> str:
    """A string shaped like an STS session token."""
    return str(_provided("fake_session_token")(rng))


def __getattr__(name: str) -> Any:
    """``FAKES`` (every generator) and the providers' other public names (``BASE64``)."""
    if name == "FAKES":
        return generators()
    if name.startswith("__"):
        raise AttributeError(name)
    return _provided(name)
