"""The Python analysis: one view of a Python document, shared by the Python rules.

Like a LibCST metadata provider, the analysis is computed once per document, when the
first rule asks for it, and every rule that declares it reads the same answer: the
document view :data:`AWS_CREDENTIALS` (``python-aws-credentials``) parses the file once
with the standard library's ``ast``, resolves imports, aliases, scopes and the values of
names, and lists every place that hands credentials to an AWS SDK or to the environment
(a :class:`Use`, one :class:`CredArg` per credential, each with the :class:`Value` that
says where it comes from). Nothing is parsed or walked again per rule.

This module is the whole interface; the modules beside it are its internals (the
resolver, the value classifier, the finders, the fixes), and a rule never imports them.
A rule declares what it reads and asks with one call::

    from rolecall.rules.python.analysis import PYTHON_KINDS, findings

    class MyRule(Rule):
        kinds = PYTHON_KINDS  # Python files and notebooks
        ...
        def check(self, doc, ctx):
            yield from findings(self, doc, ctx, ("boto3",))

:func:`findings` turns the uses of the given families into the rule's findings
(severity, evidence, related locations, fix); :func:`analysis` gives the view itself to
code that wants the uses (tests, tools). Families: ``boto3``, ``botocore``, ``aio``,
``s3fs``, ``pyarrow``, ``storage_options``, ``environ``, ``settings``.

Loading this module loads no parser and no analysis: the finder is imported when a
document first asks for the view, libcst only when a fix needs its edits rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rolecall import Document, Finding, Rule, RuleContext
from rolecall.rules.python.analysis.examples import (
    BOTO3_INVALID,
    BOTO3_VALID,
    BOTOCORE_VALID,
    ENVIRON_INVALID,
    ENVIRON_VALID,
)
from rolecall.rules.python.analysis.origin import Source, Value
from rolecall.rules.python.analysis.text import (
    BOTO_KEYWORDS,
    CHAIN,
    CROSS_ACCOUNT,
    EXAMPLE_KEY_ID,
    KEY_ID,
    PYTHON_KINDS,
    SECRET,
)
from rolecall.rules.python.analysis.uses import Analysis, CredArg, Use
from rolecall.rules.python.analysis.view import AWS_CREDENTIALS

__all__ = [
    "AWS_CREDENTIALS",
    "BOTO3_INVALID",
    "BOTO3_VALID",
    "BOTOCORE_VALID",
    "BOTO_KEYWORDS",
    "CHAIN",
    "CROSS_ACCOUNT",
    "ENVIRON_INVALID",
    "ENVIRON_VALID",
    "EXAMPLE_KEY_ID",
    "KEY_ID",
    "PYTHON_KINDS",
    "SECRET",
    "Analysis",
    "CredArg",
    "Source",
    "Use",
    "Value",
    "analysis",
    "findings",
]


def analysis(doc: Document) -> Analysis:
    """The analysis of ``doc``, built on the first call and kept by the document.

    Raises nothing for a file that does not parse: its :class:`Analysis` is then empty
    and the Python view's own error is the file's notice."""
    return doc.view(AWS_CREDENTIALS)


def findings(
    rule: Rule, doc: Document, ctx: RuleContext, families: Sequence[str]
) -> Iterator[Finding]:
    """The findings of ``rule`` for the uses of ``families`` in ``doc``'s analysis: one
    per use, at its first reported credential, with the recommendation's "resulting
    code" and, where the analysis allows one, the fix that drops every credential of
    the use together (edits only when ``ctx.fix_edits``)."""
    from rolecall.rules.python.analysis.report import findings as report

    return report(rule, doc, ctx, families)
