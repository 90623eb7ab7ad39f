"""Tree hazards not already covered by tests/walk/test_walker.py.

test_walker.py holds symlink loops and escapes, FIFOs, sockets, devices, unreadable
files and directories, vanishing files, files growing past the limit or replaced by a
FIFO, and names that are not UTF-8. Here: very deep directory trees, files truncated
or emptied between the walk and the read, and a whole scan over a tree mixing it all.
"""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

import pytest
import rolecall.engine.filescan as filescan
from rolecall.config.options import EngineOptions
from rolecall.engine.runner import ScanRequest, run_scan
from rolecall.fakes import fake_secret_key
from rolecall.model import NoticeCode
from rolecall.walk.walker import FileEntry

from tests.conftest import write_tree
from tests.robustness._support import count


def _deep_dirs(root: Path, depth: int) -> Path:
    # os.makedirs on a relative path: the absolute path passes PATH_MAX (4096).
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("k.txt").write_text("AWS_ACCESS_KEY_ID=" + "AKIA" + "QYLPMN5HHHFPZAQX\n")
    finally:
        os.chdir(cwd)
    return root


def _remove_deep_dirs(root: Path) -> None:
    """Remove the chain bottom-up with relative paths (pytest's cleanup recurses)."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for _ in range(depth):
            for name in os.listdir("."):
                os.unlink(name)
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(cwd)


@pytest.mark.heavy
@pytest.mark.parametrize("depth", [100, 1500, 2500])
def test_very_deep_directory_tree(tmp_path: Path, depth: int) -> None:
    """No depth limit of our own: the walk is iterative, so a file is found as deep as
    the OS can open it (1,500 levels is 3,000 characters, inside PATH_MAX); deeper than
    PATH_MAX the OS refuses and a notice says why. Never a crash."""
    _deep_dirs(tmp_path, depth)
    count("tree", depth)
    try:
        report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    finally:
        _remove_deep_dirs(tmp_path)
    assert not [n for n in report.notices if n.code is NoticeCode.INTERNAL]
    assert not [n for n in report.notices if n.code is NoticeCode.LIMIT]
    if len(str(tmp_path)) + 2 * depth + len("/k.txt") < os.pathconf("/", "PC_PATH_MAX"):
        assert [f.rule_id for f in report.findings] == ["RC101"]
        assert report.findings[0].location.path == "d/" * depth + "k.txt"
    else:
        assert not report.findings
        unreadable = [n for n in report.notices if n.code is NoticeCode.UNREADABLE]
        assert len(unreadable) == 1 and "cannot read" in unreadable[0].message


@pytest.mark.parametrize("change", ["truncate", "empty", "half"])
def test_file_truncated_between_walk_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    key = "AKIA" + "QYLPMN5HHHFPZAQX"
    write_tree(tmp_path, {f"f{n}.txt": f"id {key}\n" * 50 for n in range(3)})
    real = filescan.read_entry

    def truncate_first(entry: FileEntry, max_size: int) -> object:
        if entry.display == "f1.txt":
            path = Path(entry.path)
            data = path.read_bytes()
            cut = {"truncate": 7, "empty": 0, "half": len(data) // 2}[change]
            path.write_bytes(data[:cut])
        return real(entry, max_size)

    monkeypatch.setattr(filescan, "read_entry", truncate_first)
    report = run_scan(ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1))
    count("tree", 3)
    paths = {f.location.path for f in report.findings}
    assert {"f0.txt", "f2.txt"} <= paths
    assert all(n.code is not NoticeCode.INTERNAL for n in report.notices)
    for finding in report.findings:
        assert finding.location.line >= 1


def test_a_scan_over_every_hazard_at_once(tmp_path: Path) -> None:
    key = "AKIA" + "QYLPMN5HHHFPZAQX"
    root = tmp_path / "root"
    write_tree(root, {"ok.txt": f"id {key}\n", "sub/ok.py": f"k = '{key}'\n"})
    outside = tmp_path / "outside.txt"
    outside.write_text(f"id {key}\n")
    (root / "loop").symlink_to(root)
    (root / "escape.txt").symlink_to(outside)
    (root / "dangling").symlink_to(tmp_path / "missing")
    os.mkfifo(root / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(root / "sock"))
        (root / os.fsdecode(b"bad-\xff-name.txt")).write_text(f"id {key}\n")
        count("tree", 8)
        for follow in (False, True):
            request = ScanRequest(paths=(str(root),), base=str(root), jobs=1)
            if follow:
                from dataclasses import replace

                request = replace(request, walk=replace(request.walk, follow_symlinks=True))
            report = run_scan(request)
            paths = sorted({f.location.path for f in report.findings})
            assert "ok.txt" in paths and "sub/ok.py" in paths
            assert not any(p.startswith("..") or "outside" in p for p in paths)
            assert all(n.code is not NoticeCode.INTERNAL for n in report.notices)
    finally:
        sock.close()


# --- races between the walk, the read and the report (issue 17 #11) -------------------

_SECRET_LINE = f"aws_secret_access_key = {fake_secret_key(rng=random.Random(11))}\n"


def _key_file(key: str) -> str:
    return f"# settings\nAWS_ACCESS_KEY_ID={key}\n"


#: What a SARIF run asks of the engine: results that carry their lines' hashes.
_SARIF_RUN = EngineOptions(line_hashes=True)


def test_sarif_never_reopens_a_file_replaced_by_a_fifo(tmp_path: Path) -> None:
    """The file is read by the scan, then replaced by a FIFO before the SARIF log is
    written: the log completes (the line hash comes from the bytes already read)."""
    import threading

    from rolecall.output.linehash import line_hashes
    from rolecall.output.sarif import render

    key = "AKIA" + "QYLPMN5HHHFPZAQX"
    text = _key_file(key)
    write_tree(tmp_path, {"app.env": text})
    report = run_scan(
        ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1, engine=_SARIF_RUN)
    )
    assert [f.location.line for f in report.findings] == [2]
    target = tmp_path / "app.env"
    target.unlink()
    os.mkfifo(target)
    count("tree")
    out: list[str] = []
    worker = threading.Thread(target=lambda: out.append(render(report)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader so the thread ends, then fail
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(timeout=5)
        pytest.fail("SARIF output blocked on a FIFO that replaced a scanned file")
    import json

    (result,) = json.loads(out[0])["runs"][0]["results"]
    expected = line_hashes(text.encode("utf-8"))[2]
    assert result["partialFingerprints"]["primaryLocationLineHash"] == expected


def test_sarif_line_hashes_are_those_of_the_bytes_scanned(tmp_path: Path) -> None:
    """Content changed after the scan does not change the hash the log carries: it is
    the hash of what the findings were found in."""
    import json

    from rolecall.output.linehash import line_hashes
    from rolecall.output.sarif import render

    key = "AKIA" + "QYLPMN5HHHFPZAQX"
    text = _key_file(key)
    write_tree(tmp_path, {"app.env": text})
    report = run_scan(
        ScanRequest(paths=(str(tmp_path),), base=str(tmp_path), jobs=1, engine=_SARIF_RUN)
    )
    (tmp_path / "app.env").write_text("# rewritten\nnothing here\n")
    count("tree")
    (result,) = json.loads(render(report))["runs"][0]["results"]
    expected = line_hashes(text.encode("utf-8"))[2]
    assert result["partialFingerprints"]["primaryLocationLineHash"] == expected


@pytest.mark.parametrize("follow", [False, True])
def test_file_swapped_for_a_link_outside_the_root_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, follow: bool
) -> None:
    """Between the walk and the read, a file (or, with --follow-symlinks, the target of
    a link the walk followed) is replaced by a link to a file outside the root: that
    file is not read, and a notice says why."""
    from dataclasses import replace

    key = "AKIA" + "QYLPMN5HHHFPZAQX"
    root = tmp_path / "root"
    write_tree(root, {"a.txt": "nothing to see\n", "b.txt": f"id {key}\n"})
    outside = tmp_path / "outside.env"
    outside.write_text(_key_file("AKIA" + "RWZNBK4TQ3LMVD7C") + _SECRET_LINE)
    if follow:
        (root / "target.txt").write_text("harmless\n")
        (root / "link.txt").symlink_to(root / "target.txt")
    real = filescan.read_entry
    swapped: list[str] = []

    def swap(entry: FileEntry, max_size: int) -> object:
        victim = "link.txt" if follow else "a.txt"
        if entry.display == victim:
            path = Path(entry.path)
            path.unlink()
            path.symlink_to(outside)
            swapped.append(entry.display)
        return real(entry, max_size)

    monkeypatch.setattr(filescan, "read_entry", swap)
    request = ScanRequest(paths=(str(root),), base=str(root), jobs=1)
    # The link's target is excluded, so the link itself is the file's only path.
    request = replace(
        request,
        walk=replace(request.walk, follow_symlinks=follow, exclude=("target.txt",)),
    )
    report = run_scan(request)
    count("tree", 3)
    assert swapped
    assert [f.location.path for f in report.findings] == ["b.txt"]
    (notice,) = [n for n in report.notices if n.path == swapped[0]]
    assert notice.code is NoticeCode.SKIPPED_SPECIAL
    assert ("symbolic link" if not follow else "another file") in notice.message


def test_file_replaced_by_another_between_walk_and_read_is_not_read(tmp_path: Path) -> None:
    """The walk's device and inode are checked on the open descriptor: a file renamed
    over the walked one is not read in its place (here through the large-file reader
    too)."""
    from rolecall.plugin.registry import default_registry
    from rolecall.read.chunks import scan_large
    from rolecall.read.files import read_entry
    from rolecall.walk.walker import walk

    key = "AKIA" + "QYLPMN5HHHFPZAQX"
    write_tree(tmp_path, {"a.txt": "nothing\n", "other.txt": f"id {key}\n"})
    (entry,) = [e for e in walk([str(tmp_path / "a.txt")], str(tmp_path)) if hasattr(e, "ino")]
    assert isinstance(entry, FileEntry) and entry.ino
    os.replace(tmp_path / "other.txt", tmp_path / "a.txt")
    count("tree")
    data, notices = read_entry(entry, 1 << 20)
    assert data is None
    assert [n.code for n in notices] == [NoticeCode.SKIPPED_SPECIAL]
    from rolecall.engine.core import Engine

    result = scan_large(Engine(default_registry()), entry)
    assert not result.findings
    assert [n.code for n in result.notices] == [NoticeCode.SKIPPED_SPECIAL]
