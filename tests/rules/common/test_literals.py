"""One Hyperscan pass finds what one ``bytes.find`` loop per word finds (issue 18)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rolecall.rules.aws import named_values, names
from rolecall.rules.common import literals
from rolecall.rules.common.literals import LiteralFinder
from rolecall.rules.common.lowered import ascii_lowered

REPO = Path(__file__).resolve().parents[3]
WORDS = (
    b"secret",
    *(w.encode() for w in names.SESSION_TOKEN_NAME_PARTS),
    b"aa",
    b"aba",
    b"tok",
    b"ses",
)


def _every_start(data: bytes, word: bytes) -> list[int]:
    """The reference: a start at every offset where ``word`` occurs."""
    return [i for i in range(len(data) - len(word) + 1) if data.startswith(word, i)]


def _texts() -> list[bytes]:
    """The repository's own text files, lower-cased as the material view reads them
    (credential names, session-token words, API-model-like JSON in the corpus), and
    random texts dense with overlapping words."""
    found = [
        ascii_lowered(path.read_text("utf-8", "replace"))
        for top in ("corpus", "rules", "tests", "docs")
        for path in sorted((REPO / top).rglob("*"))
        if path.is_file() and path.suffix in (".json", ".py", ".md", ".yml", ".yaml", ".env")
    ]
    assert len(found) > 200
    rng = random.Random(18)
    pieces = ["secret", "session", "security", "token", "_", "-", "a", "b", "ab", "t", "oken"]
    found += ["".join(rng.choices(pieces, k=rng.randint(0, 40))).encode() for _ in range(2000)]
    return found


#: The last two words are asked ``once``: whether they occur.
ONCE = (len(WORDS) - 2, len(WORDS) - 1)


def _expected(data: bytes) -> list[list[int]]:
    every = [_every_start(data, word) for word in WORDS]
    return [starts[:1] if i in ONCE else starts for i, starts in enumerate(every)]


def test_fallback_finds_every_occurrence_overlapping_ones_too() -> None:
    finder = LiteralFinder(WORDS, once=ONCE)
    for data in _texts()[-2000:]:
        assert finder.find_by_find(data) == _expected(data), data


def test_hyperscan_and_fallback_agree_on_real_and_random_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setattr(literals, "HYPERSCAN_MIN_BYTES", 0)  # every text through Hyperscan
    finder = LiteralFinder(WORDS, once=ONCE)
    assert finder.find(b"") == [[] for _ in WORDS]
    texts = _texts()
    assert finder.find(b"x-aws-secret")[0] == [6]
    assert finder._search is not None and finder._search != finder.find_by_find
    hits = once = 0
    for data in texts:
        fast = finder.find(data)
        assert fast == finder.find_by_find(data), data[:200]
        hits += sum(map(len, fast))
        once += sum(len(fast[i]) for i in ONCE)
    assert hits > 1000 and once > 100  # the comparison is not of empty lists


def test_material_word_starts_are_the_same_without_hyperscan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(literals, "HYPERSCAN_MIN_BYTES", 0)  # the fast path first
    texts = _texts()
    fast = [named_values._word_starts(data) for data in texts]
    finder = named_values._NAME_WORDS
    monkeypatch.setattr(finder, "_search", finder.find_by_find)
    assert [named_values._word_starts(data) for data in texts] == fast
    assert sum(map(len, fast)) > 500


def test_the_database_is_compiled_only_after_a_megabyte() -> None:
    """A pre-commit run reads a few short files: it never pays for compiling the
    database. A process that has searched more than a megabyte compiles it, and both
    searches answer alike."""
    pytest.importorskip("hyperscan")
    finder = LiteralFinder(WORDS, once=ONCE)
    text = b"aws_secret_access_key = x; session_token = y\n" * 1000
    searched = 0
    while searched + len(text) <= literals.HYPERSCAN_MIN_BYTES:
        assert finder.find(text) == _expected(text)
        searched += len(text)
    assert searched > 900_000 and finder._search is None
    assert finder.find(text) == _expected(text)
    assert finder._search is not None and finder._search != finder.find_by_find
    assert finder.find(text[:100]) == _expected(text[:100])


def test_an_empty_word_is_refused() -> None:
    with pytest.raises(ValueError):
        LiteralFinder((b"secret", b""))


def test_material_core_flag_is_the_in_search_it_replaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """``scan_names`` says a bare-token core occurs lower-cased exactly when one of the
    two ``in`` searches it replaced finds one, with Hyperscan and without."""
    cores = [c.lower().encode() for c in ("YXdz", "b3JpZ2lu")]
    monkeypatch.setattr(literals, "HYPERSCAN_MIN_BYTES", 0)  # the fast path first
    texts = _texts()
    rng = random.Random(7)
    texts += [t[:n] + rng.choice(cores) + t[n:] for t in texts[:300] for n in [len(t) // 2]]
    expected = [any(core in data for core in cores) for data in texts]
    assert 250 < sum(expected) < len(texts)
    assert [named_values.scan_names(data)[1] for data in texts] == expected
    finder = named_values._NAME_WORDS
    monkeypatch.setattr(finder, "_search", finder.find_by_find)
    assert [named_values.scan_names(data)[1] for data in texts] == expected


def test_lowered_copy_from_utf8_bytes_is_the_copy_from_the_text() -> None:
    """``lowered_utf8`` of clean UTF-8 is ``ascii_lowered`` of its text (one byte per
    character), and the shared view gives that for documents in any encoding."""
    from rolecall import Document
    from rolecall.rules.common.lowered import LOWERED, lowered_utf8

    rng = random.Random(19)
    alphabet = "aZ09_ -\n\u00e9\u00c9\u0130\u212a\u2013\u65e5\U0001f600\u00a0\x7f"
    texts = [
        path.read_text("utf-8", "replace")
        for top in ("corpus", "rules", "docs")
        for path in sorted((REPO / top).rglob("*"))
        if path.is_file() and path.suffix in (".json", ".py", ".md", ".yml")
    ]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 60))) for _ in range(3000)]
    wide = 0
    for text in texts:
        expected = ascii_lowered(text)
        assert lowered_utf8(text.encode("utf-8")) == expected, text[:100]
        wide += not text.isascii()
        for data in (
            text.encode("utf-8"),
            b"\xef\xbb\xbf" + text.encode("utf-8"),
            text.encode("utf-16"),
            b"\xff-" + text.encode("utf-8"),  # undecodable: the text has U+FFFD
        ):
            doc = Document("notes.txt", data)
            assert doc.view(LOWERED) == ascii_lowered(doc.text)
    assert wide > 2000
