"""How a scanned path is shown: relative to the scan's base, with '/' separators."""

from __future__ import annotations

import os


def display_path(path: str, base: str) -> str:
    """``path`` relative to ``base`` with '/' separators; absolute when outside ``base``.

    Undecodable bytes in names (kept by Python as surrogate escapes) are shown as
    U+FFFD so the name can be printed and serialised.
    """
    prefix = base if base.endswith(os.sep) else base + os.sep
    if path.startswith(prefix) and os.path.isabs(base) and _normal(path, len(prefix)):
        # The walker's own paths: already absolute and normal, so relpath's answer is
        # the remainder (relpath normalises both paths at every call: a third of the walk).
        rel = path[len(prefix) :]
    else:
        try:
            rel = os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            rel = path
    if rel == os.curdir:
        rel = os.path.basename(os.path.abspath(path))
    elif rel.startswith(os.pardir + os.sep) or rel == os.pardir:
        rel = os.path.abspath(path)
    rel = rel.replace(os.sep, "/")
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _normal(path: str, start: int) -> bool:
    """No empty, '.' or '..' components in ``path[start:]``."""
    rest = path[start:]
    if not rest:
        return False
    sep = os.sep
    parts = rest.split(sep)
    return (
        "" not in parts
        and "." not in parts
        and ".." not in parts
        and (os.altsep is None or os.altsep not in rest)
    )
