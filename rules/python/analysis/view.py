"""The analysis as a document view: built once per document, on first demand.

Defined apart from the finder so that declaring the view (the rules, the findings, the
interface in ``rolecall.rules.python.analysis``) imports nothing of the analysis: the
finder and the resolver behind it load when a document first asks for the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolecall import Document, View

if TYPE_CHECKING:
    from rolecall.rules.python.analysis.uses import Analysis


def _build(doc: Document) -> Analysis:
    from rolecall.rules.python.analysis.sdk import build

    return build(doc)


#: Every credential hand-over in a Python document or notebook.
AWS_CREDENTIALS: View[Analysis] = View("python-aws-credentials", _build)
