"""A progress line on a terminal for long scans; nothing at all for short ones.

Shown on standard error only when it is a terminal (the CLI decides), only once a scan
has run for half a second, redrawn at most ten times a second, and erased at the end, so
it never mixes with the report. No dependency: one line of text is all it needs.
"""

from __future__ import annotations

import time
from typing import TextIO

DELAY = 0.5
INTERVAL = 0.1


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self._started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._started < DELAY or now - self._last < INTERVAL:
            return
        self._last = now
        percent = 100 * self.done // self.total if self.total else 100
        self.stream.write(f"\r\033[Krolecall: {self.done}/{self.total} files ({percent}%)")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
