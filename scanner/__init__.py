"""rolecall: find long-lived cloud credentials and recommend role-based ones.

This package is the engine and the public plugin API. Importing it is cheap: the public
names below are imported on first use (PEP 562), parsers (libcst, YAML, ...) and the SARIF
model only when a file or format needs them. ``rolecall --version``, and a scan answered
from the result cache, never import the engine or a rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Imported now, not on first use: the module ``rolecall.redact`` shares the function's
# name, and importing the module would otherwise leave the module in its place here.
from rolecall.redact import redact, secret_hash

if TYPE_CHECKING:
    from rolecall.document import Decoded, DocKind, Document, LineIndex, View, ViewError, decode
    from rolecall.model import (
        Confidence,
        Finding,
        Fix,
        Location,
        Notice,
        NoticeCode,
        NoticeLevel,
        RelatedLocation,
        Severity,
        TextEdit,
        fingerprint,
    )
    from rolecall.rule import Example, Rule, RuleContext, RuleInfo

__version__ = "0.1.0"

__all__ = [
    "Confidence",
    "Decoded",
    "DocKind",
    "Document",
    "Example",
    "Finding",
    "Fix",
    "LineIndex",
    "Location",
    "Notice",
    "NoticeCode",
    "NoticeLevel",
    "RelatedLocation",
    "Rule",
    "RuleContext",
    "RuleInfo",
    "Severity",
    "TextEdit",
    "View",
    "ViewError",
    "__version__",
    "decode",
    "fingerprint",
    "redact",
    "secret_hash",
]

#: Where each public name lives; imported when first asked for.
_HOMES = {
    **dict.fromkeys(
        ("Decoded", "DocKind", "Document", "LineIndex", "View", "ViewError", "decode"),
        "rolecall.document",
    ),
    **dict.fromkeys(
        (
            "Confidence",
            "Finding",
            "Fix",
            "Location",
            "Notice",
            "NoticeCode",
            "NoticeLevel",
            "RelatedLocation",
            "Severity",
            "TextEdit",
            "fingerprint",
        ),
        "rolecall.model",
    ),
    **dict.fromkeys(("Example", "Rule", "RuleContext", "RuleInfo"), "rolecall.rule"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'rolecall' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
