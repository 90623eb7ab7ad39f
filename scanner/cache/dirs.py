"""Where rolecall's per-user cache directory is, with nothing imported but ``os`` and
``sys``: the result cache (:mod:`rolecall.cache.key`) and the replay of an unchanged
rescan (:mod:`rolecall.cache.replay`, which runs before anything else is imported) share it."""

from __future__ import annotations

import os
import sys


def user_cache_dir() -> str:
    """rolecall's directory in the user's cache directory (XDG on Linux)."""
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.join(home, ".cache")
    return os.path.join(base, "rolecall")
