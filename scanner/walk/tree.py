"""The walk of a folder tree by its ignore files (git's semantics, read by rolecall).

See :mod:`rolecall.walk.walker` for the rules it follows; this module is the part of the
walk that needs no git: outside a work tree it is the whole walk, inside one it walks
what git does not list file by file. Symbolic links, special files, unreadable folders
and the size limit become notices here, through :mod:`rolecall.walk.entries`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator

from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.walk.entries import FileEntry, WalkOptions, file_entry, os_reason
from rolecall.walk.ignore import IgnorePolicy, IgnoreRules, IgnoreSource
from rolecall.walk.paths import display_path


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


class TreeWalk:
    """The walk of folders by the ignore files, as git would read them: depth first,
    each folder's entries in name order, symbolic links by the walk's policy.

    :class:`rolecall.walk.walker` builds on it with git's own file list; this part
    is what runs outside a work tree, for folders git ignores or lists as a whole
    (nested repositories), and when git fails.
    """

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

    def _walk_root(self, path: str) -> Iterator[FileEntry | Notice]:
        try:
            st = os.lstat(path)
        except OSError as exc:
            yield self._notice(NoticeCode.UNREADABLE, path, os_reason(exc))
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
                yield self._notice(NoticeCode.UNREADABLE, entry.path, os_reason(exc))
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
            return self._notice(NoticeCode.UNREADABLE, directory, os_reason(exc))
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
            return self._notice(NoticeCode.UNREADABLE, path, os_reason(exc))
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
        return file_entry(
            path, st, self.base, self.options.max_file_size, via_link, through_link, ""
        )

    def _notice(
        self, code: NoticeCode, path: str, message: str, level: NoticeLevel = NoticeLevel.WARNING
    ) -> Notice:
        return Notice(code=code, message=message, path=display_path(path, self.base), level=level)
