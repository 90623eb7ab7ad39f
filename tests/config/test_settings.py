"""Each file gets the configuration of its own directory (issue 17 #10).

Real trees on disk, scanned through the command line: the nearest ``.rolecall.toml`` or
``pyproject.toml`` with a ``[tool.rolecall]`` table at or above a file's directory
governs that file (ruff's hierarchy, no merging), whichever other paths are scanned with
it and in whatever order. The run's global settings (fail level, baseline, ...) come
from the configuration of the working directory when it holds every path.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from rolecall.cli.main import build_parser, main, scan_setup
from rolecall.config.load import find_config_file
from rolecall.engine import runner, workers
from rolecall.fakes import fake_key_id, fake_secret_key

from tests.conftest import write_tree

RNG = random.Random(1710)


def key_id() -> str:
    return fake_key_id(rng=RNG)


def env_pair() -> str:
    """A ``.env`` with a generated access key id and its secret (one RC301 finding)."""
    return f"AWS_ACCESS_KEY_ID={key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key(rng=RNG)}\n"


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["scan", "--format", "json", *args])
    out = capsys.readouterr().out
    assert out, capsys.readouterr().err
    return code, json.loads(out)


def found(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["path"], f["rule_id"]) for f in doc["findings"])


def no_config_above(path: Path) -> None:
    if find_config_file(str(path)) is not None:
        pytest.skip("a configuration file above the temporary directory")


# --- the issue's example -----------------------------------------------------------


def test_issue_example_order_of_paths_does_not_matter(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_config_above(in_tmp)
    write_tree(
        in_tmp,
        {
            "aaa/.rolecall.toml": 'ignore = ["RC"]\n',
            "aaa/x.py": f'key = "{key_id()}"\n',
            "app/.env": env_pair(),
        },
    )
    code, alone = scan(capsys, "app/.env")
    assert code == 1 and [p for p, _ in found(alone)] == ["app/.env"]
    for paths in (["aaa/x.py", "app/.env"], ["app/.env", "aaa/x.py"]):
        code, doc = scan(capsys, *paths)
        # aaa's configuration ignores every rule in aaa, and nowhere else.
        assert (code, found(doc)) == (1, found(alone)), paths
    code, doc = scan(capsys, "aaa/x.py")
    assert (code, found(doc)) == (0, [])
    code, doc = scan(capsys, ".")
    assert (code, found(doc)) == (1, found(alone))


def test_nested_config_ignores_a_rule_only_below_it(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'select = ["RC1"]\n',
            "top.txt": f"id {key_id()}\n",
            "sub/.rolecall.toml": 'ignore = ["RC101"]\n',
            "sub/inner.txt": f"id {key_id()}\n",
            "sub/deeper/more.txt": f"id {key_id()}\n",
        },
    )
    expected = [("top.txt", "RC101")]
    assert found(scan(capsys, ".")[1]) == expected
    assert found(scan(capsys, "sub/inner.txt", "top.txt")[1]) == expected
    assert found(scan(capsys, "sub")[1]) == []
    assert found(scan(capsys, "sub/deeper/more.txt")[1]) == []
    # Run from inside the sub-project: the same verdicts.
    os.chdir(in_tmp / "sub")
    # (A path outside the working directory is shown absolute.)
    assert found(scan(capsys, ".", "../top.txt")[1]) == [(str(in_tmp / "top.txt"), "RC101")]


def test_nearest_config_governs_alone_without_merging(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The parent ignores RC101; the sub-project's own file says nothing about it, and
    # governs alone (as in ruff, a nearer file replaces the ones above it).
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'ignore = ["RC101"]\n',
            "a.txt": f"id {key_id()}\n",
            "sub/.rolecall.toml": "report-examples = false\n",
            "sub/b.txt": f"id {key_id()}\n",
        },
    )
    assert found(scan(capsys, ".")[1]) == [("sub/b.txt", "RC101")]


def test_flags_override_every_files_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'ignore = ["RC101"]\n',
            "a.txt": f"id {key_id()}\n",
            "sub/.rolecall.toml": 'select = ["RC3"]\n',
            "sub/b.txt": f"id {key_id()}\n",
            "sub/.env": env_pair(),
        },
    )
    assert found(scan(capsys, ".")[1]) == [("sub/.env", "RC301")]
    # --select replaces each file's selection; --ignore adds to each file's.
    assert found(scan(capsys, "--select", "RC101", ".")[1]) == [
        ("sub/.env", "RC101"),
        ("sub/b.txt", "RC101"),
    ]
    assert found(scan(capsys, "--ignore", "RC3", ".")[1]) == []


# --- paths relative to the governing configuration ----------------------------------


def test_per_file_ignores_are_relative_to_the_governing_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": "jobs = 1\n",
            "fixtures/k.json": f'{{"id": "{key_id()}"}}\n',
            "svc/pyproject.toml": (
                '[project]\nname = "svc"\n\n'
                '[tool.rolecall.per-file-ignores]\n"fixtures/*.json" = ["RC101"]\n'
            ),
            "svc/fixtures/k.json": f'{{"id": "{key_id()}"}}\n',
        },
    )
    expected = [("fixtures/k.json", "RC101")]
    assert found(scan(capsys, ".")[1]) == expected
    assert found(scan(capsys, "svc/fixtures/k.json", "fixtures/k.json")[1]) == expected
    os.chdir(in_tmp / "svc" / "fixtures")
    assert found(scan(capsys, ".")[1]) == []
    assert found(scan(capsys, "k.json", "../../fixtures/k.json")[1]) == [
        (str(in_tmp / "fixtures" / "k.json"), "RC101")
    ]


def test_excludes_are_relative_to_the_governing_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'exclude = ["vendor/"]\n',
            "gen/a.txt": f"id {key_id()}\n",
            "vendor/.rolecall.toml": "jobs = 1\n",
            "vendor/v.txt": f"id {key_id()}\n",
            "svc/.rolecall.toml": 'exclude = ["/gen"]\n',
            "svc/gen/b.txt": f"id {key_id()}\n",
            "svc/src/gen/c.txt": f"id {key_id()}\n",
        },
    )
    # svc's "/gen" is anchored at svc: svc/gen only, not gen/ nor svc/src/gen.
    expected = [("gen/a.txt", "RC101"), ("svc/src/gen/c.txt", "RC101")]
    assert found(scan(capsys, ".")[1]) == expected
    # Named files (pre-commit passes them so) are judged the same way; the root's
    # exclude of vendor/ holds though vendor has a configuration of its own.
    named = ["svc/gen/b.txt", "gen/a.txt", "vendor/v.txt", "svc/src/gen/c.txt"]
    assert found(scan(capsys, *named)[1]) == expected
    assert found(scan(capsys, "svc")[1]) == [("svc/src/gen/c.txt", "RC101")]


def test_include_is_relative_to_the_governing_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": "jobs = 1\n",
            "a.txt": f"id {key_id()}\n",
            "svc/.rolecall.toml": 'include = ["/src/"]\n',
            "svc/top.txt": f"id {key_id()}\n",
            "svc/src/b.txt": f"id {key_id()}\n",
        },
    )
    expected = [("a.txt", "RC101"), ("svc/src/b.txt", "RC101")]
    assert found(scan(capsys, ".")[1]) == expected
    assert found(scan(capsys, "svc/top.txt", "svc/src/b.txt", "a.txt")[1]) == expected


def test_pyproject_without_a_rolecall_table_in_between(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            "pyproject.toml": '[tool.rolecall]\nignore = ["RC101"]\n',
            "lib/pyproject.toml": '[project]\nname = "lib"\n\n[tool.ruff]\nline-length = 99\n',
            "lib/a.txt": f"id {key_id()}\n",
            "broken/pyproject.toml": "[project\nname = \n",
            "broken/b.txt": f"id {key_id()}\n",
            "c.txt": f"id {key_id()}\n",
        },
    )
    code, doc = scan(capsys, ".")
    # Neither lib's nor broken's pyproject.toml is rolecall's: the root's governs both.
    assert (code, found(doc)) == (0, [])
    notices = [(n["code"], n["path"]) for n in doc["notices"] if n["code"] == "RC905"]
    assert notices == [("RC905", "broken/pyproject.toml")]
    code, doc = scan(capsys, "lib/a.txt", "broken/b.txt")
    assert (code, found(doc)) == (0, [])


# --- the run's global settings ------------------------------------------------------

GLOBAL_TREE = {
    ".rolecall.toml": 'fail-level = "error"\n[severity-overrides]\nRC101 = "warning"\n',
    "sub/.rolecall.toml": 'fail-level = "note"\n[severity-overrides]\nRC101 = "warning"\n',
}


def test_global_settings_come_from_the_working_directory(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {**GLOBAL_TREE, "sub/a.txt": f"id {key_id()}\n", "b.py": "x = 1\n"})
    # A warning in sub, judged by the root's fail level (error) from the root, whichever
    # files are in the batch: exit 0 in every case.
    for paths in (["sub/a.txt"], ["b.py", "sub/a.txt"], ["sub"], ["."]):
        code, doc = scan(capsys, *paths)
        assert code == 0 and found(doc) == [("sub/a.txt", "RC101")], paths
        assert [f["severity"] for f in doc["findings"]] == ["warning"]
    # From inside sub, sub's configuration governs the working directory: fail at note.
    os.chdir(in_tmp / "sub")
    assert scan(capsys, "a.txt")[0] == 1
    # From a directory that holds none of the paths: the configuration governing the
    # deepest directory that holds them all (sub's), whatever their order.
    (in_tmp / "elsewhere").mkdir()
    os.chdir(in_tmp / "elsewhere")
    sub = in_tmp / "sub"
    assert scan(capsys, str(sub / "a.txt"))[0] == 1
    assert scan(capsys, str(in_tmp / "b.py"), str(sub / "a.txt"))[0] == 0
    assert scan(capsys, str(sub / "a.txt"), str(in_tmp / "b.py"))[0] == 0


def test_scan_setup_names_the_global_config(in_tmp: Path) -> None:
    write_tree(in_tmp, {**GLOBAL_TREE, "sub/a.txt": ""})
    setup = scan_setup(build_parser().parse_args(["scan", "sub/a.txt"]))
    assert setup.config.path == str(in_tmp / ".rolecall.toml")
    assert setup.settings is not None
    assert setup.settings.tree.for_file(str(in_tmp / "sub" / "a.txt")).path == str(
        in_tmp / "sub" / ".rolecall.toml"
    )


def test_baseline_comes_from_the_global_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'baseline = "accepted.json"\n',
            "sub/.rolecall.toml": 'baseline = "elsewhere.json"\n',
            "sub/a.txt": f"id {key_id()}\n",
        },
    )
    assert main(["baseline", "."]) == 0
    assert (in_tmp / "accepted.json").exists() and not (in_tmp / "sub" / "elsewhere.json").exists()
    assert scan(capsys, "sub/a.txt")[0] == 0  # accepted by the root's baseline


# --- --config and --isolated: one configuration for every file ----------------------


def test_config_flag_and_isolated_apply_one_config_to_all(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            "team.toml": 'ignore = ["RC3"]\n',
            "sub/.rolecall.toml": 'ignore = ["RC101"]\n',
            "sub/a.txt": f"id {key_id()}\n",
            "sub/.env": env_pair(),
        },
    )
    assert found(scan(capsys, ".")[1]) == [("sub/.env", "RC301")]
    assert found(scan(capsys, "--isolated", ".")[1]) == [
        ("sub/.env", "RC301"),
        ("sub/a.txt", "RC101"),
    ]
    # team.toml (ignore RC3) for every file: the .env's key id is RC101's to report.
    assert found(scan(capsys, "--config", "team.toml", ".")[1]) == [
        ("sub/.env", "RC101"),
        ("sub/a.txt", "RC101"),
    ]
    setup = scan_setup(build_parser().parse_args(["scan", "--config", "team.toml", "."]))
    assert setup.settings is None and setup.walk.scopes is None


# --- the result cache and worker processes -------------------------------------------


@pytest.mark.parametrize("index", [True, False], ids=["file-index", "content-cache"])
def test_cache_with_two_configs(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    index: bool,
) -> None:
    # With "index", every file counts as settled, so a second scan answers unchanged
    # files from the file index by their stamps, without reading them (the two
    # configuration files too: they are scanned like any file); without it, no file
    # does, and answers come from the content-keyed results (the configuration files
    # hold no keyword, so they never need one).
    monkeypatch.setattr("rolecall.cache.store.SETTLED_NS", -60_000_000_000 if index else 10**18)
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": "jobs = 1\n",
            "a.txt": f"id {key_id()}\n",
            "sub/.rolecall.toml": "jobs = 1\n",
            "sub/b.txt": f"id {key_id()}\n",
        },
    )
    both = [("a.txt", "RC101"), ("sub/b.txt", "RC101")]
    assert found(scan(capsys, ".")[1]) == both
    code, doc = scan(capsys, ".")
    assert found(doc) == both and doc["stats"]["cached"] == (4 if index else 2)
    # Only sub's configuration changes: sub's file is scanned again under it, and the
    # root's file still comes from the cache.
    (in_tmp / "sub" / ".rolecall.toml").write_text('ignore = ["RC101"]\n')
    code, doc = scan(capsys, ".")
    assert found(doc) == [("a.txt", "RC101")] and doc["stats"]["cached"] == (2 if index else 1)
    # And back: sub's file is answered by content under its first configuration again
    # (its index row holds the second configuration's stamp now).
    (in_tmp / "sub" / ".rolecall.toml").write_text("jobs = 1\n")
    code, doc = scan(capsys, ".")
    assert code == 1 and found(doc) == both
    assert doc["stats"]["cached"] == (3 if index else 2)


def test_workers_get_each_files_config(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # One file per batch, workers from the first file: configurations met after the
    # workers started reach them with the batches.
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(workers, "BATCH_FILES", 1)
    files: dict[str, str] = {}
    for n in range(6):
        odd = 'severity-overrides = {RC101 = "note"}\n'
        files[f"p{n}/.rolecall.toml"] = odd if n % 2 else 'ignore = ["RC101"]\n'
        files[f"p{n}/a.txt"] = f"id {key_id()}\n"
    write_tree(in_tmp, files)
    code, doc = scan(capsys, "--no-cache", "-j", "2", ".")
    assert code == 0 and doc["stats"]["jobs"] == 2  # notes only
    assert [(f["path"], f["severity"]) for f in doc["findings"]] == [
        ("p1/a.txt", "note"),
        ("p3/a.txt", "note"),
        ("p5/a.txt", "note"),
    ]


def test_invalid_nested_config_is_a_configuration_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            "a.txt": "nothing\n",
            "sub/.rolecall.toml": 'ignore = "RC101"\n',
            "sub/b.txt": "nothing\n",
        },
    )
    capsys.readouterr()
    assert main(["scan", "a.txt"]) == 0  # sub's file is not read for a.txt
    capsys.readouterr()
    assert main(["scan", "--format", "json", "a.txt", "sub/b.txt"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "rolecall: error: sub/.rolecall.toml: ignore: expected a list of strings, got a string\n"
    )


# --- fix and the report's rule list ------------------------------------------------

FIXABLE = (
    "import os\nimport boto3\n\n"
    's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
    '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
)


def test_fix_uses_each_files_config(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        in_tmp,
        {
            "app/upload.py": FIXABLE,
            "legacy/.rolecall.toml": 'ignore = ["RC2"]\n',
            "legacy/upload.py": FIXABLE,
        },
    )
    capsys.readouterr()
    assert main(["fix", "legacy/upload.py", "app/upload.py"]) == 0
    assert "changed 1 file" in capsys.readouterr().out
    fixed = 'import boto3\n\ns3 = boto3.client("s3")\n'  # and the import it left unused
    assert (in_tmp / "app" / "upload.py").read_text() == fixed
    assert (in_tmp / "legacy" / "upload.py").read_text() == FIXABLE  # RC2 is off there


def test_report_lists_every_rule_some_files_config_enables(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'select = ["RC3"]\n',
            "a.txt": "nothing\n",
            "sub/.rolecall.toml": 'select = ["RC101"]\n',
            "sub/b.txt": f"id {key_id()}\n",
        },
    )
    code, doc = scan(capsys, ".")
    assert (code, found(doc)) == (1, [("sub/b.txt", "RC101")])
    rules = {rule["id"] for rule in doc["rules"]}
    assert "RC101" in rules and "RC301" in rules
    assert not {r for r in rules if r.startswith("RC2")}
