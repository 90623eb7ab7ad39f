"""Reports reach a terminal or pipe whose encoding is ASCII or Latin-1.

Every redaction holds ``…``; under ``PYTHONIOENCODING=ascii`` the text and github
reporters used to stop with UnicodeEncodeError (exit 3) at the first finding.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_tree

_KEY_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
_SECRET = "hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif"])
def test_reports_survive_a_narrow_output_encoding(tmp_path: Path, encoding: str, fmt: str) -> None:
    write_tree(
        tmp_path,
        {
            "café/.env": f"AWS_ACCESS_KEY_ID={_KEY_ID}\nAWS_SECRET_ACCESS_KEY={_SECRET}\n",
            "notes.txt": f"aws_secret_access_key = {_SECRET[::-1]}\n",
        },
    )
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = subprocess.run(
        [sys.executable, "-m", "rolecall", "scan", "--no-cache", "-v", "--format", fmt, "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr.decode(encoding, "replace")
    out = done.stdout.decode(encoding)  # what the stream could write, and nothing else
    assert _KEY_ID in out
    assert _SECRET not in out and _SECRET[::-1] not in out
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
