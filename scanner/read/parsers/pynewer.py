"""Python written for a newer interpreter than the one running rolecall.

The RC2xx rules read the standard library's ``ast``, which parses only the running
interpreter's grammar: on Python 3.11 a file with one ``type X = ...`` line would lose
every RC2xx rule. libcst's native parser accepts the newer grammar, so when ``ast``
fails, libcst parses the file and each newer construct is rewritten into an older
equivalent of *exactly the same UTF-8 bytes per line*, which ``ast`` then parses. Byte
columns and lines are ``ast``'s positions, so every node keeps the position it has in
the real file, and findings point at the original text.

The rewrites (all ASCII, whole tokens):

- ``type X[T] = v`` (3.12): the chained assignment ``type=X    = v``;
- type parameters ``def f[T](...)``, ``class C[T]:`` (3.12, defaults 3.13): blanked;
- f-strings that reuse their own quotes or hold backslashes or comments (3.12): the
  outer or the inner quotes swapped when that is valid 3.11, else a string of spaces;
- ``except A, B:`` (3.14): ``except A   :`` (the handler's body is what matters);
- t-strings (3.14): the ``t`` prefix becomes ``f``.

A blanked span that crosses a line end keeps the line end, preceded by a backslash, so
the logical line continues. Anything else newer, or a file libcst cannot parse either,
is reported with its cause: newer syntax, or not valid Python.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

#: The newest grammar asked of libcst.
NEWEST_GRAMMAR = "3.14"


@dataclass
class NewerSyntax:
    """What was found: the rewritten source, and the newest version it needed (None: no
    newer construct)."""

    source: str
    version: tuple[int, int] | None
    constructs: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The cause, for a notice: which newer syntax (no file content)."""
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        if self.version is None:
            # libcst accepts some code CPython refuses (``f() = 1``): no newer construct
            # was found, so the error is the file's.
            return "not valid Python (syntax error)"
        what = ", ".join(sorted(set(self.constructs)))
        return (
            f"uses Python {self.version[0]}.{self.version[1]} syntax ({what}) "
            f"that rolecall could not analyse on Python {running}"
        )


def _blank(segment: bytes, start: bytes = b"") -> bytes:
    """``segment`` as spaces (``start`` first), keeping line ends, each after a ``\\``."""
    out = bytearray(start + b" " * (len(segment) - len(start)))
    for i, byte in enumerate(segment):
        if byte in b"\r\n":
            out[i] = byte
            if i > 0 and segment[i - 1] not in b"\r\n":
                out[i - 1] = ord("\\")
    return bytes(out)


def _parses_311(expression: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(b"(" + expression + b"\n)", mode="eval")
    except (SyntaxError, ValueError):
        return False
    return True


_QUOTE_SWAP = {ord('"'): ord("'"), ord("'"): ord('"')}


def _swapped(text: bytes, positions: list[int]) -> bytes:
    out = bytearray(text)
    for p in positions:
        out[p] = _QUOTE_SWAP.get(out[p], out[p])
    return bytes(out)


class _Rewriter:
    def __init__(self, module: cst.Module, data: bytes) -> None:
        from libcst.metadata import ByteSpanPositionProvider, MetadataWrapper

        self.data = data
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.spans = wrapper.resolve(ByteSpanPositionProvider)
        self.edits: list[tuple[int, bytes]] = []
        self.version: tuple[int, int] | None = None
        self.constructs: list[str] = []

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        s = self.spans[node]
        return s.start, s.start + s.length

    def need(self, version: tuple[int, int], construct: str) -> None:
        self.constructs.append(construct)
        if self.version is None or version > self.version:
            self.version = version

    def edit(self, start: int, replacement: bytes) -> None:
        self.edits.append((start, replacement))

    def blank(self, start: int, end: int) -> None:
        self.edit(start, _blank(self.data[start:end]))

    def type_parameters(self, params: cst.TypeParameters) -> None:
        defaults = any(p.default is not None for p in params.params)
        self.need((3, 13) if defaults else (3, 12), "type parameters")
        self.blank(*self.span(params))

    def type_alias(self, node: cst.TypeAlias) -> None:
        # "type X[T] = v" becomes the chained assignment "type=X    = v": both names
        # stay where they are.
        self.need((3, 12), "type statement")
        start, _ = self.span(node)
        self.edit(start + len("type"), b"=")
        if node.type_parameters is not None:
            if any(p.default is not None for p in node.type_parameters.params):
                self.need((3, 13), "type parameters")
            self.blank(*self.span(node.type_parameters))

    def except_tuple(self, node: cst.Tuple) -> None:
        self.need((3, 14), "except without parentheses")
        _, first_end = self.span(node.elements[0].value)
        _, end = self.span(node)
        self.blank(first_end, end)

    def string(self, node: cst.FormattedString | cst.TemplatedString) -> None:
        import libcst as cst

        start, end = self.span(node)
        text = self.data[start:end]
        if isinstance(node, cst.TemplatedString):
            self.need((3, 14), "t-string")
            prefix = node.start.rstrip("'\"")
            at = prefix.lower().index("t")
            text = text[:at] + (b"F" if prefix[at] == "T" else b"f") + text[at + 1 :]
        if _parses_311(text):
            if isinstance(node, cst.TemplatedString):
                self.edit(start, text)
            return
        self.need((3, 12), "f-string")
        quote = node.start.lstrip("rRbBfFtTuU")
        # The quotes that delimit strings nested in the replacement fields.
        inner: list[int] = []
        for child in _nested_strings(node):
            c_start, c_end = self.span(child)
            c_quote = _quote_of(child)
            if c_quote is None or len(c_quote) != 1:
                continue
            body = self.data[c_start:c_end]
            opening = body.index(c_quote.encode())
            inner += [c_start - start + opening, c_end - start - 1]
        candidates = []
        if len(quote) == 1:
            q = len(node.start) - 1
            outer = [q, len(text) - 1]
            candidates += [_swapped(text, outer), _swapped(text, inner)]
        for candidate in candidates:
            if _parses_311(candidate):
                self.edit(start, candidate)
                return
        self.edit(start, _blank(text[:-1], b'"') + b'"')

    def apply(self) -> bytes:
        out = bytearray(self.data)
        for start, replacement in self.edits:
            out[start : start + len(replacement)] = replacement
        return bytes(out)


def _quote_of(node: cst.CSTNode) -> str | None:
    import libcst as cst

    if isinstance(node, cst.SimpleString):
        return node.quote
    if isinstance(node, (cst.FormattedString, cst.TemplatedString)):
        return node.quote
    return None


def _nested_strings(node: cst.CSTNode) -> list[cst.CSTNode]:
    """String literals anywhere inside ``node``'s replacement fields."""
    import libcst as cst

    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, child: cst.CSTNode) -> bool:
            if child is not node and isinstance(
                child, (cst.SimpleString, cst.FormattedString, cst.TemplatedString)
            ):
                found.append(child)
            return True

    node.visit(Collect())
    return found


def rewrite_newer(source: str) -> NewerSyntax | None:
    """A same-layout rewrite of ``source`` for the running ``ast``; None when the newest
    grammar libcst knows does not accept ``source`` either (it is not valid Python)."""
    import libcst as cst

    try:
        module = cst.parse_module(source, cst.PartialParserConfig(python_version=NEWEST_GRAMMAR))
    except Exception:  # ParserSyntaxError, CSTValidationError (a bad identifier), ...
        return None
    # Parsed from text, libcst measures byte spans in UTF-8 whatever a coding line says.
    rewriter = _Rewriter(module, source.encode("utf-8", "surrogatepass"))

    aliases, find = _passes(rewriter)
    try:
        module.visit(aliases)
        module.visit(find)
        rewritten = rewriter.apply().decode("utf-8", "surrogatepass")
    except (ValueError, RecursionError, MemoryError):
        # Not rewritten: the caller's parse fails again and the notice names what was
        # found so far.
        return NewerSyntax(source, rewriter.version, rewriter.constructs)
    return NewerSyntax(rewritten, rewriter.version, rewriter.constructs)


def _passes(rewriter: _Rewriter) -> tuple[cst.CSTVisitor, cst.CSTVisitor]:
    """The two visits :func:`rewrite_newer` makes, in order: the first notes the type
    parameters that belong to a type alias (removed with the alias's header), the
    second hands every newer construct to ``rewriter``."""
    import libcst as cst

    class Find(cst.CSTVisitor):
        def visit_TypeAlias(self, node: cst.TypeAlias) -> bool:
            rewriter.type_alias(node)
            return True

        def visit_TypeParameters(self, node: cst.TypeParameters) -> bool:
            # An alias's own parameters are removed with its header.
            if not _alias_params(node):
                rewriter.type_parameters(node)
            return False

        def visit_ExceptHandler(self, node: cst.ExceptHandler) -> bool:
            if isinstance(node.type, cst.Tuple) and not node.type.lpar:
                rewriter.except_tuple(node.type)
            return True

        def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> bool:
            if isinstance(node.type, cst.Tuple) and not node.type.lpar:
                rewriter.except_tuple(node.type)
            return True

        def visit_FormattedString(self, node: cst.FormattedString) -> bool:
            rewriter.string(node)
            return False  # nested strings are the outer string's business

        def visit_TemplatedString(self, node: cst.TemplatedString) -> bool:
            rewriter.string(node)
            return False

    alias_params: set[int] = set()

    def _alias_params(node: cst.TypeParameters) -> bool:
        return id(node) in alias_params

    class Aliases(cst.CSTVisitor):
        def visit_TypeAlias(self, node: cst.TypeAlias) -> bool:
            if node.type_parameters is not None:
                alias_params.add(id(node.type_parameters))
            return True

    return Aliases(), Find()
