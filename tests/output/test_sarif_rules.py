"""SARIF ``tool.driver.informationUri`` is the project's URL (configurable), and every
rule has a ``helpUri``: its generated page in the rule catalogue, ``docs/rules/RCnnn.md``
(issue 15; before, its row's anchor in the README, which a configured information URI
still gets)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id, fake_secret_key

from tests.output.test_sarif import schema_errors

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MULTITOOL = ROOT / "scripts" / "sarif_multitool_check.sh"


def _homepage() -> str:
    """The URL pyproject.toml's [project.urls] gives as the project's home page."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["urls"]["Homepage"])


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "app.py").write_text(
        "import boto3\n"
        f"s3 = boto3.client('s3', aws_access_key_id='{fake_key_id()}',\n"
        f"                  aws_secret_access_key='{fake_secret_key()}')\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tree)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tree


def _log(*argv: str) -> Any:
    out = Path("..") / "rolecall.sarif"
    assert main(["scan", "--jobs", "1", "--format", "sarif", "-o", str(out), *argv]) == 1
    return json.loads(out.read_text(encoding="utf-8"))


def test_information_uri_is_the_projects_url_and_every_rule_links_to_its_page(
    repo: Path,
) -> None:
    log = _log("--isolated", "--select", "ALL,RC199")
    assert schema_errors(log) == []
    driver = log["runs"][0]["tool"]["driver"]
    home = _homepage()
    assert driver["informationUri"] == home
    assert urlsplit(home).scheme == "https" and urlsplit(home).netloc
    rules = driver["rules"]
    assert len(rules) > 60 and "RC199" in {r["id"] for r in rules}
    for rule in rules:
        url = urlsplit(rule["helpUri"])
        assert url.scheme == "https" and url.netloc, rule["helpUri"]
        page = f"docs/rules/{rule['id']}.md"
        assert rule["helpUri"] == f"{home}/blob/main/{page}"
        # The page exists in the repository, and is the rule's.
        text = (ROOT / page).read_text(encoding="utf-8")
        assert f"\n# {rule['id']} {rule['name']}\n" in text
        # The README keeps an anchor on the rule's row for a configured information URI.
        assert f'<a name="{rule["id"].lower()}"></a>[{rule["id"]}]' in README


def test_information_uri_comes_from_the_configuration(repo: Path) -> None:
    docs = "https://docs.example.org/security/rolecall"
    (repo / "pyproject.toml").write_text(
        f'[tool.rolecall.sarif]\ninformation-uri = "{docs}"\n', encoding="utf-8"
    )
    log = _log()
    assert schema_errors(log) == []
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == docs
    assert {r["id"]: r["helpUri"] for r in driver["rules"]}["RC201"] == f"{docs}#rc201"


@pytest.mark.integration
@pytest.mark.skipif(
    shutil.which("npm") is None or not sys.platform.startswith("linux"),
    reason="the Multitool is installed from the npm registry (linux build)",
)
def test_a_log_with_every_rules_links_passes_the_multitool(repo: Path) -> None:
    log = _log("--isolated", "--select", "ALL,RC199")
    path = repo.parent / "rolecall.sarif"
    assert all("helpUri" in r for r in log["runs"][0]["tool"]["driver"]["rules"])
    proc = subprocess.run(
        ["bash", str(MULTITOOL), str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{path}: sarif-multitool: 0 error(s), 0 warning(s)" in proc.stdout
