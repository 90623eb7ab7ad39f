"""Python source as a libcst module, for the rules that read code (RC2xx).

libcst is imported inside the build function, so a scan that never reaches a Python
file with an SDK keyword never pays for it. The view is deliberately lazy about
everything expensive (PERF-NOTES): parsing is all it does up front; positions are
computed only for the nodes a rule reports (:meth:`PythonModule.spans` runs libcst's
code generator up to the last requested node and stops), and scope/qualified-name
metadata is built only when a rule asks for it (:meth:`PythonModule.qualified_names`).

A notebook's code cells come through the same type (see :mod:`rolecall.parsers.notebook`)
with a map from offsets in the generated source back to offsets in the ``.ipynb`` text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from rolecall.document import DocKind, Document, View, ViewError

if TYPE_CHECKING:
    import libcst as cst


class PythonModule:
    """A parsed module plus lazily built positions and metadata.

    ``source`` is the text libcst parsed; for ``.py`` files it is the document text and
    offsets map one to one (``editable`` is True, so fixes can be expressed as edits of
    the document). For notebooks ``to_doc`` maps source offsets to document offsets.
    """

    def __init__(
        self,
        module: cst.Module,
        source: str,
        *,
        to_doc: Callable[[int], int] | None = None,
    ) -> None:
        self.module = module
        self.source = source
        self._to_doc = to_doc
        self._qualified: Any = None
        self._spans: dict[int, tuple[int, int]] = {}
        self._indents: dict[int, str] = {}

    @property
    def editable(self) -> bool:
        """Whether source offsets are document offsets (fixes are possible)."""
        return self._to_doc is None

    def doc_offset(self, offset: int) -> int:
        """The document offset of a source offset."""
        return offset if self._to_doc is None else self._to_doc(offset)

    def code_for(self, node: cst.CSTNode, *, like: cst.CSTNode | None = None) -> str:
        """The source code of ``node`` (or of a changed copy) in this module's style.

        With ``like``, a node whose span was computed, continuation lines get the block
        indentation that ``like`` stands in, as they would in place.
        """
        from libcst._nodes.internal import CodegenState

        indent = self._indents.get(id(like), "") if like is not None else ""
        state = CodegenState(
            default_indent=self.module.default_indent,
            default_newline=self.module.default_newline,
            indent_tokens=[indent] if indent else [],
        )
        node._codegen(state)
        return "".join(state.tokens)

    def spans(self, nodes: Iterable[cst.CSTNode]) -> dict[int, tuple[int, int]]:
        """Source offsets ``(start, end)`` of each node, keyed by ``id(node)``.

        The span is the node's syntactic extent (without surrounding whitespace or
        commas), as libcst's PositionProvider defines it. Code generation stops as soon
        as every requested node has been passed, so a node early in a large file is cheap.
        """
        wanted = {id(n) for n in nodes} - self._spans.keys()
        if wanted:
            self._spans.update(_offsets(self.module, wanted, self._indents))
        return self._spans

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        """libcst's qualified names for ``node`` (scope analysis, built on first use)."""
        import libcst.metadata as meta

        if self._qualified is None:
            wrapper = meta.MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._qualified = wrapper.resolve(meta.QualifiedNameProvider)
        names = self._qualified.get(node, set())
        if callable(names):  # QualifiedNameProvider hands out lazily computed values
            names = names()
        return {q.name for q in names}


class _Done(Exception):
    """Raised inside code generation once every wanted node has been measured."""


def _offsets(
    module: cst.Module, wanted: set[int], indents: dict[int, str]
) -> dict[int, tuple[int, int]]:
    from libcst._nodes.internal import CodegenState

    found: dict[int, tuple[int, int]] = {}
    starts: list[tuple[int, int]] = []
    remaining = set(wanted)

    class _State(CodegenState):
        offset = 0

        def add_indent_tokens(self) -> None:
            for token in self.indent_tokens:
                self.offset += len(token)

        def add_token(self, value: str) -> None:
            self.offset += len(value)

        def before_codegen(self, node: cst.CSTNode) -> None:
            key = id(node)
            starts.append((key, self.offset))
            if key in remaining:
                indents[key] = "".join(self.indent_tokens)

        def after_codegen(self, node: cst.CSTNode) -> None:
            key, start = starts.pop()
            if key in remaining:
                found.setdefault(key, (start, self.offset))
                remaining.discard(key)
                if not remaining:
                    raise _Done

        @contextmanager
        def record_syntactic_position(
            self,
            node: cst.CSTNode,
            *,
            start_node: cst.CSTNode | None = None,
            end_node: cst.CSTNode | None = None,
        ) -> Iterator[None]:
            start = self.offset
            yield
            key = id(node)
            if key in remaining and start_node is None and end_node is None:
                found[key] = (start, self.offset)

    state = _State(default_indent=module.default_indent, default_newline=module.default_newline)
    with suppress(_Done):
        module._codegen(state)
    return found


def parse_python(source: str, *, to_doc: Callable[[int], int] | None = None) -> PythonModule:
    """Parse ``source`` with libcst; :class:`ViewError` (without quoting it) if it fails."""
    import libcst
    from rolecall.parsers.pyguard import check_complexity

    check_complexity(source)  # libcst would crash the process, or take quadratic time
    try:
        module = libcst.parse_module(source)
    except libcst.ParserSyntaxError as exc:
        raise ViewError("not valid Python 3 (syntax error)", line=exc.raw_line) from None
    except (ValueError, TypeError, IndexError, SyntaxError) as exc:
        # SyntaxError: libcst's CSTValidationError, e.g. for a name made of a character
        # that is not a valid identifier (an unassigned code point) though it tokenized.
        raise ViewError(f"not valid Python 3 ({type(exc).__name__})") from None
    return PythonModule(module, source, to_doc=to_doc)


def _build(doc: Document) -> PythonModule:
    return parse_python(doc.text)


#: The libcst module of a ``.py`` document.
PYTHON: View[PythonModule] = View("python", _build)


def python_module(doc: Document) -> PythonModule:
    """The Python code of ``doc``: the file itself, or a notebook's code cells."""
    if doc.kind is DocKind.NOTEBOOK:
        from rolecall.parsers.notebook import NOTEBOOK_PYTHON

        return doc.view(NOTEBOOK_PYTHON)
    return doc.view(PYTHON)
