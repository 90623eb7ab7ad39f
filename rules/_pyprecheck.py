"""A cheap gate before libcst: can this module hold an RC2xx finding at all?

The standard library's ``ast`` parses about twenty times faster than libcst (PERF-NOTES),
so a file whose keywords only occur in docstrings, comments, function signatures or
unrelated calls (``storage_options=storage_options`` all through pandas) is dismissed
here and never reaches libcst. The test over-approximates what the rules report; it
must never say no to a file the rules would report.
"""

from __future__ import annotations

import ast
import warnings

_CALL_KEYWORDS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "secret",
        "secret_key",
        "access_key",
        "session_token",
        "key",
        "token",
    }
)
_S3FS_ONLY = frozenset({"key", "token"})
_S3FS_CALLS = frozenset({"S3FileSystem", "filesystem", "open", "open_files", "url_to_fs"})
_DICT_KEYS = frozenset(
    {
        "key",
        "secret",
        "token",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "access_key_id",
        "secret_access_key",
        "session_token",
    }
)
#: Without ``storage_options`` in the file, a dictionary needs more than "key"/"token".
_STRONG_DICT_KEYS = _DICT_KEYS - {"key", "token"}
_ENV = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                  "AWS_SECURITY_TOKEN"})  # fmt: skip
_DICT_KEYS = _DICT_KEYS | _ENV
_STRONG_DICT_KEYS = _STRONG_DICT_KEYS | _ENV
_SETTINGS = _ENV | {"AWS_S3_ACCESS_KEY_ID", "AWS_S3_SECRET_ACCESS_KEY", "AWS_S3_SESSION_TOKEN"}
_CREDENTIAL_CALLS = frozenset({"set_credentials", "Credentials", "ReadOnlyCredentials",
                               "AioCredentials"})  # fmt: skip


def may_hold_finding(source: str) -> bool:
    """False only when no RC2xx rule can report anything in ``source``.

    Source that ``ast`` cannot parse answers True: libcst then decides, and reports
    the file as unparseable if it cannot read it either.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes in old code
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    dict_keys = _DICT_KEYS if "storage_options" in source else _STRONG_DICT_KEYS
    return any(_interesting(node, dict_keys) for node in ast.walk(tree))


def _interesting(node: ast.AST, dict_keys: frozenset[str]) -> bool:
    if isinstance(node, ast.Call):
        return _call(node)
    if isinstance(node, ast.Dict):
        return any(_const(k) in dict_keys for k in node.keys if k is not None)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(_target(t) for t in targets)
    return False


def _call(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    for keyword in node.keywords:
        arg = keyword.arg
        if arg in _CALL_KEYWORDS and (arg not in _S3FS_ONLY or name in _S3FS_CALLS):
            return True
        if arg in _ENV:
            return True
    if name in _CREDENTIAL_CALLS and node.args:
        return True
    if name in ("putenv", "setdefault") and node.args:
        return _const(node.args[0]) in _ENV
    return False


def _target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return target.id in _SETTINGS
    if isinstance(target, ast.Subscript):
        return _const(target.slice) in _ENV
    if isinstance(target, ast.Attribute):
        return target.attr == "environ"
    return isinstance(target, (ast.Tuple, ast.List)) and any(_target(t) for t in target.elts)


def _const(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None
