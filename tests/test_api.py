"""The library API (``rolecall.scan``, ``rolecall.scan_text``, ``Report``) gives the
command line's answer, on real files, real configuration files and a real baseline."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import rolecall
from rolecall.config.options import EngineOptions, RuleSelection
from rolecall.engine.core import Engine
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.model import NoticeCode
from rolecall.plugin.registry import Registry, default_registry


def _cli(cwd: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "xdg-cache")}
    return subprocess.run(
        [sys.executable, "-m", "rolecall", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _pair(name: str = "AWS") -> str:
    return f"{name}_ACCESS_KEY_ID={fake_key_id()}\n{name}_SECRET_ACCESS_KEY={fake_secret_key()}\n"


def _tree(root: Path, tmp: Path) -> None:
    """Configuration at two levels, a baseline accepting the first findings, then new
    findings, an inline suppression, a passed-over pyproject.toml and a binary file."""
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.rolecall]\nbaseline = ".rolecall-baseline.json"\nfail-level = "error"\n'
        'ignore = ["RC105"]\n\n[tool.rolecall.severity-overrides]\nRC102 = "error"\n'
        '\n[tool.rolecall.sarif]\ninformation-uri = "https://example.org/our-rolecall"\n'
    )
    (root / "old.env").write_text(_pair())
    (root / "app.py").write_text(
        "import boto3\n"
        f'KEY = "{fake_key_id()}"\n'
        f'SECRET = "{fake_secret_key()}"\n'
        's3 = boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)\n'
    )
    made = _cli(root, tmp, "baseline")
    assert made.returncode == 0, made.stderr
    (root / "new.env").write_text(_pair())
    (root / "quiet.txt").write_text(f"{fake_key_id()}  # rolecall: ignore[RC101] -- a test\n")
    (root / "temporary.txt").write_text(fake_key_id("ASIA") + "\n")
    (root / "blob.bin").write_bytes(b"\0\1\2" * 100)
    legacy = root / "legacy"
    legacy.mkdir()
    (legacy / ".rolecall.toml").write_text('select = ["RC1"]\nignore = ["RC104"]\n')
    (legacy / "settings.env").write_text(_pair())
    (legacy / "keys.txt").write_text(fake_key_id() + "\n")
    other = legacy / "vendor"
    other.mkdir()
    (other / "pyproject.toml").write_text("[project\nname = 'broken'\n")  # not ours: passed over
    (other / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={fake_key_id()}\n")


def _timeless(doc: dict[str, Any]) -> dict[str, Any]:
    doc["stats"].pop("seconds")
    return doc


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("api")
    _tree(tmp / "repo", tmp)
    return tmp / "repo"


def test_scan_and_the_cli_agree_with_configs_at_two_levels_and_a_baseline(
    tree: Path, tmp_path: Path
) -> None:
    cli = _cli(tree, tmp_path, "scan", "--format", "json", "--no-cache", "-j", "1")
    report = rolecall.scan(base=tree)
    assert _timeless(json.loads(report.to_json())) == _timeless(json.loads(cli.stdout))
    assert report.exit_code == cli.returncode == 1
    # What the agreement covers, so that it cannot hold by being empty:
    paths = {f.location.path for f in report.findings}
    assert "old.env" not in paths and "new.env" in paths  # the baseline at work
    assert report.accepted_by_baseline >= 2  # old.env's pair and app.py's call
    assert "legacy/keys.txt" in paths
    assert not any(f.rule_id == "RC104" for f in report.findings if "legacy" in f.location.path)
    assert not any(
        f.rule_id.startswith("RC3") for f in report.findings if "legacy/" in f.location.path
    )
    temporary = [f for f in report.findings if f.location.path == "temporary.txt"]
    assert [f.severity for f in temporary] == [rolecall.Severity.ERROR]  # override
    assert [f.location.path for f in report.suppressed] == ["quiet.txt"]
    codes = {n.code for n in report.notices}
    assert {NoticeCode.BINARY, NoticeCode.UNPARSEABLE} <= codes
    assert report.fail_level is rolecall.Severity.ERROR


@pytest.mark.parametrize(
    ("flags", "kwargs"),
    [
        ((), {}),
        (("-v",), {"verbose": 1}),
        (("--format", "sarif"), {"format": "sarif"}),
        (("--format", "github"), {"format": "github"}),
        (
            ("--no-baseline", "--fail-level", "warning"),
            {"baseline": False, "fail_level": "warning"},
        ),
        (("--report-stale", "--select", "RC1,RC3"), {"report_stale": True, "select": "RC1,RC3"}),
        (("--isolated", "--exclude", "legacy/"), {"isolated": True, "exclude": "legacy/"}),
        (("--config", "legacy/.rolecall.toml", "legacy"), {"config": "legacy/.rolecall.toml"}),
    ],
)
def test_every_format_and_flag_writes_what_the_cli_writes(
    tree: Path, tmp_path: Path, flags: tuple[str, ...], kwargs: dict[str, Any]
) -> None:
    fmt = kwargs.pop("format", "text")
    verbose = kwargs.pop("verbose", 0)
    paths = [a for a in flags if a == "legacy"]
    options = [a for a in flags if a != "legacy"]
    cli = _cli(tree, tmp_path, "scan", "--no-cache", "-j", "1", "--format", fmt, *options, *paths)
    report = rolecall.scan(paths or ".", base=tree, **kwargs)
    if fmt == "text":
        ours = report.to_text(verbose=verbose)
    elif fmt == "sarif":
        ours = report.to_sarif(indent=verbose > 0)
        assert '"informationUri": "https://example.org/our-rolecall"' in ours.replace('":"', '": "')
    else:
        ours = report.render(fmt)
    assert _no_time(ours) == _no_time(cli.stdout)
    assert report.exit_code == cli.returncode


def _no_time(text: str) -> str:
    import re

    return re.sub(r"in \d+\.\d+s|\"(seconds|endTimeUtc|startTimeUtc)\": ?[^,}]+", "T", text)


def test_stale_entries_are_counted(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.env").write_text(_pair())
    (root / "b.txt").write_text(fake_key_id() + "\n")
    assert _cli(root, tmp_path, "baseline", "--isolated").returncode == 0
    (root / "b.txt").write_text("rotated\n")
    report = rolecall.scan(base=root, isolated=True, baseline=".rolecall-baseline.json")
    assert report.stale_baseline_entries == 0 and report.accepted_by_baseline == 1
    report = rolecall.scan(
        base=root, isolated=True, baseline=".rolecall-baseline.json", report_stale=True
    )
    stale = [n for n in report.notices if n.code is NoticeCode.STALE_BASELINE]
    assert report.stale_baseline_entries == len(stale) == 1 and stale[0].path == "b.txt"
    assert not report.findings and report.exit_code == 0


def test_base_makes_paths_relative_to_it(tree: Path, tmp_path: Path) -> None:
    cli = _cli(tree, tmp_path, "scan", "--format", "json", "--no-cache", "-j", "1", "legacy")
    inside = rolecall.scan("legacy", base=tree)
    assert _timeless(json.loads(inside.to_json())) == _timeless(json.loads(cli.stdout))
    absolute = rolecall.scan(tree / "legacy", base=tree)
    assert absolute.findings == inside.findings
    elsewhere = rolecall.scan(tree / "legacy", base=tree / "legacy")
    assert {f.location.path for f in elsewhere.findings} == {
        p.removeprefix("legacy/") for p in (f.location.path for f in inside.findings)
    }


def test_report_is_frozen_and_judged_at_any_level(tree: Path) -> None:
    report = rolecall.scan(base=tree)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.findings = ()  # type: ignore[misc]
    assert isinstance(report.findings, tuple) and isinstance(report.notices, tuple)
    assert all(isinstance(f, rolecall.Finding) for f in report.findings)
    assert report.failing() and report.exit_code == 1
    assert hash(report.stats) == hash(dataclasses.replace(report.stats))


def test_with_fail_level_changes_the_exit_code_and_the_summary(tmp_path: Path) -> None:
    (tmp_path / "session.txt").write_text(fake_key_id("ASIA") + "\n")  # a warning
    report = rolecall.scan(tmp_path, isolated=True)
    assert [f.severity.value for f in report.findings] == ["warning"]
    assert report.exit_code == 1
    strict = report.with_fail_level("error")
    assert strict.exit_code == 0 and strict.failing() == ()
    rescanned = rolecall.scan(tmp_path, isolated=True, fail_level="error")
    assert rescanned.fail_level is rolecall.Severity.ERROR
    assert dataclasses.replace(rescanned, stats=strict.stats) == strict
    summary = json.loads(strict.to_json())["summary"]
    assert (summary["fail_level"], summary["failed"]) == ("error", False)
    assert rolecall.scan(tmp_path, isolated=True, fail_level="error").exit_code == 0


def test_user_mistakes_raise_what_the_cli_maps_to_exit_2(tmp_path: Path) -> None:
    with pytest.raises(rolecall.PathNotFound):
        rolecall.scan("missing", base=tmp_path)
    with pytest.raises(rolecall.UsageError, match="fail_level"):
        rolecall.scan(tmp_path, fail_level="bad")
    with pytest.raises(rolecall.UsageError, match="report-stale needs a baseline"):
        rolecall.scan(tmp_path, isolated=True, report_stale=True)
    (tmp_path / ".rolecall.toml").write_text("bogus = 1\n")
    with pytest.raises(rolecall.ConfigError, match="bogus"):
        rolecall.scan(tmp_path)
    with pytest.raises(rolecall.ConfigError, match="baseline"):
        rolecall.scan(tmp_path, isolated=True, baseline="none.json")
    assert issubclass(rolecall.UsageError, rolecall.ConfigError)
    assert _cli(tmp_path, tmp_path, "scan").returncode == 2


def test_scan_text_reads_by_name_without_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    key, secret = fake_key_id(), fake_secret_key()
    code = (
        "import boto3\n"
        f'boto3.client("s3", aws_access_key_id="{key}", aws_secret_access_key="{secret}")\n'
    )
    assert not Path("src/app.py").exists()
    as_python = rolecall.scan_text(code, "src/app.py")
    assert [f.rule_id for f in as_python] == ["RC201"]
    assert as_python[0].location.path == "src/app.py" and as_python[0].location.line == 2
    as_text = rolecall.scan_text(code, "notes.txt")
    assert {f.rule_id for f in as_text} == {"RC101"}
    # The same text scanned from a file gives the same findings.
    (tmp_path / "app.py").write_text(code)
    from_disk = rolecall.scan(tmp_path / "app.py", base=tmp_path, isolated=True)
    assert [f.rule_id for f in from_disk.findings] == ["RC201"]
    assert from_disk.findings[0].fingerprint == rolecall.scan_text(code, "app.py")[0].fingerprint
    suppressed = code.replace("\nboto3", "\n# rolecall: ignore[RC201]\nboto3")
    assert rolecall.scan_text(suppressed, "app.py") == []
    assert rolecall.scan_text(code, "app.py", select="RC1") != []
    assert rolecall.scan_text(code, "app.py", ignore=["RC2", "RC1"]) == []


def test_scan_text_uses_a_configuration_only_when_given(tmp_path: Path) -> None:
    config = tmp_path / ".rolecall.toml"
    config.write_text(
        '[severity-overrides]\nRC101 = "note"\n\n[per-file-ignores]\n"fixtures/*" = ["RC1"]\n'
    )
    text = fake_key_id() + "\n"
    assert [f.severity.value for f in rolecall.scan_text(text, "a.txt")] == ["error"]
    assert [f.severity.value for f in rolecall.scan_text(text, "a.txt", config=config)] == ["note"]
    assert rolecall.scan_text(text, "fixtures/a.txt", config=config) == []
    assert rolecall.scan_text(text, "fixtures/a.txt") != []


def test_scan_text_with_no_rule_raises() -> None:
    with pytest.raises(rolecall.UsageError, match="no rule is enabled: select RC101 and ignore"):
        rolecall.scan_text("x = 1\n", "a.py", select="RC101", ignore="RC101")


def test_engine_without_rules_says_so() -> None:
    empty = Engine(Registry()).scan_bytes("a.env", b"A=1\n")
    assert [(n.code, n.path) for n in empty.notices] == [(NoticeCode.NO_RULES, None)]
    assert "the registry holds no rule" in empty.notices[0].message
    none = Engine(default_registry(), EngineOptions(RuleSelection(ignore=("RC",))))
    assert none.rule_ids == []
    result = none.scan_bytes("a.env", _pair().encode())
    assert not result.findings
    assert [n.message for n in result.notices] == [none.no_rules_message()]
    assert "ignore RC leaves none of" in none.no_rules_message()
    some = Engine(default_registry(), EngineOptions(RuleSelection(select=("RC101",))))
    assert not some.scan_bytes("a.env", _pair().encode()).notices


def test_cli_with_no_rule_says_so_once_also_from_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    for i in range(3):
        (root / f"f{i}.env").write_text(_pair())
    outputs = []
    for _ in range(2):  # the second run is answered from the cache
        run = _cli(root, tmp_path, "scan", "--isolated", "--select", "RC101", "--ignore", "RC101")
        assert run.returncode == 0
        outputs.append(_no_time(run.stdout))
        assert run.stdout.count("RC912 no-rules-enabled [warning] no rule is enabled") == 1
    assert outputs[0] == outputs[1]
    args = ("scan", "--isolated", "--select", "RC101", "--ignore", "RC101", "--format", "json")
    doc = json.loads(_cli(root, tmp_path, *args).stdout)
    assert [(n["code"], n["path"]) for n in doc["notices"]] == [("RC912", None)]


def test_no_rule_notice_survives_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A result answered from the cache's file index keeps the notice pathless."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    # Every file counts as settled, so the file index records them (see test_perf_index).
    monkeypatch.setattr("rolecall.cache.store.SETTLED_NS", -60_000_000_000)
    root = tmp_path / "repo"
    root.mkdir()
    for i in range(3):
        (root / f"f{i}.env").write_text(_pair())
    first = rolecall.scan(root, isolated=True, select="RC101", ignore="RC101", cache=True)
    second = rolecall.scan(root, isolated=True, select="RC101", ignore="RC101", cache=True)
    assert (first.stats.cached, second.stats.cached) == (0, 3)
    assert first.notices == second.notices
    assert [(n.code, n.path) for n in second.notices] == [(NoticeCode.NO_RULES, None)]


def test_a_subdirectory_that_enables_no_rule_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text(_pair())
    off = tmp_path / "off"
    off.mkdir()
    (off / ".rolecall.toml").write_text('ignore = ["RC"]\n')
    (off / "b.env").write_text(_pair())
    report = rolecall.scan(base=tmp_path)
    assert {f.location.path for f in report.findings} == {"a.env"}
    (notice,) = report.notices
    assert notice.message.startswith("no rule is enabled for the files under off/: ignore RC")
    # A directory outside the scan's base is not named with a path that climbs out.
    (outside,) = rolecall.scan(off, isolated=True, ignore="RC").notices
    assert outside.message.startswith("no rule is enabled: ignore RC leaves none of")


def test_dir_and_all_list_the_api_and_importing_stays_lazy() -> None:
    for name in ("scan", "scan_text", "Report", "ReportStats", "UsageError", "Rule", "Finding"):
        assert name in rolecall.__all__ and name in dir(rolecall)
    assert dir(rolecall) == sorted(rolecall.__all__)
    code = (
        "import sys, rolecall\n"
        "before = sorted(m for m in sys.modules if m.startswith('rolecall.'))\n"
        "names = dir(rolecall)\n"
        "after = sorted(m for m in sys.modules if m.startswith('rolecall.'))\n"
        "rolecall.scan\n"
        "print(before == after, 'rolecall.api' in before, 'rolecall.api' in sys.modules,"
        " 'rolecall.engine.core' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "True", "False"]
