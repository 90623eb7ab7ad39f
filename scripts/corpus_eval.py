"""Measure precision and recall of the rules on the labelled corpus in ``corpus/``.

Corpus files are realistic source and config files in which every credential is written
as a template token, so the repository itself holds no key-shaped text:

    {{AKIA}} {{ASIA}} {{SECRET}} {{TOKEN}} ...   a fresh fake of that kind
    {{AKIA:a}} ... {{AKIA:a}}                      the same fake twice in one file

Each family directory (``corpus/rc1``, ``corpus/rc2``, ...) has an ``EXPECTED`` file with
one line per finding a perfect scanner reports: ``path:line RCnnn`` (path relative to the
family directory; ``#`` starts a comment). Findings are compared by (path, line, rule).
A family named ``rcN`` measures only the rules of that family (ids ``RCN..``): the text
rules of other families may also fire on its files, which is their corpus's business.

    python scripts/corpus_eval.py            # every family
    python scripts/corpus_eval.py rc1 rc3    # some families
"""

from __future__ import annotations

import argparse
import base64
import random
import re
import string
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.fakes import (
    BASE64,
    FAKES,
    fake_key_id,
    fake_secret_key,
    fake_session_token,
)
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document
from rolecall.rules.aws.key_ids import is_placeholder_key_id
from rolecall.rules.tokens.fakes import azure_client_secret

ROOT = Path(__file__).resolve().parent.parent / "corpus"
TOKEN = re.compile(r"\{\{([A-Z0-9_]+)(?::([A-Za-z0-9_-]+))?\}\}")


def _key_id(prefix: str) -> Callable[[random.Random], str]:
    return lambda rng: fake_key_id(prefix, rng)


def _base64_of(make: Callable[[random.Random], str]) -> Callable[[random.Random], str]:
    def encoded(rng: random.Random) -> str:
        return base64.b64encode(make(rng).encode()).decode()

    return encoded


def _legacy_key_id(rng: random.Random) -> str:
    # Old-generation ids: a fifth character A-P (no account encoded); drawn again in the
    # rare case that the tail reads as a placeholder.
    while True:
        key_id = "AKIA" + rng.choice("ABCDEFGHIJKLMNOP")
        key_id += "".join(rng.choices(string.ascii_uppercase + "234567", k=15))
        if not is_placeholder_key_id(key_id):
            return key_id


def _constant(value: str) -> Callable[[random.Random], str]:
    return lambda rng: value


def _hex40(rng: random.Random) -> str:
    return "".join(rng.choices("0123456789abcdef", k=40))


def _base64_of_text(rng: random.Random) -> str:
    words = ["deploy", "bucket", "region", "backup", "nightly", "report", "upload", "logs"]
    text = " ".join(rng.choices(words, k=8)).encode()[:30].ljust(30, b".")
    return base64.b64encode(text).decode()


def _token_in_url(rng: random.Random) -> str:
    return quote(fake_session_token(rng), safe="")


def _pem_body(rng: random.Random) -> str:
    # A private key body as it sits in a JSON key file: 64-character lines, "\\n" escapes.
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "".join(rng.choices(BASE64, k=1560))
    return "\\n".join(body[i : i + 64] for i in range(0, len(body), 64))


EXAMPLE_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"  # AWS's documented example, split on purpose

#: Generators for corpus tokens; rule families add theirs here.
GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "AKIA": _key_id("AKIA"),
    "ASIA": _key_id("ASIA"),
    "ABIA": _key_id("ABIA"),
    "ACCA": _key_id("ACCA"),
    "SECRET": fake_secret_key,
    "TOKEN": fake_session_token,
    # base64 of a fake, as in a Kubernetes Secret's data:
    "B64AKIA": _base64_of(_key_id("AKIA")),
    "B64SECRET": _base64_of(fake_secret_key),
    # AWS's documented example keys (hard negatives), kept out of the repository's text
    "EXAMPLE_AKIA": _constant(EXAMPLE_KEY_ID),
    "EXAMPLE_SECRET": _constant("wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"),
    # Hard negatives and variants for the RC1xx family.
    "AKIA_LEGACY": _legacy_key_id,
    "AIDA": _key_id("AIDA"),
    "AROA": _key_id("AROA"),
    "AKIA_PLACEHOLDER": _constant("AKIA" + "X" * 16),
    "EXAMPLE_ID": _constant(EXAMPLE_KEY_ID),
    "HEX40": _hex40,
    "B64TEXT": _base64_of_text,
    "TOKEN_URL": _token_in_url,
    "SECRET_B64": _base64_of(fake_secret_key),
    "PEM_BODY": _pem_body,
    "AZURE_SECRET": azure_client_secret,
    # Other services' credentials (RC12x-RC19x): {{GITHUB}}, {{NPM}}, {{RSA_PEM}}, ...
    # with valid checksums where the format has one; {{GITHUB_BAD_CHECKSUM}} and
    # {{NPM_BAD_CHECKSUM}} are look-alikes that must not be reported.
    **{name.upper(): make for name, make in FAKES.items()},
}


def render(text: str, rng: random.Random) -> str:
    named: dict[tuple[str, str], str] = {}

    def sub(match: re.Match[str]) -> str:
        kind, label = match.group(1), match.group(2)
        if kind not in GENERATORS:
            raise SystemExit(f"unknown corpus token {kind!r}")
        if label is None:
            return GENERATORS[kind](rng)
        return named.setdefault((kind, label), GENERATORS[kind](rng))

    return TOKEN.sub(sub, text)


def load_expected(family: Path) -> set[tuple[str, int, str]]:
    expected: set[tuple[str, int, str]] = set()
    for raw in (family / "EXPECTED").read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where, rule = line.split()
        path, lineno = where.rsplit(":", 1)
        expected.add((path, int(lineno), rule))
    return expected


def family_engine(family: Path) -> tuple[Engine, str]:
    """The engine that measures a family, and the rule-id prefix it scores.

    A family ``rcN`` is measured with the RCNxx rules alone, so what it measures does not
    depend on other families' rules superseding its findings (one finding per value).
    """
    prefix = family.name.upper() if re.fullmatch(r"rc\d", family.name) else ""
    selection = RuleSelection(select=(prefix,)) if prefix else RuleSelection()
    return Engine(default_registry(), EngineOptions(selection=selection)), prefix


def evaluate(family: Path) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(true positives, false positives, false negatives) per rule id."""
    rng = random.Random(f"rolecall-corpus-{family.name}")
    engine, prefix = family_engine(family)
    found: set[tuple[str, int, str]] = set()
    for path in sorted(p for p in family.rglob("*") if p.is_file() and p.name != "EXPECTED"):
        rel = path.relative_to(family).as_posix()
        data = render(path.read_text("utf-8"), rng).encode("utf-8")
        result = engine.scan_document(Document(rel, data))
        found.update(
            (rel, f.location.line, f.rule_id)
            for f in result.findings
            if f.rule_id.startswith(prefix)
        )
    expected = load_expected(family)
    tp = Counter(r for _, _, r in found & expected)
    fp = Counter(r for _, _, r in found - expected)
    fn = Counter(r for _, _, r in expected - found)
    return tp, fp, fn


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("families", nargs="*", help="corpus families (default: all)")
    args = parser.parse_args(argv)
    names = args.families or sorted(p.name for p in ROOT.iterdir() if (p / "EXPECTED").exists())
    print(f"{'family':8} {'rule':7} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}")
    total = [0, 0, 0]
    for name in names:
        tp, fp, fn = evaluate(ROOT / name)
        for rule in sorted(set(tp) | set(fp) | set(fn)):
            t, f, n = tp[rule], fp[rule], fn[rule]
            total = [total[0] + t, total[1] + f, total[2] + n]
            print(
                f"{name:8} {rule:7} {t:4} {f:4} {n:4} {_ratio(t, t + f):>9} {_ratio(t, t + n):>7}"
            )
    t, f, n = total
    print(f"{'all':8} {'':7} {t:4} {f:4} {n:4} {_ratio(t, t + f):>9} {_ratio(t, t + n):>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
