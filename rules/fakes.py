"""The built-in rules' fake credential generators, collected in one table.

Each rule folder generates the formats its rules find (``rolecall.rules.aws.fakes``,
``rolecall.rules.tokens.fakes``); this module gathers them for the rules' own examples
and, declared in ``rolecall.rules.FAKE_MODULES``, for :mod:`rolecall.fakes` (the demo,
the corpus, the benchmarks and tests), which merges every provider's ``FAKES``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from rolecall.rules.aws import fakes as aws_fakes
from rolecall.rules.aws.fakes import BASE32, fake_key_id, fake_secret_key, fake_session_token
from rolecall.rules.common.fakegen import BASE64
from rolecall.rules.tokens import fakes as token_fakes

__all__ = [
    "BASE32",
    "BASE64",
    "FAKES",
    "fake",
    "fake_key_id",
    "fake_secret_key",
    "fake_session_token",
]

#: Every built-in generator by a short name (the corpus templates use the upper-cased
#: names). Each takes the :class:`random.Random` to draw from.
FAKES: dict[str, Callable[[random.Random], str]] = {**token_fakes.FAKES, **aws_fakes.FAKES}


def fake(kind: str, seed: int | str = 0) -> str:
    """One fake of ``kind`` (a key of :data:`FAKES`), the same for the same seed.

    The seeding is :mod:`rolecall.fakes`' too: a fake is the same whichever asks for it.
    """
    return FAKES[kind](random.Random(f"rolecall-fake-{kind}-{seed}"))
