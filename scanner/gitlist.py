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
  ``core.checkStat=minimal`` nor ``core.trustctime=false``, and no ``core.fsmonitor``
  (whose answers come from a daemon, not from the file system).

Every id comes from git's own output for this work tree; none is read from a file.
"""

from __future__ import annotations

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


def _run(
    directory: str, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)
) -> bytes:
    import subprocess  # only inside a work tree

    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=directory,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
        )
    except FileNotFoundError:
        raise GitUnavailable("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitUnavailable(f"git took longer than {GIT_TIMEOUT:.0f}s") from None
    except OSError as exc:
        raise GitUnavailable(f"git could not run: {exc.strerror or type(exc).__name__}") from None
    if done.returncode not in ok:
        # git's first message line names the problem (a dubious owner, a broken index);
        # it quotes paths at most, never file content.
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = first[0] if first else f"exit status {done.returncode}"
        raise GitUnavailable(f"git failed: {reason[:200]}")
    return done.stdout


def _paths(output: bytes) -> list[str]:
    """The NUL-separated paths of ``output``, decoded as the OS decodes file names."""
    return [os.fsdecode(raw) for raw in output.split(b"\0") if raw]


def _walk_order(path: str) -> list[str]:
    # The walker's order (each directory's entries by name, depth first); git sorts by
    # bytes, which puts "a.txt" before "a/b".
    return path.split("/")


def list_files(directory: str, *, blobs: bool = False) -> GitListing:
    """What git lists under ``directory`` (inside a work tree), or :class:`GitUnavailable`.

    With ``blobs``, files git vouches for carry their blob id (see the module docstring).
    """
    if blobs:
        vouched, listed = _list_with_blobs(directory)
    else:
        vouched = {}
        listed = _paths(
            _run(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        )
    # A file both in the index and, after a merge, in several stages is listed once.
    files = [GitFile(p, vouched.get(p, "")) for p in sorted(set(listed), key=_walk_order)]
    ignored = _paths(
        _run(
            directory,
            "ls-files",
            "-z",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
        )
    )
    return GitListing(files, sorted(ignored, key=_walk_order))


#: Modes of index entries that are regular files (a link is 120000, a submodule 160000).
_REGULAR_MODES = frozenset({b"100644", b"100755"})
#: Attributes that can make the work-tree bytes differ from the blob's.
CONVERSION_ATTRIBUTES = ("filter", "eol", "text", "crlf", "ident", "working-tree-encoding")
#: check-attr's answers that mean "no conversion" ("unset" is ``-text``: binary, as is).
_NO_CONVERSION = frozenset({b"unspecified", b"unset"})
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
    candidates: dict[bytes, str] = {}
    spoiled: set[bytes] = set()  # paths with a record that rules them out
    for record in out.split(b"\0"):
        if not record:
            continue
        tag, path = record[:2], b""
        if tag == b"? ":
            path = record[2:]
        else:
            meta, tab, path = record[2:].partition(b"\t")
            fields = meta.split(b" ")
            if not tab or len(fields) != 3 or tag[1:] != b" ":
                raise GitUnavailable("git ls-files printed an unexpected record")
            mode, oid, stage = fields
            if tag == b"H " and stage == b"0" and mode in _REGULAR_MODES and path not in spoiled:
                candidates[path] = oid.decode("ascii")
            else:
                spoiled.add(path)
                candidates.pop(path, None)
        listed.append(os.fsdecode(path))
    if not candidates or not _config_keeps_stat_check(directory):
        return {}, listed
    trusted = _without_conversion(directory, list(candidates))
    return {os.fsdecode(p): candidates[p] for p in trusted}, listed


def _config_keeps_stat_check(directory: str) -> bool:
    """Whether this work tree's configuration leaves git's modified check and the
    checkout conversion as the module docstring requires."""
    try:
        out = _run(
            directory,
            "config",
            "-z",
            "--get-regexp",
            r"^core\.(autocrlf|checkstat|trustctime|fsmonitor)$",
            ok=(0, 1),  # 1: none of them is set
        )
    except GitUnavailable:
        return False
    values: dict[str, str] = {}
    for entry in out.split(b"\0"):
        name, newline, value = entry.partition(b"\n")
        if name:
            # A name without a value ("[core] autocrlf") is a boolean true; the last wins.
            text = value.decode("utf-8", "replace").strip().lower() if newline else "true"
            values[name.decode("utf-8", "replace").lower()] = text
    return (
        values.get("core.autocrlf", "false") in _FALSE
        and values.get("core.checkstat", "default") != "minimal"
        and values.get("core.trustctime", "true") not in _FALSE
        and values.get("core.fsmonitor", "false") in _FALSE
    )


def _without_conversion(directory: str, paths: list[bytes]) -> list[bytes]:
    """The ``paths`` (relative to ``directory``) no conversion attribute applies to."""
    try:
        out = _run(
            directory,
            "check-attr",
            "-z",
            "--stdin",
            *CONVERSION_ATTRIBUTES,
            stdin=b"".join(p + b"\0" for p in paths),
        )
    except GitUnavailable:
        return []
    fields = out.split(b"\0")
    converted: set[bytes] = set()
    answered: set[bytes] = set()
    for i in range(0, len(fields) - 2, 3):
        path, value = fields[i], fields[i + 2]
        answered.add(path)
        if value not in _NO_CONVERSION:
            converted.add(path)
    return [p for p in paths if p in answered and p not in converted]


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
