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
"""

from __future__ import annotations

import base64
import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rolecall import Document, View
from rolecall.plugin.api import lazy, looks_like_secret_key, looks_like_session_token
from rolecall.rules.aws import names
from rolecall.rules.aws.candidates import SESSION_TOKEN_PATTERN, looks_like_token_beside_key_id
from rolecall.rules.aws.key_ids import KeyIdInfo, find_key_ids, is_placeholder_key_id, key_id_info
from rolecall.rules.aws.names import NameKind
from rolecall.rules.common.lowered import LOWERED, LOWERS_TO_ASCII
from rolecall.rules.common.placeholders import is_documented_example, is_not_a_secret

#: Separators between a name and its value in any syntax: ``=``, ``:``, ``=>``, ``:=``,
#: quotes, spaces and newlines, ``|``/``>`` (YAML block scalars, Markdown tables),
#: ``(``/``)``/``,`` (function calls), ``:-`` (shell defaults), ``[``/``]``, backslashes,
#: HTML-escaped quotes, ``or`` (``os.getenv("AWS_SECRET") or "..."``), XML tags between
#: a name element and its value element (a plist's ``<key>..</key><string>..</string>``),
#: the ``value`` field of a key/value item (Postman: ``{"key": "secretKey", "value"``),
#: a string literal's prefix (``b"..."``, ``r'...'``) and a type annotation before a
#: default (``secret: str = "..."``, ``token: str | None = "..."``).
_GAP = re.compile(
    r"""(?::\s{0,4}[A-Za-z_][\w.]{0,30}(?:\[[\w., |]{0,40}\])?(?:\s?\|\s?None)?\s{0,4}="""
    r"""|[\s"'`\\:=,>|()\[\]?\-]|&quot;|&#3[49];|or\b|value\b|</?[A-Za-z][\w:.-]{0,30}>"""
    r"""|(?<![A-Za-z0-9_])[bBrRuUfF]{1,2}(?=["'])){1,40}"""
)
_NAME_REST = re.compile(r"[A-Za-z0-9_.\-]*")
_SECRET_VALUE = re.compile(r"[A-Za-z0-9/+]{40}")
#: A secret written with escapes: ``\/`` (JSON from PHP and others), ``%2F``/``%2B``
#: (URLs, form data). Each alternative is one character of the secret.
_SECRET_ESCAPED_VALUE = lazy(r"(?:[A-Za-z0-9/+]|\\/|%2[FfBb]){40}")
#: A 40-character secret base64-encoded once more (Kubernetes Secret ``data``): 56 chars.
_SECRET_B64_VALUE = lazy(r"[A-Za-z0-9/+]{54}==")
#: A token-length base64 run, not part of a dotted (JWT) or base64url token; ``=``
#: before it is an assignment (``TOKEN=...``).
_BESIDE_TOKEN = re.compile(
    r"(?:(?<![A-Za-z0-9/+_.-])|(?<=\\[ntr]))[A-Za-z0-9/+]{64,8192}={0,2}(?![A-Za-z0-9/+=_.-])"
)
_TOKEN_VALUE = lazy(r"[A-Za-z0-9/+%]{16,8192}={0,2}")
_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=")
_AFTER_SECRET = _B64 | {"_", "-", "%"}
#: Characters of a dotted token's segments (JWT: base64url): a value after ``x.`` is one.
_DOTTED = _B64 | {"_", "-"}
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
#: How far (lines, characters) a secret may be from a key id to count as its pair.
NAMED_PAIR_WINDOW = (5, 2000)
#: A value known only by its shape pairs within 3 lines, or up to 8 lines when no blank
#: line or ``[section]`` header separates it from the id (one record, object or section).
UNNAMED_PAIR_WINDOW = (8, 1200)
UNNAMED_NEAR_LINES = 3
#: A 40-character secret candidate for pairing by position: not part of a longer
#: base64, base64url or percent-encoded run; or right after ``NAME=`` (``PWD=`` in an
#: ODBC DSN, ``Password=`` in a connection string), which :data:`SECRET_KEY_PATTERN`
#: leaves out because ``=`` also ends base64 runs; or after an escaped newline or tab
#: (``\n`` in a notebook's output or a log line in JSON). Linear: fixed-width
#: look-arounds and a fixed-length run.
_UNNAMED_SECRET = re.compile(
    r"(?:(?<![A-Za-z0-9/+=_%-])|(?<=[A-Za-z0-9_\]]=)|(?<=\\[ntr]))"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_%-])"
)


@dataclass(frozen=True)
class KeyIdHit:
    start: int
    end: int
    info: KeyIdInfo
    example: bool
    in_url: bool


@dataclass(frozen=True)
class SecretHit:
    start: int
    end: int
    value: str
    name: str  # the name it is keyed by; '' when found only next to a key id
    strong: bool  # named with an AWS-specific name (or paired with an id)
    example: bool
    encoded: bool = False  # base64-encoded once more (Kubernetes Secret data)


@dataclass(frozen=True)
class TokenHit:
    start: int
    end: int
    value: str  # percent-decoded
    name: str
    in_url: bool
    example: bool


@dataclass(frozen=True)
class Material:
    """What one document holds; ``pairs`` maps a key id's offset to its secret."""

    ids: tuple[KeyIdHit, ...]
    secrets: tuple[SecretHit, ...]  # named secrets (unpaired ones are RC104's)
    tokens: tuple[TokenHit, ...]
    pairs: Mapping[int, SecretHit]
    aws_context: bool

    @property
    def paired_secrets(self) -> frozenset[int]:
        return frozenset(s.start for s in self.pairs.values())


def _in_url(text: str, start: int) -> bool:
    """Whether ``start`` is inside a URL (looking back at most 2,000 characters)."""
    line_start = text.rfind("\n", max(0, start - 2000), start) + 1
    head = text[max(line_start, start - 2000) : start]
    return "://" in head and not any(c.isspace() for c in head[head.rfind("://") :])


#: The words a credential name holds (lower case): ``secret``, or ``token`` after one of
#: the session-token words (:data:`~rolecall.rules.aws.names.SESSION_TOKEN_NAME_PARTS`).
_SECRET_WORD = b"secret"
_TOKEN_WORD = b"token"
_TOKEN_LEADS = tuple(
    part.encode("ascii")[: -len(_TOKEN_WORD)] for part in names.SESSION_TOKEN_NAME_PARTS
)
_LEAD_ENDS = frozenset(lead[-1:] for lead in _TOKEN_LEADS)


def _word_starts(lowered: bytes) -> list[int]:
    """Where ``secret`` or a session-token word starts in ``lowered``, sorted.

    Two ``find`` loops (``secret``, ``token``) instead of one per word: a word ends in
    ``token`` and starts where its lead (``session_``, ``security``, ...) precedes the
    ``token``. None of the words overlaps itself, so each loop finds every occurrence.
    """
    hits: list[int] = []
    for word in (_SECRET_WORD, _TOKEN_WORD):
        pos = lowered.find(word)
        while pos != -1:
            if word is _SECRET_WORD:
                hits.append(pos)
            elif lowered[pos - 1 : pos] in _LEAD_ENDS:  # most are not (``nexttoken``)
                hits.extend(
                    pos - len(lead)
                    for lead in _TOKEN_LEADS
                    if pos >= len(lead) and lowered.startswith(lead, pos - len(lead))
                )
            pos = lowered.find(word, pos + len(word))
    hits.sort()
    return hits


def _names(text: str, lowered: bytes) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of identifiers containing ``secret`` or a session-token
    word, left to right (``lowered``: the text lower-cased, one byte per character, see
    ``_lowered``)."""
    hits = _word_starts(lowered)
    done = 0
    for pos in hits:
        if pos < done:
            continue  # inside an identifier (or value) already handled
        start = pos
        while start > max(0, pos - 64) and text[start - 1] in _NAME_CHARS:
            start -= 1
        match = _NAME_REST.match(text, pos)
        end = match.end() if match else pos
        done = end
        yield start, end, text[start:end]


def _lowered_names(doc: Document) -> bytes:
    """Where names are searched: ``text.lower()``, one byte per character (the shared
    ASCII copy), except that the Kelvin sign counts as the ``k`` it lower-cases to where
    lower-casing keeps the length (a dotted capital I lengthens the text: then every
    non-ASCII character is no letter)."""
    text = doc.text
    if not text.isascii() and LOWERS_TO_ASCII[1] in text:
        folded = text.lower()
        if len(folded) == len(text):
            return folded.encode("ascii", "replace")
    return doc.view(LOWERED)


def _value_start(text: str, end: int) -> int | None:
    gap = _GAP.match(text, end)
    return gap.end() if gap else None


def _named_values(
    text: str, lowered: bytes, examples: bool
) -> tuple[list[SecretHit], list[TokenHit], bool]:
    secrets: list[SecretHit] = []
    tokens: list[TokenHit] = []
    weak = False
    skip_to = 0  # names inside a value already read are not names: never read twice
    for start, end, name in _names(text, lowered):
        kind = names.credential_name_kind(name) if start >= skip_to else None
        at = _value_start(text, end) if kind else None
        if at is None:
            continue
        if kind in (NameKind.SECRET, NameKind.WEAK_SECRET):
            found = _secret_at(text, at)
            if found is None:
                continue
            value, skip_to, encoded = found
            example = is_documented_example(value)
            if (example and not examples) or not _plausible_secret(value, example):
                continue
            weak = weak or kind == NameKind.WEAK_SECRET
            strong = kind == NameKind.SECRET
            secrets.append(SecretHit(at, skip_to, value, name, strong, example, encoded))
        else:
            run = _TOKEN_VALUE.match(text, at)
            skip_to = run.end() if run else skip_to
            token = _token_at(text, at, name, examples)
            if token is not None:
                weak = weak or kind == NameKind.WEAK_TOKEN
                tokens.append(token)
    return secrets, tokens, weak


def _secret_at(text: str, at: int) -> tuple[str, int, bool] | None:
    """``(secret, end, encoded)`` of a secret value starting at ``at``, plain or base64."""
    match = _SECRET_VALUE.match(text, at)
    if match and text[match.end() : match.end() + 1] not in _AFTER_SECRET:
        return match.group(), match.end(), False
    match = _SECRET_ESCAPED_VALUE.match(text, at)
    if match and text[match.end() : match.end() + 1] not in _AFTER_SECRET:
        raw = match.group()
        value = raw.replace("\\/", "/").replace("%2F", "/").replace("%2f", "/")
        value = value.replace("%2B", "+").replace("%2b", "+")
        if value != raw:
            return value, match.end(), False
    match = _SECRET_B64_VALUE.match(text, at)
    if not match or text[match.end() : match.end() + 1] in _AFTER_SECRET:
        return None
    raw = match.group()
    try:
        value = base64.b64decode(raw, validate=True).decode("ascii")
    except ValueError:  # binascii.Error, UnicodeDecodeError, or a non-ASCII str
        return None
    if not _SECRET_VALUE.fullmatch(value):
        return None
    return value, match.end(), True


def _plausible_secret(value: str, example: bool) -> bool:
    if example:
        return True
    return not is_not_a_secret(value) and looks_like_secret_key(value)


def _token_at(text: str, at: int, name: str, examples: bool) -> TokenHit | None:
    match = _TOKEN_VALUE.match(text, at)
    if not match or text[match.end() : match.end() + 1] in _NAME_CHARS - {".", "-"}:
        return None
    raw = match.group()
    if "%" in raw:
        from urllib.parse import unquote  # rarely needed: not imported up front

        value = unquote(raw)
    else:
        value = raw
    example = is_documented_example(value.rstrip("="))
    if example and not examples:
        return None
    if not example and (is_not_a_secret(value) or not looks_like_session_token(value)):
        return None
    return TokenHit(at, match.end(), value, name, _in_url(text, at), example)


#: Each session-token prefix contains one of these (base64 of ``aws`` and ``origin``).
_TOKEN_PREFIX_CORES = ("YXdz", "b3JpZ2lu")


_LOWER_CORES = tuple(core.lower().encode("ascii") for core in _TOKEN_PREFIX_CORES)


def may_hold_bare_token(text: str, lowered: bytes | None = None) -> bool:
    """False when no bare token can occur: every one starts with a prefix holding a core.

    Two ``in`` searches decide "no candidate" at C speed where the alternation of
    prefixes would be tried at every offset of the text (most texts here hold none).
    With ``lowered`` (the text lower-cased, one byte per character) they are asked of
    it first: half the bytes of a text with non-ASCII characters, and a core must occur
    there lower-cased wherever it occurs in the text.
    """
    if lowered is not None and not any(core in lowered for core in _LOWER_CORES):
        return False
    return any(core in text for core in _TOKEN_PREFIX_CORES)


def _bare_tokens(
    text: str, taken: list[TokenHit], examples: bool, lowered: bytes | None = None
) -> list[TokenHit]:
    found: list[TokenHit] = []
    if not may_hold_bare_token(text, lowered):
        return found
    starts = {t.start for t in taken}
    for match in SESSION_TOKEN_PATTERN.finditer(text):
        start, end = match.span()
        if start in starts or (start and text[start - 1] in _B64):
            continue
        if text[end : end + 1] in _B64:
            continue
        example = is_documented_example(match.group())
        if example and not examples:
            continue
        found.append(TokenHit(start, end, match.group(), "", _in_url(text, start), example))
    return found


def _tokens_beside_temporary_ids(
    doc: Document, ids: list[KeyIdHit], taken: list[TokenHit]
) -> list[TokenHit]:
    """The session token of each ``ASIA`` id, by position: a long base64 run beside it.

    Temporary credentials always come as three values, and a token is the only long
    random base64 value among them, so beside an ``ASIA`` id neither a name nor a known
    prefix is needed, and a shorter floor than a lone value's is enough (a truncated or
    older token). The closest run in the id's record is taken, one per id.
    """
    if not any(hit.info.prefix == "ASIA" and not hit.example for hit in ids):
        return []  # and the line index is not built for a text that may need none
    lines, chars = UNNAMED_PAIR_WINDOW
    index, text = doc.index, doc.text
    spans = sorted((t.start, t.end) for t in taken)
    starts = [a for a, _ in spans]
    plausible: dict[int, bool] = {}  # one check per run, however many ids see it
    found: dict[int, TokenHit] = {}
    for hit in ids:
        if hit.info.prefix != "ASIA" or hit.example:
            continue
        line = index.position(hit.start)[0]
        lo = max(index.line_start(max(1, line - lines)), hit.start - chars)
        hi = min(index.line_end(min(index.line_count, line + lines)), hit.end + chars)
        best: tuple[int, int, int] | None = None
        for match in _BESIDE_TOKEN.finditer(text, lo, hi):
            start, end = match.span()
            if (start == lo and start > 0 and text[start - 1] in _DOTTED) or (
                end == hi and text[end : end + 1] in _DOTTED
            ):
                continue  # cut out of a longer run by the window edge
            at = bisect.bisect_left(starts, end) - 1
            if at >= 0 and spans[at][1] > start:
                continue  # already a token found by name or prefix (tokens never overlap)
            if not _same_block(doc, line, index.position(start)[0]):
                continue
            if start not in plausible:
                plausible[start] = not (
                    _in_wrapped_base64(doc, start) or _wraps_onto_next_line(doc, start, end)
                ) and looks_like_token_beside_key_id(match.group())
            if not plausible[start]:
                continue  # a line of a PEM or MIME body, or not random enough
            distance = abs(start - hit.start)
            if best is None or distance < best[0]:
                best = (distance, start, end)
        if best is not None and best[1] not in found:
            _, start, end = best
            found[start] = TokenHit(start, end, text[start:end], "", _in_url(text, start), False)
    return list(found.values())


def _window(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The offsets of the unnamed pairing window around a key id at ``start:end``."""
    lines, chars = UNNAMED_PAIR_WINDOW
    index = doc.index
    line = index.position(start)[0]
    lo = max(index.line_start(max(1, line - lines)), start - chars)
    hi = min(index.line_end(min(index.line_count, line + lines)), end + chars)
    return lo, hi


def _unnamed_candidates(doc: Document, ids: list[KeyIdHit]) -> list[tuple[int, int]]:
    """``(start, end)`` of the secret-shaped runs in any id's window, in text order.

    Overlapping windows are merged and each merged range is searched once, so a file
    dense with ids (a log of STS responses) is still searched once, not once per id.
    """
    text = doc.text
    ranges: list[list[int]] = []
    for hit in ids:  # ids are found left to right: windows come sorted by start
        lo, hi = _window(doc, hit.start, hit.end)
        if ranges and lo <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], hi)
        else:
            ranges.append([lo, hi])
    found: list[tuple[int, int]] = []
    for lo, hi in ranges:
        for match in _UNNAMED_SECRET.finditer(text, lo, hi):
            start, end = match.span(1)
            if (start == lo and start > 0 and text[start - 1] in _AFTER_SECRET) or (
                end == hi and text[end : end + 1] in _AFTER_SECRET
            ):
                continue  # cut out of a longer run by the window edge
            found.append((start, end))
    return found


def _unnamed_secrets_near(
    doc: Document,
    hit: KeyIdHit,
    candidates: list[tuple[int, int]],
    examples: bool,
    seen: dict[int, tuple[SecretHit, int] | None],
) -> list[tuple[SecretHit, int]]:
    """``(secret, line)`` within the unnamed window of ``hit``; ``seen`` memoises each
    candidate."""
    lo, hi = _window(doc, hit.start, hit.end)
    line = doc.index.position(hit.start)[0]
    found: list[tuple[SecretHit, int]] = []
    first = bisect.bisect_left(candidates, (lo, lo))
    for start, end in candidates[first:]:
        if end > hi:
            break
        if start not in seen:
            secret = _unnamed_secret(doc, start, end, examples)
            seen[start] = None if secret is None else (secret, doc.index.position(start)[0])
        known = seen[start]
        if known is not None and _same_block(doc, line, known[1]):
            found.append(known)
    return found


def _same_block(doc: Document, a: int, b: int) -> bool:
    """Lines ``a`` and ``b`` are close, or no blank line or ``[section]`` lies between."""
    if abs(a - b) <= UNNAMED_NEAR_LINES:
        return True
    lines = doc.lines
    for number in range(min(a, b), max(a, b) + 1):
        stripped = lines[number - 1].strip()
        if not stripped or (stripped[0] == "[" and stripped[-1] == "]" and number != a):
            return False
    return True


def _unnamed_secret(doc: Document, start: int, end: int, examples: bool) -> SecretHit | None:
    text = doc.text
    if (text[start - 1 : start] == "." and text[start - 2 : start - 1] in _DOTTED) or (
        text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum()
    ):
        return None  # a segment of a JWT or another dotted token
    value = text[start:end]
    example = is_documented_example(value)
    if (example and not examples) or not _plausible_secret(value, example):
        return None
    if _in_wrapped_base64(doc, start):
        return None
    return SecretHit(start, end, value, "", True, example)


def _in_wrapped_base64(doc: Document, start: int) -> bool:
    """The last line of a wrapped base64 block (PEM, MIME) can be 40 characters long."""
    line = doc.index.position(start)[0]
    if line == 1:
        return False
    above = doc.lines[line - 2].strip()
    return len(above) >= 60 and all(c in _B64 for c in above)


def _wraps_onto_next_line(doc: Document, start: int, end: int) -> bool:
    """The first line of a wrapped base64 block: the next line is as long and base64."""
    line = doc.index.position(start)[0]
    if line >= doc.index.line_count or doc.lines[line - 1].strip() != doc.text[start:end]:
        return False
    below = doc.lines[line].strip()
    return len(below) >= end - start - 4 and all(c in _B64 for c in below)


def _pair(
    doc: Document, ids: list[KeyIdHit], secrets: list[SecretHit], examples: bool
) -> dict[int, SecretHit]:
    """Pair ids with secrets, closest first; each id and each secret pairs at most once."""
    candidates: list[tuple[int, int, SecretHit]] = []
    index = doc.index
    starts = [s.start for s in secrets]  # sorted: found left to right
    max_lines, max_chars = NAMED_PAIR_WINDOW
    lines = {s.start: index.position(s.start)[0] for s in secrets}
    seen: dict[int, tuple[SecretHit, int] | None] = {s.start: (s, lines[s.start]) for s in secrets}
    runs = _unnamed_candidates(doc, ids)
    for hit in ids:
        line = index.position(hit.start)[0]
        # The four closest named secrets on either side are enough to choose from and
        # keep a file packed with credentials (minified JSON) linear.
        at = bisect.bisect_left(starts, hit.start)
        lo = max(bisect.bisect_left(starts, hit.start - max_chars), at - 4)
        hi = min(bisect.bisect_right(starts, hit.start + max_chars), at + 4)
        nearby = [(s, lines[s.start], max_lines) for s in secrets[lo:hi]]
        # Named secrets come back here too: in the id's block they pair as far as
        # unnamed ones do (a plist or Postman item list spreads a pair over 6 lines).
        nearby += [
            (s, at_line, UNNAMED_PAIR_WINDOW[0])
            for s, at_line in _unnamed_secrets_near(doc, hit, runs, examples, seen)
        ]
        for secret, secret_line, window in nearby:
            if secret.example != hit.example or abs(secret_line - line) > window:
                continue
            candidates.append((abs(secret.start - hit.start), hit.start, secret))
    pairs: dict[int, SecretHit] = {}
    used: set[int] = set()
    for _distance, id_start, secret in sorted(candidates, key=lambda c: (c[0], c[1])):
        if id_start not in pairs and secret.start not in used:
            pairs[id_start] = secret
            used.add(secret.start)
    return pairs


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
        ids.append(KeyIdHit(start, start + 20, info, example, _in_url(text, start)))
    lowered = _lowered_names(doc)
    secrets, tokens, weak = _named_values(text, lowered, examples)
    tokens += _bare_tokens(text, tokens, examples, lowered)
    aws_context = bool(ids) or (weak and names.has_aws_context(text))
    if not aws_context:
        secrets = [s for s in secrets if s.strong]
        tokens = [t for t in tokens if names.credential_name_kind(t.name) != NameKind.WEAK_TOKEN]
    pairs = _pair(doc, ids, secrets, examples) if ids else {}
    tokens += _tokens_beside_temporary_ids(doc, ids, tokens)
    return Material(
        tuple(ids), tuple(secrets), tuple(sorted(tokens, key=lambda t: t.start)), pairs, aws_context
    )


MATERIAL = View("aws-credential-material", lambda doc: _build(doc, False))
MATERIAL_WITH_EXAMPLES = View("aws-credential-material+examples", lambda doc: _build(doc, True))


def material(doc: Document, report_examples: bool) -> Material:
    """The AWS credential material in ``doc`` (built once per document and setting)."""
    return doc.view(MATERIAL_WITH_EXAMPLES if report_examples else MATERIAL)
