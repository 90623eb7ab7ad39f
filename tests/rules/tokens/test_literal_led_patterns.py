"""Patterns rewritten to open with a literal match what they matched with a look-behind
first (issue 18): RC170's SES SMTP password, RC143's Stripe key, RC144's SendGrid key,
the Google API key, and the npm and PyPI tokens."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from rolecall.fakes import BASE64
from rolecall.rules.aws import adjacent
from rolecall.rules.tokens import gcp
from rolecall.rules.tokens.packages import NpmToken, PypiToken
from rolecall.rules.tokens.saas import SendgridApiKey, StripeLiveKey

REPO = Path(__file__).resolve().parents[3]

#: (the pattern as it was, with the look-behind first; the pattern in use).
PATTERNS = {
    "RC170": (
        r"(?<![A-Za-z0-9+/])(B[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=])",
        adjacent._SMTP_PASSWORD,
    ),
    "RC143": (
        r"(?<![A-Za-z0-9_])([sr]k_live_[A-Za-z0-9]{24,247})(?![A-Za-z0-9_])",
        StripeLiveKey.pattern,
    ),
    "RC144": (
        r"(?<![A-Za-z0-9_.-])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])",
        SendgridApiKey.pattern,
    ),
    "RC126": (
        r"(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])",
        gcp._API_KEY,
    ),
    "RC137": (r"(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])", NpmToken.pattern),
    "RC138": (
        r"(?<![A-Za-z0-9_-])(pypi-AgE[A-Za-z0-9_-]{50,2000})(?![A-Za-z0-9_-])",
        PypiToken.pattern,
    ),
}
_ALPHABET = BASE64 + "_-.=/ \n\"'"


def _texts(rng: random.Random) -> list[str]:
    """The repository's own text files, and generated texts dense with each pattern's
    heads (``B``, ``sk_live_``, ``rk_live_``, ``SG.``) at the start of the text, after
    every kind of character, and with bodies around the lengths the patterns allow."""
    texts = [
        path.read_text("utf-8", "replace")
        for top in ("corpus", "rules", "tests", "docs")
        for path in sorted((REPO / top).rglob("*"))
        if path.is_file() and path.suffix in (".json", ".py", ".md", ".yml", ".env", ".txt")
    ]
    b64 = BASE64.replace("=", "")
    url_safe = b64.replace("+", "_").replace("/", "-")
    alnum = b64.replace("+", "").replace("/", "")
    bodies = [
        ("B", lambda n: "".join(rng.choices(b64, k=n)), (42, 43, 44)),
        ("sk_live_", lambda n: "".join(rng.choices(alnum, k=n)), (23, 24, 60, 247, 248)),
        ("rk_live_", lambda n: "".join(rng.choices(alnum, k=n)), (24, 30)),
        ("AIza", lambda n: "".join(rng.choices(url_safe, k=n)), (34, 35, 36)),
        ("npm_", lambda n: "".join(rng.choices(alnum, k=n)), (35, 36, 37)),
        ("pypi-AgE", lambda n: "".join(rng.choices(url_safe, k=n)), (49, 50, 80)),
        (
            "SG.",
            lambda n: (
                "".join(rng.choices(url_safe, k=22)) + "." + "".join(rng.choices(url_safe, k=n))
            ),
            (42, 43, 44),
        ),
    ]
    before = ["", "", "x", "_", "-", ".", "/", "+", "=", " ", "\n", "\u00e9", "SG."]
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            head, body, sizes = rng.choice(bodies)
            parts.append(rng.choice(before) + head + body(rng.choice(sizes)))
            parts.append(rng.choice(["", " ", "\n", "x", "+", "=", ".", "-", "_"]))
            parts.append("".join(rng.choices(_ALPHABET, k=rng.randint(0, 5))))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("rule_id", sorted(PATTERNS))
def test_literal_led_pattern_finds_what_the_look_behind_led_one_found(rule_id: str) -> None:
    before, now = PATTERNS[rule_id]
    assert now.pattern != before  # the rewrite is in use
    old = re.compile(before)
    matched = 0
    for text in _texts(random.Random(rule_id)):
        expected = [(m.span(), m.span(1), m.group(1)) for m in old.finditer(text)]
        assert [(m.span(), m.span(1), m.group(1)) for m in now.finditer(text)] == expected
        matched += len(expected)
    assert matched > 100  # both sides of every boundary occur


def test_twilio_matches_only_where_the_pattern_can_start_are_finditers() -> None:
    """RC145 tries its pattern only at ``twilio`` and account SIDs: the same matches as
    ``finditer`` over the text, on the repository's files and generated texts with the
    names and SIDs in every case, overlapping SID heads and case-folding characters."""
    from rolecall import Document
    from rolecall.rules.tokens.saas import TwilioAuthToken

    rule = TwilioAuthToken()
    rng = random.Random(145)
    hexa = "0123456789abcdefABCDEF"
    names = ["twilio_auth_token", "TWILIO_AUTH_TOKEN", "TwilioApiSecret", "twilio_secret"]
    pieces = [
        *names,
        "tw\u0131lio_auth_token",  # dotless i: (?i) matches it; the copy is not exact then
        "\u212a",
        "ac",
        "AC",
        "Ac",
        "acac",
        "=",
        ": ",
        '"',
        "'",
        ", ",
        " ",
        "\n",
        "\u00e9",
    ]
    texts = [
        path.read_text("utf-8", "replace")
        for top in ("rules", "tests", "docs")
        for path in sorted((REPO / top).rglob("*"))
        if path.is_file() and path.suffix in (".py", ".md")
    ]

    def hex_run() -> str:
        digits = hexa if rng.random() < 0.2 else "0123456789abcdef"  # the token's own is
        return "".join(rng.choices(digits, k=rng.choice([31, 32, 32, 32, 33])))

    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 8)):
            kind = rng.random()
            if kind < 0.35:  # a named token
                sep = rng.choice(["=", ": ", '="', "='", " = '", '": "', ":"])
                parts.append(rng.choice(names) + sep + hex_run())
            elif kind < 0.6:  # Client("AC...", "...")
                head = rng.choice(["AC", "ac", "Ac", "xAC", "acac", "_AC"])
                quote = rng.choice(['"', "'"])
                parts.append(f"{head}{hex_run()}{quote}{rng.choice([',', ', ', ' ,'])}")
                parts.append(quote + hex_run() + quote)
            else:
                parts.append(rng.choice(pieces))
            parts.append(rng.choice(["\n", " ", "", '"', "x"]))
        texts.append("".join(parts))
    found = 0
    for text in texts:
        doc = Document("settings.py", text.encode("utf-8", "surrogatepass"))
        expected = [(m.span(), m.group(1)) for m in rule.pattern.finditer(doc.text)]
        assert [(m.span(), m.group(1)) for m in rule.matches(doc)] == expected, text[:300]
        found += len(expected)
    assert found > 300


def test_framework_key_rules_read_the_lower_cased_copy_as_they_read_the_text() -> None:
    """RC160 and RC161 decide whether a file is Django's or Flask's from the shared
    lower-cased copy: the same answers as ``str.lower()`` of the text gave, with the
    Kelvin sign and the dotted capital I about, and only those two characters lower-case
    to an ASCII letter."""
    import sys

    from rolecall import Document
    from rolecall.rules.common.lowered import LOWERS_TO_ASCII, ascii_lowered
    from rolecall.rules.tokens.signing_keys import DjangoSecretKey, FlaskSecretKey

    folding = [
        c for c in map(chr, range(128, sys.maxunicode + 1)) if any(x.isascii() for x in c.lower())
    ]
    assert folding == sorted(LOWERS_TO_ASCII)
    django, flask = DjangoSecretKey(), FlaskSecretKey()
    rng = random.Random(160)
    pieces = ["django", "DJANGO", "Flask", "flas\u212a", "FLAS", "\u212a", "\u0130", "k", "x"]
    pieces += ["FLASK_SECRET_KEY", "fla", "sk", "\u00e9", "\n", "dj", "ango", "\u212aango"]
    flags = [0, 0, 0, 0]
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        lowered = text.lower()
        for path in ("app/settings.py", "app/main.py", ".env"):
            doc = Document(path, text.encode("utf-8"))
            was_django = "django" in lowered or (
                ("settings" in path or path.endswith(".env")) and "flask" not in lowered
            )
            was_flask = "flask" in lowered or "FLASK_SECRET_KEY" in text
            assert django.relevant(doc) == was_django, (path, text)
            assert flask.relevant(doc) == was_flask, (path, text)
            flags[0] += was_django
            flags[1] += was_flask
            # Flask's only through a Kelvin sign: the copy alone would have said no.
            flags[2] += "flask" in lowered and b"flask" not in ascii_lowered(text)
            flags[3] += not was_flask
    assert min(flags) > 100
