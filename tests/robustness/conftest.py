"""Reports how many generated inputs the robustness suite fed the scanner."""

from __future__ import annotations

import pytest

from tests.robustness._support import counts


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    totals = counts()
    if totals:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
        terminalreporter.write_line(
            f"robustness: {sum(totals.values())} generated inputs ({detail})"
        )
