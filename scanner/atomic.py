"""Atomic file writes: a temporary file in the same directory, then a rename.

Readers see the old file or the new one, never a half-written one; an existing file's
permission bits, owner and group are kept. A path that names something other than a
regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is written in place: renaming over
it would replace the device or pipe with a file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (creating it when missing)."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(path, "wb") as fh:
            fh.write(data)
        return
    mode = stat.S_IMODE(st.st_mode) if st is not None else None
    fd, tmp = tempfile.mkstemp(prefix=".rolecall-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None and hasattr(os, "chown"):
            # Keep the owner and group (they differ when root fixes a user's file);
            # where we may not, the new file is ours, as any editor would leave it.
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
