"""AWS key ids written as escape sequences or character references (RC107)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.aws import examples as ex
from rolecall.rules.aws.base import CHAIN
from rolecall.rules.common.decoded import occurrences, report_decoded

#: One escaped character or one plain character of a run: ``\u0041``, ``\u{41}``,
#: ``\U00000041``, ``\x41``, ``&#x41;``, ``&#65;``, or a letter, digit, ``/``, ``+``, ``=``.
_TOKEN = re.compile(
    r"\\u\{(?P<brace>[0-9a-fA-F]{1,6})\}|\\u(?P<u4>[0-9a-fA-F]{4})|\\U(?P<u8>[0-9a-fA-F]{8})"
    r"|\\x(?P<x2>[0-9a-fA-F]{2})|&#[xX](?P<hexref>[0-9a-fA-F]{1,6});|&#(?P<decref>[0-9]{1,7});"
    r"|(?P<plain>[A-Za-z0-9/+=_-])"
)
#: How each form writes ``AK`` and ``AS``, the start of every credential key id (``AKIA``,
#: ``ASIA``; ``ABIA``/``ACCA`` are rare enough to leave to the plain-text rules). Lower
#: case: the engine's keyword search and the rule's search ignore case.
ESCAPED_STARTS = tuple(
    form.format(a, b)
    for form, a, b in (
        ("\\u{{{}}}\\u{{{}}}", "41", "4b"),
        ("\\u{{{}}}\\u{{{}}}", "41", "53"),
        ("\\u00{}\\u00{}", "41", "4b"),
        ("\\u00{}\\u00{}", "41", "53"),
        ("\\x{}\\x{}", "41", "4b"),
        ("\\x{}\\x{}", "41", "53"),
        ("&#x{};&#x{};", "41", "4b"),
        ("&#x{};&#x{};", "41", "53"),
        ("&#{};&#{};", "65", "75"),
        ("&#{};&#{};", "65", "83"),
    )
)
_MAX_RUN = 1 << 16  # characters: an escaped credentials file is a few thousand at most


def decode_run(text: str, start: int) -> tuple[int, str, int]:
    """``(end, decoded, escapes)``: the run of escaped and plain characters at ``start``,
    what it decodes to, and how many escape sequences it held."""
    out: list[str] = []
    escapes = 0
    pos = start
    while pos - start < _MAX_RUN:
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        plain = match.group("plain")
        if plain is not None:
            out.append(plain)
        else:
            digits = next(g for g in match.groups() if g is not None)
            base = 10 if match.group("decref") is not None else 16
            code = int(digits, base)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                break
            out.append(chr(code))
            escapes += 1
        pos = match.end()
    return pos, "".join(out), escapes


class EscapedAwsKeyId(Rule):
    """An AWS access key id is written as escape sequences or character references.

    ## What it finds
    A key id (``AKIA``, ``ASIA``) spelled with escapes, as minifiers, code generators and
    obfuscation leave it: ``\\u0041\\u004b...`` (JavaScript, JSON, Java, Python),
    ``\\u{41}\\u{4b}...`` (JavaScript, Rust, Swift), ``\\x41\\x4b...``, and HTML or XML
    character references (``&#x41;&#x4b;...``, ``&#65;&#75;...``). The run is decoded
    and read with the same analysis as RC101-RC105 (a secret escaped in the same run is
    paired with it); the finding is on the escaped run.

    ## Why it is risky
    Escaping hides the key from a reader and from simple scanners, not from anyone who
    runs the code or decodes the string: it is the same long-lived key.

    ## Use instead
    Deactivate and delete the key, check CloudTrail for its use, and let the code get
    role credentials from the SDK's default provider chain (Cognito identity pools or
    a backend with a role for code that runs in browsers).

    ## Example
    Before: ``const id = "\\u0041\\u004b\\u0049\\u0041..."`` in a bundled script.
    After: the browser asks the backend, which runs with a role, for a presigned URL.
    """

    id = "RC107"
    name = "aws-key-id-in-escaped-text"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Escaped text holds {what}"
    recommendation = (
        "Decoding the escapes gives the key back: remove it, then deactivate and delete "
        "the key (aws iam update-access-key --access-key-id {key_id} --status Inactive; "
        "aws iam delete-access-key --access-key-id {key_id}) or revoke the role's sessions "
        "for temporary keys. " + CHAIN
    )
    keywords = ESCAPED_STARTS
    tags = ("aws", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example('s = "\\u0041\\u004b\\u0020\\u0061\\u006e\\u0064 \\u0041\\u0053"\n', "a.js"),
        Example("".join(f"&#x{ord(c):x};" for c in ex.EXAMPLE_ID) + "\n", "doc.html"),
    )
    INVALID = (
        Example(
            "const id = '" + "".join(f"\\u{{{ord(c):x}}}" for c in ex.AKIA) + "';\n",
            "secret.js",
            line=1,
            column=13,
            severity=Severity.ERROR,
        ),
        Example(
            "<p>" + "".join(f"&#x{ord(c):X};" for c in ex.ASIA) + "</p>\n",
            "page.html",
            severity=Severity.WARNING,
        ),
        Example(
            'k = "' + "".join(f"\\u{ord(c):04x}" for c in ex.AKIA) + '"\n',
            "app.py",
        ),
        Example(
            "id=" + "".join(f"&#{ord(c)};" for c in ex.AKIA_2) + "\n",
            "mail.txt",
        ),
        Example(
            '{"k":"' + "".join(f"\\u{ord(c):04x}" for c in f"{ex.AKIA}:{ex.SECRET}") + '"}\n',
            "config.json",
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters change length when lower-cased
            lowered = text.encode("ascii", "replace").decode("ascii").lower()
        done = 0
        for start in occurrences(lowered, ESCAPED_STARTS):
            if start < done:
                continue
            end, plain, escapes = decode_run(text, start)
            done = end
            if escapes >= 4:
                yield from report_decoded(self, doc, ctx, start, end, plain)
