"""A scanned file: bytes decoded once, its kind, and lazily built parsed views.

Rules receive a :class:`Document` and ask it for what they need: the text, the lines,
a position for an offset, or a parsed view (``doc.view(SOME_VIEW)``). A view is built on
first use and cached on the document, so several rules share one parse. A view whose
parser fails raises :class:`ViewError`; the engine turns that into one notice per file
and view and skips the rules that needed it, while the text rules still run.
"""

from __future__ import annotations

import bisect
import codecs
import enum
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rolecall.model import Location
from rolecall.plugin.lazyre import lazy

T = TypeVar("T")

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


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


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bom: bool
    errors: int  # replaced undecodable sequences; 0 when the bytes were clean


_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding of text ``data`` when it is not plain UTF-8, and the length of its
    byte-order mark: the encoding a BOM names, or, without one, the UTF-16/32 that the
    pattern of NUL bytes in the first 8 KiB shows (then the length is 0). None for
    UTF-8 (with no BOM) and for anything else, binary content included."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    sniffed = sniff_wide_encoding(data)
    return None if sniffed is None else (sniffed, 0)


#: How much of a file the BOM-less UTF-16/32 test looks at.
_SNIFF = 8192
_CONTROL = lazy("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def sniff_wide_encoding(data: bytes) -> str | None:
    """``utf-16-le``, ``utf-16-be``, ``utf-32-le`` or ``utf-32-be`` when ``data`` (without
    a BOM) is text in that encoding, else None.

    Text in these encodings has a NUL byte in a fixed place of every character from the
    ASCII range (the high byte of a UTF-16 unit, the top bytes of a UTF-32 one), and none
    elsewhere: the side that holds the zero bytes gives the byte order. At least half the
    characters must be such (credential files are mostly ASCII; text mostly in other
    scripts stays skipped as binary, as before). The sample must
    then decode strictly, hold no NUL character and almost no control characters; a PNG
    or ELF header (runs of zero bytes), random bytes or a table of small integers fail.
    """
    sample = data[:_SNIFF]
    if b"\0" not in sample or len(sample) < 8:
        return None
    zeros = [sample[i::4].count(0) for i in range(4)]
    quads = len(sample) // 4
    if zeros[3] >= quads and zeros[2] >= quads * 0.9:
        candidate = "utf-32-le"
    elif zeros[0] >= quads and zeros[1] >= quads * 0.9:
        candidate = "utf-32-be"
    else:
        units = len(sample) // 2
        even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
        if odd >= units * 0.5 and even <= odd // 20:
            candidate = "utf-16-le"
        elif even >= units * 0.5 and odd <= even // 20:
            candidate = "utf-16-be"
        else:
            return None
    width = 4 if candidate.startswith("utf-32") else 2
    chunk = sample[: len(sample) // width * width]
    try:
        text = chunk.decode(candidate)
    except UnicodeDecodeError as exc:
        if exc.start < len(chunk) - 2 * width:
            return None
        try:  # the sample cut a surrogate pair in two
            text = chunk[: exc.start].decode(candidate)
        except UnicodeDecodeError:
            return None
    if not text or len(_CONTROL.findall(text)) > len(text) // 100:
        return None
    return candidate


def decode(data: bytes) -> Decoded:
    """Decode file bytes: by BOM, else as the BOM-less UTF-16/32 their NUL bytes show,
    else UTF-8; undecodable bytes become U+FFFD and are counted."""
    found = bom_encoding(data)
    if found is not None:
        encoding, skip = found
        body = data[skip:]
        bom = skip > 0
    else:
        encoding, body, bom = "utf-8", data, False
    try:
        return Decoded(body.decode(encoding), encoding, bom, 0)
    except UnicodeDecodeError:
        text = body.decode(encoding, errors="replace")
        # Count the replacement characters the decoder inserted (not those already there).
        clean = body.decode(encoding, errors="ignore")
        return Decoded(text, encoding, bom, max(1, text.count("\ufffd") - clean.count("\ufffd")))


class LineIndex:
    """Maps offsets in a text to 1-based lines and columns.

    Line breaks are ``\\n``, ``\\r\\n`` and a lone ``\\r``, as Python and git read them.
    """

    __slots__ = ("_astral", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._astral: list[int] | None = None  # offsets of non-BMP characters, found once
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        if "\r" in text:
            starts = _add_lone_cr(text, starts)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset just past ``line``'s content, before its line break."""
        if line < len(self._starts):
            end = self._starts[line] - 1
            if self._text[end] == "\n" and end > 0 and self._text[end - 1] == "\r":
                end -= 1
            return end
        return len(self._text)

    def line_text(self, line: int) -> str:
        return self._text[self.line_start(line) : self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; column counts code points."""
        offset = max(0, min(offset, len(self._text)))
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def utf16_column(self, line: int, column: int) -> int:
        """The 1-based UTF-16 code-unit column of code-point ``column`` on ``line``."""
        # Offsets of astral characters are found once per text: counting them per call
        # made many findings on one long line (minified JSON) quadratic.
        if self._astral is None:
            self._astral = [m.start() for m in _ASTRAL.finditer(self._text)]
        if not self._astral:
            return column
        start = self._starts[line - 1]
        end = start + column - 1
        return (
            column + bisect.bisect_left(self._astral, end) - bisect.bisect_left(self._astral, start)
        )

    def offset(self, line: int, column: int) -> int:
        """Inverse of :meth:`position`."""
        return self._starts[line - 1] + column - 1


def _add_lone_cr(text: str, starts: list[int]) -> list[int]:
    extra = []
    pos = text.find("\r")
    while pos != -1:
        if pos + 1 >= len(text) or text[pos + 1] != "\n":
            extra.append(pos + 1)
        pos = text.find("\r", pos + 1)
    return sorted(set(starts).union(extra)) if extra else starts


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
