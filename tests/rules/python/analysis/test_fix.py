"""RC2xx fixes: (input, expected) tables, unchanged inputs, idempotence, re-parsing."""

from __future__ import annotations

import libcst
import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.fix.edits import fixed_text
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document
from rolecall.rules.python.analysis import analysis
from rolecall.rules.python.analysis import fixcst as _pyfixcst
from rolecall.rules.python.analysis import fixfast as _pyfixfast

KEY = "AKIA" + "Q3ZR7HVTX2M4WYLB"
SECRET = "q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK"
ENV_KEY = 'os.environ["AWS_ACCESS_KEY_ID"]'
ENV_SECRET = 'os.environ["AWS_SECRET_ACCESS_KEY"]'
HEAD = "import os\nimport boto3\n"
#: HEAD after a fix that removed every use of ``os``: the import it left unused goes too.
FIXED_HEAD = "import boto3\n"

ENGINE = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))


def fix(code: str, *, unsafe: bool = False, path: str = "app.py") -> str:
    result = ENGINE.scan_document(Document(path, code.encode()))
    return fixed_text(code, result.findings, unsafe=unsafe)


def fix_until_stable(code: str, *, unsafe: bool = False) -> str:
    for _ in range(10):
        new = fix(code, unsafe=unsafe)
        if new == code:
            return new
        code = new
    raise AssertionError("fixes did not converge")


SAFE = [
    pytest.param(
        HEAD + f's3 = boto3.client("s3", aws_access_key_id={ENV_KEY}, '
        f"aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 's3 = boto3.client("s3")\n',
        id="one-line",
    ),
    pytest.param(
        HEAD + "s3 = boto3.client(\n"
        '    "s3",  # storage\n'
        f"    aws_access_key_id={ENV_KEY},\n"
        f"    aws_secret_access_key={ENV_SECRET},\n"
        '    aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),\n'
        '    region_name="eu-west-1",\n'
        ")\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3",  # storage\n    region_name="eu-west-1",\n)\n',
        id="multi-line-trailing-comma-comments-kept",
    ),
    pytest.param(
        HEAD + "s = boto3.Session(\n"
        f"    aws_access_key_id={ENV_KEY},\n"
        f"    aws_secret_access_key={ENV_SECRET}\n"
        ")\n",
        FIXED_HEAD + "s = boto3.Session()\n",
        id="all-arguments-go",
    ),
    pytest.param(
        HEAD + "def f():\n    if True:\n        return boto3.resource(\n"
        '            "s3",\n'
        f"            aws_access_key_id={ENV_KEY},\n"
        f"            aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 'def f():\n    if True:\n        return boto3.resource(\n            "s3")\n',
        id="nested-indentation",
    ),
    pytest.param(
        HEAD + "x = boto3.Session("
        f"aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET}).client("
        f'"s3", aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET})\n',
        HEAD + 'x = boto3.Session().client("s3")\n',
        id="chained-session-and-client",
    ),
    pytest.param(
        "import os\nimport pandas as pd\n"
        'pd.read_csv("s3://b/k.csv", storage_options={"key": os.getenv("AWS_ACCESS_KEY_ID"), '
        '"secret": os.getenv("AWS_SECRET_ACCESS_KEY")}, sep=";")\n',
        'import pandas as pd\npd.read_csv("s3://b/k.csv", sep=";")\n',
        id="storage-options-emptied",
    ),
    pytest.param(
        "import os\nimport pandas as pd\n"
        "opts = {\n"
        '    "anon": False,\n'
        '    "key": os.getenv("AWS_ACCESS_KEY_ID"),\n'
        '    "secret": os.getenv("AWS_SECRET_ACCESS_KEY"),\n'
        "}\n"
        'pd.read_csv("s3://b/k.csv", storage_options=opts)\n',
        "import pandas as pd\n"
        'opts = {\n    "anon": False,\n}\n'
        'pd.read_csv("s3://b/k.csv", storage_options=opts)\n',
        id="storage-options-bound-to-name",
    ),
    pytest.param(
        "import os\nfrom pyarrow import fs\n"
        's3 = fs.S3FileSystem(region="eu-west-1", access_key=os.getenv("AWS_ACCESS_KEY_ID"), '
        'secret_key=os.getenv("AWS_SECRET_ACCESS_KEY"))\n',
        'from pyarrow import fs\ns3 = fs.S3FileSystem(region="eu-west-1")\n',
        id="pyarrow",
    ),
]

UNSAFE = [
    pytest.param(
        f'import boto3\nc = boto3.client("s3", aws_access_key_id="{KEY}", '
        f'aws_secret_access_key="{SECRET}")\n',
        'import boto3\nc = boto3.client("s3")\n',
        id="literal",
    ),
    pytest.param(
        HEAD + 'c = boto3.client("s3", aws_access_key_id=os.environ["APP_KEY"], '
        'aws_secret_access_key=os.environ["APP_SECRET"])\n',
        FIXED_HEAD + 'c = boto3.client("s3")\n',
        id="non-standard-variables",
    ),
    pytest.param(
        HEAD + f'c = boto3.Session(profile_name="prod", aws_access_key_id={ENV_KEY}, '
        f"aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 'c = boto3.Session(profile_name="prod")\n',
        id="profile-named-too",
    ),
    pytest.param(
        HEAD + f'c = boto3.client("s3", aws_access_key_id={ENV_KEY}, '
        f'aws_secret_access_key="{SECRET}")\n',
        FIXED_HEAD + 'c = boto3.client("s3")\n',
        id="mixed-env-and-literal",
    ),
]

#: Inputs no fix may change, even with --unsafe-fixes.
UNCHANGED = [
    pytest.param(
        "import boto3\ndef make(k, s):\n"
        '    return boto3.client("s3", aws_access_key_id=k, aws_secret_access_key=s)\n',
        id="parameters",
    ),
    pytest.param(
        f'import boto3\nboto3.Session("{KEY}", "{SECRET}", None, "eu-west-1")\n',
        id="positional-followed-by-region",
    ),
    pytest.param(
        f'import botocore.session\nbotocore.session.get_session().set_credentials("{KEY}", '
        f'"{SECRET}")\n',
        id="set-credentials",
    ),
    pytest.param(
        f'import os\nos.environ["AWS_SECRET_ACCESS_KEY"] = "{SECRET}"\n',
        id="environ-write",
    ),
    pytest.param('import boto3\nboto3.client("s3")\n', id="clean"),
]


@pytest.mark.parametrize(("code", "expected"), SAFE)
def test_safe_fix(code: str, expected: str) -> None:
    assert fix_until_stable(code) == expected
    assert fix_until_stable(expected, unsafe=True) == expected
    libcst.parse_module(expected)


@pytest.mark.parametrize(("code", "expected"), UNSAFE)
def test_unsafe_fix(code: str, expected: str) -> None:
    assert fix(code) == code  # not without --unsafe-fixes
    assert fix_until_stable(code, unsafe=True) == expected
    libcst.parse_module(expected)


@pytest.mark.parametrize("code", UNCHANGED)
def test_no_fix(code: str) -> None:
    assert fix(code, unsafe=True) == code


@pytest.mark.parametrize(("code", "expected"), SAFE + UNSAFE)
def test_crlf_line_endings_are_kept(code: str, expected: str) -> None:
    crlf = code.replace("\n", "\r\n")
    assert fix_until_stable(crlf, unsafe=True) == expected.replace("\n", "\r\n")


def test_first_pass_applies_nested_fixes_together() -> None:
    code = str(SAFE[4].values[0])
    assert fix(code) == str(SAFE[4].values[1])


def test_notebook_findings_carry_no_fix() -> None:
    import json

    source = [f's3 = boto3.client("s3", aws_access_key_id={ENV_KEY})\n']
    nb = {"cells": [{"cell_type": "code", "source": ["import os, boto3\n", *source]}]}
    result = ENGINE.scan_document(Document("n.ipynb", json.dumps(nb).encode()))
    assert [f.rule_id for f in result.findings] == ["RC201"]
    assert result.findings[0].fix is None


# --- a comment after a kept part's comma stays when the parts after it go ---------------
# "last": the kept part becomes the last one; "middle": a kept part still follows. The
# ending of the call or dictionary is either on lines of its own ("multi-line") or on the
# removed part's line ("same-line"), where the bracket moves to the next line rather than
# after the comment. A removed part's comment ("from CI") leaves with it.

ENV_KEY_OPT = '"key": os.getenv("AWS_ACCESS_KEY_ID")'
ENV_SECRET_OPT = '"secret": os.getenv("AWS_SECRET_ACCESS_KEY")'
PD_HEAD = "import os\nimport pandas as pd\n"
PD_FIXED_HEAD = "import pandas as pd\n"
READ = 'pd.read_csv("s3://b/k.csv", storage_options='

KEPT_COMMENTS = [
    pytest.param(
        HEAD + 's3 = boto3.client(\n    "s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY},  # from CI\n"
        f"    aws_secret_access_key={ENV_SECRET},\n)\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3",  # the bucket\n)\n',
        id="call-last-multi-line-trailing-comma",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client(\n    "s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY},  # from CI\n"
        f"    aws_secret_access_key={ENV_SECRET}\n)\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n)\n',
        id="call-last-multi-line-no-trailing-comma",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client("s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 's3 = boto3.client("s3"  # the bucket\n    )\n',
        id="call-last-same-line",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client("s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET},)\n",
        FIXED_HEAD + 's3 = boto3.client("s3",  # the bucket\n    )\n',
        id="call-last-same-line-trailing-comma",
    ),
    pytest.param(
        HEAD + 'def make():\n    return boto3.client("s3",  # the bucket\n'
        f"                        aws_access_key_id={ENV_KEY},  # from CI\n"
        f"                        aws_secret_access_key={ENV_SECRET})  # made here\n",
        FIXED_HEAD + 'def make():\n    return boto3.client("s3"  # the bucket\n'
        "                        )  # made here\n",
        id="call-last-same-line-indented",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client("s3",  # the bucket\n'
        f"    aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET},\n"
        '    region_name="eu-west-1")\n',
        FIXED_HEAD + 's3 = boto3.client("s3",  # the bucket\n    region_name="eu-west-1")\n',
        id="call-middle-same-line",
    ),
    pytest.param(
        HEAD + f's3 = boto3.client("s3", aws_access_key_id={ENV_KEY}, '
        f"aws_secret_access_key={ENV_SECRET})  # the client\n",
        FIXED_HEAD + 's3 = boto3.client("s3")  # the client\n',
        id="call-single-line",
    ),
    pytest.param(
        PD_HEAD + READ + f'{{{ENV_KEY_OPT}, "anon": False,  # public\n    {ENV_SECRET_OPT},\n}})\n',
        PD_FIXED_HEAD + READ + '{"anon": False,  # public\n})\n',
        id="dict-last-multi-line-trailing-comma",
    ),
    pytest.param(
        PD_HEAD + READ + '{\n    "anon": False,  # public\n'
        f"    {ENV_KEY_OPT},  # from CI\n    {ENV_SECRET_OPT}\n}})\n",
        PD_FIXED_HEAD + READ + '{\n    "anon": False  # public\n})\n',
        id="dict-last-multi-line-no-trailing-comma",
    ),
    pytest.param(
        PD_HEAD + READ + f'{{"anon": False,  # public\n    {ENV_KEY_OPT}, {ENV_SECRET_OPT}}})\n',
        PD_FIXED_HEAD + READ + '{"anon": False  # public\n    })\n',
        id="dict-last-same-line",
    ),
    pytest.param(
        PD_HEAD + READ + f'{{"anon": False,  # public\n    {ENV_KEY_OPT}, {ENV_SECRET_OPT},}})\n',
        PD_FIXED_HEAD + READ + '{"anon": False,  # public\n    })\n',
        id="dict-last-same-line-trailing-comma",
    ),
    pytest.param(
        PD_HEAD + READ + '{\n    "anon": False,  # public\n'
        f"    {ENV_KEY_OPT},  # from CI\n    {ENV_SECRET_OPT},\n"
        '    "client_kwargs": {"region_name": "eu-west-1"},  # region\n})\n',
        PD_FIXED_HEAD + READ + '{\n    "anon": False,  # public\n'
        '    "client_kwargs": {"region_name": "eu-west-1"},  # region\n})\n',
        id="dict-middle-multi-line",
    ),
    pytest.param(
        PD_HEAD + READ + '{"anon": False,  # public\n'
        f'    {ENV_KEY_OPT}, {ENV_SECRET_OPT}, "use_ssl": True}})\n',
        PD_FIXED_HEAD + READ + '{"anon": False,  # public\n    "use_ssl": True})\n',
        id="dict-middle-same-line",
    ),
    pytest.param(
        PD_HEAD
        + f'opts = {{"anon": False, {ENV_KEY_OPT}, {ENV_SECRET_OPT}}}  # options\n'
        + READ
        + "opts)\n",
        PD_FIXED_HEAD + 'opts = {"anon": False}  # options\n' + READ + "opts)\n",
        id="dict-single-line-bound",
    ),
    pytest.param(
        PD_HEAD + 'opts = {\n    "anon": False,  # public\n'
        f"    {ENV_KEY_OPT},\n    {ENV_SECRET_OPT}}}\n" + READ + "opts)\n",
        PD_FIXED_HEAD + 'opts = {\n    "anon": False  # public\n    }\n' + READ + "opts)\n",
        id="dict-last-same-line-bound",
    ),
]


def _fixed_keeps_its_comment(code: str, expected: str, newline: str) -> None:
    code, expected = code.replace("\n", newline), expected.replace("\n", newline)
    assert fix_until_stable(code) == expected
    libcst.parse_module(expected)
    assert "from CI" not in expected


@pytest.mark.parametrize(("code", "expected"), KEPT_COMMENTS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_comment_after_a_kept_parts_comma_stays(code: str, expected: str, newline: str) -> None:
    _fixed_keeps_its_comment(code, expected, newline)


@pytest.mark.parametrize(("code", "expected"), KEPT_COMMENTS)
def test_kept_comment_in_the_message_the_text_path_and_libcst(code: str, expected: str) -> None:
    """The recommendation's resulting code, the fix built from the text and libcst's
    fix are one rewrite, the kept comment included (the text path answers each case)."""
    for ours, start, end, drop in _rewrites(code):
        assert ours in expected
        # Every case but the single-line ones has a comment to keep inside the brackets.
        assert ("#" in ours) == ("#" in code[start:end])
        assert _pyfixfast.rebuilt(code, start, end, drop) == ours
        assert _pyfixcst.rebuilt(code, start, end, drop) == ours


def _rewrites(code: str) -> list[tuple[str, int, int, dict[int, set[int] | None]]]:
    """For each use the analysis finds in ``code``: the recommendation's resulting code,
    the span of the call or dictionary it rewrites and what the fix drops from it."""
    found = analysis(Document("app.py", code.encode()))
    assert found.measure is not None and found.uses
    rewrites = []
    for use in found.uses:
        container = use.call if use.call is not None else use.dict_node
        assert container is not None
        layout = found.measure.layout(container)
        drop = use.removal()
        rewrites.append((found.measure.without(container, drop), layout.start, layout.end, drop))
    return rewrites


# --- a comment between a kept part and its comma stays when that comma goes -------------
# Comma-first layouts (``a  # why`` on one line, ``, b`` on the next) put a part's
# comment before its comma. The fix once dropped it with the comma; the removed parts'
# own comments ("from CI") still leave with them. Only libcst builds these (the text
# path leaves a comment before a comma to it), and the message must say the same.

COMMENTS_BEFORE_COMMAS = [
    pytest.param(
        HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n'
        f"    , aws_access_key_id={ENV_KEY}  # from CI\n"
        f"    , aws_secret_access_key={ENV_SECRET}\n)\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n)\n',
        id="call-last-multi-line",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client("s3"  # the bucket\n'
        f"    , aws_access_key_id={ENV_KEY}, aws_secret_access_key={ENV_SECRET})\n",
        FIXED_HEAD + 's3 = boto3.client("s3"  # the bucket\n    )\n',
        id="call-last-same-line",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n    # in eu-west-1\n'
        f"    , aws_access_key_id={ENV_KEY}\n    , aws_secret_access_key={ENV_SECRET}\n)\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n    # in eu-west-1\n)\n',
        id="call-last-two-comment-lines",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n    ,  # then the keys\n'
        f"    aws_access_key_id={ENV_KEY},\n    aws_secret_access_key={ENV_SECRET}\n)\n",
        FIXED_HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n    # then the keys\n)\n',
        id="call-last-comments-on-both-sides-of-the-comma",
    ),
    pytest.param(
        HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n'
        f"    , aws_access_key_id={ENV_KEY}\n    , aws_secret_access_key={ENV_SECRET}\n"
        '    , region_name="eu-west-1"\n)\n',
        FIXED_HEAD + 's3 = boto3.client(\n    "s3"  # the bucket\n'
        '    , region_name="eu-west-1"\n)\n',
        id="call-middle",
    ),
    pytest.param(
        PD_HEAD + READ + '{\n    "anon": False  # public\n'
        f"    , {ENV_KEY_OPT}  # from CI\n    , {ENV_SECRET_OPT}\n}})\n",
        PD_FIXED_HEAD + READ + '{\n    "anon": False  # public\n})\n',
        id="dict-last",
    ),
    pytest.param(
        PD_HEAD + READ + '{\n    "anon": False  # public\n'
        f"    , {ENV_KEY_OPT}\n    , {ENV_SECRET_OPT},\n}})\n",
        PD_FIXED_HEAD + READ + '{\n    "anon": False  # public\n    ,\n})\n',
        id="dict-last-trailing-comma",
    ),
]


@pytest.mark.parametrize(("code", "expected"), COMMENTS_BEFORE_COMMAS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_comment_before_a_kept_parts_comma_stays(code: str, expected: str, newline: str) -> None:
    _fixed_keeps_its_comment(code, expected, newline)


@pytest.mark.parametrize(("code", "expected"), COMMENTS_BEFORE_COMMAS)
def test_comment_before_a_comma_in_the_message_and_libcst(code: str, expected: str) -> None:
    """The recommendation's resulting code and libcst's fix are one rewrite, the
    comment before the comma kept; the text path leaves such a layout to libcst."""
    for ours, start, end, drop in _rewrites(code):
        assert ours in expected
        assert "# the bucket" in ours or "# public" in ours
        assert _pyfixfast.rebuilt(code, start, end, drop) is None
        assert _pyfixcst.rebuilt(code, start, end, drop) == ours
