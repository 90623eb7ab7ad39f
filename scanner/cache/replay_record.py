"""Recording a scan for the replay (:mod:`rolecall.cache.replay`): the command line runs
with its output kept, and the record is written when the scan qualifies (see the
replay's docstring). Imported only when a scan runs, never on the replay's path.
"""

from __future__ import annotations

import os
import sys

from rolecall.cache import replay
from rolecall.cache.replay import INPUTS, SCANS, VOUCHED, Attempt
from rolecall.cache.replay_git import GitRun, config_state, git_config_files
from rolecall.cache.replay_state import (
    MAGIC,
    GitDoubt,
    Record,
    State,
    hasher,
    read_record,
    read_secret,
    walk_tree,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TextIO


class Tee:
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
    replay.tolerate_narrow_encoding(sys.stdout)
    replay.tolerate_narrow_encoding(sys.stderr)
    out, err = Tee(sys.stdout), Tee(sys.stderr)
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
    from rolecall.walk import gitlist

    top = attempt.top
    assert top is not None
    listing = GitRun(top, "config", "-z", "--list", "--show-origin")
    exec_path = GitRun(top, "--exec-path")
    # Checked before status runs (it may run a content filter the configuration names).
    allowed = gitlist._config_allows_vouching(top)
    record.config = git_config_files(top, listing.output(), exec_path.output())
    if not allowed:
        raise GitDoubt("the repository's configuration")
    return attempt.state(record), record


def _plugins() -> tuple[list[str], list[str]]:
    """The source folders and ``entry_points.txt`` files of the installed rule plugins
    (the built-in rules are rolecall's own package, stamped whole)."""
    from rolecall.cache.key import module_folder

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
    if after.newest >= started - replay.SETTLED_NS:
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
    from rolecall.walk import gitlist

    assert attempt.top is not None
    tracked = [
        os.fsdecode(record.partition(b"\t")[2]) for record in state.index.split(b"\0") if record
    ]
    return not tracked or len(gitlist._without_conversion(attempt.top, tracked)) == len(tracked)


def _same_output(attempt: Attempt, record: Record) -> bool:
    """Whether the record in place holds the same state and the same report: two full
    scans in a row agreed (a JSON report counts the files the cache answered)."""
    secret = read_secret(attempt.cache)
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

    from rolecall.cache.key import load_secret, private_directory

    folder = os.path.dirname(attempt.path)
    private_directory(folder)
    secret = load_secret(attempt.cache)
    body = record.encode()
    h = hasher(secret)
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
    prune(folder)


def prune(folder: str) -> None:
    """Remove the records written longest ago beyond :data:`rolecall.cache.replay.MAX_RECORDS`."""
    import contextlib

    with os.scandir(folder) as it:
        found = []
        for entry in it:
            with contextlib.suppress(OSError):
                found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    found.sort(reverse=True)
    for _, path in found[replay.MAX_RECORDS :]:
        with contextlib.suppress(OSError):
            os.unlink(path)
