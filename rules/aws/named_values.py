"""AWS credential values found by their names, and bare STS tokens found by their prefix.

Names that contain ``secret`` or a session-token word are found with ``str.find`` on the
lower-cased text and classified (:func:`~rolecall.rules.aws.names.credential_name_kind`);
the value after the name is read with a pattern anchored there (plain, escaped or
base64-encoded once more). Name scanning never goes backwards and every value pattern
has a fixed or bounded length, so the work is linear in the size of the text.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

from rolecall import Document
from rolecall.plugin.api import lazy, looks_like_secret_key, looks_like_session_token
from rolecall.rules.aws import names
from rolecall.rules.aws.candidates import SESSION_TOKEN_PATTERN
from rolecall.rules.aws.hits import AFTER_SECRET, B64, NAME_CHARS, SecretHit, TokenHit, in_url
from rolecall.rules.aws.names import NameKind
from rolecall.rules.common.literals import LiteralFinder
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
_TOKEN_VALUE = lazy(r"[A-Za-z0-9/+%]{16,8192}={0,2}")


#: Each session-token prefix contains one of these (base64 of ``aws`` and ``origin``).
_TOKEN_PREFIX_CORES = ("YXdz", "b3JpZ2lu")
_LOWER_CORES = tuple(core.lower().encode("ascii") for core in _TOKEN_PREFIX_CORES)

#: The words a credential name holds (lower case): ``secret``, or one of the
#: session-token words (:data:`~rolecall.rules.aws.names.SESSION_TOKEN_NAME_PARTS`);
#: then the bare-token cores lower-cased (:func:`may_hold_bare_token`), from index
#: ``_CORES`` on, of which only whether they occur is asked.
_NAME_PARTS = (b"secret", *(part.encode("ascii") for part in names.SESSION_TOKEN_NAME_PARTS))
_CORES = len(_NAME_PARTS)
_NAME_WORDS = LiteralFinder(
    (*_NAME_PARTS, *_LOWER_CORES), once=range(_CORES, _CORES + len(_LOWER_CORES))
)


def scan_names(lowered: bytes) -> tuple[list[int], bool]:
    """Where ``secret`` or a session-token word starts in ``lowered`` (sorted), and
    whether a bare-token core occurs in it lower-cased: one pass over ``lowered`` for
    :func:`named_values` and :func:`bare_tokens` where there were four.

    The pass is :class:`~rolecall.rules.common.literals.LiteralFinder`'s. ``token``
    alone occurs ten times as often as all the session-token words together in the API
    models (``NextToken``), so the full words are searched, not ``token`` and its
    leads. Two of the name words never start at one offset, so no start repeats.
    """
    found = _NAME_WORDS.find(lowered)
    starts = found[0]
    for more in found[1:_CORES]:
        starts.extend(more)
    starts.sort()
    return starts, any(found[_CORES:])


def _word_starts(lowered: bytes) -> list[int]:
    """Where ``secret`` or a session-token word starts in ``lowered``, sorted."""
    return scan_names(lowered)[0]


def _names(
    text: str, lowered: bytes, hits: list[int] | None = None
) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of identifiers containing ``secret`` or a session-token
    word, left to right (``lowered``: the text lower-cased, one byte per character, see
    ``_lowered``; ``hits``: its :func:`_word_starts`, when known)."""
    if hits is None:
        hits = _word_starts(lowered)
    done = 0
    for pos in hits:
        if pos < done:
            continue  # inside an identifier (or value) already handled
        start = pos
        while start > max(0, pos - 64) and text[start - 1] in NAME_CHARS:
            start -= 1
        match = _NAME_REST.match(text, pos)
        end = match.end() if match else pos
        done = end
        yield start, end, text[start:end]


def lowered_names(doc: Document) -> bytes:
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


def named_values(
    text: str, lowered: bytes, examples: bool, starts: list[int] | None = None
) -> tuple[list[SecretHit], list[TokenHit], bool]:
    """Secrets and tokens found by their names (``starts``: :func:`scan_names` of
    ``lowered``, when known), and whether a weak name was among them."""
    secrets: list[SecretHit] = []
    tokens: list[TokenHit] = []
    weak = False
    skip_to = 0  # names inside a value already read are not names: never read twice
    for start, end, name in _names(text, lowered, starts):
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
            if (example and not examples) or not plausible_secret(value, example):
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
    if match and text[match.end() : match.end() + 1] not in AFTER_SECRET:
        return match.group(), match.end(), False
    match = _SECRET_ESCAPED_VALUE.match(text, at)
    if match and text[match.end() : match.end() + 1] not in AFTER_SECRET:
        raw = match.group()
        value = raw.replace("\\/", "/").replace("%2F", "/").replace("%2f", "/")
        value = value.replace("%2B", "+").replace("%2b", "+")
        if value != raw:
            return value, match.end(), False
    match = _SECRET_B64_VALUE.match(text, at)
    if not match or text[match.end() : match.end() + 1] in AFTER_SECRET:
        return None
    raw = match.group()
    try:
        value = base64.b64decode(raw, validate=True).decode("ascii")
    except ValueError:  # binascii.Error, UnicodeDecodeError, or a non-ASCII str
        return None
    if not _SECRET_VALUE.fullmatch(value):
        return None
    return value, match.end(), True


def plausible_secret(value: str, example: bool) -> bool:
    if example:
        return True
    return not is_not_a_secret(value) and looks_like_secret_key(value)


def _token_at(text: str, at: int, name: str, examples: bool) -> TokenHit | None:
    match = _TOKEN_VALUE.match(text, at)
    if not match or text[match.end() : match.end() + 1] in NAME_CHARS - {".", "-"}:
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
    return TokenHit(at, match.end(), value, name, in_url(text, at), example)


def may_hold_bare_token(
    text: str, lowered: bytes | None = None, core_lowered: bool | None = None
) -> bool:
    """False when no bare token can occur: every one starts with a prefix holding a core.

    Two ``in`` searches decide "no candidate" at C speed where the alternation of
    prefixes would be tried at every offset of the text (most texts here hold none).
    With ``lowered`` (the text lower-cased, one byte per character) they are asked of
    it first: half the bytes of a text with non-ASCII characters, and a core must occur
    there lower-cased wherever it occurs in the text. ``core_lowered`` is that answer
    when it is known already (:func:`scan_names`).
    """
    if core_lowered is None and lowered is not None:
        core_lowered = any(core in lowered for core in _LOWER_CORES)
    if core_lowered is False:
        return False
    return any(core in text for core in _TOKEN_PREFIX_CORES)


def bare_tokens(
    text: str,
    taken: list[TokenHit],
    examples: bool,
    lowered: bytes | None = None,
    core_lowered: bool | None = None,
) -> list[TokenHit]:
    found: list[TokenHit] = []
    if not may_hold_bare_token(text, lowered, core_lowered):
        return found
    starts = {t.start for t in taken}
    for match in SESSION_TOKEN_PATTERN.finditer(text):
        start, end = match.span()
        if start in starts or (start and text[start - 1] in B64):
            continue
        if text[end : end + 1] in B64:
            continue
        example = is_documented_example(match.group())
        if example and not examples:
            continue
        found.append(TokenHit(start, end, match.group(), "", in_url(text, start), example))
    return found
