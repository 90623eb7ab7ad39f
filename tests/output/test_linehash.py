"""primaryLocationLineHash must equal what GitHub's upload action computes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rolecall.output.linehash import line_hashes

# Expected values from the upload action's own tests (github/codeql-action,
# src/fingerprints.test.ts): the same inputs must give the same hashes here.
ACTION_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *[
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ],
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)]
        + [
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ACTION_VECTORS)
def test_matches_the_upload_action(text: str, expected: list[str]) -> None:
    got = line_hashes(text.encode("utf-8"))
    assert got == {n: h for n, h in enumerate(expected, 1)}


def reference(text: str) -> dict[int, str]:
    """A character-by-character rolling hash, as the action streams the file."""
    block, mask = 100, (1 << 64) - 1
    first = pow(37, block, 1 << 64)
    data = text.encode("utf-16-le", "surrogatepass")
    units = [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]
    window, lines = [0] * block, [-1] * block
    state = {"hash": 0, "index": 0, "line": 0, "start": True, "cr": False}
    counts: dict[str, int] = {}
    out: dict[int, str] = {}

    def emit() -> None:
        value = format(state["hash"] & mask, "x")
        counts[value] = counts.get(value, 0) + 1
        out[lines[state["index"]]] = f"{value}:{counts[value]}"
        lines[state["index"]] = -1

    def update(unit: int) -> None:
        i = state["index"]
        begin, window[i] = window[i], unit
        state["hash"] = (37 * state["hash"] + unit - first * begin) & mask
        state["index"] = (i + 1) % block

    def process(unit: int) -> None:
        if unit in (0x20, 0x09) or (state["cr"] and unit == 0x0A):
            state["cr"] = False
            return
        state["cr"] = unit == 0x0D
        if unit == 0x0D:
            unit = 0x0A
        if lines[state["index"]] != -1:
            emit()
        if state["start"]:
            state["start"] = False
            state["line"] += 1
            lines[state["index"]] = state["line"]
        if unit == 0x0A:
            state["start"] = True
        update(unit)

    for unit in units:
        process(unit)
    process(0xFFFF)
    for _ in range(block):
        if lines[state["index"]] != -1:
            emit()
        update(0)
    return out


@given(st.text(alphabet=st.sampled_from(list("ab \t\r\nx\u00e9\U0001f511")), max_size=400))
def test_matches_a_streaming_reference(text: str) -> None:
    expected = reference(text)
    assert line_hashes(text.encode("utf-8")) == expected
    assert line_hashes(text.encode("utf-8"), 3) == {k: v for k, v in expected.items() if k <= 3}


def test_invalid_utf8_is_replaced_like_node_does() -> None:
    assert line_hashes(b"a\xffb\n") == line_hashes("a\ufffdb\n".encode())
