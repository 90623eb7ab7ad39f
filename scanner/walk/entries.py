"""What the walk gives: its options, the entry of a file to scan, and the checks that
decide from a file's status alone whether it is scanned (kind, binary suffix, size).

Kept apart from the walk itself (:mod:`rolecall.walk.walker`) because the reader, the
cache and the workers need these values and checks without the walk: a file git
vouched for is checked here only when the result cache did not know its blob
(:func:`stat_entry`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.walk.ignore import ScopeResolver
from rolecall.walk.paths import display_path

#: Larger files are skipped with a notice. Files above the parse limit (see
#: :mod:`rolecall.read.chunks`) are read by the text rules in windows, so memory stays flat.
DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024

#: Suffixes of files that are binary by nature; skipped with a notice without reading.
BINARY_SUFFIXES = frozenset(
    """
    .png .jpg .jpeg .gif .bmp .ico .icns .webp .tif .tiff .psd .heic .avif .zip .gz .tgz
    .bz2 .xz .zst .7z .rar .tar .jar .war .ear .whl .egg .apk .ipa .deb .rpm .pdf .doc
    .docx .xls .xlsx .ppt .pptx .odt .ods .so .dylib .dll .exe .o .a .lib .obj .bin
    .class .pyc .pyo .pyd .wasm .dex .mp3 .mp4 .m4a .wav .flac .ogg .avi .mov .mkv .webm
    .ttf .otf .woff .woff2 .eot .sqlite .sqlite3 .db .parquet .feather .avro .orc .npy
    .npz .pkl .pickle .h5 .hdf5 .pt .pth .onnx .safetensors .tflite
    """.split()  # noqa: SIM905 - a word list reads better than 80 quoted items
)


@dataclass(frozen=True)
class WalkOptions:
    #: When set, only files matching one of these patterns are scanned.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Directory the exclude patterns are relative to (the config file's); None: ``base``.
    exclude_root: str | None = None
    use_gitignore: bool = True
    follow_symlinks: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    #: Per-directory include/exclude patterns (each directory's own configuration's);
    #: when set, ``include``, ``exclude`` and ``exclude_root`` are not used.
    scopes: ScopeResolver | None = None
    #: Inside a git work tree, give the files git vouches for (see
    #: :mod:`rolecall.walk.gitlist`) as entries with their blob id, not yet stat'ed (``size``
    #: -1): the result cache answers them by id, and :func:`stat_entry` completes the
    #: others. Off with ``follow_symlinks`` (its duplicate check needs every inode).
    git_blobs: bool = False


@dataclass(frozen=True)
class FileEntry:
    """A file to scan: its OS path, its display path (relative to the base, '/'), size.

    ``stamp`` is what the file system says of the content's version (size, times, inode,
    device); the result cache trusts it only for files not changed in the last seconds.
    """

    path: str
    display: str
    size: int
    stamp: str = ""
    #: Modification or status change time (ns), whichever is later.
    changed_ns: int = 0
    #: The file's device and inode when walked (0: unknown); the reader refuses a
    #: descriptor that is not this file (it was swapped since the walk).
    dev: int = 0
    ino: int = 0
    #: The path is a symbolic link (``--follow-symlinks``): opened following it.
    via_link: bool = False
    #: A symbolic link is on the way from the scan path (the file itself or a directory):
    #: with ``--follow-symlinks`` the file's own path is preferred when both are walked.
    through_link: bool = False
    #: The id of the blob git vouches the file's bytes are ("": none). With ``size`` -1
    #: the file has not been looked at yet (see :func:`stat_entry`).
    blob: str = ""


def binary_suffix(path: str, base: str) -> Notice | None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in BINARY_SUFFIXES:
        return Notice(
            code=NoticeCode.BINARY,
            message=f"binary file type ({suffix}) skipped",
            path=display_path(path, base),
            level=NoticeLevel.INFO,
        )
    return None


def file_entry(
    path: str,
    st: os.stat_result,
    base: str,
    max_size: int,
    via_link: bool,
    through_link: bool,
    blob: str,
) -> FileEntry | Notice:
    mode = st.st_mode
    if not stat.S_ISREG(mode):
        what = (
            "FIFO"
            if stat.S_ISFIFO(mode)
            else "socket"
            if stat.S_ISSOCK(mode)
            else "device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "special file"
        )
        return Notice(
            code=NoticeCode.SKIPPED_SPECIAL,
            message=f"{what} skipped, not a regular file",
            path=display_path(path, base),
            level=NoticeLevel.WARNING,
        )
    notice = binary_suffix(path, base)
    if notice is not None:
        return notice
    if st.st_size > max_size:
        return Notice(
            code=NoticeCode.TOO_LARGE,
            message=f"file of {st.st_size} bytes exceeds the {max_size}-byte "
            "limit (max-file-size) and was skipped",
            path=display_path(path, base),
            level=NoticeLevel.WARNING,
        )
    return FileEntry(
        path,
        display_path(path, base),
        st.st_size,
        f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}",
        max(st.st_mtime_ns, st.st_ctime_ns),
        st.st_dev,
        st.st_ino,
        via_link,
        via_link or through_link,
        blob,
    )


def stat_entry(entry: FileEntry, base: str, max_size: int) -> FileEntry | Notice | None:
    """Complete an entry the walk gave unstated (``size`` -1; the cache did not know its
    blob): the file's status and every check the walk makes of it, keeping the blob id
    (the scan stores its result under it). None: the file is gone (git listed it a
    moment ago; the walk skips a vanished tracked file the same way)."""
    try:
        st = os.lstat(entry.path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Notice(
            code=NoticeCode.UNREADABLE,
            message=os_reason(exc),
            path=entry.display,
            level=NoticeLevel.WARNING,
        )
    return file_entry(entry.path, st, base, max_size, False, False, entry.blob)


def os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or type(exc).__name__}"
