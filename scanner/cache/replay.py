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
  decides whether its "unchanged" can be trusted (as :mod:`rolecall.walk.gitlist` judges it:
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

from rolecall.cache.dirs import user_cache_dir
from rolecall.cache.replay_git import GitProbe, config_state, work_tree_of
from rolecall.cache.replay_state import (
    CONFIG_NAMES,
    MAGIC,
    GitDoubt,
    Record,
    State,
    hasher,
    read_record,
    read_secret,
    tree_state,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO


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
#: Configuration file names looked for in each directory (see rolecall.config.load).
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


def package_dir() -> str:
    import rolecall

    return os.path.dirname(os.path.abspath(rolecall.__file__ or ""))


def request_digest(request: Request, cwd: str, out: TextIO) -> str:
    """The name of the request's record (see the module docstring)."""
    import rolecall

    h = hasher()
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
    secret = read_secret(attempt.cache)
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
    tolerate_narrow_encoding(out)
    try:
        out.write(record.output(time.perf_counter() - started))
        out.flush()
    except BrokenPipeError:  # the reader left (``| head``): as rolecall.cli.main.main
        return 0, None
    return record.code, None


def tolerate_narrow_encoding(stream: TextIO) -> None:
    """As :func:`rolecall.cli.main._tolerate_narrow_encodings` does for the report."""
    if getattr(stream, "errors", "") == "strict" and hasattr(stream, "reconfigure"):
        try:  # noqa: SIM105 (no contextlib import on the replay's path)
            stream.reconfigure(errors="replace")
        except (ValueError, OSError):
            pass


#: (scan seconds, whether the result cache was used) of each scan of this process,
#: noted by :func:`rolecall.engine.runner.run_scan`.
SCANS: list[tuple[float, bool]] = []
#: Files a scan read besides the tree and the configuration (the baseline).
INPUTS: list[str] = []


def note_scan(seconds: float, cached: bool) -> None:
    SCANS.append((seconds, cached))


#: For each git listing with blob ids of this process: whether git vouched for every
#: unmodified tracked file (none has a converting attribute), noted by rolecall.walk.gitlist.
VOUCHED: list[bool] = []


def note_vouched(all_files: bool) -> None:
    VOUCHED.append(all_files)


def note_input(path: str) -> None:
    INPUTS.append(os.path.abspath(path))
