"""No crash on any file content: the decoder, every parsed view and every rule.

Arbitrary bytes, format-shaped text and mutations of real files (the labelled corpus and
the demo sample) go through the real engine with every installed rule. The outcome is
always findings and/or notices: never an exception, never an internal-error or
rule-failed notice. One run of the real CLI on a hostile tree exits 0 or 1.
"""

from __future__ import annotations

import codecs
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rolecall import Document
from rolecall.read.document import LineIndex, View, ViewError, decode

from tests.conftest import write_tree
from tests.robustness._support import (
    KIND_NAMES,
    all_views,
    corpus_files,
    count,
    scan,
)

VIEWS = all_views()
CORPUS = corpus_files()

# Pieces of every format's syntax, so generated text reaches deep into the parsers.
FRAGMENTS = [
    "{", "}", "[", "]", "(", ")", ":", ",", "=", '"', "'", '"""', "\\", "\n", "\r\n", "\r",
    "\t", "  ", "- ", "&a ", "*a", "<<: ", "!Ref ", "? ", "---\n", "...", "|\n", ">-\n",
    "#", "//", "/*", "*/", "${", "${{ ", " }}", "$(", "`", "<<EOF\n", "EOF\n", "[default]\n",
    "[profile x]\n", "export ", "ENV ", "ARG ", "RUN ", "FROM x\n", "resource \"a\" \"b\" {",
    "provider \"aws\" {", "access_key = ", "secret_key", "aws_access_key_id", "=",
    "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY=", "aws_session_token", "boto3",
    "boto3.client('s3', ", "Session(", "def f(", "lambda ", "class C:", "import os\n",
    "os.environ[", "storage_options={", "key=", "secret=", "AKIA", "ASIA", "AKIAQ",
    "\"cells\": [", "\"source\": ", "\"cell_type\": \"code\"", "!aws configure set ",
    "%env ", "\\u00", "\\ud800", "\x00", "\ufeff", "\ud800", "\U0001f600", "é", "0x", "1e999",
    "true", "null", "inf", "nan", "'''", "f\"{", "}\"", "\\\n", ";", "&&", "|", "<", ">",
]  # fmt: skip

TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map(
    "".join
)
DATA = st.one_of(
    st.binary(max_size=400),
    TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    TEXT.map(lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le", "surrogatepass")),
    TEXT.map(lambda t: codecs.BOM_UTF8 + t.encode("utf-8", "surrogatepass")),
)


@given(DATA)
def test_decoder_never_fails(data: bytes) -> None:
    count("decoder")
    decoded = decode(data)
    assert isinstance(decoded.text, str)
    index = LineIndex(decoded.text)
    for offset in (0, len(decoded.text) // 2, len(decoded.text), len(decoded.text) + 5):
        line, column = index.position(offset)
        assert index.line_start(line) <= index.line_end(line) <= len(decoded.text)
        assert column >= 1


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
@example(data="\U00031350".encode())  # libcst's CSTValidationError escaped the Python view
@given(data=DATA)
def test_every_view_builds_or_raises_view_error(view: View[object], data: bytes) -> None:
    count("views")
    doc = Document("f", data)
    try:
        doc.view(view)
    except ViewError as exc:
        assert isinstance(exc.message, str)


@pytest.mark.parametrize("name", KIND_NAMES)
@given(data=DATA)
def test_every_rule_on_arbitrary_content(name: str, data: bytes) -> None:
    scan(name, data)


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    cut = rng.randrange(len(data) + 1)
    text = data.decode("utf-8")
    return [
        data[:cut],  # truncated
        data[: len(data) // 2],
        data[:cut] + b"\0" + data[cut:],  # NUL injected
        data.replace(b"\n", b"\n\0", 3),
        data[:cut] + b"\xff\xc3(" + data[cut:],  # invalid UTF-8
        data[:cut] + b"\xed\xa0\x80" + data[cut:],  # an encoded surrogate
        # UTF-16 with a lone surrogate, and with a trailing odd byte
        codecs.BOM_UTF16_LE + text[: cut // 2].encode("utf-16-le") + b"\x00\xd8"
        + text[cut // 2 :].encode("utf-16-le"),
        codecs.BOM_UTF16_BE + text.encode("utf-16-be") + b"\xdc",
        codecs.BOM_UTF8 + data,
        # mixed line endings
        b"".join(
            line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in data.split(b"\n")
        ),
        data.replace(b"\n", b"\r"),
        data * 3,
    ]  # fmt: skip


@pytest.mark.parametrize("rel", sorted(CORPUS))
def test_mutated_real_files(rel: str) -> None:
    rng = random.Random(rel)
    name = rel.split("/", 1)[1]
    for mutated in _mutations(CORPUS[rel], rng):
        scan(name, mutated, "mutated-files")


@example("rc1/k8s/secret.yaml", [(0.375, b"\xff")])  # a non-ASCII base64 value: RC301 failed
@given(
    st.sampled_from(sorted(CORPUS)),
    st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from([b"", b"\0", b"\xff", b"\r", b"\n\n", b'"'])),
        max_size=8,
    ),
)
def test_random_edits_of_real_files(rel: str, edits: list[tuple[float, bytes]]) -> None:
    data = CORPUS[rel]
    for where, insert in edits:
        at = int(where * len(data))
        data = data[:at] + insert + data[at + (1 if not insert else 0) :]
    scan(rel.split("/", 1)[1], data, "mutated-files")


TEN_MB = 10 * 1024 * 1024


@pytest.mark.heavy
@pytest.mark.parametrize("name", KIND_NAMES)
def test_ten_megabyte_single_line(name: str, key_id: str) -> None:
    # Syntax of every format and the rules' keywords, with a key at both ends.
    filler = b'aws_secret_access_key = {"k": [1, (2)], x: "y"}; ENV a=b ' * 64
    head = b"AWS_ACCESS_KEY_ID=" + key_id.encode() + b" "
    data = head + (filler * (TEN_MB // len(filler) + 1))[: TEN_MB - 2 * len(head)] + head
    assert len(data) == TEN_MB and b"\n" not in data
    scan(name, data, "large-files")


@pytest.mark.parametrize("name", KIND_NAMES)
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_only_newlines(name: str, newline: bytes) -> None:
    result = scan(name, newline * 200_000, "large-files")
    assert result.findings == []
    assert scan(name, b"", "large-files").findings == []


def test_the_cli_on_a_hostile_tree(tmp_path: Path) -> None:
    rng = random.Random(99)
    files: dict[str, str | bytes] = {}
    for n, (rel, data) in enumerate(sorted(CORPUS.items())[:60]):
        mutated = _mutations(data, rng)
        files[f"t/{n}/{rel.split('/', 1)[1]}"] = mutated[n % len(mutated)]
    for name in KIND_NAMES:
        files[f"junk/{name}"] = bytes(rng.randrange(256) for _ in range(3000))
        files[f"newlines/{name}"] = b"\r\n" * 5000
        files[f"deep/{name}"] = b"[" * 20_000 + b"{" * 20_000 + b"(" * 20_000
    write_tree(tmp_path, files)
    count("cli-trees", len(files))
    for fmt in ("text", "json", "sarif", "github"):
        proc = subprocess.run(
            [sys.executable, "-m", "rolecall", "scan", "--isolated", "--no-cache", "-v",
             "--format", fmt, "--jobs", "2", str(tmp_path)],
            capture_output=True,
            timeout=600,
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr.decode(errors="replace")[-2000:]
        assert b"internal error" not in proc.stdout + proc.stderr
        assert b"Traceback" not in proc.stderr
