"""Replay: a rescan whose every input is provably unchanged writes the recorded output.

A ``rolecall scan`` that the result cache answers whole still imports the command line,
reads the configuration, walks the tree and renders the report: about 90 ms for a
900-file tree, most of it Python start-up and imports. When nothing it depends on has
changed since a scan with the same request, the report cannot have changed either. This
module decides that with the standard library's cheapest parts (``os``, ``sys``, the
``_blake2`` hash; no ``typing``, ``re`` or ``subprocess``), before anything else of
rolecall is imported, and then writes the recorded output and exits with the recorded
code. Any doubt is a full scan, which writes the record again.

The record's key has two parts, both hashed with BLAKE2b.

The *request* names the record file: rolecall's version and install directory, the
Python that runs it, ``sys.path``, the exact arguments and working directory, the whole
environment (less ``OLDPWD``, ``SHLVL`` and ``_``, which shells change and nothing reads:
every variable rolecall, git or a plugin reads is in it), whether standard output is a
terminal (colour), the terminal's size there (wrapping) and the stream's encoding.

The *state* is compared with the one recorded:

- the size, modification and change time, inode and device of every file of rolecall's
  own package (rules, their manifest, the engine: an edited install is a miss);
- the same of each directory on ``sys.path``, the proxy for the installed rule plugins:
  installing, upgrading or removing a distribution adds or removes a ``*.dist-info``
  folder there, which changes the directory's modification time; and the same of every
  file of each plugin's ``entry_points.txt`` and source folder found when recording
  (an editable plugin edited in place);
- the files a scan reads besides the tree: the ``--config`` and baseline files, and the
  configuration file names (``.rolecall.toml``, ``pyproject.toml``) in every directory
  above the scanned paths (and, inside a git work tree, in every directory that holds a
  listed file), unless ``--isolated``;
- outside git, every directory and file under the scanned paths (what ``bench/floor.py``
  stats): an unchanged directory means an unchanged set of entries, so the walk and the
  ignore matching are not redone, and a symbolic link also by its target's stat;
- inside a git work tree, git's own account, asked side by side: ``git ls-files -s -v
  -z`` (the blob id of every tracked file, a content hash git maintains, and flags that
  show entries git does not check) and ``git status --porcelain=v2 -z
  --untracked-files=all --ignored=matching`` (what differs from the index, what is
  untracked or ignored); each file status lists as modified or untracked is also
  stat'ed, because status says *that* a file differs, not *how*. git's configuration
  decides whether its "unchanged" can be trusted (as :mod:`rolecall.gitlist` judges it:
  no ``core.autocrlf``, full stat checks, no content filter in the repository's own
  configuration, no converting attribute on a clean file); it is judged when recording,
  and a replay compares the stamps of every file git read it from (``git config --list
  --show-origin``) and of every place one could appear, before ``status`` runs (which
  may run a content filter).

A record is written after a full scan that used the result cache, printed nothing to
standard error and exited 0 or 1, of folders only (a list of files, the pre-commit
hook's, changes with every commit), when no stamped file or folder changed in the last
:data:`SETTLED_NS` (a file written twice within the file system's time resolution keeps
its stamp) and, inside git, when git's account after the scan is the one before it.

Doubts that skip the replay, and run the full scan: an option the replay does not know
(``--output``, ``--shard``, ``--no-cache``, ``--follow-symlinks``; an abbreviation), a
scanned path that is a file or a link, a variable that moves git's repository or index,
submodules, nested repositories, sparse, assume-unchanged or unmerged entries, links
in the index, a scanned path inside an ignored folder or outside the work tree,
``--no-gitignore`` inside git, a git error, a record that is not this user's (records
are authenticated with the result cache's per-user key) or not in this layout, and
any platform but Linux (git's output goes to memory files; elsewhere ``st_ctime`` is
not, or not only, the time of the last change).

What is recorded is the report the scan printed (which holds only redacted evidence,
like the report itself) and its exit code. The scan time in the text summary and the
JSON ``stats`` is the replay's own. A JSON report also states how many files the cache
answered; it is replayed only once two full scans in a row printed the same report.

Not covered: files a rule plugin reads on its own (beyond its source folder), and a
file changed and changed back while the scan that records ran, in a way that leaves
every stamp git and the replay look at as it was (the scan itself read the file at
one instant, as any scan does).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TextIO

#: The first line of every record (a record of another layout is a miss).
MAGIC = b"rolecall-replay-1\n"
#: Files and directories changed less than this long before a scan are not recorded.
SETTLED_NS = 2_000_000_000
#: The folder of records in rolecall's cache directory.
RECORDS = "replay"
#: Records kept (the most recently written): one per request, and a request changes
#: with the environment (a CI run's variables), so old ones are removed.
MAX_RECORDS = 32
#: Environment variables that shells change between commands and nothing reads.
VOLATILE_ENV = frozenset({"OLDPWD", "SHLVL", "_"})
#: git variables that move the repository, its index or where git looks for one: the
#: replay finds the work tree by its ``.git`` directory, so with one of these it does not.
GIT_LOCATION_ENV = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_COMMON_DIR",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM",
        "GIT_NAMESPACE",
    }
)
#: Configuration file names looked for in each directory (see rolecall.config).
CONFIG_NAMES = (".rolecall.toml", "pyproject.toml")
#: Options the replay understands; any other option makes a full scan.
_FLAGS = frozenset(
    {
        "--isolated",
        "--report-examples",
        "--report-unused-suppressions",
        "--no-gitignore",
        "--no-baseline",
        "--report-stale",
        "--quiet",
        "--verbose",
    }
)
_VALUED = frozenset(
    {
        "--select",
        "--ignore",
        "--exclude",
        "--max-file-size",
        "--jobs",
        "--config",
        "--format",
        "--fail-level",
        "--color",
        "--baseline",
    }
)
_FORMATS = frozenset({"text", "json", "sarif", "github"})
_KINDS = ("text", "json", "")
#: Index entries git checks itself: regular files at stage 0 ("H": cached, not
#: assume-unchanged or skip-worktree).
_INDEX_TAGS = (b"H 100644 ", b"H 100755 ")
_GIT = ("git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false")


class Request:
    """A ``scan`` command line the replay understands."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.paths: list[str] = []
        self.files: list[str] = []  # --config and --baseline
        self.format = "text"
        self.isolated = False
        self.no_gitignore = False


def parse(argv: Sequence[str]) -> Request | None:
    """The request of ``argv`` (``scan`` and its arguments), or None if the replay does
    not understand every word of it."""
    if not argv or argv[0] != "scan":
        return None
    request = Request(argv)
    words = iter(argv[1:])
    for word in words:
        if word == "--":
            request.paths.extend(words)
            break
        if not word.startswith("-") or word == "-":
            request.paths.append(word)
            continue
        name, eq, value = word.partition("=")
        if word in _FLAGS:
            request.isolated = request.isolated or word == "--isolated"
            request.no_gitignore = request.no_gitignore or word == "--no-gitignore"
        elif len(word) > 1 and word[0] == "-" and word[1] != "-" and set(word[1:]) <= {"q", "v"}:
            pass  # -q, -vv, ...
        elif word.startswith("-j") and word[2:].isdigit():
            pass
        elif name in _VALUED or word == "-j":
            if not eq:
                following = next(words, None)
                if following is None:
                    return None
                value = following
            if name == "--format":
                if value not in _FORMATS:
                    return None
                request.format = value
            elif name in ("--config", "--baseline"):
                request.files.append(value)
        else:
            return None  # --output, --no-cache, --shard, --help, an abbreviation...
    if not request.paths:
        request.paths.append(".")
    return request


# -- hashing and stamps ------------------------------------------------------------------


def _hasher(key: bytes = b"") -> Any:
    try:
        from _blake2 import blake2b
    except ImportError:  # a Python built without it: hashlib's (slower to import)
        from hashlib import blake2b
    return blake2b(key=key[:64], digest_size=32)


def stamp(st: os.stat_result) -> str:
    return f"{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


class State:
    """What the inputs look like now: a running digest and the latest change time seen."""

    def __init__(self) -> None:
        self.digest = _hasher()
        self.newest = 0
        #: The digest before the files only the scan could name (see Attempt.state).
        self.core = ""
        #: Inside git: ``ls-files -s -v -z``'s output (empty when not run), its digest,
        #: the stamp of the index it came from, and the folders of the files it lists.
        self.index = b""
        self.index_digest = ""
        self.index_stamp = ""
        self.index_folders: list[str] = []

    def add(self, text: str) -> None:
        self.digest.update(text.encode("utf-8", "surrogateescape") + b"\0")

    def add_bytes(self, data: bytes) -> None:
        self.digest.update(len(data).to_bytes(8, "little") + data)

    def stat(self, path: str, *, follow: bool = False) -> os.stat_result | None:
        """Add ``path``'s stamp (or its absence); return its stat."""
        try:
            st = os.stat(path) if follow else os.lstat(path)
        except OSError:
            self.add(f"{path}\0-")
            return None
        self.add(f"{path}\0{stamp(st)}")
        newest = max(st.st_mtime_ns, st.st_ctime_ns)
        if newest > self.newest:
            self.newest = newest
        return st

    def tree(self, folder: str) -> None:
        """Every file under ``folder`` (links followed: strict editable installs link
        their files), bytecode caches aside."""
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            self.add(f"{folder}\0-")
            return
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                self.tree(entry.path)
            else:  # a link to a folder is stamped, not entered (no loops)
                self.stat(entry.path, follow=True)


def user_cache_dir() -> str:
    """:func:`rolecall.cachekey.user_cache_dir`, without importing what it imports."""
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.join(home, ".cache")
    return os.path.join(base, "rolecall")


def package_dir() -> str:
    import rolecall

    return os.path.dirname(os.path.abspath(rolecall.__file__ or ""))


def request_digest(request: Request, cwd: str, out: TextIO) -> str:
    """The name of the request's record (see the module docstring)."""
    import rolecall

    h = _hasher()
    tty = out.isatty()
    size = ""
    if tty:
        try:
            size = str(tuple(os.get_terminal_size(out.fileno())))
        except (OSError, ValueError):
            size = "?"
    env = sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE_ENV)
    parts = [
        MAGIC.decode(),
        rolecall.__version__,
        package_dir(),
        sys.version,
        sys.executable,
        *sys.path,
        "\0argv",
        *request.argv,
        "\0cwd",
        cwd,
        "\0env",
        *(f"{k}={v}" for k, v in env),
        f"tty={tty} {size}",
        f"encoding={getattr(out, 'encoding', '')} {getattr(out, 'errors', '')}",
    ]
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return str(h.hexdigest())


# -- git ---------------------------------------------------------------------------------


class GitDoubt(Exception):
    """Something about the work tree that the replay does not vouch for."""


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


class _Run:
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
            argv = [_GIT[0], "-C", top, *_GIT[1:], *args]
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
        self.listing = None if reuse else _Run(top, "ls-files", "-s", "-v", "-z")
        try:
            self.status = _Run(
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
    if listed is None:  # the recorded listing (the index is the recorded file)
        state.index_digest = record.index_digest
        state.index_folders = record.index_folders
    else:
        records = listed.split(b"\0")
        for line in records:
            if line and not (line.startswith(_INDEX_TAGS) and b" 0\t" in line[:90]):
                raise GitDoubt("an index entry git does not check (or not a regular file)")
        state.index = listed
        h = _hasher()
        h.update(listed)
        state.index_digest = str(h.hexdigest())
        if not request.isolated:
            tracked: set[str] = set()
            for line in records:
                if line:
                    _folders(os.fsdecode(line.partition(b"\t")[2]), tracked)
            state.index_folders = sorted(tracked)
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


# -- the tree outside git ----------------------------------------------------------------


def walk_tree(roots: list[str]) -> list[str] | None:
    """Every path under ``roots`` (folders before their entries), or None when a
    ``.git`` is among them (a nested repository: the walker asks git there)."""
    out: list[str] = []

    def visit(folder: str) -> bool:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return True  # unreadable: its stamp (a miss when it changes) is recorded
        for entry in entries:
            if entry.name == ".git":
                return False
            out.append(entry.path)
            if entry.is_dir(follow_symlinks=False) and not visit(entry.path):
                return False
        return True

    for root in roots:
        out.append(root)
        if os.path.isdir(root) and not os.path.islink(root) and not visit(root):
            return None
    return out


def tree_state(state: State, paths: list[str]) -> None:
    for path in paths:
        st = state.stat(path)
        if st is not None and (st.st_mode & 0o170000) == 0o120000:
            state.stat(path, follow=True)


# -- the record --------------------------------------------------------------------------


class Record:
    """What a recorded scan left: its state, the paths to stat, its output and code."""

    def __init__(self) -> None:
        self.state = ""
        self.mode = ""  # "git" or "tree"
        self.code = 0
        self.confirmed = False
        self.kind = ""  # where the scan time goes: "text", "json" or "" (nowhere)
        self.before = ""
        self.after = ""
        self.trees: list[str] = []  # plugin folders
        self.files: list[str] = []  # plugin metadata, files read besides the tree
        self.paths: list[str] = []  # outside git: the tree
        self.config: list[str] = []  # inside git: git's configuration files
        self.config_state = ""  # ... and their stamps when recorded
        self.inputs: list[str] = []  # files the scan named: the baseline
        #: Inside git: the index's stamp, the digest of its listing and the folders of
        #: the files it lists (see GitProbe).
        self.index_stamp = ""
        self.index_digest = ""
        self.index_folders: list[str] = []

    def encode(self) -> bytes:
        texts = [
            self.state,
            self.mode,
            str(self.code),
            "1" if self.confirmed else "0",
            self.kind,
            self.config_state,
            self.index_stamp,
            self.index_digest,
            self.before,
            self.after,
            *("\0".join(items) for items in self._lists()),
        ]
        fields = [text.encode("utf-8", "surrogatepass") for text in texts]
        return b"".join(len(field).to_bytes(4, "little") + field for field in fields)

    def _lists(self) -> list[list[str]]:
        return [
            self.trees,
            self.files,
            self.paths,
            self.config,
            self.inputs,
            ["/" + folder for folder in self.index_folders],  # the top folder is ""
        ]

    @classmethod
    def decode(cls, data: bytes) -> Record:
        texts: list[str] = []
        at = 0
        while at < len(data):
            size = int.from_bytes(data[at : at + 4], "little")
            field = data[at + 4 : at + 4 + size]
            if len(field) != size:
                raise ValueError("a truncated record")
            texts.append(field.decode("utf-8", "surrogatepass"))
            at += 4 + size
        if len(texts) != 16 or texts[1] not in ("git", "tree") or texts[4] not in _KINDS:
            raise ValueError("not a record")
        record = cls()
        record.state, record.mode, code, confirmed, record.kind = texts[:5]
        record.config_state, record.index_stamp, record.index_digest = texts[5:8]
        record.before, record.after = texts[8:10]
        record.code = int(code)
        record.confirmed = confirmed == "1"
        (
            record.trees,
            record.files,
            record.paths,
            record.config,
            record.inputs,
            record.index_folders,
        ) = ([p for p in text.split("\0") if p] for text in texts[10:])
        record.index_folders = [folder[1:] for folder in record.index_folders]
        return record

    def output(self, seconds: float) -> str:
        if self.kind == "text":
            return f"{self.before} in {seconds:.2f}s{self.after}"
        if self.kind == "json":
            return f'{self.before}"seconds": {round(seconds, 3)!r}{self.after}'
        return self.before


def _secret(cache: str) -> bytes | None:
    try:
        with open(os.path.join(cache, "cache-secret"), "rb") as fh:
            secret = fh.read(64)
    except OSError:
        return None
    return secret if len(secret) >= 32 else None


def read_record(path: str, secret: bytes) -> Record | None:
    """The record at ``path`` if this user's key authenticates it; None otherwise."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32:
        return None
    mac, body = data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
    h = _hasher(secret)
    h.update(body)
    from _operator import _compare_digest  # hmac.compare_digest, without hmac's imports

    if not _compare_digest(h.digest(), mac):
        return None
    try:
        return Record.decode(body)
    except (ValueError, UnicodeDecodeError):
        return None


# -- the attempt -------------------------------------------------------------------------


class Attempt:
    """A request the replay understands: its key, and the state when it was computed."""

    def __init__(self, request: Request, cwd: str, out: TextIO) -> None:
        self.request = request
        self.cwd = cwd
        self.cache = user_cache_dir()
        self.name = request_digest(request, cwd, out)
        self.path = os.path.join(self.cache, RECORDS, self.name)
        self.roots = [os.path.normpath(os.path.join(cwd, p)) for p in request.paths]
        self.mode = self._mode()

    def _mode(self) -> str:
        if any(k in GIT_LOCATION_ENV for k in os.environ):
            raise GitDoubt("a git variable in the environment")
        for root in self.roots:
            # Folders only (not a link to one): a list of files (the pre-commit hook's)
            # changes with every commit, and a replay would not pay for its record.
            if (os.lstat(root).st_mode & 0o170000) != 0o040000:
                raise GitDoubt("a scanned path that is not a folder")
        tops = {work_tree_of(root) for root in self.roots}
        if len(tops) != 1:
            raise GitDoubt("scanned paths in and out of work trees")
        self.top = tops.pop()
        if self.top is None:
            return "tree"
        if self.request.no_gitignore:
            raise GitDoubt("--no-gitignore inside a work tree")
        return "git"

    def state(self, record: Record) -> State:
        """The current state of ``record``'s inputs; :class:`GitDoubt` when git's
        account is not trusted. Inside git, ``record.config`` (git's configuration
        files) must be as recorded: the caller compares :func:`config_state` first."""
        git = self.mode == "git" and self.top is not None
        probe = GitProbe(self.top, record) if git and self.top is not None else None
        state = State()
        state.add(self.mode)
        try:
            for path in record.config:
                state.stat(path, follow=True)
            self._stamp(state, record.trees, record.files)
            if probe is not None:
                probe.finish(state, self.roots, self.request)
            else:
                tree_state(state, record.paths)
        except BaseException:
            if probe is not None:
                probe.discard()
            raise
        state.core = state.digest.hexdigest()
        for path in record.inputs:
            state.stat(path, follow=True)
        return state

    def _stamp(self, state: State, trees: list[str], files: list[str]) -> None:
        """Add what is not the tree: rolecall, the plugins, the configuration."""
        state.tree(package_dir())
        for entry in sys.path:
            state.stat(entry or ".", follow=True)
        for folder in trees:
            state.tree(folder)
        for path in files:
            state.stat(path, follow=True)
        for name in self.request.files:
            state.stat(os.path.join(self.cwd, name), follow=True)
        if not self.request.isolated:
            folders: set[str] = set()
            for root in [*self.roots, self.cwd]:
                folder = root if os.path.isdir(root) else os.path.dirname(root)
                while folder not in folders:
                    folders.add(folder)
                    parent = os.path.dirname(folder)
                    if parent == folder:
                        break
                    folder = parent
            for folder in sorted(folders):
                for name in CONFIG_NAMES:
                    state.stat(os.path.join(folder, name))


def try_replay(argv: Sequence[str], out: TextIO) -> tuple[int | None, Attempt | None]:
    """(exit code, None) when the recorded output was written; (None, attempt) when the
    scan must run and may be recorded; (None, None) when it must run unrecorded."""
    import time

    started = time.perf_counter()
    # Linux only: git's output goes to memory files, and elsewhere a stat's st_ctime is
    # not (or not only) the time of the last change (Windows: the creation time).
    if not sys.platform.startswith("linux") or not hasattr(os, "memfd_create"):
        return None, None
    request = parse(argv)
    if request is None:
        return None, None
    try:
        attempt = Attempt(request, os.getcwd(), out)
    except (GitDoubt, OSError):
        return None, None
    secret = _secret(attempt.cache)
    record = read_record(attempt.path, secret) if secret is not None else None
    if record is None or not record.confirmed or record.mode != attempt.mode:
        return None, attempt
    # git's configuration as recorded (checked then) before git runs: see GitProbe.
    if attempt.mode == "git" and config_state(record.config) != record.config_state:
        return None, attempt
    try:
        state = attempt.state(record)
    except (GitDoubt, OSError, ValueError):
        return None, None
    if state.digest.hexdigest() != record.state:
        return None, attempt
    _tolerate_narrow_encoding(out)
    try:
        out.write(record.output(time.perf_counter() - started))
        out.flush()
    except BrokenPipeError:  # the reader left (``| head``): as rolecall.cli.main
        return 0, None
    return record.code, None


def _tolerate_narrow_encoding(stream: TextIO) -> None:
    """As :func:`rolecall.cli._tolerate_narrow_encodings` does for the report."""
    if getattr(stream, "errors", "") == "strict" and hasattr(stream, "reconfigure"):
        try:  # noqa: SIM105 (no contextlib import on the replay's path)
            stream.reconfigure(errors="replace")
        except (ValueError, OSError):
            pass


#: (scan seconds, whether the result cache was used) of each scan of this process,
#: noted by :func:`rolecall.runner.run_scan`.
SCANS: list[tuple[float, bool]] = []
#: Files a scan read besides the tree and the configuration (the baseline).
INPUTS: list[str] = []


def note_scan(seconds: float, cached: bool) -> None:
    SCANS.append((seconds, cached))


#: For each git listing with blob ids of this process: whether git vouched for every
#: unmodified tracked file (none has a converting attribute), noted by rolecall.gitlist.
VOUCHED: list[bool] = []


def note_vouched(all_files: bool) -> None:
    VOUCHED.append(all_files)


def note_input(path: str) -> None:
    INPUTS.append(os.path.abspath(path))


class _Tee:
    """A text stream that keeps what is written to it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def run_recorded(attempt: Attempt, main: Callable[[], int]) -> int:
    """Run ``main`` (the command line) with its output kept, and record it when the
    scan qualifies (module docstring)."""
    import time

    started = time.time_ns()
    try:
        before, record = _record_inputs(attempt)
    except (GitDoubt, OSError, ValueError):
        return main()
    _tolerate_narrow_encoding(sys.stdout)
    _tolerate_narrow_encoding(sys.stderr)
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main()
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    import contextlib

    with contextlib.suppress(GitDoubt, OSError, ValueError):
        _record(attempt, code, "".join(out.parts), "".join(err.parts), before, record, started)
    return code


def _record_inputs(attempt: Attempt) -> tuple[State | None, Record]:
    """A record with the paths that make its state, and inside git the state before the
    scan (outside git every file is stat'ed, and one changed while the scan ran is too
    recent to record; inside git, a tracked file changed and changed back while the
    scan ran is not listed by status afterwards, but was before)."""
    record = Record()
    record.mode = attempt.mode
    record.trees, record.files = _plugins()
    if attempt.mode == "tree":
        return None, record
    from rolecall import gitlist

    top = attempt.top
    assert top is not None
    listing = _Run(top, "config", "-z", "--list", "--show-origin")
    exec_path = _Run(top, "--exec-path")
    # Checked before status runs (it may run a content filter the configuration names).
    allowed = gitlist._config_allows_vouching(top)
    record.config = git_config_files(top, listing.output(), exec_path.output())
    if not allowed:
        raise GitDoubt("the repository's configuration")
    return attempt.state(record), record


def _plugins() -> tuple[list[str], list[str]]:
    """The source folders and ``entry_points.txt`` files of the installed rule plugins
    (the built-in rules are rolecall's own package, stamped whole)."""
    from rolecall.cachekey import module_folder

    folders: set[str] = set()
    files: list[str] = []
    for entry in sys.path:
        directory = entry or "."
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            path = os.path.join(directory, name, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            if "[rolecall.rules]" not in text:
                continue
            files.append(os.path.abspath(path))
            section = text.split("[rolecall.rules]", 1)[1].split("\n[", 1)[0]
            for line in section.splitlines():
                value = line.partition("=")[2].strip()
                module = value.partition(":")[0].strip()
                if module and not module.startswith("rolecall."):
                    folder = module_folder(module)
                    if folder is None:
                        raise GitDoubt("a plugin whose source is not a folder")
                    folders.add(folder)
    return sorted(folders), files


def _record(
    attempt: Attempt,
    code: int,
    out: str,
    err: str,
    before: State | None,
    record: Record,
    started: int,
) -> None:
    if code not in (0, 1) or err or len(SCANS) != 1 or not SCANS[0][1]:
        return
    if attempt.mode == "tree":
        paths = walk_tree(attempt.roots)
        if paths is None:
            return  # a repository inside the tree: the walker asked git there
        record.paths = paths
    record.inputs = list(INPUTS)
    after = attempt.state(record)
    if before is not None and after.core != before.core:
        return  # changed while the scan ran
    if after.newest >= started - SETTLED_NS:
        return  # something changed too recently to trust its stamp
    if attempt.mode == "git" and not _vouched(attempt, after):
        return
    seconds = SCANS[0][0]
    record.state = after.digest.hexdigest()
    record.config_state = config_state(record.config)
    record.index_stamp, record.index_digest = after.index_stamp, after.index_digest
    record.index_folders = after.index_folders
    record.code = code
    fmt = attempt.request.format
    if fmt == "text":
        # The summary is the last line: "...; scanned N files (S) in 0.05s; ...".
        body = out[:-1] if out.endswith("\n") else out
        tail = f" in {seconds:.2f}s"
        cut = body.rfind(tail)
        if cut >= 0 and "\n" not in body[cut:]:
            record.kind = "text"
            record.before, record.after = out[:cut], out[cut + len(tail) :]
    elif fmt == "json":
        tail = f'"seconds": {round(seconds, 3)!r}'
        cut = out.rfind(tail)
        if cut < 0:
            return
        record.kind = "json"
        record.before, record.after = out[:cut], out[cut + len(tail) :]
    if not record.kind:
        record.before = out
    record.confirmed = fmt != "json" or _same_output(attempt, record)
    _write(attempt, record)


def _vouched(attempt: Attempt, state: State) -> bool:
    """Whether an unchanged blob id means unchanged bytes for every clean tracked file:
    no attribute converts content between the work tree and the object store (the
    configuration was checked before the scan, and its files' stamps are unchanged).
    Modified files are stat'ed by a replay, so their attributes do not matter."""
    if VOUCHED:  # the scan's own listing checked the attributes of the clean files
        return all(VOUCHED)
    from rolecall import gitlist

    assert attempt.top is not None
    tracked = [
        os.fsdecode(record.partition(b"\t")[2]) for record in state.index.split(b"\0") if record
    ]
    return not tracked or len(gitlist._without_conversion(attempt.top, tracked)) == len(tracked)


def _same_output(attempt: Attempt, record: Record) -> bool:
    """Whether the record in place holds the same state and the same report: two full
    scans in a row agreed (a JSON report counts the files the cache answered)."""
    secret = _secret(attempt.cache)
    old = read_record(attempt.path, secret) if secret is not None else None
    return old is not None and (old.state, old.kind, old.before, old.after) == (
        record.state,
        record.kind,
        record.before,
        record.after,
    )


def _write(attempt: Attempt, record: Record) -> None:
    """Write the record atomically (a private temporary file renamed into place)."""
    import contextlib
    import tempfile

    from rolecall.cachekey import load_secret, private_directory

    folder = os.path.dirname(attempt.path)
    private_directory(folder)
    secret = load_secret(attempt.cache)
    body = record.encode()
    h = _hasher(secret)
    h.update(body)
    fd, tmp = tempfile.mkstemp(prefix=".record-", dir=folder)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + h.digest() + body)
        os.replace(tmp, attempt.path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _prune(folder)


def _prune(folder: str) -> None:
    """Remove the records written longest ago beyond :data:`MAX_RECORDS`."""
    import contextlib

    with os.scandir(folder) as it:
        found = []
        for entry in it:
            with contextlib.suppress(OSError):
                found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    found.sort(reverse=True)
    for _, path in found[MAX_RECORDS:]:
        with contextlib.suppress(OSError):
            os.unlink(path)
