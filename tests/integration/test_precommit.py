"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit.

pre-commit installs a hook repository from a git URL or path at a commit, so the
session fixture copies this checkout's current files (committed or not, without what
.gitignore ignores) into a temporary git repository and commits them there. The hook's
virtual environment is built once per session in a temporary PRE_COMMIT_HOME (pip
installs rolecall and its dependencies into it: about 10-15 s, needs the package
index); every test after that takes a fraction of a second.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rolecall.fakes import fake_key_id

from tests.conftest import REPO

pytest.importorskip("pre_commit")
pytestmark = pytest.mark.integration

SOURCE = REPO
RNG = random.Random(1234)


def key() -> str:
    return fake_key_id(rng=RNG)


def _git_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("GIT_", "PRE_COMMIT")):
            del env[name]
    env.update(
        {
            "PRE_COMMIT_HOME": str(home),
            # No user or system git configuration (a global core.hooksPath would make
            # `pre-commit install` refuse), and a fixed identity for commits.
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "rolecall tests",
            "GIT_AUTHOR_EMAIL": "tests@example.invalid",
            "GIT_COMMITTER_NAME": "rolecall tests",
            "GIT_COMMITTER_EMAIL": "tests@example.invalid",
            "PRE_COMMIT_COLOR": "never",
        }
    )
    return env


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


class Env:
    """A temporary PRE_COMMIT_HOME and a committed copy of this checkout."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = _git_env(root / "pre-commit-home")
        self.hook_repo = root / "rolecall-hook-repo"
        self.rev = ""

    def git(self, cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(["git", *args], cwd, self.env, check)

    def pre_commit(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run([sys.executable, "-m", "pre_commit", *args], cwd, self.env, check=False)

    def publish_checkout(self) -> None:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=SOURCE,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8", "surrogateescape")
        self.hook_repo.mkdir()
        for name in filter(None, listed.split("\0")):
            src = SOURCE / name
            if src.is_file():  # deleted but not yet staged: skip
                dest = self.hook_repo / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
        self.git(self.hook_repo, "init", "-q")
        self.git(self.hook_repo, "add", "-A")
        self.git(self.hook_repo, "commit", "-q", "-m", "rolecall under test")
        self.rev = self.git(self.hook_repo, "rev-parse", "HEAD").stdout.strip()

    def project(
        self,
        path: Path,
        hooks: tuple[str, ...] = ("rolecall",),
        args: list[str] | None = None,
        **overrides: object,
    ) -> Path:
        """A new git repository whose pre-commit configuration uses the rolecall hooks
        (with the user's ``args:`` and other hook settings when given)."""
        path.mkdir()
        self.git(path, "init", "-q")
        entries: list[dict[str, object]] = [{"id": hook, **overrides} for hook in hooks]
        if args is not None:
            for entry in entries:
                entry["args"] = args
        config = {"repos": [{"repo": str(self.hook_repo), "rev": self.rev, "hooks": entries}]}
        # JSON is YAML: no YAML library needed to write the configuration.
        (path / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2) + "\n")
        return path


def _inside_git_checkout() -> bool:
    if shutil.which("git") is None:
        return False
    probe = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=SOURCE, capture_output=True, text=True
    )
    return probe.returncode == 0 and Path(probe.stdout.strip()).resolve() == SOURCE


@pytest.fixture(scope="session")
def pc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    if not _inside_git_checkout():
        pytest.skip("needs git and a git checkout of rolecall")
    env = Env(tmp_path_factory.mktemp("precommit"))
    env.publish_checkout()
    # Build the hook environment once, so that the tests below measure only runs.
    warm = env.project(env.root / "warm-up")
    proc = env.pre_commit(warm, "install-hooks")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield env


def write(repo: Path, name: str, text: str) -> None:
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def leaky_files(repo: Path) -> dict[str, str]:
    ids = {"app/settings.py": key(), ".env": key(), ".aws/credentials": key()}
    write(repo, "app/settings.py", f'import boto3\n\nKEY_ID = "{ids["app/settings.py"]}"\n')
    write(repo, ".env", f"AWS_ACCESS_KEY_ID={ids['.env']}\nAWS_REGION=eu-west-1\n")
    write(
        repo,
        ".aws/credentials",
        f"[default]\naws_access_key_id = {ids['.aws/credentials']}\n",
    )
    return ids


def clean_files(repo: Path) -> None:
    write(repo, "app/main.py", 'import boto3\n\nS3 = boto3.client("s3")\n')
    write(repo, "README.md", "# demo\n")
    write(repo, "config/app.json", '{"region": "eu-west-1"}\n')


def test_manifest_is_valid() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=SOURCE,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_staged_leaks_in_py_env_and_aws_credentials_fail(pc: Env) -> None:
    repo = pc.project(pc.root / "leaky")
    ids = leaky_files(repo)
    clean_files(repo)
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run")  # the staged files, as in a commit
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "- hook id: rolecall" in proc.stdout
    for path, key_id in ids.items():
        assert f"{path}:" in proc.stdout, path
        assert key_id in proc.stdout
    assert "RC101" in proc.stdout


def test_unstaged_file_is_not_seen(pc: Env) -> None:
    # What pre-commit hands the hook is what is staged: an untracked leak is not.
    repo = pc.project(pc.root / "untracked")
    clean_files(repo)
    pc.git(repo, "add", "-A")
    write(repo, ".env", f"AWS_ACCESS_KEY_ID={key()}\n")
    proc = pc.pre_commit(repo, "run")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_clean_repo_passes_and_writes_nothing(pc: Env) -> None:
    repo = pc.project(pc.root / "clean")
    clean_files(repo)
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    assert pc.git(repo, "diff", "--name-only").stdout == ""  # nothing modified
    assert pc.git(repo, "ls-files", "--others").stdout == ""  # nothing created


def test_baseline_passes_until_a_new_key_is_added(pc: Env) -> None:
    # A user may set require_serial: false; the baseline still holds batch by batch.
    repo = pc.project(pc.root / "baseline", require_serial=False)
    write(
        repo,
        "pyproject.toml",
        '[tool.rolecall]\nbaseline = ".rolecall-baseline.json"\nreport-stale = true\n',
    )
    leaky_files(repo)
    clean_files(repo)
    for n in range(6):  # enough files for pre-commit to run several batches in parallel
        write(repo, f"pkg/mod{n}.py", f"VALUE = {n}\n")
    baseline = subprocess.run(
        [sys.executable, "-m", "rolecall", "baseline"], cwd=repo, capture_output=True, text=True
    )
    assert baseline.returncode == 0, baseline.stderr
    assert "Wrote 3 entries" in baseline.stdout
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run", "--all-files", "--verbose")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Every batch judged only its own files: no entry was called stale.
    assert "RC911" not in proc.stdout
    pc.git(repo, "commit", "-q", "--no-verify", "-m", "accepted history")

    new = key()
    write(repo, "pkg/mod3.py", f'VALUE = 3\nBACKUP_KEY = "{new}"\n')
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "pkg/mod3.py:2:" in proc.stdout and new in proc.stdout
    assert "Found 1 finding" in proc.stdout


def test_installed_hook_blocks_a_real_commit(pc: Env) -> None:
    repo = pc.project(pc.root / "installed")
    clean_files(repo)
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "install")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pc.git(repo, "commit", "-q", "-m", "clean start")  # clean: the hook lets it through

    write(repo, "deploy/settings.py", f'AWS_ACCESS_KEY_ID = "{key()}"\n')
    pc.git(repo, "add", "-A")
    commit = pc.git(repo, "commit", "-m", "add deploy settings", check=False)
    assert commit.returncode != 0
    output = commit.stdout + commit.stderr
    assert "deploy/settings.py:1:" in output and "RC101" in output
    log = pc.git(repo, "log", "--format=%s").stdout.splitlines()
    assert log == ["clean start"]


FIXABLE = (
    "import os\nimport boto3\n\n"
    's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
    '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
)


def test_fix_hook_applies_safe_fixes_then_passes(pc: Env) -> None:
    repo = pc.project(pc.root / "fix", hooks=("rolecall-fix", "rolecall"))
    write(repo, "app/upload.py", FIXABLE)
    clean_files(repo)
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run")
    # The fix hook rewrote the file, so pre-commit fails the run and shows the change;
    # the scan hook, run on the same staged content, reports the warning it fixed.
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "files were modified by this hook" in proc.stdout
    assert (repo / "app" / "upload.py").read_text() == (
        'import boto3\n\ns3 = boto3.client("s3")\n'  # and the import it left unused
    )
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_fix_hook_fails_on_what_it_cannot_fix_and_says_what_to_do(pc: Env) -> None:
    # Issue 16 #4: the fix hook never looks finished when a staged key is left; it lists
    # each one with what to do instead, the same list whether or not it changed a file.
    repo = pc.project(pc.root / "fix-left", hooks=("rolecall-fix",))
    key_id = key()
    write(repo, ".env", f"AWS_ACCESS_KEY_ID={key_id}\n")
    write(repo, "app/upload.py", FIXABLE)
    clean_files(repo)
    pc.git(repo, "add", "-A")
    first = pc.pre_commit(repo, "run")
    assert first.returncode == 1, first.stdout + first.stderr
    assert (repo / "app" / "upload.py").read_text() == 'import boto3\n\ns3 = boto3.client("s3")\n'
    pc.git(repo, "add", "-A")
    second = pc.pre_commit(repo, "run")  # nothing left to change, the key still there
    assert second.returncode == 1, second.stdout + second.stderr
    assert "files were modified by this hook" not in second.stdout
    for proc in (first, second):
        assert ".env:1:19: RC301" in proc.stdout and key_id in proc.stdout
        assert "instead: " in proc.stdout and "rolecall explain RC301" in proc.stdout
        assert "1 finding left to fix by hand" in proc.stdout


#: Staged files whose names are options of ``rolecall scan``: without the ``--`` that ends
#: the options, one silenced every rule and the other overwrote README.md with the report.
DASHED = ("--ignore=RC", "--output=README.md", "--select=RC999")


def _dashed_repo(pc: Env, name: str, args: list[str] | None = None) -> tuple[Path, str]:
    repo = pc.project(pc.root / name, args=args)
    key_id = key()
    write(repo, ".env", f"AWS_ACCESS_KEY_ID={key_id}\n")
    write(repo, "README.md", "# demo\n")
    for dashed in DASHED:
        write(repo, dashed, "harmless\n")
    pc.git(repo, "add", "-A")
    return repo, key_id


@pytest.mark.parametrize("args", [None, ["--fail-level=error", "--"]], ids=["default", "user"])
def test_staged_names_that_look_like_options_are_paths(pc: Env, args: list[str] | None) -> None:
    repo, key_id = _dashed_repo(pc, f"dashed-{'user' if args else 'default'}", args)
    proc = pc.pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert key_id in proc.stdout and ".env:1:" in proc.stdout
    assert (repo / "README.md").read_text() == "# demo\n"  # not overwritten by a report


# --- one report per run, not one per parallel batch (issue 16 #11) ------------------------

#: The last line of every `rolecall scan` text report: one per process that ran.
_SUMMARY = re.compile(
    r"^(?:Found \d+ findings? \(.*\) in \d+ files?|No findings); scanned (\d+) ", re.M
)


def _summaries(output: str) -> list[int]:
    """The file count of each summary line in the hook's output, one per process."""
    return [int(n) for n in _SUMMARY.findall(output)]


def _many_files(pc: Env, name: str, count: int, **overrides: object) -> tuple[Path, str]:
    repo = pc.project(pc.root / name, **overrides)
    for n in range(count):
        write(repo, f"pkg/mod{n:02d}.py", f"VALUE = {n}\n")
    key_id = key()
    write(repo, "deploy/settings.py", f'AWS_ACCESS_KEY_ID = "{key_id}"\n')
    pc.git(repo, "add", "-A")
    return repo, key_id


def test_a_commit_gets_one_report_and_one_summary(pc: Env) -> None:
    from pre_commit.xargs import cpu_count

    repo, key_id = _many_files(pc, "one-summary", 15)
    proc = pc.pre_commit(repo, "run", "--all-files", "--verbose")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "deploy/settings.py:1:22: RC101" in proc.stdout and key_id in proc.stdout
    # One process, every file: the 15 modules, the settings, .pre-commit-config.yaml.
    assert _summaries(proc.stdout) == [17]
    assert proc.stdout.count("Found ") == 1
    if cpu_count() > 1:
        # The same files in parallel batches (what require_serial: true prevents): one
        # report and one summary per process, each with its own batch's counts.
        repo, _ = _many_files(pc, "batch-summaries", 15, require_serial=False)
        proc = pc.pre_commit(repo, "run", "--all-files", "--verbose")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        counts = _summaries(proc.stdout)
        assert len(counts) > 1 and sum(counts) == 17, proc.stdout


def test_a_file_list_too_long_for_one_command_gives_one_summary_per_batch(pc: Env) -> None:
    """pre-commit splits a file list longer than its command-line limit (128 KiB of
    names) even with require_serial, into batches run one after the other: each prints
    its findings and one summary line, nothing more."""
    repo = pc.project(pc.root / "long-names")
    deep = "/".join(["d" * 60] * 3)  # 183 characters of directories
    names = [f"{deep}/module_{n:04d}_{'x' * 40}.py" for n in range(700)]  # ~250 each
    for name in names:
        write(repo, name, "VALUE = 1\n")
    key_id = key()
    write(repo, names[350], f'KEY = "{key_id}"\n')
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run", "--all-files", "--verbose")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    counts = _summaries(proc.stdout)
    # Every file once (the names and .pre-commit-config.yaml), in two batches or more.
    assert len(counts) >= 2 and sum(counts) == len(names) + 1, proc.stdout[-2000:]
    assert proc.stdout.count(f"{names[350]}:1:8: RC101") == 1 and key_id in proc.stdout
    assert proc.stdout.count("Found ") == 1  # only the batch with the key says Found


def test_manifest_ends_every_hook_s_options() -> None:
    text = (SOURCE / ".pre-commit-hooks.yaml").read_text()
    hooks = text.split("- id: ")[1:]
    assert len(hooks) == 2
    for hook in hooks:
        assert '\n  args: ["--"]\n' in hook, hook.split("\n", 1)[0]
        assert "\n  require_serial: true\n" in hook, hook.split("\n", 1)[0]


# --- the README's set-up paths, run as written (a local copy in place of the URL) ----------

_README = (SOURCE / "README.md").read_text()
_URL = "https://github.com/OWNER/rolecall"


def _fenced(text: str, language: str) -> list[str]:
    blocks, inside, lines = [], False, []
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append("\n".join(lines) + "\n")
                inside, lines = False, []
            elif line[3:].strip() == language:
                inside = True
            continue
        if inside:
            lines.append(line)
    return blocks


def test_readme_pre_commit_snippet_works_as_written(pc: Env) -> None:
    (snippet,) = [b for b in _fenced(_README, "yaml") if "repos:" in b]
    assert _URL in snippet and "rev: main" in snippet
    repo = pc.project(pc.root / "readme-snippet")
    # The hook repository's default branch plays the part of `main`.
    branch = pc.git(pc.hook_repo, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    config = snippet.replace(_URL, str(pc.hook_repo)).replace("rev: main", f"rev: {branch}")
    (repo / ".pre-commit-config.yaml").write_text(config)
    # The documented next step pins a full commit SHA.
    proc = pc.pre_commit(repo, "autoupdate", "--freeze")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pinned = (repo / ".pre-commit-config.yaml").read_text()
    assert f"rev: {pc.rev}" in pinned
    write(repo, ".env", f"AWS_ACCESS_KEY_ID={key()}\n")
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 1 and ".env:1:" in proc.stdout, proc.stdout + proc.stderr


def test_readme_pip_install_from_the_repository_works(pc: Env, tmp_path: Path) -> None:
    (command,) = [
        line.split("#", 1)[0].strip()
        for block in _fenced(_README, "sh")
        for line in block.splitlines()
        if "git+" in line
    ]
    assert command.startswith("pip install ") and f"{_URL}@main" in command
    requirement = command.removeprefix("pip install ").strip().strip('"')
    local = requirement.replace(_URL, f"file://{pc.hook_repo}").replace("@main", f"@{pc.rev}")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--report",
            str(tmp_path / "report.json"),
            local,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    (item,) = report["install"]
    import rolecall

    assert item["metadata"]["name"] == "rolecall"
    assert item["metadata"]["version"] == rolecall.__version__  # one version, one place


def test_each_staged_file_gets_its_own_directorys_config(pc: Env) -> None:
    # Issue 17 #10: pre-commit passes the staged files in git's order, aaa/ before app/;
    # aaa's configuration (ignore every rule) must not reach app's key.
    repo = pc.project(pc.root / "hierarchy")
    write(repo, "aaa/.rolecall.toml", 'ignore = ["RC"]\n')
    write(repo, "aaa/x.py", f'KEY_ID = "{key()}"\n')
    app_key = key()
    write(repo, "app/.env", f"AWS_ACCESS_KEY_ID={app_key}\n")
    pc.git(repo, "add", "-A")
    proc = pc.pre_commit(repo, "run")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app/.env:" in proc.stdout and app_key in proc.stdout
    assert "aaa/x.py:" not in proc.stdout
    # The same verdict for app/.env alone.
    alone = pc.pre_commit(repo, "run", "--files", "app/.env")
    assert alone.returncode == 1 and app_key in alone.stdout
