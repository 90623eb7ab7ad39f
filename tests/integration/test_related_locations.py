"""Every line holding a credential's material is one of its finding's locations.

A key id and its secret on different lines are one finding that points at both; a
finding that supersedes the text rules (a boto3 call given a constant, a workflow step, a
Terraform provider) points at every literal it used. Real files on disk, scanned through
the command line, in every output format; suppression on any of the lines.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import rolecall.engine.runner as runner
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.output.sarif_checks import check_text

from tests.conftest import write_tree
from tests.fixture_tree import schema_errors

RNG = random.Random(20261206)
KEY_ID = fake_key_id(rng=RNG)
SECRET = fake_secret_key(rng=RNG)


def scan(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main(["scan", "--isolated", "--no-cache", "--format", "json", *argv])
    out, _ = capsys.readouterr()
    return json.loads(out)  # type: ignore[no-any-return]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def places(finding: dict[str, Any]) -> list[tuple[int, str]]:
    return [(r["line"], r["label"]) for r in finding["related"]]


# --- a key id and its secret on different lines -------------------------------------

CSHARP = f'var accessKey = "{KEY_ID}";\nvar region = "us-east-1";\nvar secretKey = "{SECRET}";\n'


def test_key_pair_points_at_both_lines(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(in_tmp, {"Program.cs": CSHARP})
    report = scan(["Program.cs"], capsys)
    (finding,) = report["findings"]
    assert (finding["rule_id"], finding["line"], finding["column"]) == ("RC101", 1, 18)
    # The secret's exact span, without its quotes.
    assert finding["related"] == [
        {
            "path": "Program.cs",
            "line": 3,
            "column": 18,
            "end_line": 3,
            "end_column": 18 + len(SECRET),
            "label": "secret access key",
        }
    ]
    assert SECRET not in json.dumps(report)


def test_text_and_sarif_name_the_partner_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {"Program.cs": CSHARP})
    main(["scan", "--isolated", "--no-cache", "-q", "Program.cs"])
    text, _ = capsys.readouterr()
    assert text.startswith("Program.cs:1:18: RC101 ")
    assert text.rstrip().endswith("are embedded in the file (secret access key on line 3)")
    main(["scan", "--isolated", "--no-cache", "--format", "sarif", "Program.cs"])
    sarif, _ = capsys.readouterr()
    assert check_text(sarif, secrets=[SECRET]) == []
    (result,) = json.loads(sarif)["runs"][0]["results"]
    assert "(secret access key on [line 3](1))" in result["message"]["text"]
    (related,) = result["relatedLocations"]
    assert related["id"] == 1 and related["message"]["text"] == "secret access key"
    assert related["physicalLocation"]["region"]["startLine"] == 3


def test_github_annotation_names_the_partner_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {"Program.cs": CSHARP})
    main(["scan", "--isolated", "--no-cache", "--format", "github", "Program.cs"])
    out, _ = capsys.readouterr()
    assert "line=1," in out and "(secret access key on line 3)" in out


def test_fingerprint_is_the_same_as_without_related_locations(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rolecall.model import fingerprint

    write_tree(in_tmp, {"Program.cs": CSHARP})
    (finding,) = scan(["Program.cs"], capsys)["findings"]
    assert finding["fingerprint"] == fingerprint("RC101", f"{KEY_ID}:{SECRET}")


@pytest.mark.parametrize(
    ("comment_line", "comment", "suppressed"),
    [
        (1, "// rolecall: ignore", True),
        (3, "// rolecall: ignore", True),
        (3, "// rolecall: ignore[RC101] -- rotated", True),
        (3, "// rolecall: ignore[RC2]", False),
        # A trailing comment covers its own line only, even above the secret's line.
        (2, "// rolecall: ignore", False),
        # A comment-only line covers the next line: here the secret's.
        (2.5, "// rolecall: ignore", True),
    ],
)
def test_a_comment_on_either_line_silences_the_pair(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    comment_line: float,
    comment: str,
    suppressed: bool,
) -> None:
    lines = CSHARP.splitlines()
    if comment_line == int(comment_line):
        lines[int(comment_line) - 1] += "  " + comment
    else:  # a line of its own, after line int(comment_line)
        lines.insert(int(comment_line), comment)
    write_tree(in_tmp, {"Program.cs": "\n".join(lines) + "\n"})
    report = scan(["Program.cs"], capsys)
    assert [f["rule_id"] for f in report["suppressed"]] == (["RC101"] if suppressed else [])
    assert [f["rule_id"] for f in report["findings"]] == ([] if suppressed else ["RC101"])


def test_a_comment_on_an_unrelated_line_does_not(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {"Program.cs": CSHARP + "// rolecall: ignore\nvar other = 1;\n"})
    report = scan(["Program.cs"], capsys)
    assert [f["rule_id"] for f in report["findings"]] == ["RC101"]


def test_workers_and_the_cache_keep_related_locations(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"src/p{n}/Program.cs": CSHARP for n in range(6)}
    write_tree(in_tmp, files)
    monkeypatch.setenv("XDG_CACHE_HOME", str(in_tmp / "cache"))
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)  # worker processes on 6 files
    base = ["scan", "--isolated", "--format", "json", "src"]
    reports, cached, jobs = [], [], []
    # In-process, through worker processes (filling the cache), then from the cache.
    for argv in (["--jobs", "1", "--no-cache"], ["--jobs", "2"], ["--jobs", "1"]):
        main([*base, *argv])
        out, _ = capsys.readouterr()
        reports.append(json.loads(out)["findings"])
        cached.append(json.loads(out)["stats"]["cached"])
        jobs.append(json.loads(out)["stats"]["jobs"])
    assert (cached, jobs[1]) == ([0, 0, 6], 2)
    assert all(places(f) == [(3, "secret access key")] for f in reports[0])
    assert len(reports[0]) == 6
    assert reports[0] == reports[1] == reports[2]


# --- literals a superseding RC2xx finding used ---------------------------------------

IMPORT = "import boto3\n\n"
CALL = 's3 = boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)\n'
PYTHON_SHAPES = {
    "module-constant": IMPORT + f'KEY = "{KEY_ID}"\nSECRET = "{SECRET}"\n\n' + CALL,
    "dict": (
        IMPORT + "CREDS = {\n"
        f'    "aws_access_key_id": "{KEY_ID}",\n'
        f'    "aws_secret_access_key": "{SECRET}",\n'
        '}\ns3 = boto3.client("s3", **CREDS)\n'
    ),
    "settings-attribute": (
        IMPORT + f'class Settings:\n    AWS_KEY = "{KEY_ID}"\n    AWS_SECRET = "{SECRET}"\n\n\n'
        'def client():\n    return boto3.client(\n        "s3",\n'
        "        aws_access_key_id=Settings.AWS_KEY,\n"
        "        aws_secret_access_key=Settings.AWS_SECRET,\n    )\n"
    ),
    "earlier-assignment": (
        IMPORT + f'def client():\n    key = "{KEY_ID}"\n    secret = "{SECRET}"\n'
        "    session = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret)\n"
        '    return session.client("s3")\n'
    ),
    "implicit-concatenation": (
        IMPORT + f'KEY = ("{KEY_ID[:10]}"\n       "{KEY_ID[10:]}")\n'
        f'SECRET = ("{SECRET[:20]}"\n          "{SECRET[20:]}")\n\n' + CALL
    ),
    "plus-concatenation": (
        IMPORT + f'KEY = "{KEY_ID[:10]}" + \\\n    "{KEY_ID[10:]}"\n'
        f'SECRET = "{SECRET[:20]}" + "{SECRET[20:]}"\n\n' + CALL
    ),
    "arguments-on-their-own-lines": (
        IMPORT + 's3 = boto3.client(\n    "s3",\n'
        f'    aws_access_key_id="{KEY_ID}",\n    aws_secret_access_key="{SECRET}",\n)\n'
    ),
}


def _literal_lines(code: str) -> set[int]:
    """Every line holding a piece of the key id or the secret."""
    pieces = (KEY_ID[:10], KEY_ID[10:], SECRET[:20], SECRET[20:])
    return {n for n, line in enumerate(code.splitlines(), 1) if any(p in line for p in pieces)}


@pytest.mark.parametrize("select", [[], ["--select", "RC2"]], ids=["all-rules", "rc2-only"])
@pytest.mark.parametrize("shape", sorted(PYTHON_SHAPES))
def test_sdk_finding_points_at_every_literal_it_used(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], shape: str, select: list[str]
) -> None:
    code = PYTHON_SHAPES[shape]
    write_tree(in_tmp, {"app.py": code})
    report = scan(["app.py", *select], capsys)
    (finding,) = report["findings"]  # one credential, one finding: the SDK rule's
    assert finding["rule_id"] == "RC201" and finding["severity"] == "error"
    pointed = {finding["line"]}
    for rel in finding["related"]:
        pointed.update(range(rel["line"], rel["end_line"] + 1))
    assert _literal_lines(code) <= pointed
    labels = {r["label"] for r in finding["related"]}
    assert labels <= {"access key id", "secret access key"} and labels
    assert SECRET not in json.dumps(report)


def test_sdk_finding_related_spans_are_the_literals(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = PYTHON_SHAPES["module-constant"]
    write_tree(in_tmp, {"app.py": code})
    (finding,) = scan(["app.py"], capsys)["findings"]
    assert (finding["line"], places(finding)) == (
        6,
        [(3, "access key id"), (4, "secret access key")],
    )
    # The literal with its quotes: the text rules' span of the bare value inside it is
    # the same place, not a second one.
    assert [(r["column"], r["end_column"]) for r in finding["related"]] == [
        (7, 7 + len(KEY_ID) + 2),
        (10, 10 + len(SECRET) + 2),
    ]


def test_implicit_concatenation_is_named_by_its_lines(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {"app.py": PYTHON_SHAPES["implicit-concatenation"]})
    main(["scan", "--isolated", "--no-cache", "-q", "app.py"])
    out, _ = capsys.readouterr()
    assert "(access key id on lines 3-4, secret access key on lines 5-6)" in out


@pytest.mark.parametrize("line", [3, 4])
def test_a_comment_on_the_constant_silences_the_sdk_finding(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], line: int
) -> None:
    lines = PYTHON_SHAPES["module-constant"].splitlines()
    lines[line - 1] += "  # rolecall: ignore -- rotated, kept for the audit"
    write_tree(in_tmp, {"app.py": "\n".join(lines) + "\n"})
    report = scan(["app.py"], capsys)
    assert report["findings"] == []
    assert [f["rule_id"] for f in report["suppressed"]] == ["RC201"]
    assert report["suppressed"][0]["suppression_reason"] == "rotated, kept for the audit"


# --- workflows and Terraform ------------------------------------------------------------

WORKFLOW = (
    "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
    f"          aws-access-key-id: {KEY_ID}\n"
    "          aws-region: eu-west-1\n"
    f"          aws-secret-access-key: {SECRET}\n"
)
TERRAFORM = (
    'provider "aws" {\n'
    f'  access_key = "{KEY_ID}"\n'
    '  region     = "eu-west-1"\n'
    f'  secret_key = "{SECRET}"\n'
    "}\n"
)


@pytest.mark.parametrize("select", [[], ["--select", "RC3"]], ids=["all-rules", "rc3-only"])
@pytest.mark.parametrize(
    ("path", "content", "rule"),
    [
        (".github/workflows/deploy.yml", WORKFLOW, "RC304"),
        ("infra/main.tf", TERRAFORM, "RC309"),
    ],
)
def test_config_finding_points_at_the_key_id_line(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    content: str,
    rule: str,
    select: list[str],
) -> None:
    write_tree(in_tmp, {path: content})
    report = scan([path, *select], capsys)
    literal = [f for f in report["findings"] if f["rule_id"] == rule]
    assert len(literal) == 1
    (finding,) = literal
    assert finding["line"] == line_of(content, SECRET)
    assert places(finding) == [(line_of(content, KEY_ID), "access key id")]
    # No other finding is needed for the key id's line: it is this finding's location.
    assert not [f for f in report["findings"] if f["rule_id"].startswith("RC1")]


def test_sarif_of_superseding_findings_is_valid(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            "app.py": PYTHON_SHAPES["dict"],
            "infra/main.tf": TERRAFORM,
            ".github/workflows/deploy.yml": WORKFLOW,
        },
    )
    main(["scan", "--isolated", "--no-cache", "--format", "sarif", "--output", "r.sarif", "."])
    capsys.readouterr()
    text = (in_tmp / "r.sarif").read_text(encoding="utf-8")
    assert check_text(text, secrets=[SECRET]) == []
    assert schema_errors(json.loads(text)) == []  # the OASIS 2.1.0 schema
    results = json.loads(text)["runs"][0]["results"]
    ids = sorted(r["ruleId"] for r in results if r.get("relatedLocations"))
    assert ids == ["RC201", "RC304", "RC309"]
