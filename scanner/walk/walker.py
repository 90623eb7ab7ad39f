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
from typing import TYPE_CHECKING

from rolecall.errors import PathNotFound as PathNotFound  # re-exported: public name
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.walk.entries import (
    BINARY_SUFFIXES as BINARY_SUFFIXES,  # re-exported: the walk's public names
)
from rolecall.walk.entries import DEFAULT_MAX_FILE_SIZE as DEFAULT_MAX_FILE_SIZE
from rolecall.walk.entries import FileEntry as FileEntry
from rolecall.walk.entries import WalkOptions as WalkOptions
from rolecall.walk.entries import binary_suffix, os_reason
from rolecall.walk.entries import stat_entry as stat_entry
from rolecall.walk.ignore import find_repo_root
from rolecall.walk.paths import display_path as display_path  # re-exported: public name
from rolecall.walk.tree import TreeWalk

if TYPE_CHECKING:
    from rolecall.walk.gitlist import GitFile


class _Walker(TreeWalk):
    """The walk of the scanned paths: git's list of files inside a work tree, the
    folder walk elsewhere, and each file given out once."""

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
        yield from self._listed_files(path, repo, listing.files)

    def _listed_files(
        self, path: str, repo: str, listed_files: Sequence[GitFile]
    ) -> Iterator[FileEntry | Notice]:
        """The entries of the files git listed under ``path``: those git vouches for by
        their blob id unstated, the others (and what git lists as a whole) looked at."""
        scan_root = os.path.realpath(path)
        here = path == self.base and os.sep == "/"
        for listed in listed_files:
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
                yield self._notice(NoticeCode.UNREADABLE, file, os_reason(exc))
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

    def _unstated(self, path: str, blob: str, display: str | None) -> FileEntry | Notice:
        """A file git vouches is a regular file with the bytes of ``blob``: what the walk
        decides by its name alone is decided now, the rest by :func:`stat_entry`."""
        notice = binary_suffix(path, self.base)
        if notice is not None:
            return notice
        return FileEntry(path, display or display_path(path, self.base), -1, blob=blob)


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
