"""``python -m rolecall``."""

from __future__ import annotations

from rolecall.console import run

run()
