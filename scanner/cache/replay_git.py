"""Inside a git work tree, git's account of what changed, for the replay
(:mod:`rolecall.cache.replay`): ``git ls-files`` and ``git status`` run side by side with
their output in memory files (no ``subprocess`` import), the configuration files that
stand for git's configuration, and the work tree a path is in.
"""

from __future__ import annotations

import os

from rolecall.cache.replay_state import CONFIG_NAMES, GitDoubt, State, hasher, stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rolecall.cache.replay import Request
    from rolecall.cache.replay_state import Record


#: Index entries git checks itself: regular files at stage 0 ("H": cached, not
#: assume-unchanged or skip-worktree).
INDEX_TAGS = (b"H 100644 ", b"H 100755 ")
GIT = ("git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false")


def work_tree_of(path: str) -> str | None:
    """The work tree ``path`` is in (the nearest folder with a ``.git`` directory), None
    outside one; :class:`GitDoubt` for a ``.git`` file (a linked work tree or submodule)."""
    current = path
    while True:
        dotgit = os.path.join(current, ".git")
        try:
            st = os.lstat(dotgit)
        except OSError:
            st = None
        if st is not None:
            if (st.st_mode & 0o170000) != 0o040000:
                raise GitDoubt(".git is not a directory")
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class GitRun:
    """``git`` started with its output going to an anonymous memory file (so that two
    commands run side by side with no pipe to drain, and no ``subprocess`` import)."""

    def __init__(self, top: str, *args: str) -> None:
        self.fd = os.memfd_create("rolecall-git", os.MFD_CLOEXEC)
        null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        try:
            actions = [
                (os.POSIX_SPAWN_DUP2, null, 0),
                (os.POSIX_SPAWN_DUP2, self.fd, 1),
                (os.POSIX_SPAWN_DUP2, null, 2),
            ]
            argv = [GIT[0], "-C", top, *GIT[1:], *args]
            self.pid = os.posix_spawnp("git", argv, os.environ, file_actions=actions)
        except OSError as exc:
            os.close(self.fd)
            raise GitDoubt("git did not start") from exc
        finally:
            os.close(null)

    def output(self, ok: tuple[int, ...] = (0,)) -> bytes:
        try:
            _, status = os.waitpid(self.pid, 0)
            if os.waitstatus_to_exitcode(status) not in ok:
                raise GitDoubt("git failed")
            size = os.fstat(self.fd).st_size
            os.lseek(self.fd, 0, os.SEEK_SET)
            chunks = []
            while size > 0:
                chunk = os.read(self.fd, size)
                if not chunk:
                    break
                chunks.append(chunk)
                size -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(self.fd)
            self.fd = -1

    def discard(self) -> None:
        """Wait for a run whose output is no longer wanted."""
        try:  # noqa: SIM105 (no contextlib import on the replay's path)
            self.output(ok=tuple(range(256)))
        except (GitDoubt, OSError):
            pass


def git_config_files(top: str, out: bytes, exec_path_out: bytes) -> list[str]:
    """Every file git reads configuration from in ``top`` (from ``git config -z --list
    --show-origin``'s output ``out``, when recording), and the places where one could
    appear (the system file under git's prefix, from ``git --exec-path``): their stamps
    stand for the configuration, which was checked when the record was written. So a
    replay needs no git command before ``status`` (which may run a content filter of
    the configuration)."""
    files: set[str] = set()
    fields = out.split(b"\0")
    for i in range(0, len(fields) - 1, 2):
        origin = os.fsdecode(fields[i])
        if origin.startswith("file:"):
            files.add(os.path.abspath(os.path.join(top, origin[5:])))
        elif origin != "command line:":
            raise GitDoubt("configuration that is not in a file")
        name, _, value = fields[i + 1].partition(b"\n")
        if name.lower() == b"core.attributesfile":
            files.add(os.path.abspath(os.path.expanduser(os.fsdecode(value))))
    home = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    git = os.path.join(top, ".git")
    exec_path = exec_path_out.decode("utf-8", "replace").strip()
    prefix = os.path.dirname(os.path.dirname(exec_path)) if exec_path else "/usr"
    files.update(
        {
            os.path.join(git, "config"),
            os.path.join(git, "config.worktree"),
            os.path.join(git, "HEAD"),  # includeIf "onbranch:"
            os.path.join(git, "info", "attributes"),
            os.path.join(home, ".gitconfig"),
            os.path.join(xdg, "git", "config"),
            os.path.join(xdg, "git", "attributes"),
            "/etc/gitconfig",
            os.path.join(prefix, "etc", "gitconfig"),
        }
    )
    return sorted(files)


def config_state(files: list[str]) -> str:
    state = State()
    for path in files:
        state.stat(path, follow=True)
    return str(state.digest.hexdigest())


class GitProbe:
    """``git ls-files`` and ``git status`` of the work tree ``top``, started side by
    side; rolecall's own stamping runs while they do.

    ``ls-files`` only reads the index, which git replaces (a new file) whenever it
    changes it: when the index has the stamp it had when ``record`` was written, its
    listing is the recorded one, and ``ls-files`` does not run."""

    def __init__(self, top: str, record: Record) -> None:
        self.top = top
        self.index_path = os.path.join(top, ".git", "index")
        try:
            self.index_st: os.stat_result | None = os.lstat(self.index_path)
        except OSError:
            self.index_st = None
        self.index_stamp = stamp(self.index_st) if self.index_st is not None else ""
        self.record = record
        reuse = bool(record.index_stamp) and self.index_stamp == record.index_stamp
        self.listing = None if reuse else GitRun(top, "ls-files", "-s", "-v", "-z")
        try:
            self.status = GitRun(
                top,
                "--no-optional-locks",
                "status",
                "--porcelain=v2",
                "-z",
                "--untracked-files=all",
                "--ignored=matching",
                "--ignore-submodules=none",
                "--no-renames",
            )
        except GitDoubt:
            if self.listing is not None:
                self.listing.discard()
            raise

    def discard(self) -> None:
        """Wait for both (after a failure elsewhere)."""
        for run in (self.listing, self.status):
            if run is not None and run.fd >= 0:
                run.discard()

    def finish(self, state: State, roots: list[str], request: Request) -> None:
        """Add git's account to ``state`` (the module docstring says what it is)."""
        listed = None
        try:
            if self.listing is not None:
                listed = self.listing.output()
        finally:
            changes = self.status.output()
        if listed is not None and _lstamp(self.index_path) != self.index_stamp:
            raise GitDoubt("the index changed while it was listed")
        state.index_stamp = self.index_stamp
        if self.index_st is not None:  # settled, like every stamp a record trusts
            newest = max(self.index_st.st_mtime_ns, self.index_st.st_ctime_ns)
            state.newest = max(state.newest, newest)
        _add_git(state, self.top, roots, request, listed, changes, self.record)


def _lstamp(path: str) -> str:
    try:
        return stamp(os.lstat(path))
    except OSError:
        return ""


def _add_git(
    state: State,
    top: str,
    roots: list[str],
    request: Request,
    listed: bytes | None,
    changes: bytes,
    record: Record,
) -> None:
    """Add git's account to ``state``: the index listing (``listed``, None when the
    index is the recorded one) and ``status``'s ``changes``, each changed file stat'ed."""
    _add_index(state, request, listed, record)
    state.add(state.index_digest)
    state.add_bytes(changes)
    prefix = top.rstrip(os.sep) + os.sep
    rel_roots = [os.path.relpath(root, top).replace(os.sep, "/") for root in roots]
    files: list[str] = []
    for raw in changes.split(b"\0"):
        if not raw:
            continue
        kind = raw[:2]
        if kind == b"1 ":
            fields = raw.split(b" ", 8)
            if len(fields) != 9 or not fields[2].startswith(b"N"):
                raise GitDoubt("a submodule")
            files.append(os.fsdecode(fields[8]))
        elif kind == b"? ":
            path = os.fsdecode(raw[2:])
            if path.endswith("/"):
                raise GitDoubt("a nested repository")
            files.append(path)
        elif kind == b"! ":
            ignored = os.fsdecode(raw[2:])
            stem = ignored.rstrip("/")
            for root in rel_roots:
                if root == stem or root.startswith(stem + "/"):
                    raise GitDoubt("a scanned path git ignores")
            if not request.isolated and ignored.rsplit("/", 1)[-1] in CONFIG_NAMES:
                state.stat(prefix + ignored)
        else:
            raise GitDoubt("an unmerged path or an unknown record")
    for path in files:
        st = state.stat(prefix + path)
        if st is not None and (st.st_mode & 0o170000) == 0o120000:
            state.stat(prefix + path, follow=True)
    if not request.isolated:
        folders = set(state.index_folders)
        for path in files:
            _folders(path, folders)
        for folder in sorted(folders):
            for name in CONFIG_NAMES:
                state.stat(prefix + folder + name)


def _add_index(state: State, request: Request, listed: bytes | None, record: Record) -> None:
    """Set the index's digest and folders on ``state``: the recorded ones when the index
    is unchanged, else from ``ls-files``' output, which must hold only entries git checks."""
    if listed is None:  # the recorded listing (the index is the recorded file)
        state.index_digest = record.index_digest
        state.index_folders = record.index_folders
    else:
        records = listed.split(b"\0")
        for line in records:
            if line and not (line.startswith(INDEX_TAGS) and b" 0\t" in line[:90]):
                raise GitDoubt("an index entry git does not check (or not a regular file)")
        state.index = listed
        h = hasher()
        h.update(listed)
        state.index_digest = str(h.hexdigest())
        if not request.isolated:
            tracked: set[str] = set()
            for line in records:
                if line:
                    _folders(os.fsdecode(line.partition(b"\t")[2]), tracked)
            state.index_folders = sorted(tracked)


def _folders(path: str, into: set[str]) -> None:
    """Add every folder above ``path`` ('/'-separated, each ending in '/', the top "")."""
    end = path.rfind("/")
    while end >= 0:
        folder = path[: end + 1]
        if folder in into:
            return
        into.add(folder)
        end = path.rfind("/", 0, end)
    into.add("")
