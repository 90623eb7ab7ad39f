"""The replay's (:mod:`rolecall.cache.replay`) building blocks: the state digest,
stamps, the record's layout and how it is read back (authenticated), and the walk of a
tree outside git. Imported on the replay's path: the standard library's cheapest parts
only (no ``typing``, ``re`` or ``subprocess``).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


#: The first line of every record (a record of another layout is a miss).
MAGIC = b"rolecall-replay-1\n"
#: Configuration file names looked for in each folder (see rolecall.config.load).
CONFIG_NAMES = (".rolecall.toml", "pyproject.toml")
#: Where the scan time goes in a recorded report: text's summary, JSON's stats, nowhere.
KINDS = ("text", "json", "")


def hasher(key: bytes = b"") -> Any:
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
        self.digest = hasher()
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


class GitDoubt(Exception):
    """Something about the work tree that the replay does not vouch for."""


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
        if len(texts) != 16 or texts[1] not in ("git", "tree") or texts[4] not in KINDS:
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


def read_secret(cache: str) -> bytes | None:
    """This user's result-cache key (what authenticates a record), or None."""
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
    h = hasher(secret)
    h.update(body)
    from _operator import _compare_digest  # hmac.compare_digest, without hmac's imports

    if not _compare_digest(h.digest(), mac):
        return None
    try:
        return Record.decode(body)
    except (ValueError, UnicodeDecodeError):
        return None
