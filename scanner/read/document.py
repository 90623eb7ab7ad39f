"""A scanned file: bytes decoded once, its kind, and lazily built parsed views.

Rules receive a :class:`Document` and ask it for what they need: the text, the lines,
a position for an offset, or a parsed view (``doc.view(SOME_VIEW)``). A view is built on
first use and cached on the document, so several rules share one parse. A view whose
parser fails raises :class:`ViewError`; the engine turns that into one notice per file
and view and skips the rules that needed it, while the text rules still run.
"""

from __future__ import annotations

import enum
import posixpath
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from rolecall.model import Location

# Re-exported: the document's public names from before decoding and lines had modules.
from rolecall.read.decoding import Decoded as Decoded
from rolecall.read.decoding import bom_encoding as bom_encoding
from rolecall.read.decoding import decode as decode
from rolecall.read.decoding import sniff_wide_encoding as sniff_wide_encoding
from rolecall.read.lines import LineIndex as LineIndex

T = TypeVar("T")


class DocKind(enum.Enum):
    """What a file is, detected from its name and, where the name is silent, content."""

    PYTHON = "python"
    NOTEBOOK = "notebook"
    ENV = "env"
    INI = "ini"
    YAML = "yaml"
    JSON = "json"
    TOML = "toml"
    DOCKERFILE = "dockerfile"
    SHELL = "shell"
    TERRAFORM = "terraform"
    XML = "xml"  # XML, property lists (.plist, Cyberduck .duck bookmarks)
    BRUNO = "bruno"  # Bruno API client .bru files
    HTTP = "http"  # VS Code REST Client / JetBrains HTTP Client .http files
    GITHUB_WORKFLOW = "github-workflow"
    TEXT = "text"


# A kind also counts as the broader kind whose parser reads it: a workflow is YAML,
# a notebook is JSON. Rules for YAML therefore run on workflows too.
_FAMILY: dict[DocKind, frozenset[DocKind]] = {
    DocKind.GITHUB_WORKFLOW: frozenset({DocKind.GITHUB_WORKFLOW, DocKind.YAML}),
    DocKind.NOTEBOOK: frozenset({DocKind.NOTEBOOK, DocKind.JSON}),
}

_SUFFIX_KINDS: dict[str, DocKind] = {
    ".py": DocKind.PYTHON,
    ".pyi": DocKind.PYTHON,
    ".pyw": DocKind.PYTHON,
    ".ipynb": DocKind.NOTEBOOK,
    ".env": DocKind.ENV,
    ".ini": DocKind.INI,
    ".cfg": DocKind.INI,
    ".conf": DocKind.INI,
    ".properties": DocKind.INI,
    ".yaml": DocKind.YAML,
    ".yml": DocKind.YAML,
    ".json": DocKind.JSON,
    ".jsonc": DocKind.JSON,
    ".toml": DocKind.TOML,
    ".sh": DocKind.SHELL,
    ".bash": DocKind.SHELL,
    ".zsh": DocKind.SHELL,
    ".ksh": DocKind.SHELL,
    ".tf": DocKind.TERRAFORM,
    ".tfvars": DocKind.TERRAFORM,
    ".hcl": DocKind.TERRAFORM,
    ".dockerfile": DocKind.DOCKERFILE,
    ".tfstate": DocKind.JSON,  # Terraform state
    ".xml": DocKind.XML,
    ".plist": DocKind.XML,
    ".duck": DocKind.XML,  # Cyberduck bookmark (a property list)
    ".bru": DocKind.BRUNO,
    ".http": DocKind.HTTP,
    ".rest": DocKind.HTTP,
}

_NAME_KINDS: dict[str, DocKind] = {
    ".env": DocKind.ENV,
    ".envrc": DocKind.SHELL,
    "credentials": DocKind.INI,
    "config": DocKind.INI,
    ".pypirc": DocKind.INI,
    ".s3cfg": DocKind.INI,  # s3cmd
    "s3cfg": DocKind.INI,  # s3cmd, copied without its dot
    ".boto": DocKind.INI,  # boto 2 / gsutil
    ".flaskenv": DocKind.ENV,
    ".npmrc": DocKind.INI,
    ".bashrc": DocKind.SHELL,
    ".bash_profile": DocKind.SHELL,
    ".profile": DocKind.SHELL,
    ".zshrc": DocKind.SHELL,
    "dockerfile": DocKind.DOCKERFILE,
    "containerfile": DocKind.DOCKERFILE,
    "pipfile": DocKind.TOML,
}

_SHEBANG_KINDS: tuple[tuple[str, DocKind], ...] = (
    ("python", DocKind.PYTHON),
    ("bash", DocKind.SHELL),
    ("/sh", DocKind.SHELL),
    ("env sh", DocKind.SHELL),
    ("zsh", DocKind.SHELL),
    ("ksh", DocKind.SHELL),
    ("dash", DocKind.SHELL),
)


def detect_kind(path: str, text: str = "") -> DocKind:
    """Kind of the file at ``path`` (forward slashes), looking at ``text`` if needed."""
    if "//" in path or path.endswith("/"):
        name = posixpath.basename(path)
        parent = posixpath.basename(posixpath.dirname(path))
        grandparent = posixpath.basename(posixpath.dirname(posixpath.dirname(path)))
    else:
        # Same answers without posixpath's per-call overhead (a sixth of a full scan):
        # display paths are normal, so each '/' separates exactly two components.
        head, _, name = path.rpartition("/")
        head, _, parent = head.rpartition("/")
        grandparent = head.rpartition("/")[2]
    lower = name.lower()
    suffix = posixpath.splitext(lower)[1]
    if suffix in (".yml", ".yaml") and parent == "workflows" and grandparent == ".github":
        return DocKind.GITHUB_WORKFLOW
    if parent == ".dvc" and lower in ("config", "config.local"):
        return DocKind.INI  # DVC's repository config and its uncommitted local part
    if lower in ("credentials", "config"):
        # Only the AWS shared files are INI; a bare "config" elsewhere is anything, but a
        # copy of ~/.aws/credentials committed under another folder still reads as one.
        if parent == ".aws" or _AWS_SHARED_FILE.search(text[:4096]):
            return DocKind.INI
        return _by_content(text)
    if lower in _NAME_KINDS:
        return _NAME_KINDS[lower]
    if lower.startswith(".env.") or lower.startswith(".env-"):
        return DocKind.ENV
    if lower.startswith("dockerfile.") or lower.startswith("dockerfile-"):
        return DocKind.DOCKERFILE
    if suffix in _SUFFIX_KINDS:
        return _SUFFIX_KINDS[suffix]
    if lower.endswith(".tfstate.backup"):
        return DocKind.JSON
    if suffix in _XML_IF_MARKUP and text[:256].lstrip("\ufeff \t\r\n").startswith("<"):
        return DocKind.XML  # .NET app.config / web.config, settings, resources, profiles
    return _by_content(text)


#: Suffixes that are XML when the file starts with markup (.NET configuration, settings,
#: resources and publish profiles); otherwise they are left to the text rules.
_XML_IF_MARKUP = frozenset({".config", ".settings", ".resx", ".pubxml"})

_AWS_SHARED_FILE = re.compile(
    r"(?m)^[ \t]*\[(?:default|profile [^\]\n]+)\][ \t]*\r?\n(?:[ \t]*(?:[#;].*)?\r?\n)*"
    r"[ \t]*(?:aws_access_key_id|aws_secret_access_key|role_arn|sso_|region|credential_)"
)


def _by_content(text: str) -> DocKind:
    if text.startswith("#cloud-config"):
        return DocKind.YAML  # cloud-init user data, whatever the file is called
    if text.startswith("#!"):
        first = text.split("\n", 1)[0]
        for needle, kind in _SHEBANG_KINDS:
            if needle in first:
                return kind
    return DocKind.TEXT


def kind_family(kind: DocKind) -> frozenset[DocKind]:
    """The kinds a document of ``kind`` counts as (itself and its parser's kind)."""
    return _FAMILY.get(kind, frozenset({kind}))


class ViewError(Exception):
    """A parsed view could not be built. The message must not quote file content."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class View(Generic[T]):
    """A named, lazily built parse of a document (an ``ast`` module, a YAML tree, ...).

    ``build`` receives the document and returns the parsed value, or raises
    :class:`ViewError` with a short reason that does not quote the file.
    """

    __slots__ = ("build", "name")

    def __init__(self, name: str, build: Callable[[Document], T]) -> None:
        self.name = name
        self.build = build

    def __repr__(self) -> str:
        return f"View({self.name!r})"


class Document:
    """One file's content as the rules see it."""

    def __init__(
        self,
        path: str,
        data: bytes,
        *,
        kind: DocKind | None = None,
        decoded: Decoded | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self.decoded = decoded if decoded is not None else decode(data)
        self.text = self.decoded.text
        self.kind = kind if kind is not None else detect_kind(path, self.text)
        self.kinds = kind_family(self.kind)
        self._index: LineIndex | None = None
        self._lines: list[str] | None = None
        self._views: dict[str, Any] = {}
        self._view_errors: dict[str, ViewError] = {}

    def __repr__(self) -> str:
        return f"Document({self.path!r}, kind={self.kind.value})"

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    @property
    def lines(self) -> list[str]:
        """The text split into lines without their line breaks (1-based: ``lines[n-1]``)."""
        if self._lines is None:
            index = self.index
            self._lines = [index.line_text(n) for n in range(1, index.line_count + 1)]
        return self._lines

    def location(self, start: int, end: int | None = None) -> Location:
        """Location of ``text[start:end]`` (an empty span when ``end`` is None)."""
        if end is None:
            end = start
        index = self.index
        line, column = index.position(start)
        end_line, end_column = index.position(end)
        return Location(
            path=self.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            column_utf16=index.utf16_column(line, column),
            end_column_utf16=index.utf16_column(end_line, end_column),
            start_offset=start,
            end_offset=end,
        )

    def location_at(self, line: int, column: int, length: int) -> Location:
        """Location of ``length`` characters from 1-based ``line``/``column``."""
        start = self.index.offset(line, column)
        return self.location(start, start + length)

    def view(self, view: View[T]) -> T:
        """The parsed view, built once. Raises :class:`ViewError` when it cannot be built."""
        name = view.name
        if name in self._views:
            return self._views[name]  # type: ignore[no-any-return]
        if name in self._view_errors:
            raise self._view_errors[name]
        try:
            value = view.build(self)
        except ViewError as exc:
            self._view_errors[name] = exc
            raise
        except RecursionError:
            error = ViewError("nesting too deep to parse")
            self._view_errors[name] = error
            raise error from None
        self._views[name] = value
        return value

    @property
    def view_errors(self) -> dict[str, ViewError]:
        """Views that failed to build, by name (the engine reports each once)."""
        return dict(self._view_errors)
