"""Every RC1xx pattern, and the whole analysis, takes linear time on adversarial input.

Each case runs on 100 KB and on 1 MB of the same shape and compares the times: linear
work gives a ratio near 10, quadratic work near 100. The bound is a ratio, never a
wall-clock limit, so a slow or busy machine does not make the test flaky.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from rolecall import shapes
from rolecall.engine.core import Engine, EngineOptions
from rolecall.plugin.registry import build_registry
from rolecall.read.document import Document
from rolecall.rules.aws import beside_ids, candidates, key_ids, named_values, names
from rolecall.rules.aws import keys as aws_keys
from rolecall.rules.aws import secret_keys as aws_secrets
from rolecall.rules.tokens import cloud_keys

SMALL = 100_000
LARGE = 1_000_000
#: Linear work scales by 10 (a little more when 1 MB no longer fits the CPU caches);
#: quadratic work by 100. The bound sits between, clear of timer and load noise.
MAX_RATIO = 30.0

_SECRET_TAIL = "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri"
_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
_ASIA = "ASIA" + "Y34FZKBOKMUTVV7A"
_TOKEN_HEAD = shapes.SESSION_TOKEN_PREFIXES[0]


def _fill(unit: str, size: int, tail: str = "") -> str:
    return (unit * (size // len(unit) + 1))[:size] + tail


#: (name, input builder) pairs: shapes that make a backtracking regex go quadratic.
ADVERSARIAL: list[tuple[str, Callable[[int], str]]] = [
    ("key-id-prefixes", lambda n: _fill("AKIA", n)),
    ("key-id-near-misses", lambda n: _fill("AKIA" + "Q" * 15 + "a ", n)),
    ("key-ids-glued", lambda n: _fill(_ID, n)),
    ("base64-run", lambda n: _fill("aB3/", n)),
    ("base64-run-padded", lambda n: _fill("aB3/", n, "===")),
    ("token-prefixes", lambda n: _fill(_TOKEN_HEAD, n, "===")),
    ("token-long-run", lambda n: _TOKEN_HEAD + _fill("x", n, "===")),
    ("secret-names", lambda n: _fill("secret", n)),
    ("secret-assignments", lambda n: _fill("aws_secret_access_key=", n)),
    ("secret-gaps", lambda n: "aws_secret_access_key" + _fill(" ='\"", n)),
    ("token-names-in-values", lambda n: _fill("sessiontoken=", n)),
    ("token-name-parts", lambda n: _fill("session_token session-token x-amz-security-token", n)),
    ("ids-and-secrets", lambda n: _fill(f"{_ID} s=hJ3kq9Zr{_SECRET_TAIL}\n", n)),
    (
        "ids-and-named",
        lambda n: _fill(f'"{_ID}","secret":"hJ3kq9Zr{_SECRET_TAIL}",', n),
    ),
    ("asia-ids-and-runs", lambda n: _fill(f"{_ASIA} t={'aB3/Xy9+' * 12}\n", n)),
    ("asia-ids-one-line", lambda n: _fill(f"{_ASIA},{'aB3/Xy9+' * 12},", n)),
    ("xml-gaps", lambda n: "<key>secret</key>" + _fill("<string></string>", n)),
    ("annotation-gaps", lambda n: "aws_secret_access_key" + _fill(": Optional[str] = b", n)),
    ("url-one-line", lambda n: "https://x/?" + _fill(f"X-Amz-Credential={_ID}&", n)),
    ("identifier-run", lambda n: _fill("a_", n) + "secret"),
    ("aws-context", lambda n: "secret_key = 1\n" + _fill("aw", n)),
    ("private-key-heads", lambda n: _fill('"private_key": "-----BEGIN PRIVATE KEY-----', n)),
    (
        "service-account-keys",
        lambda n: _fill(
            '{"private_key_id": "' + "a" * 40 + '", "private_key": "-----BEGIN '
            "PRIVATE KEY-----" + "\\n" + "Ab3/" * 100 + '-----END PRIVATE KEY-----"}',
            n,
        ),
    ),
    ("azure-markers", lambda n: _fill("ab8Q~", n)),
    ("escaped-run", lambda n: _fill("a\\/", n)),
    ("percent-run", lambda n: _fill("%2F%2", n)),
    ("azure-secrets", lambda n: _fill(cloud_keys._AZURE_FAKE + " ", n)),
]

_KEY_IDS = ("key-id-prefixes", "key-id-near-misses", "key-ids-glued", "url-one-line")
_NAMES = ("secret-names", "secret-assignments", "token-name-parts", "identifier-run")
#: Each pattern with the shapes that could make it backtrack.
PATTERNS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "KEY_ID_PATTERN": (shapes.KEY_ID_PATTERN, (*_KEY_IDS, "base64-run")),
    "_KEY_ID_SCAN": (key_ids._KEY_ID_SCAN, (*_KEY_IDS, "base64-run")),
    "SECRET_KEY_PATTERN": (
        candidates.SECRET_KEY_PATTERN,
        ("base64-run", "base64-run-padded", "ids-and-secrets", "key-id-near-misses"),
    ),
    "SESSION_TOKEN_PATTERN": (
        candidates.SESSION_TOKEN_PATTERN,
        ("token-prefixes", "token-long-run", "base64-run-padded"),
    ),
    "SECRET_KEY_NAMES": (names.SECRET_KEY_NAMES, _NAMES),
    "ACCESS_KEY_ID_NAMES": (names.ACCESS_KEY_ID_NAMES, _NAMES),
    "SESSION_TOKEN_NAMES": (names.SESSION_TOKEN_NAMES, _NAMES),
    "_AWS_CONTEXT": (
        names._AWS_CONTEXT,
        ("aws-context", "identifier-run", "secret-names"),
    ),
    # The analysis only ever ``.match``es the patterns below at offsets it chose;
    # searching tries every offset, which is strictly more work.
    "_NAME_REST": (named_values._NAME_REST, ("identifier-run", "secret-names")),
    "_GAP": (
        named_values._GAP,
        ("secret-gaps", "secret-assignments", "xml-gaps", "annotation-gaps"),
    ),
    "_UNNAMED_SECRET": (
        beside_ids._UNNAMED_SECRET,
        ("base64-run", "secret-assignments", "ids-and-secrets"),
    ),
    "_BESIDE_TOKEN": (
        beside_ids._BESIDE_TOKEN,
        ("base64-run", "base64-run-padded", "token-long-run", "asia-ids-one-line"),
    ),
    "_SECRET_VALUE": (named_values._SECRET_VALUE, ("base64-run", "ids-and-named")),
    "_SECRET_ESCAPED_VALUE": (
        named_values._SECRET_ESCAPED_VALUE,
        ("base64-run", "escaped-run", "percent-run"),
    ),
    "_SECRET_B64_VALUE": (named_values._SECRET_B64_VALUE, ("base64-run", "base64-run-padded")),
    "_TOKEN_VALUE": (
        named_values._TOKEN_VALUE,
        ("token-names-in-values", "base64-run-padded", "url-one-line"),
    ),
    "_PRIVATE_KEY": (cloud_keys._PRIVATE_KEY, ("private-key-heads", "service-account-keys")),
    "_KEY_ID (GCP)": (cloud_keys._KEY_ID, ("service-account-keys", "identifier-run")),
    "_EMAIL": (cloud_keys._EMAIL, ("service-account-keys", "identifier-run")),
    "_ESCAPES": (cloud_keys._ESCAPES, ("service-account-keys", "secret-gaps")),
    "_AZURE_SECRET": (cloud_keys._AZURE_SECRET, ("azure-markers", "azure-secrets")),
}
SHAPES = dict(ADVERSARIAL)
PATTERN_CASES = [
    pytest.param(pattern, SHAPES[shape], id=f"{name}-{shape}")
    for name, (pattern, shapes) in PATTERNS.items()
    for shape in shapes
]


def _cpu_time(func: Callable[[], object], repeat: int) -> float:
    """Best process CPU time of ``repeat`` runs: other processes' load does not count."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return max(best, 1e-6)


def _ratio(run: Callable[[str], object], build: Callable[[int], str], repeat: int = 3) -> float:
    """Time of one 1 MB run over the time of one 100 KB run.

    The 100 KB input runs ten times per measurement, so both measurements handle the same
    number of bytes and are long enough for the timer to resolve.
    """
    small, large = build(SMALL), build(LARGE)
    run(small)  # warm caches (compiled patterns, imports)
    per_small = _cpu_time(lambda: [run(small) for _ in range(10)], repeat) / 10
    return _cpu_time(lambda: run(large), repeat) / per_small


@pytest.mark.parametrize(("pattern", "build"), PATTERN_CASES)
def test_patterns_are_linear(pattern: re.Pattern[str], build: Callable[[int], str]) -> None:
    ratio = _ratio(lambda text: sum(1 for _ in pattern.finditer(text)), build)
    assert ratio < MAX_RATIO, f"{pattern.pattern[:40]!r}: 1 MB / 100 KB = {ratio:.1f}"


ENGINE = Engine(
    build_registry(
        [("aws_keys", aws_keys), ("aws_secrets", aws_secrets), ("cloud_keys", cloud_keys)]
    )
)


@pytest.mark.parametrize(("shape", "build"), ADVERSARIAL, ids=[a[0] for a in ADVERSARIAL])
def test_whole_scan_is_linear(shape: str, build: Callable[[int], str]) -> None:
    engine = Engine(ENGINE.registry, EngineOptions(report_examples=True))
    ratio = _ratio(lambda text: engine.scan_document(Document("x.txt", text.encode())), build, 1)
    assert ratio < MAX_RATIO, f"scan of {shape}: 1 MB / 100 KB = {ratio:.1f}"
