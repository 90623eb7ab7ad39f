"""Git's ignore rules, as the walker asks them: one ignore file's patterns, asked about
one path at a time, and where the files that hold them are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def find_repo_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` that holds a ``.git`` entry."""
    current = os.path.abspath(start)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


#: A file's patterns get a prefilter on pathspec's best backend (re2 or hyperscan, when
#: installed) once they have been asked this many questions, if they are at least
#: ``FAST_MIN_PATTERNS``. Compiling a hyperscan database costs about 0.8 ms per pattern,
#: asking the patterns one by one about 0.2 us per pattern and question: the compile pays
#: off after some 4,000 questions, whatever the count, and at most doubles the cost of a
#: file asked a little more than that. Below the minimum count, one by one is as fast.
FAST_AFTER_QUESTIONS = 4096
FAST_MIN_PATTERNS = 32
#: pathspec's name for its best installed backend (re2, else hyperscan, else simple).
FAST_BACKEND = "best"


class IgnoreRules:
    """The patterns of one ignore file, asked about one path at a time, as git does.

    The walker never descends into an excluded directory, so every question is about a
    path *itself*: the last pattern that matches it decides; a pattern ending in ``/``
    matches directories only; a pattern without a slash matches the last path
    component at any depth, one with a slash matches the path relative to the file's
    directory. pathspec compiles the file's patterns as one spec (pathspec's simple
    backend: nothing compiled beyond each pattern's regex); its whole-path
    ``check_file`` does not decide because it answers for the files *inside* a path
    given with a trailing slash, which makes ``dir/**`` exclude ``dir`` itself and
    ``!*/`` never re-include one. Asked often enough (see ``FAST_AFTER_QUESTIONS``), a
    file with many patterns also gets specs on pathspec's best backend, used only to
    answer "no pattern matches at all", which is what most questions get.
    """

    __slots__ = ("_fast", "_patterns", "_questions")

    def __init__(self, lines: Sequence[str]) -> None:
        bodies: list[tuple[str, bool, bool]] = []
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            negated = line.startswith("!")
            body = line[1:] if negated else line
            while body.endswith(" ") and not body.endswith("\\ "):
                body = body[:-1]
            # The trailing slash is handled here (directories only) and not compiled:
            # pathspec lets "out/**/" match "out/" itself, git does not.
            dir_only = body.endswith("/")
            body = body[:-1] if dir_only else body
            if body:
                bodies.append((("!" if negated else "") + body, dir_only, "/" not in body))
        self._patterns: list[tuple[Any, bool, bool]] = []
        if bodies:
            # pathspec is imported on first use: a scan without ignore patterns (a fresh
            # repository's comment-only info/exclude included) never needs it.
            from pathspec import GitIgnoreSpec

            # Every line is non-empty, so pathspec gives one pattern per line, in order.
            spec = GitIgnoreSpec.from_lines([b[0] for b in bodies], backend="simple")
            # Kept last first: the last pattern that matches decides.
            self._patterns = [
                (pattern, dir_only, basename)
                for pattern, (_, dir_only, basename) in reversed(
                    list(zip(spec.patterns, bodies, strict=True))
                )
                if pattern.include is not None
            ]
        self._questions = 0
        self._fast: tuple[Any, Any] | None = None

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """True: excluded, False: re-included by a ``!`` pattern, None: no pattern matched."""
        fast = self._fast
        if fast is None and len(self._patterns) >= FAST_MIN_PATTERNS:
            self._questions += 1
            if self._questions >= FAST_AFTER_QUESTIONS:
                fast = self._fast = self._fast_specs()
        if fast is not None and not self._any_match(fast, rel):
            return None
        name = rel.rsplit("/", 1)[-1]
        for pattern, dir_only, basename in self._patterns:
            if dir_only and not is_dir:
                continue
            result = pattern.match_file(name if basename else rel)
            if result is None or _matched_a_parent(result):
                continue
            return bool(pattern.include)
        return None

    def _fast_specs(self) -> tuple[Any, Any]:
        """Two specs on pathspec's best backend: of the patterns asked about the last
        component, and of those asked about the whole path (None when there are none)."""
        from pathspec import GitIgnoreSpec

        names = [p for p, _, basename in self._patterns if basename]
        paths = [p for p, _, basename in self._patterns if not basename]
        return (
            GitIgnoreSpec(names, backend=FAST_BACKEND) if names else None,
            GitIgnoreSpec(paths, backend=FAST_BACKEND) if paths else None,
        )

    @staticmethod
    def _any_match(fast: tuple[Any, Any], rel: str) -> bool:
        """Whether any pattern matches ``rel`` at all (also a directory above it only).

        ``separators=()``: the path is matched as given, like the patterns one by one do.
        """
        names, paths = fast
        name = rel.rsplit("/", 1)[-1]
        if names is not None and names.check_file(name, separators=()).index is not None:
            return True
        return paths is not None and paths.check_file(rel, separators=()).index is not None


def _matched_a_parent(result: object) -> bool:
    """Whether pathspec matched only a leading directory of the path, not all of it."""
    match = getattr(result, "match", None)
    return isinstance(match, re.Match) and match.groupdict().get("ps_d") is not None


class IgnoreSource:
    """One ignore file's patterns and the directory they are relative to.

    This and :class:`IgnorePolicy` are the walk's own mutable state, plain classes
    rather than dataclasses: Python 3.11 compiles a dataclass's methods from source at
    import, which every pre-commit run pays for."""

    __slots__ = ("_prefix", "directory", "spec")

    def __init__(self, directory: str, spec: IgnoreRules) -> None:
        self.directory = directory  # absolute, normal directory the patterns are relative to
        self.spec = spec
        self._prefix = directory.rstrip(os.sep) + os.sep

    def relative(self, path: str) -> str:
        """``path`` relative to the directory, with '/': a slice for a normal path below
        it (every path the walker asks about), ``os.path.relpath`` otherwise."""
        if path.startswith(self._prefix) and not os.altsep:
            return path[len(self._prefix) :]
        return rel_path(path, self.directory)


def read_spec(path: str) -> IgnoreRules | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(1024 * 1024)
    except OSError:
        return None
    rules = IgnoreRules(data.decode("utf-8", "replace").splitlines())
    return rules if rules else None


def parent_directory(path: str) -> str:
    """The directory of an absolute, normal ``path`` (what the walker passes): cheaper
    than ``os.path.dirname``, and asked for every entry of a walk."""
    if os.altsep:  # pragma: no cover - Windows
        return os.path.dirname(path)
    return path.rpartition(os.sep)[0] or os.sep


def rel_path(path: str, directory: str) -> str:
    return os.path.relpath(path, directory).replace(os.sep, "/")


@dataclass(frozen=True)
class ExcludeScope:
    """One configuration's include and exclude patterns and the directory they are
    relative to."""

    root: str
    exclude: IgnoreRules | None = None
    include: IgnoreRules | None = None


#: The scope that governs a directory (its nearest configuration's); see ``scopes``.
ScopeResolver = Callable[[str], ExcludeScope]


class IgnorePolicy:
    """What a walk leaves out: the configured exclude and include patterns (relative to
    ``exclude_root``) and, with ``use_gitignore``, git's ignore files of the repository
    the scanned path is in.

    With ``scopes``, the patterns are per directory instead: a path is judged by the
    scope governing the directory it is listed in (a directory by its parent's, so a
    configuration cannot exclude the directory it sits in, and its parent's excludes
    still keep the walk out of it).
    """

    def __init__(
        self,
        exclude_root: str,
        use_gitignore: bool,
        exclude: IgnoreRules | None = None,
        include: IgnoreRules | None = None,
        repo_root: str | None = None,
        info_exclude: IgnoreRules | None = None,
        scopes: ScopeResolver | None = None,
    ) -> None:
        self.exclude_root = exclude_root
        self.use_gitignore = use_gitignore
        self.exclude = exclude
        self.include = include
        self.repo_root = repo_root
        self.info_exclude = info_exclude
        self.scopes = scopes
        self._excluded_dirs: dict[str, bool] = {}

    def set_repository(self, root: str | None) -> None:
        """The repository (its root) whose ignore files apply to the next path."""
        self.repo_root = root
        self.info_exclude = (
            read_spec(os.path.join(root, ".git", "info", "exclude")) if root else None
        )

    def excluded(self, path: str, is_dir: bool) -> bool:
        """Whether a configured exclude pattern matches ``path``."""
        if self.scopes is None:
            exclude, root = self.exclude, self.exclude_root
        else:
            scope = self.scopes(parent_directory(path))
            exclude, root = scope.exclude, scope.root
        if exclude is None:
            return False
        rel = rel_path(path, root)
        if rel.startswith("../"):
            return False
        return exclude.verdict(rel, is_dir) is True

    def excluded_named_file(self, path: str) -> bool:
        """Whether a file named on the command line, or a directory above it, is excluded."""
        if self.scopes is not None:
            return self.excluded(path, False) or self._excluded_dir(parent_directory(path))
        if self.exclude is None:
            return False
        rel = rel_path(path, self.exclude_root)
        if rel.startswith("../"):
            return False
        parts = rel.split("/")
        return any(
            self.exclude.verdict("/".join(parts[:n]), is_dir=n < len(parts)) is True
            for n in range(1, len(parts) + 1)
        )

    def _excluded_dir(self, directory: str) -> bool:
        """Whether a walk from any directory above would have left ``directory`` out:
        it or an ancestor excluded by the scope of the directory it is listed in."""
        chain: list[str] = []
        verdict = False
        current = directory
        while True:
            known = self._excluded_dirs.get(current)
            if known is not None:
                verdict = known
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            chain.append(current)
            if self.excluded(current, True):
                verdict = True
                break
            current = parent
        for folder in chain:
            self._excluded_dirs[folder] = verdict
        return verdict

    def included(self, path: str) -> bool:
        """Whether a file passes the configured include patterns (all do when unset)."""
        if self.scopes is None:
            include, root = self.include, self.exclude_root
        else:
            scope = self.scopes(parent_directory(path))
            include, root = scope.include, scope.root
        if include is None:
            return True
        # "src/" includes everything below src: the deepest level with a verdict decides.
        parts = rel_path(path, root).split("/")
        for n in range(len(parts), 0, -1):
            verdict = include.verdict("/".join(parts[:n]), is_dir=n < len(parts))
            if verdict is not None:
                return verdict
        return False

    def ignored(self, path: str, is_dir: bool, sources: list[IgnoreSource]) -> bool:
        """Git's verdict for ``path`` given the ignore files that apply to its directory."""
        for source in reversed(sources):  # deepest .gitignore first: it takes precedence
            verdict = source.spec.verdict(source.relative(path), is_dir)
            if verdict is not None:
                return verdict
        if self.info_exclude is not None and self.repo_root is not None:
            return self.info_exclude.verdict(rel_path(path, self.repo_root), is_dir) is True
        return False

    def sources_for(self, directory: str) -> list[IgnoreSource]:
        """The ``.gitignore`` files from the repository root down to ``directory``."""
        if not self.use_gitignore:
            return []
        directory = os.path.abspath(directory)
        top = self.repo_root or directory
        chain: list[str] = []
        current = directory
        while True:
            chain.append(current)
            if current == top:
                break
            parent = os.path.dirname(current)
            if parent == current or not current.startswith(top):
                break
            current = parent
        sources = []
        for folder in reversed(chain):
            spec = read_spec(os.path.join(folder, ".gitignore"))
            if spec is not None:
                sources.append(IgnoreSource(folder, spec))
        return sources

    def root_sources(self, root: str) -> list[IgnoreSource]:
        """Ignore files for a directory named on the command line.

        Naming a directory asks for it to be scanned, so when git would ignore the
        directory itself (say, a virtual environment), only the ignore files inside it
        apply; otherwise the whole chain from the repository root does.
        """
        root = os.path.abspath(root)
        parent = os.path.dirname(root)
        explicit_ignored = (
            self.repo_root is not None
            and root != self.repo_root
            and parent != root
            and self.ignored(root, True, self.sources_for(parent))
        )
        if explicit_ignored:
            self.repo_root = None
            self.info_exclude = None
        return self.sources_for(root)

    def child_sources(self, directory: str, sources: list[IgnoreSource]) -> list[IgnoreSource]:
        if not self.use_gitignore:
            return sources
        spec = read_spec(os.path.join(directory, ".gitignore"))
        return [*sources, IgnoreSource(directory, spec)] if spec is not None else sources
