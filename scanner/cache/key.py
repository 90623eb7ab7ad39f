"""Where the result cache lives and what its keys are made of.

The scan fingerprint covers everything besides the file that decides a result; the
per-user secret makes the keys an HMAC, so that entries nobody on this account wrote
are never hits (see :mod:`rolecall.cache.store`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterable

from rolecall.cache.dirs import user_cache_dir as user_cache_dir  # re-exported

SECRET_NAME = "cache-secret"


def private_directory(directory: str) -> None:
    """Create ``directory`` (and its parents) with mode 0700; tighten it if it is ours.

    The cache holds redacted reports and the HMAC key: nobody else on the machine needs
    to list it, and an existing directory made by an older release is made private too.
    """
    os.makedirs(directory, mode=0o700, exist_ok=True)
    st = os.stat(directory)
    if st.st_mode & 0o077 and st.st_uid == getattr(os, "getuid", lambda: st.st_uid)():
        os.chmod(directory, 0o700)


def private_file(path: str) -> None:
    """Make sure ``path`` exists with mode 0600 (created so, or tightened if it is ours).

    sqlite creates a database with the process's umask (often 0644) and its WAL and
    shared-memory files with the database's mode: creating the file first decides both.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        st = os.fstat(fd)
        if st.st_mode & 0o077 and st.st_uid == getattr(os, "getuid", lambda: st.st_uid)():
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def load_secret(directory: str) -> bytes:
    """The per-user key of the cache's HMAC, created on first use (mode 0600).

    Parallel first runs race to create it: the key is written to a private temporary
    file and hard-linked into place (atomic: the file in place is never half written),
    which fails if another process was first; every process then uses the key that is
    in place. A key file that is too short (damaged) is replaced at once.
    """
    path = os.path.join(directory, SECRET_NAME)
    for _ in range(3):
        try:
            with open(path, "rb") as fh:
                secret = fh.read(64)
        except FileNotFoundError:
            _create_secret(directory, path)
            continue
        if len(secret) >= 32:
            return secret
        _create_secret(directory, path, replace=True)
    raise OSError(0, "cache key file is unusable")


def _create_secret(directory: str, path: str, *, replace: bool = False) -> None:
    import tempfile

    private_directory(directory)
    fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=directory)  # mode 0600
    try:
        os.write(fd, os.urandom(32))
        os.close(fd)
        if replace:
            os.replace(tmp, path)  # a damaged key: entries under it are lost, no harm
            return
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
    """Size and mtime of the source files the scan's code comes from (editable installs).

    rolecall's own modules are stamped by their package roots, ``rolecall`` and
    ``rolecall.rules`` with every subpackage: the engine and the built-in rules live in
    stage folders. A plugin's modules are stamped by their own folders.
    """
    stamps: list[str] = []
    trees: set[str] = set()
    folders: set[str] = set()
    own = False
    for name in modules:
        if name == "rolecall" or name.startswith("rolecall."):
            own = True
        else:
            folder = module_folder(name)
            if folder:
                folders.add(folder)
    if own:
        trees = {f for f in map(module_folder, ("rolecall", "rolecall.rules")) if f}
    for tree in sorted(trees):
        if any(tree.startswith(other + os.sep) for other in trees):
            continue  # walked as part of a tree that holds it
        for root, dirs, _ in os.walk(tree):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            folders.add(root)
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
