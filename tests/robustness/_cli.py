"""Running the real CLI in-process with an extra (test) rule installed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import rolecall.plugin.registry as registry_module
from rolecall.cli.main import main
from rolecall.plugin.registry import build_registry, default_registry
from rolecall.plugin.rule import Rule


@contextmanager
def extra_rules(*classes: type[Rule]) -> Iterator[None]:
    """Every installed rule plus ``classes``, for the CLI and its worker processes."""
    installed = default_registry()
    sources = [(f"rule:{cls.id}", cls) for cls in installed.rules]
    sources += [("test", cls) for cls in classes]
    combined = build_registry(sources)
    assert combined.notices == []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry_module, "_DEFAULT", combined)
        yield


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err
