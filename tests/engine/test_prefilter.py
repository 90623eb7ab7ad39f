"""The keyword prefilter: both backends agree with the reference semantics, and the
engine's bytes path selects exactly the rules the plain per-rule check would."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rolecall import Confidence, DocKind, Document, Finding, Rule, RuleContext, Severity
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.engine.prefilter import KeywordSet, needle
from rolecall.plugin.registry import Registry

try:
    import hyperscan  # noqa: F401

    BACKENDS = ["python", "hyperscan"]
except ImportError:  # pragma: no cover - platforms without the wheel
    BACKENDS = ["python"]


def reference_hits(keywords: list[str], data: bytes) -> set[bytes]:
    lowered = data.lower()
    return {needle(k) for k in keywords if needle(k) in lowered}


def found(ks: KeywordSet, data: bytes) -> set[bytes]:
    return {ks.needles[i] for i in ks.search(data)}


ALPHABET = "aAkKiIsS_é\u00c9\u212a\x00 \n"
keyword_st = st.text(alphabet=ALPHABET, min_size=0, max_size=5)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=200, deadline=None)
@given(keywords=st.lists(keyword_st, max_size=8), text=st.text(alphabet=ALPHABET, max_size=60))
def test_backend_matches_reference(backend: str, keywords: list[str], text: str) -> None:
    ks = KeywordSet(keywords, backend=backend)
    for data in (text.encode("utf-8"), text.encode("latin-1", "replace")):
        assert found(ks, data) == reference_hits(keywords, data)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("keywords", "data", "expected"),
    [
        (["AKIA"], b"key = akia", {b"akia"}),
        (["akia"], b"KEY = AKIA", {b"akia"}),
        (["aws_secret_access_key"], b"AWS_SECRET_ACCESS_KEY=x", {b"aws_secret_access_key"}),
        (["AKIA", "ASIA"], b"nothing here", set()),
        (["AKIA", "ASIA"], b"", set()),
        ([""], b"", {b""}),
        (["\u00c9T\u00c9"], "\u00e9t\u00e9".encode(), {"\u00e9t\u00e9".encode()}),
        # bytes.lower() folds ASCII only: an upper-case non-ASCII letter stays as it is.
        (["\u00e9t\u00e9"], "\u00c9T\u00c9".encode(), set()),
        (["a\x00b"], b"xA\x00By", {b"a\x00b"}),
    ],
)
def test_backend_cases(
    backend: str, keywords: list[str], data: bytes, expected: set[bytes]
) -> None:
    assert found(KeywordSet(keywords, backend=backend), data) == expected


def test_unknown_backend_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown prefilter backend"):
        KeywordSet(["x"], backend="grep")


def test_no_keywords_matches_nothing() -> None:
    assert KeywordSet([]).search(b"anything") == frozenset()


# -- engine: which rules run ------------------------------------------------------------


class _Probe(Rule):
    """Test probe: reports one finding at offset 0 whenever it runs.

    ## What it finds
    x
    ## Why it is risky
    x
    ## Use instead
    x
    ## Example
    x
    """

    severity = Severity.WARNING
    confidence = Confidence.LOW
    message = "ran"
    recommendation = "none"

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield self.finding(doc, 0, 0, material=self.id)


def _probe(rule_id: str, keywords: tuple[str, ...], kinds: frozenset[DocKind] | None) -> type:
    return type(
        f"Probe{rule_id}",
        (_Probe,),
        {"id": rule_id, "name": f"probe-{rule_id.lower()}", "keywords": keywords, "kinds": kinds},
    )


class _OnlyShort(_Probe):
    """Overrides applies_to: runs only on documents shorter than 40 characters.

    ## What it finds
    x
    ## Why it is risky
    x
    ## Use instead
    x
    ## Example
    x
    """

    id = "RC197"
    name = "probe-only-short"
    keywords = ("token",)

    def applies_to(self, doc: Document) -> bool:
        return len(doc.text) < 40


PROBES: list[type[Rule]] = [
    _probe("RC190", ("AKIA",), None),
    _probe("RC191", ("aws_secret_access_key", "SecretAccessKey"), None),
    _probe("RC192", ("storage_options",), frozenset({DocKind.PYTHON})),
    _probe("RC193", (), frozenset({DocKind.ENV})),
    _probe("RC194", ("akia", "ASIA"), frozenset({DocKind.YAML})),
    _probe("RC195", (), None),
    _OnlyShort,
]


def reference_rules(engine: Engine, doc: Document) -> list[str]:
    """The rules the engine ran before the combined prefilter, rule by rule."""
    lowered = (
        doc.data.lower()
        if doc.decoded.encoding == "utf-8"
        else doc.text.lower().encode("utf-8", "replace")
    )
    sel = engine.options.selection
    out = []
    for rule in engine.rules:
        if not rule.applies_to(doc) or sel.ignored_for_path(rule.id, doc.path):
            continue
        if rule.keywords and not any(k.lower().encode() in lowered for k in rule.keywords):
            continue
        out.append(rule.id)
    return out


SAMPLES: list[tuple[str, bytes]] = [
    ("app.py", b"import boto3\nkey = 'AKIA'\n"),
    ("app.py", b"df.read(storage_options={})\n"),
    ("notes.txt", b"nothing to see\n"),
    (".env", b"AWS_SECRET_ACCESS_KEY=x\n"),
    ("deploy.yaml", b"asia: 1\n"),
    ("deploy.yaml", b"SECRETACCESSKEY: 1\n"),
    (".github/workflows/ci.yml", b"akia\n"),
    ("script", b"#!/usr/bin/env python\nstorage_options = 1\n"),
    ("script", b"#!/bin/bash\nexport X=1\n"),
    ("tok.txt", b"token\n"),
    ("tok.txt", b"a long file that mentions a token but is too long\n"),
    ("bad.py", b"x = '\xff\xfe AKIA'\n"),
    ("bom.py", codecs.BOM_UTF8 + b"akia = 1\n"),
    ("u16.yaml", codecs.BOM_UTF16_LE + "AKIA: 1\n".encode("utf-16-le")),
    ("u16.py", codecs.BOM_UTF16_LE + "x = '\u212aIA'\n".encode("utf-16-le")),
    ("latin.txt", "caf\u00e9 akia".encode("latin-1")),
    ("empty.env", b""),
]


def _engine(backend: str, selection: RuleSelection | None = None) -> Engine:
    import os

    os.environ["ROLECALL_PREFILTER"] = backend
    try:
        options = EngineOptions(selection=selection or RuleSelection())
        return Engine(Registry(rules=sorted(PROBES, key=lambda c: c.id)), options)
    finally:
        del os.environ["ROLECALL_PREFILTER"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("path", "data"), SAMPLES)
def test_engine_runs_the_same_rules(backend: str, path: str, data: bytes) -> None:
    selection = RuleSelection(per_file_ignores=(("*.yaml", ("RC195",)),))
    engine = _engine(backend, selection)
    assert engine.keywords.backend == backend
    doc = Document(path, data)
    expected = reference_rules(engine, doc)
    via_doc = engine.scan_document(Document(path, data))
    via_bytes = engine.scan_bytes(path, data)
    assert [f.rule_id for f in via_doc.findings] == expected
    assert via_bytes.findings == via_doc.findings
    assert via_bytes.kind == via_doc.kind == doc.kind.value
    assert via_bytes.scanned
    decoding = [n for n in via_bytes.notices if n.code.value == "RC904"]
    assert bool(decoding) == bool(doc.decoded.errors)


@pytest.mark.parametrize("backend", BACKENDS)
def test_file_no_rule_wants_is_not_decoded(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine(backend, RuleSelection(select=("RC190", "RC191")))
    calls: list[bytes] = []
    import rolecall.engine.core as engine_module

    real = engine_module.decode

    def spy(data: bytes) -> object:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(engine_module, "decode", spy)
    monkeypatch.setattr("rolecall.read.document.decode", spy)
    result = engine.scan_bytes("big.txt", b"plain text with no keyword\n" * 1000)
    assert result.scanned and not result.findings and not calls
    # Non-ASCII bytes are decoded only to count undecodable sequences for the notice.
    result = engine.scan_bytes("bad.txt", b"caf\xe9\n")
    assert [n.code.value for n in result.notices] == ["RC904"]


def _reference_parts(path: str) -> tuple[str, str, str]:
    import posixpath

    return (
        posixpath.basename(path),
        posixpath.basename(posixpath.dirname(path)),
        posixpath.basename(posixpath.dirname(posixpath.dirname(path))),
    )


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/ci.yml",
        "svc/.github/workflows/ci.yaml",
        "/abs/.github/workflows/ci.yml",
        "workflows/ci.yml",
        ".aws/credentials",
        "home/.aws/config",
        "config",
        "/config",
        "a//.aws/config",
        "a/.aws//config",
        "Dockerfile.prod",
        ".env.local",
        "dir/",
    ],
)
def test_detect_kind_fast_path_matches_posixpath(path: str) -> None:
    from rolecall.read.document import detect_kind

    name, parent, grandparent = _reference_parts(path)
    lower = name.lower()
    # Rebuild the kind from the reference components with the same rules.
    if lower.endswith((".yml", ".yaml")) and parent == "workflows" and grandparent == ".github":
        expected = DocKind.GITHUB_WORKFLOW
    elif lower in ("credentials", "config"):
        expected = DocKind.INI if parent == ".aws" else DocKind.TEXT
    else:
        expected = detect_kind(name)  # name-only rules do not depend on the directories
    assert detect_kind(path) is expected
