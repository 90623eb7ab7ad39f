"""``python -m rolecall``."""

from __future__ import annotations

from rolecall.cli.console import run

run()
