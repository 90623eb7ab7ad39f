"""``rolecall fix`` finishes the job or says plainly what is left (issue 16 #4, #5).

Real files in a temporary directory, through the command line:

- ``--unsafe-fixes`` also deletes the constants that held the removed arguments' key when
  nothing else can use them (function-local, private ``_NAME``, or in a script), and
  names the ones it keeps, with the reason;
- after the fix, every finding at or above the fail level that is left (a kept constant,
  a ``.env``, a Dockerfile, Terraform, a workflow, a key in a non-Python file) is listed
  with its place, its redacted value and what to do instead, and the exit code is 1;
  ``--diff`` lists the same;
- the safe fix removes an ``import os`` (or ``from os import getenv``) it left unused.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id, fake_secret_key

from tests.conftest import write_tree

RNG = random.Random(1616)
KEY = fake_key_id(rng=RNG)
SECRET = fake_secret_key(rng=RNG)
ENV_KEY = 'os.environ["AWS_ACCESS_KEY_ID"]'
ENV_SECRET = 'os.environ["AWS_SECRET_ACCESS_KEY"]'
CALL = 's3 = boto3.client("s3", aws_access_key_id={k}, aws_secret_access_key={s})\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def scan_clean(capsys: pytest.CaptureFixture[str]) -> bool:
    code, _ = run(capsys, "scan", "--isolated", "--no-cache", ".")
    return code == 0


def left_block(printed: str) -> str:
    """The "Left to do by hand" list of a fix run's output."""
    match = re.search(r"^Left to do by hand.*?(?=^\S)", printed, re.M | re.S)
    return match.group(0) if match else ""


# --- constants that held the key ------------------------------------------------------

REMOVED = [
    pytest.param(
        "import boto3\n\n"
        f'_KEY = "{KEY}"\n_SECRET = "{SECRET}"  # from the console\n\n'
        + CALL.format(k="_KEY", s="_SECRET"),
        'import boto3\n\ns3 = boto3.client("s3")\n',
        id="private-module-constants",
    ),
    pytest.param(
        f'import boto3\n\nKEY = "{KEY}"\nSECRET = "{SECRET}"\n\n\ndef main():\n'
        "    " + CALL.format(k="KEY", s="SECRET") + "    return s3\n\n\n"
        'if __name__ == "__main__":\n    main()\n',
        "import boto3\n\n\ndef main():\n"
        '    s3 = boto3.client("s3")\n    return s3\n\n\n'
        'if __name__ == "__main__":\n    main()\n',
        id="script-constants",
    ),
    pytest.param(
        "import boto3\n\n\ndef make():\n"
        f'    key = "{KEY}"\n    secret = "{SECRET[:20]}" + "{SECRET[20:]}"\n'
        '    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)\n',
        'import boto3\n\n\ndef make():\n    return boto3.client("s3")\n',
        id="function-locals-and-concatenation",
    ),
    pytest.param(
        f'import boto3\n\n_KEY: str = "{KEY}"\n' + CALL.format(k="_KEY", s=f'"{SECRET}"'),
        'import boto3\n\ns3 = boto3.client("s3")\n',
        id="annotated-constant-and-inline-literal",
    ),
]


@pytest.mark.parametrize(("code", "fixed"), REMOVED)
def test_unsafe_fix_deletes_the_constants_only_it_used(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], code: str, fixed: str
) -> None:
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", "--unsafe-fixes", ".")
    assert (in_tmp / "app.py").read_text() == fixed
    assert status == 0, printed
    assert "1 fix, changed 1 file\n" in printed and "Left to do" not in printed
    assert "that held the key" in printed  # the fix says what it deleted
    assert scan_clean(capsys)  # the next scan agrees: nothing holds the key any more
    assert SECRET not in printed


KEPT = [
    pytest.param(
        f'import boto3\n\nKEY = "{KEY}"\nSECRET = "{SECRET}"\n\n'
        + CALL.format(k="KEY", s="SECRET"),
        "KEY, SECRET still hold the key (public module-level names that another module "
        "may import): delete them by hand",
        SECRET,
        id="public-names-of-an-importable-module",
    ),
    pytest.param(
        f'import boto3\n\n_KEY = "{KEY}"\n_SECRET = "{SECRET}"\n\n'
        + CALL.format(k="_KEY", s="_SECRET")
        + "print(_KEY)\n",
        "_KEY still holds the key (used elsewhere in this module)",
        KEY,
        id="used-elsewhere",
    ),
    pytest.param(
        f'import boto3\n\n__all__ = ["_SECRET"]\n_KEY = "{KEY}"\n_SECRET = "{SECRET}"\n\n'
        + CALL.format(k="_KEY", s="_SECRET"),
        "_SECRET still holds the key (used elsewhere in this module)",
        SECRET,
        id="exported-in-__all__",
    ),
    pytest.param(
        f'import boto3\n\n_KEY = "{KEY}"\n_SECRET = "{SECRET}"\n\n'
        + CALL.format(k="_KEY", s="_SECRET")
        + f'\n\ndef rotate():\n    global _SECRET\n    _SECRET = "{SECRET[::-1]}"\n',
        "_SECRET still holds the key (used elsewhere in this module)",
        SECRET,
        id="global-and-reassigned",
    ),
    pytest.param(
        f'import boto3\n\n_KEY = "{KEY}"\n_SECRET = "{SECRET}"\n\n'
        + CALL.format(k="_KEY", s="_SECRET")
        + CALL.replace("s3", "sqs").format(k="_KEY", s="_SECRET"),
        "_KEY, _SECRET still hold the key (used elsewhere in this module)",
        SECRET,
        id="shared-by-two-calls",
    ),
    pytest.param(
        f'import boto3\n\n_KEY = "{KEY}"\n_SECRET = "{SECRET}"\n\n'
        + CALL.format(k="_KEY", s="_SECRET")
        + 'print(globals()["_KEY"])\n',
        "_KEY, _SECRET still hold the key (used elsewhere in this module)",
        SECRET,
        id="globals-lookup",
    ),
    pytest.param(
        f'import boto3\n\nclass Config:\n    KEY = "{KEY}"\n    SECRET = "{SECRET}"\n\n\n'
        + CALL.format(k="Config.KEY", s="Config.SECRET"),
        "Config.KEY, Config.SECRET still hold the key (not plain string assignments on their "
        "own lines)",
        SECRET,
        id="class-attributes",
    ),
]


@pytest.mark.parametrize(("code", "reason", "held"), KEPT)
def test_a_constant_that_may_be_used_elsewhere_stays_and_fix_says_so(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], code: str, reason: str, held: str
) -> None:
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", "--unsafe-fixes", ".")
    fixed = (in_tmp / "app.py").read_text()
    assert status == 1, printed  # not finished: the key is still in the file
    assert "aws_access_key_id" not in fixed  # the call was fixed all the same
    assert f'"{held}"' in fixed  # but a constant holding the key stays
    assert reason in printed
    compile(fixed, "app.py", "exec")  # and the module is whole
    block = left_block(printed)
    line = next(n for n, text in enumerate(fixed.splitlines(), 1) if held in text)
    # Which literal still holds the key: its place and its value (a secret redacted).
    found = re.search(
        r"^  app\.py:(\d+):\d+: RC1\d\d .*still holds a key after the fix: (.*)$", block, re.M
    )
    assert found is not None, printed
    assert found.group(1) == str(line) or f"on line {line}" in found.group(2)
    shown = held if held == KEY else f"{held[:4]}…(40 chars)"
    assert shown in found.group(2)
    assert SECRET not in printed
    assert "\n      instead: " in block
    assert not scan_clean(capsys)  # the exit code told the truth


def test_kept_constant_is_named_in_the_scan_report_too(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fix's description (text, JSON, SARIF) says before the fix what it will keep."""
    write_tree(in_tmp, {"app.py": str(KEPT[0].values[0])})
    status, printed = run(capsys, "scan", "--isolated", "--no-cache", ".")
    assert status == 1
    assert "unsafe fix available: Remove aws_access_key_id, aws_secret_access_key" in printed
    assert "KEY, SECRET still hold the key (public module-level names" in printed


# --- what fix cannot fix --------------------------------------------------------------

WORKFLOW = (
    "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n"
    f"      AWS_ACCESS_KEY_ID: {KEY}\n      AWS_SECRET_ACCESS_KEY: {SECRET}\n"
    "    steps:\n      - run: aws s3 ls\n"
)
UNFIXABLE = {
    ".env": f"AWS_ACCESS_KEY_ID={KEY}\nAWS_SECRET_ACCESS_KEY={SECRET}\n",
    "Dockerfile": f"FROM python:3.12\nENV AWS_ACCESS_KEY_ID={KEY} AWS_SECRET_ACCESS_KEY={SECRET}\n",
    "infra/main.tf": f'provider "aws" {{\n  access_key = "{KEY}"\n  secret_key = "{SECRET}"\n}}\n',
    ".github/workflows/deploy.yml": WORKFLOW,
    "web/config.js": (
        f'export const s3 = {{ accessKeyId: "{KEY}", secretAccessKey: "{SECRET}" }};\n'
    ),
}


def test_fix_lists_what_it_cannot_fix_with_what_to_do_and_fails(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {**UNFIXABLE, "app.py": "import boto3\ns3 = boto3.client('s3')\n"})
    subprocess.run(["git", "init", "-q", "."], check=True)  # the workflow is walked as usual
    before = {name: (in_tmp / name).read_text() for name in UNFIXABLE}
    status, printed = run(capsys, "fix", "--isolated", ".")
    assert status == 1, printed
    assert {name: (in_tmp / name).read_text() for name in UNFIXABLE} == before
    block = left_block(printed)
    for name in UNFIXABLE:
        assert re.search(rf"^  {re.escape(name)}:\d+:\d+: RC\d{{3}} ", block, re.M), name
    items = re.findall(r"^  \S+:\d+:\d+: .*\n      instead: (.*)$", block, re.M)
    assert len(items) == len(UNFIXABLE)
    assert all(item and "\n" not in item and len(item) < 200 for item in items)
    assert "still holds a key after the fix" not in block  # none of them was touched
    assert SECRET not in printed
    assert printed.rstrip().endswith(
        f"0 fixes, changed 0 files; {len(UNFIXABLE)} findings left to fix by hand (listed above)"
    )
    # --diff is the dry run of the same command: the same list, the same verdict.
    status, dry = run(capsys, "fix", "--isolated", "--diff", ".")
    assert status == 1 and left_block(dry) == block


def test_diff_and_fix_list_the_same_leftovers(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = f'import boto3\n\nKEY = "{KEY}"\nSECRET = "{SECRET}"\n\n' + CALL.format(
        k="KEY", s="SECRET"
    )
    write_tree(in_tmp, {"app.py": code, ".env": UNFIXABLE[".env"]})
    status, dry = run(capsys, "fix", "--isolated", "--unsafe-fixes", "--diff", ".")
    assert status == 1 and (in_tmp / "app.py").read_text() == code
    status, done = run(capsys, "fix", "--isolated", "--unsafe-fixes", ".")
    assert status == 1
    assert left_block(dry) == left_block(done) != ""
    assert "app.py" in left_block(done) and ".env" in left_block(done)
    kept = "KEY, SECRET still hold the key (public module-level names"
    assert "app.py: would apply 1 fix\n" in dry and kept in dry
    assert "app.py: applied 1 fix\n" in done and kept in done


def test_a_finding_without_a_value_in_a_fixed_file_is_listed_as_itself(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a finding about a credential value "still holds a key after the fix"; a
    call given keys from elsewhere (no value here, no fix) is listed by its message."""
    code = (
        "import os\nimport boto3\n"
        + CALL.format(k=ENV_KEY, s=ENV_SECRET)
        + CALL.replace("s3 =", "sqs =").format(k="cfg.key", s="cfg.secret")
    )
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", ".")
    assert status == 1 and "app.py: applied 1 fix\n" in printed
    block = left_block(printed)
    assert "app.py:3:" in block and "still holds a key" not in block
    assert "is given static AWS credentials from a configuration value" in block


def test_unsafe_fixes_not_applied_are_listed_with_the_flag_that_applies_them(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = "import boto3\n" + CALL.format(k=f'"{KEY}"', s=f'"{SECRET}"')
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", ".")
    assert status == 1 and (in_tmp / "app.py").read_text() == code
    assert "instead: run `rolecall fix --unsafe-fixes` (Remove aws_access_key_id" in printed
    assert "1 more with --unsafe-fixes; 1 finding left to fix by hand" in printed


def test_a_finished_fix_exits_0(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = "import os\nimport boto3\n" + CALL.format(k=ENV_KEY, s=ENV_SECRET)
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", ".")
    assert status == 0 and "Left to do" not in printed
    assert printed.endswith("1 fix, changed 1 file\n")


def test_the_baseline_and_fail_level_decide_what_is_left(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(in_tmp, {".env": UNFIXABLE[".env"]})
    assert run(capsys, "baseline", ".")[0] == 0
    write_tree(in_tmp, {".rolecall.toml": 'baseline = ".rolecall-baseline.json"\n'})
    assert Path(".rolecall-baseline.json").exists()
    status, printed = run(capsys, "fix", ".")
    assert status == 0 and "Left to do" not in printed  # accepted: the scan passes too
    assert run(capsys, "scan", "--no-cache", ".")[0] == 0
    # A warning under fail-level = "error" is not failing: nothing is left to do.
    write_tree(
        in_tmp,
        {
            ".rolecall.toml": 'fail-level = "error"\n',
            "app.py": "import boto3\n" + CALL.format(k="cfg.key", s="cfg.secret"),
        },
    )
    (in_tmp / ".env").unlink()
    status, printed = run(capsys, "fix", ".")
    assert status == 0 and "Left to do" not in printed, printed
    assert run(capsys, "scan", "--no-cache", ".")[0] == 0


# --- the import the safe fix left unused ----------------------------------------------

IMPORTS = [
    pytest.param(
        "import os\nimport boto3\n" + CALL.format(k=ENV_KEY, s=ENV_SECRET),
        'import boto3\ns3 = boto3.client("s3")\n',
        id="import-os-line",
    ),
    pytest.param(
        "import boto3, os  # std\n" + CALL.format(k=ENV_KEY, s=ENV_SECRET),
        'import boto3  # std\ns3 = boto3.client("s3")\n',
        id="import-os-among-others",
    ),
    pytest.param(
        "from os import environ, getenv, path\nimport boto3\n"
        + CALL.format(k='getenv("AWS_ACCESS_KEY_ID")', s='environ["AWS_SECRET_ACCESS_KEY"]')
        + "print(path.sep)\n",
        'from os import path\nimport boto3\ns3 = boto3.client("s3")\nprint(path.sep)\n',
        id="from-os-names-it-used",
    ),
    pytest.param(
        "from os import getenv\nimport boto3\n"
        + CALL.format(k='getenv("AWS_ACCESS_KEY_ID")', s='getenv("AWS_SECRET_ACCESS_KEY")'),
        'import boto3\ns3 = boto3.client("s3")\n',
        id="from-os-import-getenv",
    ),
    pytest.param(
        "import os\nimport boto3\nHOME = os.path.expanduser('~')\n"
        + CALL.format(k=ENV_KEY, s=ENV_SECRET),
        "import os\nimport boto3\nHOME = os.path.expanduser('~')\ns3 = boto3.client(\"s3\")\n",
        id="os-still-used",
    ),
    pytest.param(
        "import os\nimport boto3\n\n\ndef f():\n    os = None\n    return os\n\n\n"
        + CALL.format(k=ENV_KEY, s=ENV_SECRET),
        "import os\nimport boto3\n\n\ndef f():\n    os = None\n    return os\n\n\n"
        's3 = boto3.client("s3")\n',
        id="name-os-elsewhere-counts-as-a-use",
    ),
]


@pytest.mark.parametrize(("code", "fixed"), IMPORTS)
def test_safe_fix_removes_the_os_import_it_left_unused(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], code: str, fixed: str
) -> None:
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", ".")
    assert status == 0, printed
    assert (in_tmp / "app.py").read_text() == fixed
    status, _ = run(capsys, "fix", "--isolated", ".")  # idempotent
    assert (in_tmp / "app.py").read_text() == fixed


def test_fixed_module_still_runs(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The constants and the import go only when nothing needs them: the fixed script
    still imports and runs (with a stand-in boto3 that records its arguments)."""
    write_tree(
        in_tmp,
        {
            "boto3.py": "calls = []\ndef client(*a, **k):\n    calls.append((a, k))\n",
            "job.py": "import os\nimport boto3\n\n"
            f'_KEY = "{KEY}"\n_SECRET = "{SECRET}"\n\n'
            + CALL.format(k="_KEY", s="_SECRET")
            + CALL.replace("s3 =", "sqs =").format(k=ENV_KEY, s=ENV_SECRET)
            + 'print(boto3.calls, os.sep == "/")\n',
        },
    )
    status, printed = run(capsys, "fix", "--isolated", "--unsafe-fixes", "job.py")
    assert status == 0, printed
    assert SECRET not in (in_tmp / "job.py").read_text()
    done = subprocess.run(
        [sys.executable, "job.py"], cwd=in_tmp, capture_output=True, text=True, check=True
    )
    assert done.stdout == "[(('s3',), {}), (('s3',), {})] True\n"


def test_notices_count_in_plain_words(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(in_tmp, {"one.txt": b"key = 1 \xff\n", "two.txt": b"key = 2 \xff \xfe\n"})
    code = main(["scan", "--isolated", "--no-cache", "-v", "--format", "json", "."])
    out = capsys.readouterr().out
    assert code == 0
    assert "1 undecodable byte sequence in" in out
    assert "2 undecodable byte sequences in" in out
    assert "(s)" not in out


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Rotate it. Use a role.", "Rotate it. Use a role."),
        ("Rotate it (now). Use a role. Then more.", "Rotate it (now). Use a role."),
        (
            "Use a role (e.g. an ECS task role. Or a profile). Rotate.",
            "Use a role (e.g. an ECS task role. Or a profile). Rotate.",
        ),
        ("word " * 40, ("word " * 27).strip() + "…"),
        (
            "Keep keys out: at run time a role; at build time `RUN --mount=type=secret "
            + "x " * 60
            + "`",
            "Keep keys out: at run time a role; at build time…",
        ),
    ],
    ids=[
        "two-sentences",
        "third-dropped",
        "sentence-end-inside-parentheses",
        "cut-at-a-word",
        "no-open-code-span",
    ],
)
def test_recommendation_on_one_line(text: str, line: str) -> None:
    from rolecall.fix.fixer import one_line

    assert one_line(text) == line


# --- comments stay with their arguments (issue 16 #5; complements test_fix_safety) ----

COMMENTS = [
    pytest.param(
        "import os, boto3\ns3 = boto3.client(\n"
        f"    aws_access_key_id={ENV_KEY},  # from CI\n"
        '    service_name="s3",  # the bucket\n)\n',
        'import boto3\ns3 = boto3.client(\n    service_name="s3",  # the bucket\n)\n',
        id="first-removed",
    ),
    pytest.param(
        'import os, boto3\ns3 = boto3.client(\n    "s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY},  # key from CI\n"
        f"    aws_secret_access_key={ENV_SECRET},  # secret from CI\n"
        '    region_name="eu-west-1",  # region\n)\n',
        'import boto3\ns3 = boto3.client(\n    "s3",  # the bucket\n'
        '    region_name="eu-west-1",  # region\n)\n',
        id="two-removed-in-the-middle",
    ),
    pytest.param(
        'import os, boto3\ns3 = boto3.client(\n    "s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY},  # key from CI\n"
        '    region_name="eu-west-1",  # region\n'
        f"    aws_secret_access_key={ENV_SECRET},  # secret from CI\n)\n",
        'import boto3\ns3 = boto3.client(\n    "s3",  # the bucket\n'
        '    region_name="eu-west-1",  # region\n)\n',
        id="removed-around-a-kept-one",
    ),
    pytest.param(
        'import os, boto3\ns3 = boto3.client("s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY},  # key from CI\n"
        '    region_name="eu-west-1")  # region\n',
        'import boto3\ns3 = boto3.client("s3",  # the bucket\n'
        '    region_name="eu-west-1")  # region\n',
        id="hanging-indent",
    ),
]


@pytest.mark.parametrize(("code", "fixed"), COMMENTS)
def test_comments_stay_with_the_argument_they_describe(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], code: str, fixed: str
) -> None:
    write_tree(in_tmp, {"app.py": code})
    status, printed = run(capsys, "fix", "--isolated", ".")
    assert status == 0, printed
    assert (in_tmp / "app.py").read_text() == fixed
    assert "from CI" not in fixed  # a removed argument's comment leaves with it
