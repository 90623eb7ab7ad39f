"""Inline suppression comments, in every comment syntax, handled once by the engine."""

from __future__ import annotations

import pytest
from rolecall.engine.core import Engine, EngineOptions, FileResult, scan_text
from rolecall.model import NoticeCode, NoticeLevel
from rolecall.plugin.registry import build_registry
from rolecall.rules.aws.keys import LongTermAccessKeyId

from tests.conftest import rule_class

# RC101 (key ids) and a test rule RC199 reporting the word "needle".
NEEDLE = rule_class("RC199", "test-needle")
REGISTRY = build_registry([("aws", LongTermAccessKeyId), ("test", NEEDLE)])


def scan(name: str, text: str, *, unused: bool = False, foreign: bool = True) -> FileResult:
    options = EngineOptions(report_unused_suppressions=unused, foreign_pragmas=foreign)
    return scan_text(Engine(REGISTRY, options), name, text)


# (file name, template): "{key}" is where the key id goes, "{c}" the suppression.
SAME_LINE = [
    ("app.py", "key = '{key}'  # {c}\n"),
    ("app.js", 'const key = "{key}"; // {c}\n'),
    ("app.c", 'const char *key = "{key}"; /* {c} */\n'),
    ("page.html", "<p>{key}</p> <!-- {c} -->\n"),
    ("query.sql", "SELECT '{key}'; -- {c}\n"),
    ("init.lua", "local key = '{key}' -- {c}\n"),
    ("conf.ini", "[aws]\nkey = {key} ; {c}\n"),
    ("app.yaml", "aws:\n  key: {key}  # {c}\n"),
    (".env", "AWS_ACCESS_KEY_ID={key} # {c}\n"),
    ("template.j2", "key: {key} {{# {c} #}}\n"),
]
LINE_ABOVE = [
    ("app.py", "# {c}\nkey = '{key}'\n"),
    ("app.js", "// {c}\nconst key = '{key}';\n"),
    ("app.c", '/* {c} */\nconst char *key = "{key}";\n'),
    ("page.html", "<!-- {c} -->\n<p>{key}</p>\n"),
    ("query.sql", "-- {c}\nSELECT '{key}';\n"),
    ("conf.ini", "[aws]\n; {c}\nkey = {key}\n"),
    ("conf.cfg", "[aws]\n# {c}\nkey = {key}\n"),
    ("app.yaml", "aws:\n  # {c}\n  key: {key}\n"),
    (".env", "# {c}\nAWS_ACCESS_KEY_ID={key}\n"),
    ("main.tf", '# {c}\naccess_key = "{key}"\n'),
    ("Dockerfile", "# {c}\nENV AWS_ACCESS_KEY_ID={key}\n"),
]


@pytest.mark.parametrize(("name", "template"), SAME_LINE + LINE_ABOVE)
@pytest.mark.parametrize(
    "comment",
    ["rolecall: ignore[RC101]", "rolecall: ignore[RC1]", "rolecall: ignore", "rolecall:ignore"],
)
def test_suppressed_in_every_comment_style(
    name: str, template: str, comment: str, key_id: str
) -> None:
    text = template.format(key=key_id, c=comment)
    result = scan(name, text, unused=True)
    assert result.findings == []
    assert [f.rule_id for f in result.suppressed] == ["RC101"]
    assert result.suppressed[0].suppression_reason == "suppressed by a rolecall comment"
    assert result.notices == []  # the suppression was used


@pytest.mark.parametrize(("name", "template"), SAME_LINE + LINE_ABOVE)
def test_without_the_comment_it_is_reported(name: str, template: str, key_id: str) -> None:
    text = template.format(key=key_id, c="an ordinary comment")
    result = scan(name, text)
    assert [f.rule_id for f in result.findings] == ["RC101"]


@pytest.mark.parametrize(("name", "template"), SAME_LINE + LINE_ABOVE)
def test_reason_after_double_dash(name: str, template: str, key_id: str) -> None:
    text = template.format(key=key_id, c="rolecall: ignore[RC101] -- rotated, kept for a test")
    result = scan(name, text)
    assert [f.suppression_reason for f in result.suppressed] == ["rotated, kept for a test"]


@pytest.mark.parametrize(
    "text",
    [
        "<!-- rolecall: ignore -->\n{key}\n",
        "<!-- rolecall: ignore[RC101] -->\n{key}\n",
        "{key} <!--rolecall: ignore-->\n",
        "-- rolecall: ignore\nSELECT '{key}';\n",
        "{key} /* rolecall: ignore */\n",
    ],
)
def test_comment_closers_are_not_a_reason(text: str, key_id: str) -> None:
    result = scan("page.html", text.format(key=key_id))
    assert [f.suppression_reason for f in result.suppressed] == ["suppressed by a rolecall comment"]


def test_codes_select_what_is_suppressed(key_id: str) -> None:
    line = f"{key_id} needle"
    cases = {
        "rolecall: ignore[RC101]": (["RC199"], ["RC101"]),
        "rolecall: ignore[RC199]": (["RC101"], ["RC199"]),
        "rolecall: ignore[RC101, rc199]": ([], ["RC101", "RC199"]),
        "rolecall: ignore[RC1]": ([], ["RC101", "RC199"]),
        "rolecall: ignore[RC2]": (["RC101", "RC199"], []),
        "rolecall: ignore": ([], ["RC101", "RC199"]),
    }
    for comment, (reported, suppressed) in cases.items():
        result = scan("a.py", f"x = '{line}'  # {comment}\n")
        assert [f.rule_id for f in result.findings] == reported, comment
        assert [f.rule_id for f in result.suppressed] == suppressed, comment


def test_only_the_line_and_the_line_above(key_id: str) -> None:
    text = f"# rolecall: ignore\n\nkey = '{key_id}'\nother = '{key_id}'  # rolecall: ignore\n"
    result = scan("a.py", text, unused=True)
    assert [f.location.line for f in result.findings] == [3]
    assert [f.location.line for f in result.suppressed] == [4]
    assert [(n.code, n.line) for n in result.notices] == [(NoticeCode.UNUSED_SUPPRESSION, 1)]


def test_unused_suppressions_reported_only_on_request(key_id: str) -> None:
    text = "# rolecall: ignore[RC101]\nnothing = 1\n# rolecall: ignore -- why\n"
    assert scan("a.py", text).notices == []
    notices = scan("a.py", text, unused=True).notices
    assert [(n.code, n.level, n.line) for n in notices] == [
        (NoticeCode.UNUSED_SUPPRESSION, NoticeLevel.WARNING, 1),
        (NoticeCode.UNUSED_SUPPRESSION, NoticeLevel.WARNING, 3),
    ]
    assert "RC101" in notices[0].message and "all rules" in notices[1].message


def test_a_suppression_of_another_rule_is_unused(key_id: str) -> None:
    result = scan("a.py", f"k = '{key_id}'  # rolecall: ignore[RC199]\n", unused=True)
    assert [f.rule_id for f in result.findings] == ["RC101"]
    assert [n.code for n in result.notices] == [NoticeCode.UNUSED_SUPPRESSION]


def test_unknown_codes_are_reported(key_id: str) -> None:
    text = f"k = '{key_id}'  # rolecall: ignore[RC1O1, RC101, AWS]\n"
    result = scan("a.py", text, unused=True)
    assert [f.rule_id for f in result.suppressed] == ["RC101"]
    unknown = [n for n in result.notices if "unknown" in n.message]
    assert [(n.level, n.line) for n in unknown] == [(NoticeLevel.WARNING, 1)] * 2
    assert sorted(n.message.rsplit(" ", 1)[-1] for n in unknown) == ["'AWS'", "'RC1O1'"]


@pytest.mark.parametrize(
    ("comment", "source"),
    [
        ("# pragma: allowlist secret", "detect-secrets"),
        ("# pragma:allowlist secret", "detect-secrets"),
        ("// gitleaks:allow", "gitleaks"),
    ],
)
def test_foreign_pragmas(comment: str, source: str, key_id: str) -> None:
    for text in (f"k = '{key_id}'  {comment}\n", f"{comment}\nk = '{key_id}'\n"):
        result = scan("a.py", text)
        assert result.findings == []
        assert [f.suppression_reason for f in result.suppressed] == [
            f"suppressed by a {source} comment"
        ]
        switched_off = scan("a.py", text, foreign=False)
        assert [f.rule_id for f in switched_off.findings] == ["RC101"]
        assert switched_off.suppressed == []


def test_suppression_in_a_utf16_file(key_id: str) -> None:
    text = f"# rolecall: ignore\nkey = '{key_id}'\n"
    result = scan_text(Engine(REGISTRY), "a.py", b"\xff\xfe" + text.encode("utf-16-le"))
    assert result.findings == [] and len(result.suppressed) == 1


def test_suppression_on_crlf_and_lone_cr_lines(key_id: str) -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join(["x = 1", "# rolecall: ignore", f"k = '{key_id}'", ""])
        result = scan("a.py", text)
        assert result.findings == [] and len(result.suppressed) == 1


def test_detect_secrets_nextline_pragma(key_id: str) -> None:
    text = f"# pragma: allowlist nextline secret\nk = '{key_id}'\n"
    result = scan("a.py", text)
    assert result.findings == []
    assert [f.suppression_reason for f in result.suppressed] == [
        "suppressed by a detect-secrets comment"
    ]
