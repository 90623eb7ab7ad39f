"""The files git would have a user scan: tracked files always, untracked files unless an
ignore rule covers them, as ``git ls-files`` says.

git's own answer is the only one that matches what a user sees in ``git status``: a file
committed despite a ``.gitignore`` pattern is tracked and scanned, and
``core.excludesFile``, nested ``.gitignore`` files and ``.git/info/exclude`` mean exactly
what they mean to git. Output is NUL-separated (``-z``), so any byte but NUL may be in a
name. git is never required: every failure raises :class:`GitUnavailable`, and the
walker then reads the ignore files itself.

With ``blobs=True`` (a scan with the result cache) the same listing also names, for each
file whose work-tree bytes git vouches are exactly a blob of its object store, that
blob's id, so that the cache can answer the file by the id without rolecall opening or
even stat'ing it. git vouches only for a file that is all of these (anything else has
no blob id and is read as before):

- tracked, at stage 0 (not in a merge conflict), a regular file (mode 100644 or 100755:
  never a symbolic link or a submodule);
- not modified against the index by git's own check (``ls-files --modified``: stat data,
  and the content where the stat data cannot decide), and marked neither
  assume-unchanged nor skip-worktree (``-v`` shows both), since git skips the check for
  those;
- with no attribute that makes the work-tree bytes differ from the blob (``filter``,
  such as Git LFS; ``text``, ``eol`` and ``crlf`` conversion; ``ident``;
  ``working-tree-encoding``), as ``git check-attr`` answers from every attribute source
  git reads, and ``core.autocrlf`` off;
- in a work tree whose configuration keeps git's full stat check: neither
  ``core.checkStat=minimal`` nor ``core.trustctime=false`` (rolecall's git runs
  without ``core.fsmonitor``, whose hook is a command and whose answers come from a
  daemon, not from the file system), and sets no ``filter`` command in the
  repository's own configuration (see :func:`_config_allows_vouching`).

Every id comes from git's own output for this work tree; none is read from a file.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

#: A listing that takes longer than this is abandoned (the walker reads the tree itself).
GIT_TIMEOUT = 120.0


class GitUnavailable(Exception):
    """git is missing or refused to list the files; the message says why (no content)."""


@dataclass(frozen=True)
class GitFile:
    """One path of a listing, relative to the listed directory, '/'-separated.

    ``blob`` is the id of the blob git vouches the file's bytes are (see the module's
    docstring), or "" when git does not vouch for them.
    """

    path: str
    blob: str = ""


@dataclass(frozen=True)
class GitListing:
    #: Tracked files, and untracked files no ignore rule covers, in walk order.
    files: list[GitFile]
    #: Untracked paths an ignore rule covers; an ignored directory is one entry ending
    #: in '/' (git does not list what is inside it).
    ignored: list[str]


class _Git:
    """One git command started in ``directory``; :meth:`output` waits for it. Commands
    that do not depend on each other are started together and run side by side."""

    def __init__(
        self, directory: str, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)
    ) -> None:
        import subprocess  # only inside a work tree

        self.ok = ok
        self.stdin = stdin
        try:
            self.process = subprocess.Popen(
                # No fsmonitor: its hook is a command of the repository's configuration,
                # and its answers would replace git's own stat check.
                ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", *args],
                cwd=directory,
                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except FileNotFoundError:
            raise GitUnavailable("git is not installed") from None
        except OSError as exc:
            raise GitUnavailable(
                f"git could not run: {exc.strerror or type(exc).__name__}"
            ) from None

    def output(self) -> bytes:
        import subprocess

        try:
            out, err = self.process.communicate(self.stdin, timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise GitUnavailable(f"git took longer than {GIT_TIMEOUT:.0f}s") from None
        except OSError as exc:
            raise GitUnavailable(
                f"git could not run: {exc.strerror or type(exc).__name__}"
            ) from None
        if self.process.returncode not in self.ok:
            # git's first message line names the problem (a dubious owner, a broken
            # index); it quotes paths at most, never file content.
            first = err.decode("utf-8", "replace").strip().splitlines()
            reason = first[0] if first else f"exit status {self.process.returncode}"
            raise GitUnavailable(f"git failed: {reason[:200]}")
        return out

    def discard(self) -> None:
        """Wait for a command whose output is no longer wanted."""
        with contextlib.suppress(GitUnavailable):
            self.output()


def _run(
    directory: str, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)
) -> bytes:
    return _Git(directory, *args, stdin=stdin, ok=ok).output()


def _paths(output: bytes) -> list[str]:
    """The NUL-separated paths of ``output``, decoded as the OS decodes file names."""
    return [os.fsdecode(raw) for raw in output.split(b"\0") if raw]


def _walk_order(path: str) -> str:
    # The walker's order (each directory's entries by name, depth first); git sorts by
    # bytes, which puts "a.txt" before "a/b". NUL, in no name, sorts below every
    # character: comparing these strings compares the paths' components in turn.
    return path.replace("/", "\0")


def list_files(directory: str, *, blobs: bool = False) -> GitListing:
    """What git lists under ``directory`` (inside a work tree), or :class:`GitUnavailable`.

    With ``blobs``, files git vouches for carry their blob id (see the module docstring).
    """
    # The ignored paths are listed while the rest runs.
    ignored_run = _Git(directory, *IGNORED_LISTING)
    try:
        vouched: dict[str, str] = {}
        listed: list[str] | None = None
        if blobs and _config_allows_vouching(directory):
            vouched, listed = _list_with_blobs(directory)
        if listed is None:
            listed = _paths(
                _run(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            )
        ignored = _paths(ignored_run.output())
    except GitUnavailable:
        ignored_run.discard()
        raise
    # A file both in the index and, after a merge, in several stages is listed once.
    files = [GitFile(p, vouched.get(p, "")) for p in sorted(set(listed), key=_walk_order)]
    return GitListing(files, sorted(ignored, key=_walk_order))


IGNORED_LISTING = ("ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
#: The settings :func:`_config_allows_vouching` judges (exit status 1: none is set).
CONFIG_QUERY = (
    "config",
    "-z",
    "--show-scope",
    "--get-regexp",
    r"^(core\.(autocrlf|checkstat|trustctime|fsmonitor)|filter\..*\.(clean|process))$",
)
#: Configuration scopes that come with the repository's own ``.git`` directory (which a
#: scanned tree may bring along), not from the user.
_REPOSITORY_SCOPES = frozenset({"local", "worktree"})


#: Modes of index entries that are regular files (a link is 120000, a submodule 160000).
_REGULAR_MODES = frozenset({"100644", "100755"})
#: Attributes that can make the work-tree bytes differ from the blob's.
CONVERSION_ATTRIBUTES = frozenset(
    {"filter", "eol", "text", "crlf", "ident", "working-tree-encoding"}
)
#: check-attr's answers that mean "no conversion" ("unset" is ``-text``: binary, as is).
_NO_CONVERSION = frozenset({"unspecified", "unset"})
_FALSE = frozenset({"", "false", "no", "off", "0"})


def _list_with_blobs(directory: str) -> tuple[dict[str, str], list[str]]:
    """The vouched blob ids (path -> id) and every listed path, from one ``ls-files``.

    ``-v`` tags each record: ``H`` a cached file, lower case when it is marked
    assume-unchanged, ``S`` skip-worktree, ``M`` unmerged, ``C`` modified, ``?``
    untracked. ``-s`` adds mode, id and stage to index records; an untracked record is
    a bare path (the tag decides which form a record has, so no file name can pose as
    an index record).
    """
    out = _run(
        directory,
        "ls-files",
        "-z",
        "-v",
        "-s",
        "--cached",
        "--modified",
        "--others",
        "--exclude-standard",
    )
    listed: list[str] = []
    candidates: dict[str, str] = {}
    spoiled: set[str] = set()  # paths with a record that rules them out
    # Decoded once, as the OS decodes file names (records are split after: NUL and TAB
    # are single bytes that no multi-byte sequence contains).
    for record in os.fsdecode(out).split("\0"):
        if not record:
            continue
        tag = record[:2]
        if tag == "? ":
            path = record[2:]
        else:
            meta, tab, path = record[2:].partition("\t")
            fields = meta.split(" ")
            if not tab or len(fields) != 3 or tag[1:] != " ":
                raise GitUnavailable("git ls-files printed an unexpected record")
            mode, oid, stage = fields
            if tag == "H " and stage == "0" and mode in _REGULAR_MODES and path not in spoiled:
                candidates[path] = oid
            else:
                spoiled.add(path)
                candidates.pop(path, None)
        listed.append(path)
    from rolecall.cache.replay import note_vouched

    if not candidates:
        note_vouched(True)
        return {}, listed
    trusted = _without_conversion(directory, list(candidates))
    # A replay (rolecall.cache.replay) trusts git's "unchanged" only where nothing converts.
    note_vouched(len(trusted) == len(candidates))
    return {p: candidates[p] for p in trusted}, listed


def _config_allows_vouching(directory: str) -> bool:
    """Whether this work tree's configuration leaves git's modified check and the
    checkout conversion as the module docstring requires, and lets ``ls-files
    --modified`` compare contents without running a command of the repository's own.

    To compare a file whose stat data changed, git runs the clean filter of its
    ``filter`` attribute: a filter command set in the repository's own configuration
    (``.git/config``, which a tree handed to rolecall may bring along) would run
    just because rolecall listed the files. With one, nothing is vouched for and the
    listing does not compare contents (as before blob ids were asked for); the user's
    own filters (global or system configuration, such as Git LFS's) are not refused.
    """
    try:
        out = _run(directory, *CONFIG_QUERY, ok=(0, 1))  # 1: none is set
    except GitUnavailable:
        return False
    fields = out.split(b"\0")
    values: dict[str, str] = {}
    for i in range(0, len(fields) - 1, 2):
        scope = fields[i].decode("utf-8", "replace")
        name, newline, value = fields[i + 1].partition(b"\n")
        key = name.decode("utf-8", "replace").lower()
        if key.startswith("filter.") and scope in _REPOSITORY_SCOPES:
            return False
        # A name without a value ("[core] autocrlf") is a boolean true; the last wins.
        values[key] = value.decode("utf-8", "replace").strip().lower() if newline else "true"
    return (
        values.get("core.autocrlf", "false") in _FALSE
        and values.get("core.checkstat", "default") != "minimal"
        and values.get("core.trustctime", "true") not in _FALSE
        and values.get("core.fsmonitor", "false") in _FALSE
    )


def _without_conversion(directory: str, paths: list[str]) -> list[str]:
    """The ``paths`` (relative to ``directory``) no conversion attribute applies to.

    ``--all`` prints only the attributes that are set, unset or valued for a path (its
    output is empty for a tree without attributes), macros such as ``binary``
    expanded; a path with none of :data:`CONVERSION_ATTRIBUTES` set or valued is kept.
    """
    try:
        out = _run(
            directory,
            "check-attr",
            "-z",
            "--stdin",
            "--all",
            stdin=os.fsencode("\0".join(paths) + "\0"),
        )
    except GitUnavailable:
        return []
    fields = os.fsdecode(out).split("\0")
    # (path, attribute, value) triples.
    end = (len(fields) - 1) // 3 * 3
    converted = {
        path
        for path, name, value in zip(fields[0:end:3], fields[1:end:3], fields[2:end:3], strict=True)
        if name in CONVERSION_ATTRIBUTES and value not in _NO_CONVERSION
    }
    return [p for p in paths if p not in converted] if converted else paths


def ignores_directory(repo_root: str, directory: str) -> bool:
    """Whether git's ignore rules cover ``directory`` (a path inside ``repo_root``)."""
    rel = os.path.relpath(directory, repo_root)
    if rel == os.curdir:
        return False
    try:
        _run(repo_root, "check-ignore", "-q", "--", rel.replace(os.sep, "/") + "/")
    except GitUnavailable:
        return False  # exit status 1: not ignored (a real failure shows in the listing)
    return True
