"""Reports how many generated inputs the robustness suite fed the scanner; the
fingerprint tests' count of scrypt derivations."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.robustness._support import counts


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    totals = counts()
    if totals:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
        terminalreporter.write_line(
            f"robustness: {sum(totals.values())} generated inputs ({detail})"
        )


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The passwords scrypt derives from in this test (the process's memo cleared first)."""
    import rolecall.fingerprints as fps

    calls: list[bytes] = []
    real = hashlib.scrypt

    def counting(password: bytes, **kwargs: Any) -> bytes:
        calls.append(password)
        return real(password, **kwargs)

    monkeypatch.setattr(fps.hashlib, "scrypt", counting)
    fps._scrypt.cache_clear()
    return calls
