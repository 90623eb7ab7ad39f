"""Finding the files to scan, with git's ignore semantics.

Directories are walked depth-first in sorted order (deterministic output). Ignore files
are read the way git reads them: a ``.gitignore`` in every directory, whose patterns are
relative to that directory and take precedence over those of its parents, then
``.git/info/exclude``; within one file the last matching pattern wins, ``!`` re-includes,
and nothing inside an ignored directory can be re-included. Configured excludes use the
same syntax, relative to the configuration's directory, and also apply to files named on
the command line (pre-commit passes files that way). ``.git`` is never entered.

Inside a git work tree the file list is git's own (:mod:`rolecall.walk.gitlist`): tracked
files always, untracked files unless git ignores them; the walk above is the fallback
when git is missing or fails (with a notice), outside a work tree, for a directory git
ignores that was named on the command line, and for paths git lists as directories
(nested repositories). Paths skipped by an ignore rule are passed to the ``on_ignored``
callback, whatever the source, so a report can count and list them.

Everything not scanned for a reason other than being ignored becomes a notice: symlinks
(not followed by default, never outside the scan root), FIFOs, sockets and devices,
unreadable directories, files above the size limit, files with a binary suffix.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolecall.errors import PathNotFound as PathNotFound  # re-exported: public name
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.walk.ignore import (
    IgnorePolicy,
    IgnoreRules,
    IgnoreSource,
    ScopeResolver,
    find_repo_root,
)
from rolecall.walk.paths import display_path as display_path  # re-exported: public name

if TYPE_CHECKING:
    pass

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


# The walk's own mutable state is kept in plain classes, not dataclasses: Python 3.11
# generates a dataclass's methods by compiling source at import, which a pre-commit
# run pays for every class its modules define (about 0.3 ms each here).
class _Frame:
    """One directory being walked: its sorted listing and how far the walk got."""

    __slots__ = ("entries", "key", "linked", "next", "scan_root", "sources")

    def __init__(
        self,
        entries: list[os.DirEntry[str]],
        sources: list[IgnoreSource],
        scan_root: str,
        key: tuple[int, int] | None,  # (device, inode) while it is an ancestor, for loops
        linked: bool = False,  # entered through a symbolic link
    ) -> None:
        self.entries = entries
        self.sources = sources
        self.scan_root = scan_root
        self.key = key
        self.linked = linked
        self.next = 0


class _Walker:
    def __init__(
        self,
        base: str,
        options: WalkOptions,
        on_ignored: Callable[[str], None] | None = None,
    ) -> None:
        self.base = base
        self.options = options
        #: Called with the display path of each path an ignore rule skips.
        self.on_ignored = on_ignored
        self._visited_dirs: set[tuple[int, int]] = set()
        #: Directories being walked right now (root to current): a link to one is a loop.
        self._ancestors: set[tuple[int, int]] = set()
        opts = self.options
        self.ignore = IgnorePolicy(
            exclude_root=os.path.abspath(opts.exclude_root or self.base),
            use_gitignore=opts.use_gitignore,
            exclude=IgnoreRules(opts.exclude) if opts.exclude else None,
            include=IgnoreRules(opts.include) if opts.include else None,
            scopes=opts.scopes,
        )

    # --- walking ------------------------------------------------------------------

    def walk(self, paths: Sequence[str]) -> Iterator[FileEntry | Notice]:
        seen: set[str] = set()
        #: With --follow-symlinks, (device, inode) -> display path of the files given
        #: out: two links to one file (or a link and the file) are scanned once, under
        #: the file's own path when the walk meets it (files reached through a link
        #: wait until the end).
        files: dict[tuple[int, int], str] = {}
        through_links: list[FileEntry] = []
        for raw in paths:
            path = os.path.abspath(raw)
            if not os.path.lexists(path):
                raise PathNotFound(raw)
            items = self._walk_root(path)
            if self.options.use_gitignore:
                is_dir = os.path.isdir(path) and not os.path.islink(path)
                repo = find_repo_root(path if is_dir else os.path.dirname(path))
                if repo is not None and is_dir:
                    self._listed_repository(repo)
                    items = self._walk_repository(path, repo)
                else:
                    self.ignore.set_repository(repo)
            for item in items:
                if isinstance(item, FileEntry):
                    if item.path in seen:
                        continue
                    seen.add(item.path)
                    if self.options.follow_symlinks and item.ino:
                        if item.through_link:
                            through_links.append(item)
                            continue
                        duplicate = self._duplicate(item, files)
                        if duplicate is not None:
                            yield duplicate
                            continue
                yield item
        for item in through_links:
            duplicate = self._duplicate(item, files)
            yield item if duplicate is None else duplicate

    def _duplicate(self, item: FileEntry, files: dict[tuple[int, int], str]) -> Notice | None:
        """A notice when ``item``'s file was already given out under another path."""
        first = files.setdefault((item.dev, item.ino), item.display)
        if first == item.display:
            return None
        return self._notice(
            NoticeCode.SKIPPED_SPECIAL,
            item.path,
            f"same file as {first}, already scanned",
            NoticeLevel.INFO,
        )

    def _listed_repository(self, repo: str) -> None:
        """Enter work tree ``repo``, whose files git lists: git applies its
        ``info/exclude`` itself, so the walk reads it only when it walks instead."""
        self.ignore.repo_root, self.ignore.info_exclude = repo, None

    def _walk_repository(self, path: str, repo: str) -> Iterator[FileEntry | Notice]:
        """The files of directory ``path`` in work tree ``repo``, as git lists them."""
        # Imported here: a scan outside git, or of named files (the hook), never runs git
        # and skips this module's import and its two dataclasses' code generation.
        from rolecall.walk.gitlist import GitUnavailable, ignores_directory, list_files

        if ignores_directory(repo, path):
            # Named on the command line although git ignores it (a virtual environment):
            # scanned, with only the ignore files inside it (see root_sources).
            self.ignore.set_repository(repo)
            yield from self._walk_root(path)
            return
        blobs = self.options.git_blobs and not self.options.follow_symlinks
        try:
            listing = list_files(path, blobs=True) if blobs else list_files(path)
        except GitUnavailable as exc:
            yield self._notice(
                NoticeCode.UNREADABLE,
                path,
                f"{exc}; the .gitignore files were read by rolecall instead",
                NoticeLevel.INFO,
            )
            self.ignore.set_repository(repo)
            yield from self._walk_root(path)
            return
        if self.on_ignored is not None:
            for rel in listing.ignored:
                ignored = os.path.join(path, rel.rstrip("/"))
                if not self.ignore.excluded_named_file(ignored):
                    self.on_ignored(display_path(ignored, self.base) + "/" * rel.endswith("/"))
        scan_root = os.path.realpath(path)
        here = path == self.base and os.sep == "/"
        for listed in listing.files:
            file = os.path.join(path, listed.path)
            if self.ignore.excluded_named_file(file) or not self.ignore.included(file):
                continue
            if listed.blob:
                # git vouches for the bytes (a regular file, unchanged): not stat'ed here.
                # git's paths are normal and '/'-separated: below the base, an ASCII one
                # is its own display path.
                display = listed.path if here and listed.path.isascii() else None
                yield self._unstated(file, listed.blob, display)
                continue
            try:
                st = os.lstat(file)
            except FileNotFoundError:
                continue  # tracked but deleted in the work tree: nothing to scan
            except OSError as exc:
                yield self._notice(NoticeCode.UNREADABLE, file, _os_reason(exc))
                continue
            if stat.S_ISDIR(st.st_mode):
                # A submodule or a nested repository: git lists it, not its files.
                yield from self._walk_nested(file)
            elif stat.S_ISLNK(st.st_mode):
                item = self._symlink(file, [], scan_root)
                if isinstance(item, str):
                    if self.ignore.info_exclude is None:
                        self.ignore.set_repository(repo)  # the walk below reads it
                    yield from self._walk_dir(
                        item, self.ignore.root_sources(item), scan_root, linked=True
                    )
                elif item is not None:
                    yield item
            else:
                yield self._file(file, st)

    def _walk_nested(self, directory: str) -> Iterator[FileEntry | Notice]:
        """A nested repository's files, by its own git (or walked, when it has none)."""
        outer = (self.ignore.repo_root, self.ignore.info_exclude)
        nested = find_repo_root(directory)
        if nested is not None and nested == directory:
            self._listed_repository(nested)
        else:
            self.ignore.set_repository(nested)
        try:
            if nested is not None and nested == directory:
                yield from self._walk_repository(directory, nested)
            else:
                yield from self._walk_root(directory)
        finally:
            self.ignore.repo_root, self.ignore.info_exclude = outer

    def _walk_root(self, path: str) -> Iterator[FileEntry | Notice]:
        try:
            st = os.lstat(path)
        except OSError as exc:
            yield self._notice(NoticeCode.UNREADABLE, path, _os_reason(exc))
            return
        if stat.S_ISDIR(st.st_mode):
            self._visited_dirs.add((st.st_dev, st.st_ino))
            yield from self._walk_dir(path, self.ignore.root_sources(path), os.path.realpath(path))
        elif stat.S_ISLNK(st.st_mode) and os.path.isdir(path) and self.options.follow_symlinks:
            real = os.path.realpath(path)
            yield from self._walk_dir(path, self.ignore.root_sources(path), real, linked=True)
        else:
            # A file named explicitly: git ignore rules do not apply (pre-commit only
            # passes tracked files), configured excludes do.
            if self.ignore.excluded_named_file(path) or not self.ignore.included(path):
                return
            if not stat.S_ISLNK(st.st_mode):
                yield self._file(path, st)
                return
            item = self._symlink(path, [], os.path.realpath(os.path.dirname(path)))
            if isinstance(item, str):  # a directory: handled above, never here
                return
            if item is not None:
                yield item

    def _walk_dir(
        self, top: str, sources: list[IgnoreSource], scan_root: str, *, linked: bool = False
    ) -> Iterator[FileEntry | Notice]:
        """Depth first, each directory's entries in name order, with an explicit stack:
        a deep tree costs neither recursion nor a chain of generators per level."""
        stack: list[_Frame] = []
        notice = self._enter(top, sources, scan_root, stack, linked=linked)
        if notice is not None:
            yield notice
        while stack:
            frame = stack[-1]
            if frame.next >= len(frame.entries):
                stack.pop()
                if frame.key is not None:
                    self._ancestors.discard(frame.key)
                continue
            entry = frame.entries[frame.next]
            frame.next += 1
            if entry.name == ".git":
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                yield self._notice(NoticeCode.UNREADABLE, entry.path, _os_reason(exc))
                continue
            mode = st.st_mode
            is_link = stat.S_ISLNK(mode)
            is_dir = os.path.isdir(entry.path) if is_link else stat.S_ISDIR(mode)
            if self.ignore.excluded(entry.path, is_dir):
                continue
            if self.ignore.ignored(entry.path, is_dir, frame.sources):
                if self.on_ignored is not None:
                    self.on_ignored(display_path(entry.path, self.base) + "/" * is_dir)
                continue
            if is_link:
                item = self._symlink(entry.path, frame.sources, frame.scan_root)
                if isinstance(item, str):
                    item = self._enter(
                        item, frame.sources, frame.scan_root, stack, child=True, linked=True
                    )
                if item is not None:
                    yield item
            elif is_dir:
                notice = self._enter(
                    entry.path,
                    frame.sources,
                    frame.scan_root,
                    stack,
                    child=True,
                    linked=frame.linked,
                )
                if notice is not None:
                    yield notice
            elif self.ignore.included(entry.path):
                yield self._file(entry.path, st, through_link=frame.linked)

    def _enter(
        self,
        directory: str,
        sources: list[IgnoreSource],
        scan_root: str,
        stack: list[_Frame],
        *,
        child: bool = False,
        linked: bool = False,
    ) -> Notice | None:
        """Push ``directory``'s listing on ``stack``, or say why it is not walked.

        For a ``child`` directory, ``sources`` are its parent's: its own ``.gitignore``
        is added when the listing has one (no failed open per directory without one).
        """
        key = None
        if self.options.follow_symlinks:
            try:
                st = os.stat(directory)
                key = (st.st_dev, st.st_ino)
            except OSError:
                pass  # reported when the directory is listed
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            return self._notice(NoticeCode.UNREADABLE, directory, _os_reason(exc))
        if child and self.options.use_gitignore and any(e.name == ".gitignore" for e in entries):
            sources = self.ignore.child_sources(directory, sources)
        if key is not None and key in self._ancestors:
            key = None  # already on the stack (a loop is refused before this)
        if key is not None:
            self._ancestors.add(key)
        stack.append(_Frame(entries, sources, scan_root, key, linked))
        return None

    def _symlink(
        self, path: str, sources: list[IgnoreSource], scan_root: str
    ) -> str | FileEntry | Notice | None:
        """What a symbolic link gives: a directory to walk (its path), a file, a notice."""
        if not self.options.follow_symlinks:
            return self._notice(
                NoticeCode.SKIPPED_SPECIAL, path, "symbolic link not followed", NoticeLevel.INFO
            )
        real = os.path.realpath(path)
        if os.path.commonpath([real, scan_root]) != scan_root:
            return self._notice(
                NoticeCode.SKIPPED_SPECIAL, path, "symbolic link points outside the scan root"
            )
        try:
            st = os.stat(path)
        except OSError as exc:
            return self._notice(NoticeCode.UNREADABLE, path, _os_reason(exc))
        if not stat.S_ISDIR(st.st_mode):
            return self._file(path, st, via_link=True)
        key = (st.st_dev, st.st_ino)
        if key in self._ancestors:
            return self._notice(NoticeCode.SKIPPED_SPECIAL, path, "symbolic link loop not followed")
        if key in self._visited_dirs:
            return self._notice(
                NoticeCode.SKIPPED_SPECIAL, path, "directory already scanned through a link"
            )
        self._visited_dirs.add(key)
        return path

    def _file(
        self,
        path: str,
        st: os.stat_result,
        *,
        via_link: bool = False,
        through_link: bool = False,
    ) -> FileEntry | Notice:
        """The entry of a file (``st`` is the file's own status, also when ``path`` is a
        followed symbolic link), or why it is not scanned."""
        return _file_entry(
            path, st, self.base, self.options.max_file_size, via_link, through_link, ""
        )

    def _unstated(self, path: str, blob: str, display: str | None) -> FileEntry | Notice:
        """A file git vouches is a regular file with the bytes of ``blob``: what the walk
        decides by its name alone is decided now, the rest by :func:`stat_entry`."""
        notice = _binary_suffix(path, self.base)
        if notice is not None:
            return notice
        return FileEntry(path, display or display_path(path, self.base), -1, blob=blob)

    def _notice(
        self, code: NoticeCode, path: str, message: str, level: NoticeLevel = NoticeLevel.WARNING
    ) -> Notice:
        return Notice(code=code, message=message, path=display_path(path, self.base), level=level)


def _binary_suffix(path: str, base: str) -> Notice | None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in BINARY_SUFFIXES:
        return Notice(
            code=NoticeCode.BINARY,
            message=f"binary file type ({suffix}) skipped",
            path=display_path(path, base),
            level=NoticeLevel.INFO,
        )
    return None


def _file_entry(
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
    notice = _binary_suffix(path, base)
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
            message=_os_reason(exc),
            path=entry.display,
            level=NoticeLevel.WARNING,
        )
    return _file_entry(entry.path, st, base, max_size, False, False, entry.blob)


def _os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or type(exc).__name__}"


def walk(
    paths: Sequence[str],
    base: str,
    options: WalkOptions | None = None,
    on_ignored: Callable[[str], None] | None = None,
) -> Iterator[FileEntry | Notice]:
    """Files under ``paths`` to scan, and notices for what was not scanned.

    ``on_ignored`` receives the display path of every path an ignore rule (git's, not a
    configured exclude) leaves out; a directory's ends in '/' and stands for all in it.
    Raises :class:`PathNotFound` for a path that does not exist.
    """
    walker = _Walker(os.path.abspath(base), options or WalkOptions(), on_ignored)
    yield from walker.walk(paths)
