"""The Python code of any document: a ``.py`` file's own ``ast`` view, or the one made
from a notebook's code cells.

Its own module because it needs both parsers while the notebook parser needs the
Python one: kept in :mod:`rolecall.read.parsers.python`, this choice made the two
modules import each other.
"""

from __future__ import annotations

from rolecall.read.document import DocKind, Document
from rolecall.read.parsers.python import PYTHON, PythonModule


def python_module(doc: Document) -> PythonModule:
    """The Python code of ``doc``: the file itself, or a notebook's code cells."""
    if doc.kind is DocKind.NOTEBOOK:
        # Imported here: a scan without notebooks never loads the notebook parser.
        from rolecall.read.parsers.notebook import NOTEBOOK_PYTHON

        return doc.view(NOTEBOOK_PYTHON)
    return doc.view(PYTHON)
