"""Fast paths of the hot text rules give what their slow paths give (issue 18).

Each fast path decides with ``str.find``/``in`` on a lower-cased copy where a regex used
to be searched at every offset of a large text. These tests compare both paths on
real-shaped files and on generated texts, and check that the fast path still finds every
documented credential shape (so a prefilter that wrongly says "no candidate" fails here).
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import pytest
from rolecall import Document
from rolecall.engine.core import Engine, EngineOptions
from rolecall.fakes import BASE64, fake, fake_key_id, fake_secret_key
from rolecall.plugin.api import SESSION_TOKEN_PREFIXES
from rolecall.plugin.registry import default_registry
from rolecall.rules.aws import material as _aws_material
from rolecall.rules.aws import named_values, names, value_gate
from rolecall.rules.common import literals
from rolecall.rules.common import lowered as _lowered
from rolecall.rules.common import urls as _urls
from rolecall.rules.common.lowered import LOWERS_TO_ASCII, ascii_lowered
from rolecall.rules.config import places as config_places
from rolecall.rules.tokens import azure_entra

ENGINE = Engine(default_registry(), EngineOptions())
SECRET = fake("azure_sas_key")  # 44 characters of base64: an older-format client secret


def _slow(text: str) -> list[tuple[int, int]] | None:
    """What RC132's check searched before the fast path: two regexes over the text.

    Each match is ``(start of the name, end of the secret)``."""
    if not azure_entra._AZURE_CONTEXT.search(text):
        return None
    return [(m.start(), m.end(1)) for m in azure_entra._NAMED_SECRET.finditer(text)]


def _fast(text: str) -> list[tuple[int, int]] | None:
    lowered = azure_entra.folded(text)
    if not azure_entra.has_context(text, lowered):
        return None
    return [(m.start(), m.end(1)) for m in azure_entra.named_secrets(text, lowered)]


#: Every name form RC132 documents, in the case styles they are written in.
NAMED_SHAPES = [
    f"AZURE_TENANT_ID=x\nAZURE_CLIENT_SECRET={SECRET}\n",
    f"tenant: t\nARM_CLIENT_SECRET: '{SECRET}'\n",
    f'azure = {{ client_secret = "{SECRET}" }}\n',
    f'{{"Azure": {{"TenantId": "t", "ClientSecret": "{SECRET}"}}}}\n',
    f'{{"azure": {{"clientSecret":"{SECRET}"}}}}',
    f"microsoftonline\nCLIENTSECRET = {SECRET}\n",
    f"arm_client_id=1 client_Secret:{SECRET}",
    f'TENANT\nAzure_Client_Secret =  "{SECRET}"\n',
]


@pytest.mark.parametrize("text", NAMED_SHAPES)
def test_rc132_fast_path_finds_every_documented_name_form(text: str) -> None:
    assert azure_entra.folded(text) is not None  # the fast path decides these
    found = _fast(text)
    assert found is not None and len(found) == 1
    end = found[0][1]
    assert text[end - len(SECRET) : end] == SECRET
    assert found == _slow(text)


@pytest.mark.parametrize(
    "text",
    [
        # Characters that (?i) equates with ASCII letters: long s, dotless i, dotted I, Kelvin.
        f"AZURE_TENANT_ID=x\nclient_\u017fecret={SECRET}\n",
        f"tenant\ncl\u0131ent_secret={SECRET}\n",
        f"tenant \u0130\nclient_secret={SECRET}\n",
        f"AZURE\u212a\nclient_secret={SECRET}\n",
    ],
)
def test_rc132_case_folding_characters_take_the_regex_path(text: str) -> None:
    assert azure_entra.folded(text) is None
    found = _fast(text)
    assert found is not None and len(found) == 1
    assert found == _slow(text)


def _generated(rng: random.Random) -> str:
    names = [
        "AZURE_CLIENT_SECRET",
        "ARM_CLIENT_SECRET",
        "client_secret",
        "clientSecret",
        "ClientSecret",
        "clientsecret",
        "my_client_secret",
        "client-secret",
        "secret",
        "secretsecret",
        "client_secretclient_secret",
    ]
    seps = ["=", ": ", '": "', " = '", "\t:\t", ":=", "  ", '"=', "=\n"]
    noise = ["tenant", "AZURE", "\u017f", "é", "ß", "日本", "\n", " ", "{", "}", '"', "x" * 30]
    parts: list[str] = []
    for _ in range(rng.randint(1, 30)):
        name = rng.choice(names)
        name = "".join(c.upper() if rng.random() < 0.3 else c for c in name)
        value = rng.choice([SECRET, SECRET[:32], SECRET + "A", "~" + SECRET[:40], "x" * 40])
        parts.append(name + rng.choice(seps) + value)
        parts.append(rng.choice(noise))
    return "".join(parts)


def test_rc132_fast_and_slow_paths_agree_on_generated_texts() -> None:
    rng = random.Random(1832)
    matches = 0
    for _ in range(3000):
        text = _generated(rng)
        expected = _slow(text)
        assert _fast(text) == expected, text
        matches += len(expected or ())
    assert matches > 1000  # the texts do hold secrets the rule reports


def _one_pass(text: str) -> list[tuple[int, int]] | None:
    """RC132's path through ``context_and_secrets`` (one pass over the copy)."""
    lowered = azure_entra.folded(text)
    if lowered is None:
        return _fast(text)
    context, secrets = azure_entra.context_and_secrets(lowered)
    if not context:
        return None
    return [(m.start(), m.end(1)) for m in azure_entra.named_secrets(text, lowered, secrets)]


@pytest.mark.parametrize("hyperscan", [True, False])
def test_rc132_one_pass_agrees_with_the_regexes(
    hyperscan: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The context words and ``secret`` found in one pass (with Hyperscan, and with its
    ``find`` fallback) give the regexes' matches."""
    if hyperscan:  # every text through Hyperscan, however short
        monkeypatch.setattr(literals, "HYPERSCAN_MIN_BYTES", 0)
    else:
        finder = azure_entra._WORDS
        monkeypatch.setattr(finder, "_search", finder.find_by_find)
    rng = random.Random(1833)
    matches = 0
    for text in [_generated(rng) for _ in range(3000)] + NAMED_SHAPES:
        expected = _slow(text)
        assert _one_pass(text) == expected, text
        matches += len(expected or ())
    assert matches > 1000
    # Without a context word: nothing, whatever the secrets.
    assert _slow("client_secret = " + SECRET) is None
    assert _one_pass("client_secret = " + SECRET) is None


def _files(tmp_path: Path) -> dict[str, str]:
    model = {
        "shapes": {
            "ClientSecret": {"type": "string", "sensitive": True},
            "CreateClientRequest": {"members": {"clientSecret": {"shape": "ClientSecret"}}},
            "TenantId": {"type": "string", "documentation": "<p>The tenant \u2013 für Ünïcode</p>"},
        }
    }
    return {
        "service-2.json": json.dumps(model, indent=2, ensure_ascii=False),
        "appsettings.json": json.dumps(
            {"AzureAd": {"TenantId": "t", "ClientSecret": SECRET}}, indent=2
        ),
        ".env": f"AZURE_TENANT_ID=t\nAZURE_CLIENT_SECRET={SECRET}\n",
        "main.tf": f'provider "azurerm" {{\n  client_secret = "{SECRET}"\n}}\n',
        "notes.md": f"Tenant: \u017f\n\nclient_secret: {SECRET}\n",
    }


def test_rc132_reports_the_same_through_the_engine_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for name, text in _files(tmp_path).items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)

    def scan() -> list[object]:
        results = []
        for path in paths:
            result = ENGINE.scan_document(Document(path.as_posix(), path.read_bytes()))
            results.append((result.findings, result.notices))
        return results

    fast = scan()
    monkeypatch.setattr(azure_entra, "folded", lambda text, lowered=None: None)
    slow = scan()
    assert fast == slow
    reported = [f for findings, _ in fast for f in findings if f.rule_id == "RC132"]  # type: ignore[attr-defined]
    assert len(reported) == 4  # appsettings.json, .env, main.tf, notes.md


# --- the AWS credential-material view (RC101-RC105) ----------------------------------

RNG = random.Random(1818)
KEY_ID = fake_key_id(rng=RNG)
TEMP_ID = fake_key_id("ASIA", rng=RNG)
SECRET_KEY = fake_secret_key(RNG)


def _token(prefix: str, length: int = 356) -> str:
    return prefix + "".join(RNG.choices(BASE64, k=length - len(prefix)))


@pytest.mark.parametrize("prefix", SESSION_TOKEN_PREFIXES)
def test_bare_token_prefilter_passes_every_known_prefix(prefix: str) -> None:
    token = _token(prefix)
    text = f"# pasted from the console\n{token}\n"
    assert named_values.may_hold_bare_token(text)
    found = _aws_material.material(Document("notes.txt", text.encode()), False).tokens
    assert [t.value for t in found] == [token]


def test_bare_token_prefilter_says_no_only_without_a_prefix() -> None:
    alphabet = BASE64.replace("Y", "").replace("b", "")  # no prefix core can occur
    body = "".join(random.Random(18).choices(alphabet, k=400))
    assert not named_values.may_hold_bare_token(body)
    assert not named_values.may_hold_bare_token(body, ascii_lowered(body))
    for prefix in SESSION_TOKEN_PREFIXES:
        text = body[:100] + prefix + body[100:]
        assert named_values.may_hold_bare_token(text)
        assert named_values.may_hold_bare_token(text, ascii_lowered(text))
        # The lower-cased copy only rules texts out: a core in another case is no core.
        assert not named_values.may_hold_bare_token(text.swapcase(), ascii_lowered(text))


def _material_texts() -> dict[str, str]:
    sts = {
        "Credentials": {
            "AccessKeyId": TEMP_ID,
            "SecretAccessKey": SECRET_KEY,
            "SessionToken": _token("FwoGZXIvYXdz"),
            "Expiration": "2026-12-07T00:00:00Z",
        }
    }
    model = {
        "shapes": {
            "SecretAccessKey": {"type": "string", "sensitive": True},
            "SessionToken": {"type": "string", "documentation": "<p>The token \u2013 f\u00fcr</p>"},
        }
    }
    return {
        "sts.json": json.dumps(sts, indent=2),
        "model.json": json.dumps(model, indent=2, ensure_ascii=False),
        "credentials": (
            f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET_KEY}\n"
            f"\n[temp]\naws_access_key_id = {TEMP_ID}\naws_secret_access_key = {SECRET_KEY}\n"
            f"aws_session_token = {_token('IQoJb3JpZ2lu')}\n"
        ),
        "log.txt": f"got {TEMP_ID}\n{''.join(RNG.choices(BASE64, k=300))}\n",
        "bare.txt": f"x = '{_token('AQoDYXdz')}'\nsecret: nothing here\n",
        "akia.env": f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET_KEY}\n",
    }


@pytest.mark.parametrize("examples", [False, True])
def test_material_view_is_the_same_without_the_fast_paths(
    examples: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _material_texts()

    def build() -> dict[str, _aws_material.Material]:
        return {
            name: _aws_material.material(Document(name, text.encode()), examples)
            for name, text in texts.items()
        }

    fast = build()
    monkeypatch.setattr(
        named_values, "may_hold_bare_token", lambda text, lowered=None, core_lowered=None: True
    )
    assert build() == fast
    # The inputs hold what the view reports: ids, secrets, named, bare and beside tokens.
    assert len(fast["sts.json"].tokens) == 1 and fast["sts.json"].pairs
    assert len(fast["credentials"].tokens) == 1 and len(fast["credentials"].pairs) == 2
    assert [t.name for t in fast["log.txt"].tokens] == [""]  # beside the ASIA id
    assert len(fast["bare.txt"].tokens) == 1
    assert fast["model.json"].tokens == () and fast["model.json"].ids == ()


def test_every_session_token_prefix_holds_a_prefilter_core() -> None:
    assert len(SESSION_TOKEN_PREFIXES) >= 4  # IQoJ, AgoJ, FwoG, FQoG at least
    for prefix in SESSION_TOKEN_PREFIXES:
        assert any(core in prefix for core in named_values._TOKEN_PREFIX_CORES), prefix


# --- the credential-value gate before parsing (RC301, RC307, RC321, ...) ------------


def _gate_reference(text: str) -> bool:
    return value_gate._CANDIDATE_VALUE.search(text) is not None


#: Every shape the gate documents, alone in a text (base64 of each key-id prefix too).
GATE_SHAPES = [
    *(fake_key_id(prefix, random.Random(prefix)) for prefix in ("AKIA", "ASIA", "ABIA", "ACCA")),
    *(
        base64.b64encode(fake_key_id(prefix, random.Random(7)).encode()).decode()[:10]
        for prefix in ("AKIA", "ASIA", "ABIA", "ACCA")
    ),
    "IQoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AgoJb3JpZ2lu",
    SECRET_KEY,
    "a" * 40,
    "/+" * 20,
]


@pytest.mark.parametrize("shape", GATE_SHAPES)
@pytest.mark.parametrize(
    "around", [("", ""), ('{"x": "', '"}'), ("caf\u00e9 ", " \u65e5\u672c\ud800")]
)
def test_gate_passes_every_documented_shape(shape: str, around: tuple[str, str]) -> None:
    text = around[0] + shape + around[1]
    assert _gate_reference(text)
    assert value_gate.may_hold_credential_value(text)


@pytest.mark.parametrize(
    "text", ["a" * 39, "AKIA" + "A" * 15, "QUtJ", "IQoJb3JpZ2l", "\u00e9" * 50]
)
def test_gate_says_no_where_the_reference_does(text: str) -> None:
    assert not _gate_reference(text)
    assert not value_gate._candidate_value(text)


def _gate_text(rng: random.Random) -> str:
    pieces = [
        "".join(rng.choices(BASE64, k=rng.randint(1, 45))),
        rng.choice(GATE_SHAPES)[: rng.randint(1, 40)],
        rng.choice(["\u00e9", "\u65e5", "\ud83d\ude00", "\ud800", " ", "\n", '"', "=", "-"]),
        "A" + rng.choice(["KIA", "SIA", "BIA", "CCA", "KIa"]) + fake_key_id(rng=rng)[4:],
    ]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))


@pytest.mark.parametrize("slice_chars", [7, 41, 1 << 20])
def test_gate_agrees_with_the_regex_across_slices(
    slice_chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(value_gate, "_SLICE", slice_chars)
    rng = random.Random(slice_chars)
    answers = []
    for _ in range(4000):
        text = _gate_text(rng)
        expected = _gate_reference(text)
        assert value_gate._candidate_value(text) == expected, text
        answers.append(expected)
    assert 500 < sum(answers) < 3500  # both answers occur often


def _repository_texts() -> list[str]:
    """The text of the repository's own corpus, rules, tests and docs files."""
    repo = Path(__file__).resolve().parents[3]
    return [
        path.read_text("utf-8", "replace")
        for top in ("corpus", "rules", "tests", "docs")
        for path in sorted((repo / top).rglob("*"))
        if path.is_file() and path.suffix in (".json", ".py", ".md", ".yml", ".env", ".txt")
    ]


def test_gate_on_bytes_is_the_regex() -> None:
    """The four ``bytes`` operations of the gate, on a text's UTF-8 bytes whole or in
    slices, give the regex's answer: on generated texts, on every documented shape, and
    on the repository's own files."""
    texts = _repository_texts()
    rng = random.Random(1841)
    texts += [_gate_text(rng) for _ in range(4000)] + GATE_SHAPES + ["", "A", "\u00e9" * 9]
    answers = []
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        expected = _gate_reference(text)
        assert value_gate._searched_by_parts(data) == expected, text[:200]
        assert value_gate._candidate_value(text, data) == expected, text[:200]
        assert value_gate._candidate_value(text) == expected, text[:200]
        answers.append(expected)
    assert 500 < sum(answers) < len(answers) - 500  # both answers occur often


def test_gate_view_reads_clean_utf8_documents_from_their_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The value gate of a document is the gate of its text, whichever encoding the
    bytes had; the bytes it takes for the text's UTF-8 are exactly that encoding."""
    given: list[tuple[str, bytes | None]] = []
    original = value_gate.may_hold_credential_value

    def recorded(text: str, utf8: bytes | None = None) -> bool:
        given.append((text, utf8))
        return original(text, utf8)

    monkeypatch.setattr(config_places, "may_hold_credential_value", recorded)
    rng = random.Random(1842)
    texts = [_gate_text(rng) for _ in range(300)] + [f"k: {SECRET_KEY}\n", "\u00e9 caf\u00e9\n"]
    encodings = [
        lambda t: t.encode("utf-8", "surrogatepass"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass"),
        lambda t: t.encode("utf-16", "surrogatepass"),
        lambda t: b"\xff\xfe-" + t.encode("utf-8", "surrogatepass"),  # not UTF-8 at all
    ]
    answers = []
    for text in texts:
        for encode in encodings:
            doc = Document("settings.yaml", encode(text))
            answer = doc.view(config_places.VALUE_GATE)
            assert answer == original(doc.text), (text, encode(text)[:4])
            answers.append(answer)
    assert 100 < sum(answers) < len(answers) - 100
    with_bytes = [(text, utf8) for text, utf8 in given if utf8 is not None]
    assert len(with_bytes) > 300  # the plain and the BOM-led UTF-8 documents
    for text, utf8 in with_bytes:
        assert utf8 == text.encode("utf-8", "surrogatepass")


def test_gate_finds_a_run_cut_by_every_slice_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_gate, "_SLICE", 50)
    for at in range(0, 120):
        for filler in ("-", "\u00e9"):  # slices of the bytes: a two-byte character too
            text = filler * at + SECRET_KEY + "-" * 30
            short = text.replace(SECRET_KEY, SECRET_KEY[:39])
            assert value_gate._candidate_value(text), at
            assert value_gate._candidate_value(text, text.encode("utf-8")), at
            assert not value_gate._candidate_value(short)
            assert not value_gate._candidate_value(short, short.encode("utf-8"))


def _whole_gate_reference(text: str) -> bool:
    """``may_hold_credential_value`` as two regexes (before its fast paths)."""
    if value_gate._CANDIDATE_VALUE.search(text):
        return True
    return ("\\/" in text or "\\u002" in text) and bool(value_gate._CANDIDATE_ESCAPED.search(text))


def _escaped(secret: str, rng: random.Random) -> str:
    """``secret`` with its slashes escaped as JSON writers do (``\\/``, ``\\u002f``)."""
    return "".join(rng.choice(["\\/", "\\u002f", "\\u002F"]) if c == "/" else c for c in secret)


@pytest.mark.parametrize(
    "text",
    [
        # JSON written by PHP and others: a secret key with escaped slashes.
        '{"secret": "' + _escaped("abcd/" * 8, random.Random(1)) + '"}',
        '{"secret": "' + ("ab\\/" * 14) + '"}',
        '{"k": "' + ("x\\u002f" * 20) + '"}',
        # Forty units only with both escapes: 39 characters of the plain alphabet.
        "\\/" + "a" * 38 + "\\/",
    ],
)
def test_gate_passes_escaped_secrets(text: str) -> None:
    assert not value_gate._candidate_value(text)  # only the escaped form holds one
    assert _whole_gate_reference(text)
    assert value_gate.may_hold_credential_value(text)


def test_gate_with_escapes_agrees_with_the_regexes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_gate, "_SLICE", 23)
    rng = random.Random(1840)
    alphabet = BASE64.replace("/", "")
    answers = []
    for _ in range(4000):
        parts = [
            rng.choice(["\\/", "\\u002f", "\\u002F", "\\u002b", "\\", "/", " ", "\u00e9"])
            if rng.random() < 0.2
            else "".join(rng.choices(alphabet, k=rng.randint(1, 12)))
            for _ in range(rng.randint(1, 12))
        ]
        text = "".join(parts)
        expected = _whole_gate_reference(text)
        assert value_gate.may_hold_credential_value(text) == expected, text
        answers.append(expected)
    assert 500 < sum(answers) < 3500


# --- URL credentials (RC150 and the rules that share rolecall.rules.common.urls) --------------


def _url_reference(text: str) -> list[tuple[str, str, str, int, int]]:
    """Every ``://`` tried with both regexes, as before the ``@`` check."""
    found = []
    pos = text.find("://")
    while pos != -1:
        scheme = _urls._SCHEME.search(text, max(0, pos - 31), pos)
        match = _urls._USERINFO.match(text, pos + 3)
        if scheme and match and _urls._is_literal(*match.groups()[:2], match.group(3).rstrip(".")):
            found.append((scheme.group(1), match.group(1), match.group(3), *match.span(2)))
        pos = text.find("://", pos + 3)
    return found


def _url_fast(text: str) -> list[tuple[str, str, str, int, int]]:
    return [
        (c.scheme, c.user, c.host.rstrip("."), c.start, c.end) for c in _urls.url_credentials(text)
    ]


_URL_RNG = random.Random(1500)


def _password(length: int) -> str:
    return "".join(_URL_RNG.choices(BASE64.replace("/", ""), k=length))


@pytest.mark.parametrize(
    "user, password",
    [
        ("admin", _password(12)),
        ("u" * 128, _password(256)),  # the longest userinfo: "@" 385 characters on
        ("", _password(40)),
        ("a" * 128, _password(4)),
    ],
)
def test_url_fast_path_keeps_userinfo_at_its_longest(user: str, password: str) -> None:
    text = f"DATABASE_URL=postgres://{user}:{password}@db.internal.corp:5432/app\n"
    found = _url_fast(text)
    assert [(u, text[a:b]) for _, u, _, a, b in found] == [(user, password)]
    assert found == _url_reference(text)


def test_url_fast_path_agrees_with_both_regexes_on_generated_texts() -> None:
    rng = random.Random(150)
    hits = 0
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 8)):
            user = "".join(rng.choices("abcdefXYZ_-", k=rng.choice([0, 3, 127, 128, 129])))
            password = "".join(rng.choices(BASE64, k=rng.choice([1, 12, 255, 256, 257])))
            host = rng.choice(["db.corp", "localhost", "10.0.0.1", "-bad", "x"])
            parts.append(
                rng.choice(["https://", "redis://", "://", "see ", "\n", " @ ", "mongodb+srv://"])
                + rng.choice([f"{user}:{password}@{host}", f"{user}@{host}", host, password])
            )
        text = "".join(parts)
        expected = _url_reference(text)
        assert _url_fast(text) == expected, text
        hits += len(expected)
    assert hits > 100  # both answers occur


def _anchors_by_scheme_side(text: str) -> list[int]:
    """Every ``://`` followed by an ``@`` within ``_AT_REACH``: the loop the ``@``-side
    search replaced."""
    found = []
    pos = text.find("://")
    while pos != -1:
        if text.find("@", pos + 3, pos + 3 + _urls._AT_REACH) != -1:
            found.append(pos)
        pos = text.find("://", pos + 3)
    return found


def test_url_anchors_from_the_at_side_are_those_from_the_scheme_side() -> None:
    """Found from each ``@``, the anchors are those the ``://`` loop found: on the
    repository's files, and on texts with ``@`` at every distance around the reach
    (385 characters), runs of ``@`` and of ``://``."""
    texts = _repository_texts()
    reach = _urls._AT_REACH
    rng = random.Random(386)
    for _ in range(3000):
        parts = [
            rng.choice(["://", "@", "x", ":/", "//", "\u2013", "@@", ":///"])
            + "y" * rng.choice([0, 1, 2, reach - 3, reach - 2, reach - 1, reach, reach + 1])
            for _ in range(rng.randint(0, 12))
        ]
        texts.append("".join(parts))
    anchored = 0
    for text in texts:
        expected = _anchors_by_scheme_side(text)
        assert list(_urls._userinfo_anchors(text)) == expected, text[:300]
        anchored += len(expected)
    assert anchored > 500


def test_the_value_gate_runs_once_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = value_gate.may_hold_credential_value

    def counted(text: str, utf8: bytes | None = None) -> bool:
        calls.append(len(text))
        return original(text, utf8)

    monkeypatch.setattr(value_gate, "may_hold_credential_value", counted)
    monkeypatch.setattr(config_places, "may_hold_credential_value", counted)
    # A Kubernetes manifest (RC301, RC307 and RC321 gate on the value) with a key pair.
    text = (
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      env:\n"
        f"        - name: AWS_ACCESS_KEY_ID\n          value: {KEY_ID}\n"
        f"        - name: AWS_SECRET_ACCESS_KEY\n          value: {SECRET_KEY}\n"
    )
    path = tmp_path / "pod.yaml"
    path.write_text(text, encoding="utf-8")
    result = ENGINE.scan_document(Document(path.as_posix(), path.read_bytes()))
    assert result.findings  # the rules behind the gate did run and report
    assert calls == [len(text)]


def test_rc104_builds_no_line_index_without_a_secret_to_report() -> None:
    """An API model names ``SecretAccessKey`` shapes: the material view runs, finds no
    value, and RC104 returns before it counts 100,000s of lines; with a secret to report
    it reports it at its line, as before."""
    rc104 = next(rule for rule in ENGINE.rules if rule.id == "RC104")
    model = json.dumps({"shapes": {"SecretAccessKey": {"type": "string"}}}, indent=2)
    doc = Document("service-2.json", model.encode())
    assert list(rc104.check(doc, ENGINE.context)) == []
    assert doc._index is None
    text = f'{{\n  "region": "eu-west-1",\n  "SecretAccessKey": "{SECRET_KEY}"\n}}\n'
    doc = Document("creds.json", text.encode())
    found = list(rc104.check(doc, ENGINE.context))
    assert [(f.rule_id, f.location.line) for f in found] == [("RC104", 3)]
    assert doc._index is not None


# --- the shared ASCII-lower-cased copy (material view, RC132) ----------------------------


def test_ascii_lowered_finds_ascii_words_where_str_lower_does() -> None:
    rng = random.Random(1833)
    pieces = ["Secret", "SESSION_TOKEN", "tenant", "é", "ß", "日本", "\u2013", "\U0001f600"]
    pieces += ["\ud800", "x", "\n", "Azure", "\u0130", "\u212a", "\u017f", "\u0131"]
    for _ in range(2000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 40)))
        lowered = ascii_lowered(text)
        assert len(lowered) == len(text)
        reference = text.lower()
        for word in ("secret", "session_token", "tenant", "azure", "k", "i", "s"):
            found = [i for i in range(len(text)) if lowered.startswith(word.encode(), i)]
            if not any(c in text for c in LOWERS_TO_ASCII):  # exact where nothing folds
                assert found == [i for i in range(len(text)) if reference.startswith(word, i)]
            else:  # and never more than ASCII letters spell
                assert all(text[i : i + len(word)].lower() == word for i in found)


def _old_lowered_names(doc: Document) -> bytes:
    """How the material view lower-cased a text before the shared ASCII copy."""
    text = doc.text
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text.encode("ascii", "replace").decode("ascii").lower()
    return lowered.encode("ascii", "replace")


@pytest.mark.parametrize(
    "prefix",
    ["", "caf\u00e9 \u2013 ", "\u212a ", "\u0130 ", "\u212a \u0130 ", "\U0001f600"],
)
def test_material_view_names_are_found_as_str_lower_finds_them(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name that only the Kelvin sign's lower case spells, before a real one.
    texts = {
        "kelvin.env": (
            f"{prefix}aws_session_to\u212aen={_token('IQoJb3JpZ2lu')}\n"
            f"aws_session_token={_token('IQoJb3JpZ2lu')}\n"
        ),
        "model.json": prefix + _material_texts()["model.json"],
        "creds": prefix + _material_texts()["credentials"],
        "akia.env": prefix + _material_texts()["akia.env"],
    }

    def build() -> dict[str, _aws_material.Material]:
        return {
            name: _aws_material.material(Document(name, text.encode()), False)
            for name, text in texts.items()
        }

    new = build()
    monkeypatch.setattr(_aws_material, "lowered_names", _old_lowered_names)
    assert build() == new
    # What the view finds is found at the same offsets (the texts hold material).
    assert new["creds"].pairs and new["akia.env"].pairs and new["kelvin.env"].tokens
    assert new["model.json"].tokens == () and new["model.json"].ids == ()


def test_the_lower_cased_copy_is_made_once_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []  # the length of each copy made, from the text or its bytes
    original, from_bytes = _lowered.ascii_lowered, _lowered.lowered_utf8

    def counted(text: str) -> bytes:
        calls.append(len(original(text)))
        return original(text)

    def counted_bytes(data: bytes) -> bytes:
        calls.append(len(from_bytes(data)))
        return from_bytes(data)

    monkeypatch.setattr(_lowered, "ascii_lowered", counted)
    monkeypatch.setattr(_lowered, "lowered_utf8", counted_bytes)
    text = f"AZURE_TENANT_ID=t\nAZURE_CLIENT_SECRET={SECRET} \u2013\naws_secret_access_key = x\n"
    result = ENGINE.scan_document(Document("deploy.env", text.encode()))
    assert [f.rule_id for f in result.findings] == ["RC132"]
    assert calls == [len(text)]


def test_material_name_search_finds_every_word_a_find_per_word_finds() -> None:
    """The one-pass name search (``scan_names``) gives the starts that one ``find`` loop
    per word gave, on texts dense with overlapping words."""
    words = ("secret", *names.SESSION_TOKEN_NAME_PARTS)
    assert all(w.endswith("token") for w in words[1:])
    rng = random.Random(1834)
    pieces = ["secret", "session", "security", "token", "_", "-", "s", "t", "x", "oken", "tok"]
    for _ in range(3000):
        lowered = "".join(rng.choices(pieces, k=rng.randint(0, 30))).encode("ascii")
        expected: list[int] = []
        for word in words:
            pos = lowered.find(word.encode())
            while pos != -1:
                expected.append(pos)
                pos = lowered.find(word.encode(), pos + len(word))
        assert named_values._word_starts(lowered) == sorted(expected), lowered
