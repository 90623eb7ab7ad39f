"""The files git would have a user scan: tracked files always, untracked files unless an
ignore rule covers them, as ``git ls-files`` says.

git's own answer is the only one that matches what a user sees in ``git status``: a file
committed despite a ``.gitignore`` pattern is tracked and scanned, and
``core.excludesFile``, nested ``.gitignore`` files and ``.git/info/exclude`` mean exactly
what they mean to git. Output is NUL-separated (``-z``), so any byte but NUL may be in a
name. git is never required: every failure raises :class:`GitUnavailable`, and the
walker then reads the ignore files itself.
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

    Kept as a record (not a bare string) so that a listing with ``-s`` can add the mode
    and blob id without changing the callers.
    """

    path: str


@dataclass(frozen=True)
class GitListing:
    #: Tracked files, and untracked files no ignore rule covers, in walk order.
    files: list[GitFile]
    #: Untracked paths an ignore rule covers; an ignored directory is one entry ending
    #: in '/' (git does not list what is inside it).
    ignored: list[str]


def _run(directory: str, *args: str) -> bytes:
    # Imported here: a scan of named files (the pre-commit hook) never runs git, and
    # subprocess with its imports is about 5 ms of its start-up.
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=directory,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitUnavailable("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitUnavailable(f"git took longer than {GIT_TIMEOUT:.0f}s") from None
    except OSError as exc:
        raise GitUnavailable(f"git could not run: {exc.strerror or type(exc).__name__}") from None
    if done.returncode != 0:
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


def list_files(directory: str) -> GitListing:
    """What git lists under ``directory`` (inside a work tree), or :class:`GitUnavailable`."""
    listed = _paths(_run(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard"))
    # A file both in the index and, after a merge, in several stages is listed once.
    files = [GitFile(p) for p in sorted(set(listed), key=_walk_order)]
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
