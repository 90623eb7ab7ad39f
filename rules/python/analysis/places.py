"""Where a call points: an S3 path or protocol, or a local emulator's endpoint."""

from __future__ import annotations

import ast

from rolecall.rules.aws.names import is_local_endpoint
from rolecall.rules.python.analysis.nodes import call_args
from rolecall.rules.python.analysis.origin import positional, string_of
from rolecall.rules.python.analysis.scope import Scope, lookup
from rolecall.rules.python.analysis.values import Classifier


def local_endpoint(node: ast.expr) -> bool:
    """Whether a call (or dictionary) sends its credentials to a local emulator."""
    for child in _endpoint_values(node):
        url = string_of(child)
        if url is not None and is_local_endpoint(url):
            return True
    return False


def _endpoint_values(node: ast.expr) -> list[ast.expr]:
    found: list[ast.expr] = []
    if isinstance(node, ast.Call):
        for arg in call_args(node):
            if arg.keyword == "endpoint_url":
                found.append(arg.value)
            elif isinstance(arg.value, ast.Dict):
                found.extend(_endpoint_values(arg.value))
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                if string_of(key) in ("endpoint_url", "aws_endpoint_url", "endpoint"):
                    found.append(value)
                elif isinstance(value, ast.Dict):
                    found.extend(_endpoint_values(value))
    return found


_PATH_KEYWORDS = frozenset(
    {"path", "urlpath", "url", "protocol", "source", "uri", "filepath_or_buffer",
     "path_or_buf", "file", "fo"}
)  # fmt: skip


def s3_target(call: ast.Call, scope: Scope, values: Classifier) -> bool | None:
    """Whether the call's path/protocol argument names S3 (None: cannot tell).

    Names bound once are followed and an f-string counts by its known leading text,
    so ``target = f"{LAKE}/x.parquet"`` with ``LAKE = "s3://lake"`` is an S3 path.
    """
    first = next(iter(positional(call)), None)
    if first is None:
        first = next((k.value for k in call.keywords if k.arg in _PATH_KEYWORDS), None)
    if first is None:
        return None
    text = _leading_text(first, scope, values, 0)
    if not text:
        return None
    text = text.lower()
    if text in ("s3", "s3a") or text.startswith(("s3://", "s3a://", "s3n://")):
        return True
    return False if "://" in text or len(text) > 5 else None


def _leading_text(expr: ast.expr, scope: Scope, values: Classifier, depth: int) -> str:
    if depth > 4:
        return ""
    full = values.literal(expr, scope)
    if full is not None:
        return full
    if isinstance(expr, ast.Name):
        found = lookup(scope, expr.id)
        if found and len(found[0]) == 1 and found[0][0].value is not None:
            return _leading_text(found[0][0].value, found[1], values, depth + 1)
    if isinstance(expr, ast.JoinedStr):
        text = ""
        for part in expr.values:
            if not isinstance(part, ast.FormattedValue):
                text += string_of(part) or ""
                continue
            inner = values.literal(part.value, scope)
            if inner is None:
                return text or _leading_text(part.value, scope, values, depth + 1)
            text += inner
        return text
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _leading_text(expr.left, scope, values, depth + 1)
    return ""
