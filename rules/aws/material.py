"""One pass over a document's text that finds AWS credential material for RC101-RC105.

The rules share this analysis through a cached document view, so a file is searched
once however many of them run, and an access key id and its secret are paired in one
place: the id rules report the pair, the secret rule reports only secrets left unpaired.

Candidates come from three cheap searches: key ids (a literal-led pattern), names that
contain ``secret`` or a session-token word (``str.find`` on the lower-cased text), and
bare STS tokens (a literal-led pattern). Values without a name count by position: a
secret-shaped value, or beside a temporary id a token-shaped one, in the id's record
(a bounded window of lines). Every value pattern is anchored at a name, has a fixed
length or runs inside a bounded window, and name scanning never goes backwards, so the
work is linear in the size of the text.

The parts: :mod:`~rolecall.rules.aws.hits` (what is found),
:mod:`~rolecall.rules.aws.named_values` (values by name, bare tokens by prefix) and
:mod:`~rolecall.rules.aws.beside_ids` (values by their place beside a key id); this
module runs them in order and caches the result as a document view.
"""

from __future__ import annotations

from rolecall import Document, View
from rolecall.rules.aws import names
from rolecall.rules.aws.beside_ids import pair, tokens_beside_temporary_ids
from rolecall.rules.aws.hits import KeyIdHit, Material, in_url
from rolecall.rules.aws.key_ids import find_key_ids, is_placeholder_key_id, key_id_info
from rolecall.rules.aws.named_values import (
    bare_tokens,
    lowered_names,
    named_values,
    scan_names,
)
from rolecall.rules.aws.names import NameKind
from rolecall.rules.common.placeholders import is_documented_example


def _build(doc: Document, examples: bool) -> Material:
    text = doc.text
    ids: list[KeyIdHit] = []
    for start, key_id in find_key_ids(text):
        info = key_id_info(key_id)
        example = is_documented_example(key_id)
        if info is None or (example and not examples):
            continue
        if not example and is_placeholder_key_id(key_id):
            continue
        ids.append(KeyIdHit(start, start + 20, info, example, in_url(text, start)))
    lowered = lowered_names(doc)
    starts, core_lowered = scan_names(lowered)
    secrets, tokens, weak = named_values(text, lowered, examples, starts)
    tokens += bare_tokens(text, tokens, examples, lowered, core_lowered)
    aws_context = bool(ids) or (weak and names.has_aws_context(text))
    if not aws_context:
        secrets = [s for s in secrets if s.strong]
        tokens = [t for t in tokens if names.credential_name_kind(t.name) != NameKind.WEAK_TOKEN]
    pairs = pair(doc, ids, secrets, examples) if ids else {}
    tokens += tokens_beside_temporary_ids(doc, ids, tokens)
    return Material(
        tuple(ids), tuple(secrets), tuple(sorted(tokens, key=lambda t: t.start)), pairs, aws_context
    )


MATERIAL = View("aws-credential-material", lambda doc: _build(doc, False))
MATERIAL_WITH_EXAMPLES = View("aws-credential-material+examples", lambda doc: _build(doc, True))


def material(doc: Document, report_examples: bool) -> Material:
    """The AWS credential material in ``doc`` (built once per document and setting)."""
    return doc.view(MATERIAL_WITH_EXAMPLES if report_examples else MATERIAL)
