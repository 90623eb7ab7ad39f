"""The engine: rule isolation, views, prefilter, kinds, allowlist, severities, per-file
ignores, and the parallel runner surviving a dead worker."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rolecall.engine.filescan as filescan
import rolecall.engine.runner as runner
import rolecall.engine.workers as workers
from rolecall import DocKind, Document, Finding, RuleContext, Severity, View, ViewError
from rolecall.engine.core import Engine, EngineOptions, RuleSelection, scan_text
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.model import Location, NoticeCode, NoticeLevel, RelatedLocation, merge_related
from rolecall.plugin.registry import Registry, build_registry
from rolecall.plugin.rule import Rule
from rolecall.rules.aws.keys import LongTermAccessKeyId

from tests.conftest import rule_class, write_tree

SECRET_IN_MESSAGE = "hunter2-" + "s3cr3t-value"


def _raises(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    raise ValueError(f"could not handle {SECRET_IN_MESSAGE}")
    yield  # pragma: no cover - makes this a generator


def _deep(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    raise RecursionError("too deep")
    yield  # pragma: no cover


def registry_with(*classes: type[Rule]) -> Registry:
    registry = build_registry([("aws", LongTermAccessKeyId), *(("test", c) for c in classes)])
    assert registry.notices == []
    return registry


def test_a_rule_that_raises_becomes_a_notice_and_others_still_run(key_id: str) -> None:
    broken = rule_class("RC198", "test-broken", check=_raises)
    engine = Engine(registry_with(broken))
    result = scan_text(engine, "app/settings.py", f"k = '{key_id}'\n")
    assert [f.rule_id for f in result.findings] == ["RC101"]
    (notice,) = result.notices
    assert notice.code is NoticeCode.RULE_ERROR and notice.level is NoticeLevel.ERROR
    assert notice.rule_id == "RC198" and notice.path == "app/settings.py"
    assert "RC198" in notice.message and "test-broken" in notice.message
    assert "ValueError" in notice.message and "test_core.py" in notice.message
    assert SECRET_IN_MESSAGE not in notice.message  # messages may quote scanned text


def test_a_rule_recursing_too_deep_is_a_limit_notice(key_id: str) -> None:
    engine = Engine(registry_with(rule_class("RC198", "test-deep", check=_deep)))
    result = scan_text(engine, "a.py", f"k = '{key_id}'\n")
    assert [f.rule_id for f in result.findings] == ["RC101"]
    assert [(n.code, n.rule_id) for n in result.notices] == [(NoticeCode.LIMIT, "RC198")]


BUILDS: list[str] = []


def _build_broken(doc: Document) -> object:
    BUILDS.append(doc.path)
    raise ViewError("unexpected token", line=3)


def _build_recursive(doc: Document) -> object:
    raise RecursionError


BROKEN_VIEW: View[object] = View("fake-format", _build_broken)
RECURSIVE_VIEW: View[object] = View("deep-format", _build_recursive)


def _uses(view: View[object]) -> object:
    def check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        doc.view(view)
        yield self.finding(doc, 0, 1, material="never")

    return check


def test_a_view_error_is_one_notice_per_view(key_id: str) -> None:
    BUILDS.clear()
    engine = Engine(
        registry_with(
            rule_class("RC196", "test-view-a", check=_uses(BROKEN_VIEW)),
            rule_class("RC197", "test-view-b", check=_uses(BROKEN_VIEW)),
            rule_class("RC198", "test-view-c", check=_uses(RECURSIVE_VIEW)),
        )
    )
    result = scan_text(engine, "a.cfg", f"[x]\nk = {key_id}\n")
    assert [f.rule_id for f in result.findings] == ["RC101"]  # text rules still ran
    assert BUILDS == ["a.cfg"]  # the failed build is cached, not retried per rule
    notices = sorted(((n.code, n.line, n.message) for n in result.notices), key=str)
    assert notices == [
        (
            NoticeCode.UNPARSEABLE,
            3,
            "cannot parse as fake-format: unexpected token; text rules still ran",
        ),
        (
            NoticeCode.UNPARSEABLE,
            None,
            "cannot parse as deep-format: nesting too deep to parse; text rules still ran",
        ),
    ]


def test_views_are_built_once_and_shared() -> None:
    calls: list[str] = []

    def build(doc: Document) -> list[str]:
        calls.append(doc.path)
        return doc.text.split()

    words: View[list[str]] = View("words", build)
    doc = Document("a.txt", b"one two")
    assert doc.view(words) is doc.view(words)
    assert calls == ["a.txt"]


def _counting(calls: list[str]) -> object:
    def check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        calls.append(doc.path)
        return iter(())

    return check


def test_prefilter_keywords_skip_a_rule() -> None:
    calls: list[str] = []
    cls = rule_class("RC198", "test-zebra", keywords=("zebra", "Okapi"), check=_counting(calls))
    engine = Engine(registry_with(cls))
    scan_text(engine, "none.txt", "a horse and a donkey\n")
    scan_text(engine, "upper.txt", "a ZEBRA\n")
    scan_text(engine, "lower.txt", "an okapi\n")
    scan_text(engine, "utf16.txt", b"\xff\xfe" + "a Zebra".encode("utf-16-le"))
    assert calls == ["upper.txt", "lower.txt", "utf16.txt"]


def test_no_keywords_means_always_run() -> None:
    calls: list[str] = []
    engine = Engine(registry_with(rule_class("RC198", "test-all", check=_counting(calls))))
    scan_text(engine, "a.txt", "")
    assert calls == ["a.txt"]


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("config.yml", True),
        ("deploy.yaml", True),
        (".github/workflows/ci.yml", True),  # a workflow counts as YAML too
        ("app.py", False),
        ("notes.txt", False),
    ],
)
def test_kinds_filter(path: str, runs: bool) -> None:
    calls: list[str] = []
    cls = rule_class("RC198", "test-yaml", kinds=frozenset({DocKind.YAML}), check=_counting(calls))
    scan_text(Engine(registry_with(cls)), path, "a: b\n")
    assert calls == ([path] if runs else [])


def test_allowlist_drops_matching_findings(key_id: str) -> None:
    text = f"a = '{key_id}'\nb = needle\n"
    registry = registry_with(rule_class("RC198", "test-needle"))
    allow = (key_id[:8] + ".*",)
    result = scan_text(Engine(registry, EngineOptions(allowlist=allow)), "a.py", text)
    assert [f.rule_id for f in result.findings] == ["RC198"]
    result = scan_text(Engine(registry, EngineOptions(allowlist=("^nothing$",))), "a.py", text)
    assert [f.rule_id for f in result.findings] == ["RC101", "RC198"]


def test_severity_overrides_longest_prefix_wins(key_id: str) -> None:
    registry = registry_with(rule_class("RC198", "test-needle"))
    overrides = {"RC1": Severity.NOTE, "RC101": Severity.WARNING}
    options = EngineOptions(selection=RuleSelection(severity_overrides=overrides))
    result = scan_text(Engine(registry, options), "a.txt", f"{key_id} needle\n")
    assert [(f.rule_id, f.severity) for f in result.findings] == [
        ("RC101", Severity.WARNING),
        ("RC198", Severity.NOTE),
    ]


def test_severity_override_for_all_rules() -> None:
    overrides = {"RC1": Severity.WARNING, "ALL": Severity.NOTE}
    selection = RuleSelection(severity_overrides=overrides)
    assert selection.severity_for("RC101", Severity.ERROR) is Severity.WARNING
    assert selection.severity_for("RC201", Severity.ERROR) is Severity.NOTE
    assert RuleSelection().severity_for("RC201", Severity.ERROR) is Severity.ERROR


@pytest.mark.parametrize(
    ("path", "reported"),
    [
        ("tests/test_a.py", ["RC198"]),
        ("tests/deep/test_b.py", ["RC198"]),
        ("src/app.py", ["RC101", "RC198"]),
        ("docs/guide.md", []),
        ("guide.md", []),
    ],
)
def test_per_file_ignores(path: str, reported: list[str], key_id: str) -> None:
    registry = registry_with(rule_class("RC198", "test-needle"))
    ignores = (("tests/*", ("RC101",)), ("*.md", ("RC1",)))
    options = EngineOptions(selection=RuleSelection(per_file_ignores=ignores))
    result = scan_text(Engine(registry, options), path, f"{key_id} needle\n")
    assert [f.rule_id for f in result.findings] == reported


@pytest.mark.parametrize(
    ("select", "ignore", "enabled"),
    [
        ((), (), ["RC101", "RC198", "RC201"]),
        (("RC1",), (), ["RC101", "RC198"]),
        (("RC101", "RC2"), (), ["RC101", "RC201"]),
        ((), ("RC19",), ["RC101", "RC201"]),
        (("ALL",), ("RC101",), ["RC198", "RC201"]),
        (("RC1",), ("RC1",), []),
    ],
)
def test_select_and_ignore(
    select: tuple[str, ...], ignore: tuple[str, ...], enabled: list[str]
) -> None:
    registry = registry_with(rule_class("RC198", "test-a"), rule_class("RC201", "test-b"))
    options = EngineOptions(selection=RuleSelection(select=select, ignore=ignore))
    assert Engine(registry, options).rule_ids == enabled


def _twice(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    for _ in range(2):
        yield self.finding(doc, 2, 4, material="same")
    yield self.finding(doc, 0, 1, material="first")


def test_duplicates_dropped_and_findings_sorted() -> None:
    engine = Engine(registry_with(rule_class("RC198", "test-twice", check=_twice)))
    result = scan_text(engine, "a.txt", "abcdef\n")
    assert [f.location.column for f in result.findings] == [1, 3]


def test_an_internal_error_in_one_file_is_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key_id: str
) -> None:
    write_tree(tmp_path, {"a.txt": key_id, "b.txt": key_id, "c.txt": key_id})
    real = filescan.read_entry

    def flaky(entry: runner.FileEntry, max_size: int) -> object:
        if entry.display == "b.txt":
            raise RuntimeError(SECRET_IN_MESSAGE)
        return real(entry, max_size)

    monkeypatch.setattr(filescan, "read_entry", flaky)
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    assert [f.location.path for f in report.findings] == ["a.txt", "c.txt"]
    assert [(n.path, n.code) for n in report.notices] == [("b.txt", NoticeCode.INTERNAL)]
    assert SECRET_IN_MESSAGE not in report.notices[0].message


# --- the parallel runner ---------------------------------------------------------------

PARENT_PID = os.getpid()


def _dies_in_worker(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    if doc.path.endswith("f03.txt") and os.getpid() != PARENT_PID:
        os._exit(7)  # a crash that takes the worker process down
    if "needle" in doc.text:
        yield self.finding(doc, 0, 6, material=doc.path)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a few small files take the parallel path, in many batches."""
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(workers, "BATCH_FILES", 2)


def _tree(tmp_path: Path, count: int = 30) -> None:
    write_tree(tmp_path, {f"d/f{n:02}.txt": f"needle {n}\n" for n in range(count)})


@pytest.mark.usefixtures("small_batches")
def test_parallel_results_equal_serial(tmp_path: Path, key_id: str) -> None:
    _tree(tmp_path)
    write_tree(tmp_path, {"k.py": f"k = '{key_id}'\n"})
    registry = registry_with(rule_class("RC198", "test-needle"))

    def run(jobs: int) -> tuple[list[tuple[str, str, int]], int]:
        request = ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=jobs)
        report = run_scan(request, registry=registry)
        found = [(f.location.path, f.rule_id, f.location.column) for f in report.findings]
        return found, report.stats.jobs

    serial, serial_jobs = run(1)
    parallel, parallel_jobs = run(2)
    assert (serial_jobs, parallel_jobs) == (1, 2)
    assert parallel == serial and len(serial) == 31


@pytest.mark.usefixtures("small_batches")
def test_worker_death_does_not_lose_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    registry = registry_with(rule_class("RC198", "test-dies", check=_dies_in_worker))
    request = ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=2)
    report = run_scan(request, registry=registry)
    assert report.stats.jobs == 2
    assert [f.location.path for f in report.findings] == [f"d/f{n:02}.txt" for n in range(30)]
    rescanned = [n for n in report.notices if n.code is NoticeCode.INTERNAL]
    assert rescanned and all(n.level is NoticeLevel.INFO for n in rescanned)
    assert "d/f03.txt" in {n.path for n in rescanned}


@pytest.mark.usefixtures("small_batches")
def test_rule_errors_in_workers_are_notices(tmp_path: Path) -> None:
    _tree(tmp_path, 6)
    registry = registry_with(rule_class("RC198", "test-broken", check=_raises))
    request = ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=2)
    report = run_scan(request, registry=registry)
    assert report.stats.jobs == 2
    assert [(n.path, n.code) for n in report.notices] == [
        (f"d/f{n:02}.txt", NoticeCode.RULE_ERROR) for n in range(6)
    ]


def _value_rule(
    rule_id: str,
    name: str,
    *,
    covers_suffix: str = "",
    level: Severity = Severity.WARNING,
    **attrs: Any,
) -> type[Rule]:
    """A rule reporting each ``KEY=value`` value, covering the value (plus a suffix)."""

    def check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in re.finditer(r"KEY=(\w+)", doc.text):
            value = match.group(1)
            yield self.finding(
                doc,
                match.start(1),
                match.end(1),
                material=value,
                covers=(value + covers_suffix,),
                severity=level,
            )

    return rule_class(rule_id, name, check=check, **attrs)


@pytest.mark.parametrize(
    ("supersedes", "covers_suffix", "level", "expected"),
    [
        (("RC1",), "", Severity.WARNING, ["RC301"]),  # same value: the specific rule wins
        (("RC1",), "", Severity.ERROR, ["RC301"]),  # ... also when it is more severe
        (("RC1",), "", Severity.NOTE, ["RC101", "RC301"]),  # never for a milder finding
        (("RC1",), "-other", Severity.WARNING, ["RC101", "RC301"]),  # other values: both
        (("RC2",), "", Severity.WARNING, ["RC101", "RC301"]),  # another family only
        ((), "", Severity.WARNING, ["RC101", "RC301"]),  # no supersedes: both stay
    ],
)
def test_a_rule_supersedes_generic_findings_on_the_same_value(
    supersedes: tuple[str, ...], covers_suffix: str, level: Severity, expected: list[str]
) -> None:
    generic = _value_rule("RC101", "generic-value")
    specific = _value_rule(
        "RC301", "specific-value", covers_suffix=covers_suffix, level=level, supersedes=supersedes
    )
    registry = build_registry([("test", generic), ("test", specific)])
    result = Engine(registry).scan_document(Document("a.env", b"KEY=abc123\n"))
    assert sorted(f.rule_id for f in result.findings) == expected


def test_the_superseding_finding_adopts_the_lines_it_replaced() -> None:
    # The generic rule sees the value on line 3; the specific rule reports at "USE" on
    # line 5, covering the same value: the value's line stays in the report through it.
    def use_check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        at = doc.text.index("USE")
        yield self.finding(doc, at, at + 3, material="use", covers=("abc123",))

    generic = _value_rule("RC101", "generic-value")
    specific = rule_class("RC301", "specific-use", check=use_check, supersedes=("RC1",))
    registry = build_registry([("test", generic), ("test", specific)])
    text = "# a\n\nKEY=abc123\n\nUSE\n"
    result = Engine(registry).scan_document(Document("a.env", text.encode()))
    (finding,) = result.findings
    assert (finding.rule_id, finding.location.line) == ("RC301", 5)
    assert [(r.location.line, r.location.column, r.label) for r in finding.related] == [
        (3, 5, "generic value")
    ]
    # A comment on the adopted line silences the finding that adopted it.
    quiet = text.replace("KEY=abc123", "KEY=abc123  # rolecall: ignore")
    result = Engine(registry).scan_document(Document("a.env", quiet.encode()))
    assert (result.findings, [f.rule_id for f in result.suppressed]) == ([], ["RC301"])


def test_each_replaced_line_goes_to_the_nearest_superseding_finding() -> None:
    # One value written twice, each time used just after: each use adopts its own line
    # (not every occurrence in the file: with a value repeated n times that would be n²).
    def use_check(self: Rule, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in re.finditer("USE", doc.text):
            yield self.finding(doc, match.start(), match.end(), material="use", covers=("abc123",))

    generic = _value_rule("RC101", "generic-value")
    specific = rule_class("RC301", "specific-use", check=use_check, supersedes=("RC1",))
    registry = build_registry([("test", generic), ("test", specific)])
    text = "KEY=abc123\nUSE\n\n\nKEY=abc123\nUSE\n"
    result = Engine(registry).scan_document(Document("a.env", text.encode()))
    assert [
        (f.rule_id, f.location.line, [r.location.line for r in f.related]) for f in result.findings
    ] == [("RC301", 2, [1]), ("RC301", 6, [5])]


def _related(
    line: int, column: int, end_line: int, end_column: int, path: str = "a.py"
) -> RelatedLocation:
    loc = Location(path, line, column, end_line, end_column)
    return RelatedLocation(loc, f"{line}:{column}-{end_line}:{end_column}")


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(5, 1, 5, 9), (2, 1, 2, 9)], ["2:1-2:9", "5:1-5:9"]),  # file order
        ([(2, 1, 2, 9), (2, 1, 2, 9)], ["2:1-2:9"]),  # one place once
        ([(2, 2, 2, 8), (2, 1, 2, 9)], ["2:1-2:9"]),  # the bare value inside the literal
        ([(2, 1, 2, 5), (2, 5, 2, 9)], ["2:1-2:5", "2:5-2:9"]),  # touching is not overlapping
        ([(1, 3, 1, 8)], []),  # inside the primary location (line 1, columns 1-20)
        ([(1, 15, 2, 4)], ["1:15-2:4"]),  # starts inside, ends after: a place of its own
        ([(3, 1, 4, 9), (4, 2, 4, 5)], ["3:1-4:9"]),  # inside a span over several lines
    ],
)
def test_merge_related(items: list[tuple[int, int, int, int]], expected: list[str]) -> None:
    primary = Location("a.py", 1, 1, 1, 20)
    merged = merge_related(primary, [_related(*item) for item in items])
    assert [r.label for r in merged] == expected


def test_merge_related_keeps_places_in_other_files() -> None:
    primary = Location("a.py", 1, 1, 1, 20)
    merged = merge_related(primary, [_related(1, 3, 1, 8, "b.py"), _related(1, 3, 1, 8)])
    assert [r.location.path for r in merged] == ["b.py"]


def test_parallel_scan_started_mid_walk_counts_and_finds_like_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key_id: str
) -> None:
    files: dict[str, str | bytes] = {f"d{n}/f{n}.txt": f"id = {key_id}\n" for n in range(8)}
    files.update({"a/logo.png": b"\x89PNG", "z/blob.bin": b"\0\1"})
    write_tree(tmp_path, files)
    serial = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    # Workers start after two files; the rest of the walk feeds them as it goes.
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(workers, "BATCH_FILES", 2)
    parallel = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=2))
    assert parallel.stats.jobs == 2 and serial.stats.jobs == 1
    assert parallel.findings == serial.findings and len(parallel.findings) == 8
    assert parallel.notices == serial.notices
    for stats in (serial.stats, parallel.stats):
        assert (stats.files_seen, stats.files_scanned, stats.files_skipped) == (10, 8, 2)
