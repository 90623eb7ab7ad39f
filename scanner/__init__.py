"""rolecall: find long-lived cloud credentials and recommend role-based ones.

This package is the engine and the public plugin API. Importing it is cheap: parsers
(libcst, YAML, ...) and the SARIF model are imported only when a file or format needs them.
"""

from __future__ import annotations

from rolecall.document import Decoded, DocKind, Document, LineIndex, View, ViewError, decode
from rolecall.model import (
    Confidence,
    Finding,
    Fix,
    Location,
    Notice,
    NoticeCode,
    NoticeLevel,
    Severity,
    TextEdit,
    fingerprint,
)
from rolecall.redact import redact, secret_hash
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
