"""Where the result cache lives and what its keys are made of.

The scan fingerprint covers everything besides the file that decides a result; the
per-user secret makes the keys an HMAC, so that entries nobody on this account wrote
are never hits (see :mod:`rolecall.cache`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from collections.abc import Iterable

SECRET_NAME = "cache-secret"


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


def load_secret(directory: str) -> bytes:
    """The per-user key of the cache's HMAC, created on first use (mode 0600).

    Parallel first runs race to create it: the key is written to a private temporary
    file and hard-linked into place, which fails if another process was first; every
    process then uses the key that is in place.
    """
    path = os.path.join(directory, SECRET_NAME)
    for _ in range(50):
        try:
            with open(path, "rb") as fh:
                secret = fh.read(64)
            if len(secret) >= 32:
                return secret
        except FileNotFoundError:
            _create_secret(directory, path)
            continue
        time.sleep(0.02)  # being written by another process right now
    raise OSError(0, "cache key file is unusable")


def _create_secret(directory: str, path: str) -> None:
    import tempfile

    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=directory)  # mode 0600
    try:
        os.write(fd, os.urandom(32))
        os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process was first: its key wins
        except OSError:  # no hard links here: exclusive create instead
            with contextlib.suppress(FileExistsError):
                out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.write(out, os.urandom(32))
                os.close(out)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def module_folder(name: str) -> str | None:
    """The folder of module ``name``'s source, found without importing the module (its
    parent packages are imported, as by any import of it)."""
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    if path is None:
        from importlib.util import find_spec

        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            return None
        path = spec.origin if spec is not None else None
    return os.path.dirname(path) if path and os.path.isabs(path) else None


def _source_stamps(modules: Iterable[str]) -> list[str]:
    """Size and mtime of the source files of ``modules``' directories (editable installs)."""
    stamps: list[str] = []
    folders = set()
    for name in modules:
        folder = module_folder(name)
        if folder:
            folders.add(folder)
    for folder in sorted(folders):
        with contextlib.suppress(OSError), os.scandir(folder) as it:
            for entry in sorted(it, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    stamps.append(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}")
    return stamps


def scan_fingerprint(parts: Iterable[str], modules: Iterable[str]) -> bytes:
    """Everything besides the file that decides a result, as one digest."""
    digest = hashlib.sha256()
    for part in [*parts, sys.version, *_source_stamps(modules)]:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.digest()
