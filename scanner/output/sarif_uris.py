"""Where the SARIF log's paths point: each file as a relative URI reference against a
base that resolves (``%SRCROOT%``, the scan's base directory, or ``OUTSIDE...`` for a
file scanned outside it), percent-encoded byte for byte.

Apart from :mod:`rolecall.output.sarif` because these rules are about URIs (RFC 3986,
SARIF's ``originalUriBaseIds``), not about results; GitHub and the SARIF validators
reject a log whose URIs are absolute or whose bases do not resolve.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable

import sarif_om as so  # type: ignore[import-untyped]  # generated attrs classes, untyped
from rolecall.output.sarif_json import om

SRCROOT = "%SRCROOT%"


def artifact_uri(path: str) -> str:
    """A repository-relative path as a percent-encoded relative URI reference.

    Everything but unreserved characters and ``/`` is encoded, ``:`` included (in a
    first segment it would read as a scheme). A file name that is not valid UTF-8 reaches
    here with surrogate escapes; those become its original bytes, percent-encoded.
    """
    clean = path.replace("\\", "/").lstrip("/")
    try:
        raw = clean.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte: not a real name
        raw = clean.encode("utf-8", "replace")
    return percent_encode(raw)


#: What a URI path keeps as it is: RFC 3986's unreserved characters and ``/``.
_URI_KEPT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/"
_URI_BYTES = tuple(chr(b) if b in _URI_KEPT else f"%{b:02X}" for b in range(256))


def percent_encode(raw: bytes) -> str:
    """``raw`` percent-encoded (upper-case hex) but for unreserved characters and ``/``:
    what ``urllib.parse.quote(raw, safe="/")`` gives, without importing
    :mod:`urllib.parse` (with :mod:`ipaddress`, about 2 ms of a SARIF run)."""
    if not raw.translate(None, _URI_KEPT):
        return raw.decode("ascii")
    return "".join([_URI_BYTES[b] for b in raw])


def _is_absolute(path: str) -> bool:
    """Whether a display path is absolute: a scanned file outside the scan's base
    directory (``/srv/x.env``, or ``C:/x.env`` on Windows)."""
    return path.startswith("/") or re.match(r"[A-Za-z]:/", path) is not None


def _dir_uri(directory: str) -> str:
    """A ``file:`` URI for an absolute '/'-separated directory path, ending in '/'."""
    # artifact_uri drops the leading '/'; a Windows drive keeps its ':' (file:///C:/...).
    uri = "file:///" + artifact_uri(directory).replace("%3A", ":", 1)
    return uri if uri.endswith("/") else uri + "/"


class UriBases:
    """The ``uriBaseId`` and relative URI of every path in the log.

    Paths relative to the scan's base resolve against ``%SRCROOT%``. A file scanned
    outside the base (``cd /tmp/x && rolecall scan /tmp/y``) has an absolute display
    path: it gets a URI relative to an extra base, ``OUTSIDE`` (``OUTSIDE2``... for other
    drives), the deepest directory holding all such files. Every URI stays a relative
    reference with a base that resolves, as GitHub and the SARIF validators require.
    """

    def __init__(self, root: str, paths: Iterable[str]) -> None:
        self.root = root
        groups: dict[str, list[str]] = {}
        for path in paths:
            if _is_absolute(path):
                drive = path.split("/", 1)[0]  # "" on POSIX, "C:" on Windows
                groups.setdefault(drive, []).append(path.rsplit("/", 1)[0] or "/")
        self.bases: dict[str, tuple[str, str]] = {}  # drive -> (base id, directory)
        for n, (drive, dirs) in enumerate(sorted(groups.items()), 1):
            top = posixpath.commonpath(dirs) if drive == "" else _common(dirs)
            self.bases[drive] = (f"OUTSIDE{n if n > 1 else ''}", top)

    def artifact(self, path: str) -> so.SarifLog:
        if not _is_absolute(path):
            return om(so.ArtifactLocation, uri=artifact_uri(path), uri_base_id=SRCROOT)
        base_id, top = self.bases[path.split("/", 1)[0]]
        rel = path[len(top) :].lstrip("/")
        return om(so.ArtifactLocation, uri=artifact_uri(rel), uri_base_id=base_id)

    def original_uri_base_ids(self) -> dict[str, so.ArtifactLocation]:
        out = {SRCROOT: _root_location(self.root)}
        for base_id, top in self.bases.values():
            out[base_id] = om(
                so.ArtifactLocation,
                uri=_dir_uri(top),
                description=om(
                    so.Message, text="A scanned directory outside the one %SRCROOT% names."
                ),
            )
        return out


def _common(dirs: list[str]) -> str:
    """The deepest directory common to '/'-separated paths that start with a drive."""
    parts = [d.split("/") for d in dirs]
    common: list[str] = []
    for names in zip(*parts, strict=False):
        if len(set(names)) != 1:
            break
        common.append(names[0])
    return "/".join(common) + ("/" if len(common) == 1 else "")


def root_uri(root: str) -> str:
    """The ``file:`` URI of the scan's base directory, symbolic links resolved: what
    ``pathlib.Path(root).resolve().as_uri()`` gives. On POSIX it is made without
    importing :mod:`pathlib` (about 2 ms of a SARIF run); Windows paths (drives, UNC
    shares) are left to pathlib."""
    if os.name != "posix":
        from pathlib import Path

        return Path(root).resolve().as_uri()
    return "file://" + percent_encode(os.fsencode(os.path.realpath(root)))


def _root_location(root: str) -> so.SarifLog:
    uri = root_uri(root)
    return om(
        so.ArtifactLocation,
        uri=uri if uri.endswith("/") else uri + "/",
        description=om(so.Message, text="The directory the scan's paths are relative to."),
    )
