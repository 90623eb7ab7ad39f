"""Property tests for the RC2xx fixes: any layout of a call, fixed, still parses, keeps
every other argument in order and is a fixed point."""

from __future__ import annotations

import ast
import itertools

import libcst
from hypothesis import given, settings
from hypothesis import strategies as st
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.fix.edits import fixed_text
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document

ENGINE = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
CREDS = [
    'aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"]',
    'aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY")',
    'aws_session_token=os.environ.get("AWS_SESSION_TOKEN")',
]
OTHERS = ['"s3"', 'region_name="eu-west-1"', "config=CONFIG", 'endpoint_url="https://x"']
SEPARATORS = [", ", ",", ",\n    ", ",  # note\n    ", ",\n\n        ", "  # before\n    , "]


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, str, int]:
    """A call with credential and other arguments in any order and layout, the call as
    it should read after the fix (up to layout), and how many ``# before`` comments it
    keeps: one for each kept argument that has one between it and its comma."""
    creds = draw(st.lists(st.sampled_from(CREDS), min_size=1, max_size=3, unique=True))
    others = draw(st.lists(st.sampled_from(OTHERS[1:]), max_size=3, unique=True))
    positional = draw(st.booleans())
    keywords = draw(st.permutations(creds + others))
    args = (['"s3"'] if positional else []) + list(keywords)
    parts = [args[0]]
    kept_before = 0
    for previous, arg in itertools.pairwise(args):
        separator = draw(st.sampled_from(SEPARATORS))
        kept_before += "# before" in separator and previous not in CREDS
        parts.append(separator + arg)
    opening = draw(st.sampled_from(["", "\n    ", "  "]))
    closing = draw(st.sampled_from(["", ",", ",\n", "\n", " ", ",  # end\n"]))
    method = draw(st.sampled_from(["boto3.client", "boto3.Session().client", "session.client"]))
    code = (
        "import os\nimport boto3\nsession = boto3.Session()\n"
        f"def make():\n    return {method}({opening}{''.join(parts)}{closing})\n"
    )
    expected = f"{method}({', '.join(a for a in args if a not in CREDS)})"
    return code, expected, kept_before


@settings(max_examples=200, deadline=None)
@given(calls())
def test_fixed_call_parses_keeps_other_arguments_and_is_stable(
    case: tuple[str, str, int],
) -> None:
    code, expected, kept_before = case
    findings = ENGINE.scan_document(Document("app.py", code.encode())).findings
    assert len(findings) == 1
    assert findings[0].fix is not None and findings[0].fix.safe
    fixed = fixed_text(code, findings, unsafe=False)
    libcst.parse_module(fixed)
    function = ast.parse(fixed).body[-1]
    assert isinstance(function, ast.FunctionDef)
    returned = function.body[0]
    assert isinstance(returned, ast.Return) and returned.value is not None
    assert ast.unparse(returned.value) == ast.unparse(ast.parse(expected, mode="eval"))
    assert fixed.count("# note") <= code.count("# note")
    assert fixed.count("# before") == kept_before  # a kept argument keeps its comment
    assert ENGINE.scan_document(Document("app.py", fixed.encode())).findings == []


@st.composite
def options(draw: st.DrawFn) -> str:
    """A pandas call with credentials among other storage_options entries, any layout."""
    creds = [
        '"key": os.getenv("AWS_ACCESS_KEY_ID")',
        '"secret": os.getenv("AWS_SECRET_ACCESS_KEY")',
    ]
    others = ['"anon": False', '"client_kwargs": {"region_name": "eu-west-1"}', "**EXTRA"]
    entries = draw(st.permutations(creds + draw(st.lists(st.sampled_from(others), unique=True))))
    parts = [entries[0]] + [draw(st.sampled_from(SEPARATORS)) + e for e in entries[1:]]
    opening = draw(st.sampled_from(["", "\n    ", " "]))
    closing = draw(st.sampled_from(["", ",", ",\n", " "]))
    body = f"{{{opening}{''.join(parts)}{closing}}}"
    bound = draw(st.booleans())
    head = "import os\nimport pandas as pd\n" + (f"opts = {body}\n" if bound else "")
    return head + f'pd.read_csv("s3://b/k.csv", storage_options={"opts" if bound else body})\n'


@settings(max_examples=200, deadline=None)
@given(st.one_of(calls().map(lambda case: case[0]), options()))
def test_resulting_code_in_the_message_is_what_the_fix_builds(code: str) -> None:
    """The recommendation's "resulting code" comes from the source text; the fix from
    libcst's rules (applied to the text, or by libcst): both must describe the same
    rewrite."""
    from rolecall.rules.python.analysis import analysis
    from rolecall.rules.python.analysis.fix import rebuilt

    found = analysis(Document("app.py", code.encode()))
    assert found.measure is not None and found.uses
    for use in found.uses:
        container = use.call if use.call is not None else use.dict_node
        assert container is not None
        layout = found.measure.layout(container)
        drop = use.removal()
        ours = found.measure.without(container, drop)
        assert ours == rebuilt(code, layout.start, layout.end, drop)
