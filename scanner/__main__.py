"""``python -m rolecall``."""

from __future__ import annotations

from rolecall.cli import main

raise SystemExit(main())
