"""--shard K/N: a deterministic, stable split that covers every file exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from rolecall.cli.main import main
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_key_id
from rolecall.walk.shard import ShardError, in_shard, parse_shard, shard_of
from rolecall.walk.walker import WalkOptions


@pytest.mark.parametrize(
    ("text", "expected"), [("1/1", (1, 1)), ("2/5", (2, 5)), (" 3/3 ", (3, 3))]
)
def test_parse(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["", "1", "0/2", "3/2", "1/0", "a/b", "1/2/3", "-1/2"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ShardError):
        parse_shard(text)


def test_assignment_is_pinned() -> None:
    # Pinned values: the assignment must not change between versions, platforms or runs
    # (a CI matrix split by one version must be covered by the next one's shards).
    paths = ["a.py", "src/app/main.py", "tests/test_x.py", "README.md", "\u00e9t\u00e9/x.env"]
    assert [shard_of(p, 4) for p in paths] == [2, 1, 4, 2, 1]


def test_partition_is_disjoint_covering_and_balanced() -> None:
    paths = [f"pkg{i // 50}/module_{i}.py" for i in range(4000)]
    for n in (1, 2, 3, 7):
        groups = [[p for p in paths if in_shard(p, (k, n))] for k in range(1, n + 1)]
        assert sorted(p for g in groups for p in g) == sorted(paths)
        assert all(len(g) > len(paths) / n * 0.85 for g in groups)
    assert in_shard(None, (1, 3)) and not in_shard(None, (2, 3))
    assert in_shard("x", None)


def _request(root: Path, shard: tuple[int, int] | None) -> ScanRequest:
    return ScanRequest(
        paths=(str(root),),
        base=str(root),
        walk=WalkOptions(use_gitignore=False),
        jobs=1,
        shard=shard,
    )


def test_shards_of_a_scan_add_up_to_the_whole(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"f{i}.env").write_text(f"AWS_ACCESS_KEY_ID={fake_key_id()}\n")
    (tmp_path / "blob.bin").write_bytes(b"\0" * 10)
    whole = run_scan(_request(tmp_path, None))
    parts = [run_scan(_request(tmp_path, (k, 3))) for k in (1, 2, 3)]
    assert [p.shard for p in parts] == ["1/3", "2/3", "3/3"]
    assert whole.shard is None
    assert sorted(f.sort_key for p in parts for f in p.findings) == [
        f.sort_key for f in whole.findings
    ]
    assert sorted(n.sort_key for p in parts for n in p.notices) == [
        n.sort_key for n in whole.notices
    ]
    assert sum(p.stats.files_seen for p in parts) == whole.stats.files_seen
    assert all(p.findings for p in parts)


def test_cli_rejects_a_bad_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["scan", "--isolated", "--no-cache", "--shard", "3/2", "a.py"]) == 2
    assert main(["scan", "--isolated", "--no-cache", "-q", "--shard", "1/2", "a.py"]) == 0
