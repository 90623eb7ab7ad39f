"""SARIF output of a real fixture tree: the official schema, what GitHub needs, golden file."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rolecall.model import Notice, NoticeCode, NoticeLevel
from rolecall.output import sarif as sarif_mod
from rolecall.output import sarif_json
from rolecall.output.formats import get_reporter
from rolecall.output.linehash import line_hashes, mask_secrets
from rolecall.output.report import ScanReport

from tests.fixture_tree import (
    FILES,
    GOLDEN_DIR,
    KEY_IDS,
    check_golden,
    fixture_registry,
    scan_tree,
    schema_errors,
    write_tree,
)

GOLDEN = GOLDEN_DIR / "sarif" / "fixture.sarif.json"


def render(report: ScanReport) -> str:
    out = io.StringIO()
    get_reporter("sarif").write(report, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fixture-tree")
    write_tree(root)
    return root


@pytest.fixture(scope="module")
def report(tree: Path) -> ScanReport:
    # As the library scans: every finding has its fingerprint, scrypt ones too (the
    # command line's SARIF scan computes none), so that the log is shown to leak none.
    return scan_tree(tree, fixture_registry(), slow_fingerprints=True)


@pytest.fixture(scope="module")
def text(report: ScanReport) -> str:
    return render(report)


@pytest.fixture(scope="module")
def log(text: str) -> Any:
    return json.loads(text)


def results(log: Any) -> list[Any]:
    return log["runs"][0]["results"]  # type: ignore[no-any-return]


def by_path(log: Any, path: str) -> list[Any]:
    return [
        r
        for r in results(log)
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path
    ]


# --- the official schema, with URI formats really checked ---------------------------


def test_the_rules_spliced_into_the_log_are_the_rules_built(report: ScanReport) -> None:
    """render() writes the rule descriptors from their kept JSON text; the log is the
    one written from the sarif-om objects, compact and indented."""
    for indent in (None, 2):
        built = sarif_json.dumps(sarif_mod.build_log(report), indent=indent)
        assert sarif_mod.render(report, indent=indent) == built
        assert sarif_mod.render(report, indent=indent) == built  # and again, kept
    assert len(json.loads(built)["runs"][0]["tool"]["driver"]["rules"]) == len(report.rules)


def test_fixture_log_matches_the_sarif_schema(log: Any) -> None:
    assert schema_errors(log) == []


def test_schema_check_really_checks_uri_formats(log: Any) -> None:
    broken = copy.deepcopy(log)
    loc = results(broken)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    loc["uri"] = "docs/a b#c#d.md"
    broken["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri"
    errors = schema_errors(broken)
    assert any("uri-reference" in e for e in errors)
    assert any("'not a uri' is not a 'uri'" in e for e in errors)


def test_every_family_is_in_the_fixture(log: Any) -> None:
    families = {r["ruleId"][:3] for r in results(log)}
    assert {"RC1", "RC2", "RC3"} <= families


# --- what GitHub needs --------------------------------------------------------------


def test_run_metadata(log: Any, tree: Path) -> None:
    assert log["$schema"] == sarif_mod.SCHEMA_URI
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["automationDetails"] == {"id": "rolecall/"}
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    driver = run["tool"]["driver"]
    assert driver["name"] == "rolecall"
    assert driver["version"] == driver["semanticVersion"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(ids))
    assert "language" not in run and "newlineSequences" not in run  # sarif-om defaults


def test_rule_metadata(log: Any, report: ScanReport) -> None:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    # Every rule the scan ran: the fixture's three and the installed ones.
    assert len(rules) == len(report.rules)
    assert {"RC101", "RC198", "RC398"} <= {rule["id"] for rule in rules}
    for rule in rules:
        props = rule["properties"]
        assert "security" in props["tags"]
        assert any(re.fullmatch(r"external/cwe/cwe-\d+", t) for t in props["tags"])
        assert props["precision"] in ("very-high", "high", "medium", "low")
        assert float(props["security-severity"]) > 0
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        for title in ("What it finds", "Why it is risky", "Use instead", "Example"):
            assert f"## {title}" in rule["help"]["markdown"]
            assert f"{title}:" in rule["help"]["text"]
        assert "``" not in rule["help"]["markdown"]


def test_explicit_level_even_when_it_is_the_sarif_default(log: Any) -> None:
    levels = {r["ruleId"]: r["level"] for r in results(log)}
    assert levels["RC298"] == "warning"
    assert levels["RC398"] == "note"


def test_regions_are_full_and_count_utf16_units(log: Any) -> None:
    line5 = [r for r in by_path(log, "app/settings.py") if r["ruleId"] == "RC101"][1]
    region = line5["locations"][0]["physicalLocation"]["region"]
    text_line = FILES["app/settings.py"].splitlines()[4]
    col = text_line.index(KEY_IDS[1]) + 1  # in code points
    assert region == {"startLine": 5, "startColumn": col + 1, "endLine": 5, "endColumn": col + 21}


def test_uris_are_relative_and_percent_encoded(log: Any) -> None:
    assert by_path(log, "docs/notes%20with%20space%231.md")
    assert by_path(log, "donn%C3%A9es/config.ini")
    for result in results(log):
        loc = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc["uriBaseId"] == "%SRCROOT%"


def test_partial_fingerprints(log: Any, tree: Path, report: ScanReport) -> None:
    assert {f.low_entropy for f in report.findings} == {True, False}  # both kinds tested
    for result, finding in zip(results(log), report.findings, strict=True):
        fps = result["partialFingerprints"]
        path, line = finding.location.path, finding.location.line
        data = (tree / path).read_bytes()
        weak = [f for f in report.findings if f.low_entropy and f.location.path == path]
        if weak:
            # Low-entropy material is masked before hashing; other files are hashed
            # exactly as GitHub's upload action hashes them.
            data = mask_secrets(data.decode("utf-8"), weak).encode("utf-8")
        line_hash = line_hashes(data)[line]
        assert fps["primaryLocationLineHash"] == line_hash
        if finding.low_entropy:
            # Nothing derived from the material: the identity of the masked line.
            identity = hashlib.sha256(f"{finding.rule_id}\0{path}\0{line_hash}".encode())
            assert fps[sarif_mod.FINGERPRINT_KEY] == identity.hexdigest()
            assert finding.fingerprint not in json.dumps(log)
        else:
            assert fps[sarif_mod.FINGERPRINT_KEY] == finding.fingerprint


def test_fix_is_written(log: Any) -> None:
    (secret,) = [r for r in results(log) if r["ruleId"] == "RC198"]
    (fix,) = secret["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert change["artifactLocation"]["uri"] == "app/settings.py"
    assert replacement["insertedContent"]["text"] == 'os.environ["AWS_SECRET_ACCESS_KEY"]'
    assert set(replacement["deletedRegion"]) == {"startLine", "startColumn", "endLine", "endColumn"}
    assert fix["properties"] == {"safe": False}


def test_related_locations_are_linked_from_the_message(log: Any) -> None:
    # The fixture's secret (line 4) is paired with the key id on line 3.
    (secret,) = [r for r in by_path(log, "app/settings.py") if r["ruleId"] == "RC198"]
    assert secret["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    (related,) = secret["relatedLocations"]
    assert related["id"] == 1
    assert related["message"] == {"text": "access key id"}
    physical = related["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "app/settings.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 3, "startColumn": 15, "endLine": 3, "endColumn": 35}
    # GitHub's embedded-link syntax: "[text](id)" names the related location by its id.
    assert "(access key id on [line 3](1))" in secret["message"]["text"]
    # Results without related locations have no relatedLocations key at all.
    assert all(
        "relatedLocations" not in r for r in results(log) if "[line " not in r["message"]["text"]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ('reads os.environ["KEY"]', 'reads os.environ["KEY"]'),
        ('calls f["k"](x)', 'calls f\\["k"\\](x)'),
        ("[line 3](1) and [a](b)", "\\[line 3\\](1) and \\[a\\](b)"),
    ],
)
def test_link_shaped_text_in_messages_is_escaped(text: str, expected: str) -> None:
    assert sarif_mod.escape_links(text) == expected


def test_suppressed_findings_are_not_written(log: Any, report: ScanReport) -> None:
    assert [f.location.line for f in report.suppressed] == [7]
    assert KEY_IDS[2] not in json.dumps(log)


def test_notices_become_tool_execution_notifications(log: Any) -> None:
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"] == {"id": "RC902", "index": 0}
    assert note["level"] == "note"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "img/logo.png"
    assert log["runs"][0]["tool"]["driver"]["notifications"][0]["id"] == "RC902"


def test_error_notice_marks_execution_unsuccessful(report: ScanReport) -> None:
    error = Notice(
        NoticeCode.RULE_ERROR, "rule RC101 failed", "a.py", NoticeLevel.ERROR, 3, "RC101"
    )
    failing = dataclasses.replace(report, notices=[*report.notices, error])
    log = json.loads(render(failing))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert notes[0]["associatedRule"] == {"id": "RC101", "index": 0}
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert schema_errors(log) == []


@pytest.mark.parametrize(
    ("shard", "category", "expected"),
    [
        (None, "", "rolecall/"),
        ("2/4", "", "rolecall/shard-2-of-4/"),
        ("a b", "", "rolecall/shard-a-b/"),
        (None, "rolecall-backend", "rolecall-backend/"),
        ("1/2", "sec/rolecall/", "sec/rolecall/shard-1-of-2/"),
    ],
)
def test_automation_id(
    shard: str | None, category: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sarif_mod.CATEGORY_ENV, category)
    assert sarif_mod.automation_id(shard) == expected


def test_result_limit_keeps_the_most_severe(
    report: ScanReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_mod, "MAX_RESULTS", 3)
    log = json.loads(render(report))
    kept = results(log)
    assert len(kept) == 3
    assert {r["level"] for r in kept} == {"error"}
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    limit = [n for n in notes if n["descriptor"]["id"] == "RC910"]
    dropped = len(report.findings) - 3
    assert limit and limit[0]["message"]["text"].startswith(f"{dropped} of {len(report.findings)}")


# --- golden file --------------------------------------------------------------------


def normalise(text: str, root: Path) -> str:
    """Replace what changes between machines and runs: the root, the version, key ids."""
    log = json.loads(text)
    run = log["runs"][0]
    run["tool"]["driver"]["version"] = run["tool"]["driver"]["semanticVersion"] = "VERSION"
    base = run["originalUriBaseIds"]["%SRCROOT%"]
    assert base["uri"] == root.resolve().as_uri() + "/"
    base["uri"] = "file:///SRCROOT/"
    out = json.dumps(log, indent=2) + "\n"
    for n, key_id in enumerate(KEY_IDS):
        out = out.replace(key_id, f"{{{{AKIA:{n}}}}}")
    return out


def test_golden_file(tree: Path) -> None:
    report = scan_tree(tree, fixture_registry(installed=False))
    check_golden(GOLDEN, normalise(render(report), tree))


def test_golden_file_holds_no_key_shaped_text() -> None:
    assert not re.search(r"(AKIA|ASIA)[A-Z0-9]{16}", GOLDEN.read_text(encoding="utf-8"))


def test_clean_scan_writes_an_empty_results_array(tree: Path) -> None:
    # An empty array (not a missing one) is what closes alerts fixed since the last upload.
    registry = fixture_registry()
    report = ScanReport(root=str(tree), tool_version="1.0.0", rules=registry.infos())
    log = json.loads(render(report))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert schema_errors(log) == []


def test_gzipped_size_limit_drops_the_least_severe(
    report: ScanReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    full = render(report)
    monkeypatch.setattr(sarif_mod, "MAX_GZIP_BYTES", len(gzip.compress(full.encode())) - 100)
    text = render(report)
    assert len(gzip.compress(text.encode())) <= sarif_mod.MAX_GZIP_BYTES
    log = json.loads(text)
    kept = results(log)
    assert 0 < len(kept) < len(report.findings)
    assert "note" not in {r["level"] for r in kept}
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    (limit,) = [n for n in notes if n["descriptor"]["id"] == "RC910"]
    assert "gzipped per file" in limit["message"]["text"]


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\\", blacklist_categories=("Cs",)),
        min_size=1,
    )
)
@example("\udcff/\udc80.py")  # surrogate-escaped bytes of an undecodable file name
def test_artifact_uris_are_valid_relative_references(path: str) -> None:
    validator = pytest.importorskip("rfc3986_validator")
    path = path.lstrip("/") or "x"
    uri = sarif_mod.artifact_uri(path)
    assert validator.validate_rfc3986(uri, rule="URI_reference")
    assert not validator.validate_rfc3986(uri, rule="URI")  # no scheme: relative
    assert unquote(uri, errors="surrogateescape") == path


def test_a_lone_surrogate_still_gives_a_valid_uri() -> None:
    validator = pytest.importorskip("rfc3986_validator")
    uri = sarif_mod.artifact_uri("a\udd00.py")  # not an escaped byte: no file has this name
    assert uri == "a%3F.py" and validator.validate_rfc3986(uri, rule="URI_reference")


def test_undecodable_file_names_keep_their_bytes() -> None:
    assert sarif_mod.artifact_uri("caf\udce9.py") == "caf%E9.py"
    assert sarif_mod.artifact_uri("a:b/c d.py") == "a%3Ab/c%20d.py"


@given(st.binary(max_size=40))
@example(b"a/b c%d:e?f#g\xff")
def test_percent_encoding_is_urllib_quote_with_slash_kept(raw: bytes) -> None:
    from urllib.parse import quote

    assert sarif_mod.percent_encode(raw) == quote(raw, safe="/")


@pytest.mark.parametrize("name", ["plain", "with space", "per%cent", "caf\u00e9", "a:b", "x#y?z"])
def test_the_root_uri_is_pathlibs(tmp_path: Path, name: str) -> None:
    real = tmp_path / "real" / name
    real.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    for root in (real, link, tmp_path / "real" / "." / name, tmp_path / "not-there" / name):
        assert sarif_mod.root_uri(str(root)) == root.resolve().as_uri()
    assert sarif_mod.root_uri(str(link)) == real.as_uri()  # the link is resolved
