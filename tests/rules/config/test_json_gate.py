"""The C decision first for JSON: same results as the line-keeping parser alone.

The configuration rules ask ``rolecall.rules.config.json_gate`` whether a JSON file can hold
anything they report before the pure-Python, position-keeping parse; the notebook views
read cells from a tree whose outputs and metadata the C decoder reads
(``parse_outline``). These tests scan real files both ways (the fast path, and the
fallback taken when the C parser refuses the text) and require identical reports, and
show that the line-keeping parser is not run where it is not needed.
"""

from __future__ import annotations

import base64
import gc
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rolecall.read.parsers.json as json_parser
from hypothesis import given
from hypothesis import strategies as st
from rolecall import Document, ViewError
from rolecall.cli.main import main
from rolecall.engine.core import Engine, EngineOptions, Plan
from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token
from rolecall.plugin.registry import default_registry
from rolecall.read.parsers.common import MAX_DEPTH, MapNode, Node, Scalar, SeqNode
from rolecall.read.parsers.json import load_fast, parse_json, parse_outline
from rolecall.rules.config import json_gate
from rolecall.rules.config.json_gate import may_report

RNG = random.Random(18)
KEY_ID = fake_key_id(rng=RNG)
TEMP_ID = fake_key_id("ASIA", rng=RNG)
SECRET = fake_secret_key(RNG)
TOKEN = fake_session_token(RNG)


def _model() -> str:
    """A botocore-style API model: credential-named shapes and members, no values."""
    member = {"shape": "String", "documentation": "<p>The secret access key.</p>"}
    shapes = {
        "Credentials": {
            "type": "structure",
            "members": {
                "AccessKeyId": {"shape": "accessKeyIdType"},
                "SecretAccessKey": member,
                "SessionToken": {"shape": "tokenType"},
            },
            "required": ["AccessKeyId", "SecretAccessKey", "SessionToken"],
        },
        "accessKeySecretType": {"type": "string", "sensitive": True},
    }
    for n in range(300):
        shapes[f"DescribeThing{n}Request"] = {
            "type": "structure",
            "members": {"ThingName": {"shape": "String", "locationName": f"thing{n}"}},
            "documentation": f"<p>Describes thing {n}: a long enough sentence.</p>",
        }
    model = {
        "version": "2.0",
        "metadata": {"apiVersion": "2011-06-15", "protocol": "query"},
        "operations": {"GetSessionToken": {"name": "GetSessionToken"}},
        "shapes": shapes,
    }
    return json.dumps(model, indent=2)


def _postman_environment() -> str:
    values = [
        {"key": "awsKey", "value": KEY_ID, "type": "default", "enabled": True},
        {"key": "awsSecret", "value": SECRET, "type": "secret", "enabled": True},
        {"key": "region", "value": "eu-west-1", "type": "default", "enabled": True},
    ]
    env = {"id": "e1", "name": "prod", "values": values, "_postman_variable_scope": "environment"}
    return json.dumps(env, indent="\t")


def _postman_collection() -> str:
    auth = {
        "type": "awsv4",
        "awsv4": [
            {"key": "accessKey", "value": TEMP_ID, "type": "string"},
            {"key": "secretKey", "value": SECRET, "type": "string"},
            {"key": "sessionToken", "value": TOKEN, "type": "string"},
        ],
    }
    body = {"info": {"_postman_id": "c1", "name": "s3"}, "auth": auth, "item": []}
    return json.dumps(body)


def _tfstate() -> str:
    attributes = {
        "id": KEY_ID,
        "secret": SECRET,
        "ses_smtp_password_v4": "BF" + SECRET,
        "user": "ci",
    }
    state = {
        "version": 4,
        "outputs": {"ci_secret": {"value": SECRET, "type": "string"}},
        "resources": [
            {
                "mode": "managed",
                "type": "aws_iam_access_key",
                "name": "ci",
                "instances": [{"schema_version": 0, "attributes": attributes}],
            }
        ],
    }
    return json.dumps(state, indent=2)


def _deep(levels: int) -> str:
    """A model-like object with arrays nested ``levels`` deep inside it."""
    return '{"SecretAccessKey": {"shape": "s"}, "a": ' + "[" * levels + "]" * levels + "}"


#: Real-shaped files, by path: what each shows is in its name.
FILES: dict[str, str | bytes] = {
    "botocore/data/sts/2011-06-15/service-2.json": _model(),
    "api/prod.postman_environment.json": _postman_environment(),
    "api/s3.postman_collection.json": _postman_collection(),
    "api/globals.postman_globals.json": json.dumps(
        {
            "values": [{"key": "aws_session_token", "value": TOKEN, "enabled": True}],
            "_postman_variable_scope": "globals",
        }
    ),
    "infra/terraform.tfstate": _tfstate(),
    ".vscode/settings.jsonc": (
        '{\n  // deploy settings\n  "aws.accessKeyId": "' + KEY_ID + '",\n'
        '  "aws.secretAccessKey": "' + SECRET + '", /* old */\n}\n'
    ),
    "config/comments.json": (
        '{\n  // deploy settings\n  "aws": {"accessKeyId": "'
        + KEY_ID
        + '", "secretAccessKey": "'
        + SECRET
        + '"}\n}\n'
    ),
    "config/duplicate-keys.json": (
        '{"aws_secret_access_key": "' + SECRET + '",\n "aws_secret_access_key": "",\n'
        ' "aws_session_token": "' + TOKEN + '", "aws_session_token": null}\n'
    ),
    "config/nan.json": '{"SecretAccessKey": {"shape": "t"}, "ratio": NaN, "max": Infinity}',
    "config/nan-with-key.json": '{"aws_secret_access_key": "' + SECRET + '", "r": NaN}',
    "config/big-number.json": '{"SecretAccessKey": {"shape": "s"}, "n": ' + "7" * 5000 + "}",
    "config/lone-surrogate.json": (
        '{"note": "\\ud800 half", "aws_access_key_id": "'
        + KEY_ID
        + '", "aws_secret_access_key": "'
        + SECRET
        + '"}'
    ),
    "config/bom.json": b"\xef\xbb\xbf" + f'{{"aws": {{"secretAccessKey": "{SECRET}"}}}}'.encode(),
    "config/utf16.json": f'{{"aws_session_token": "{TOKEN}"}}'.encode("utf-16"),
    "config/scalar.json": json.dumps(KEY_ID),
    "config/scalar-name.json": json.dumps("SecretAccessKey"),
    # The object is a level: MAX_DEPTH - 1 arrays in it are within the budget.
    "config/deep-201.json": _deep(MAX_DEPTH),
    "config/deep-200.json": _deep(MAX_DEPTH - 1),
    "config/deep-5000.json": _deep(5000),
    "config/trailing-comma.json": '{"aws_secret_access_key": "' + SECRET + '",}',
    "ecs/taskdef.json": json.dumps(
        {
            "containerDefinitions": [
                {
                    "name": "web",
                    # No key id: the secret is known by the name beside it only.
                    "environment": [
                        {"name": "AWS_REGION", "value": "eu-west-1"},
                        {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET},
                    ],
                }
            ]
        }
    ),
    "compose.json": json.dumps(
        {"services": {"app": {"environment": [f"AWS_SESSION_TOKEN={TOKEN}", "DEBUG=1"]}}}
    ),
    "stack.json": json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {"Key": {"Type": "AWS::IAM::AccessKey"}},
            "Outputs": {"S": {"Value": {"Fn::GetAtt": ["Key", "SecretAccessKey"]}}},
        }
    ),
    "k8s/secret.json": json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "data": {"aws_secret_access_key": base64.b64encode(SECRET.encode()).decode()},
        }
    ),
    "config/merge-key.json": json.dumps({"aws_secret_access_key": {"<<": SECRET}}),
    "config/variables.tf.json": json.dumps({"variable": {"aws_secret_key": {"default": SECRET}}}),
    "httpie/session.json": json.dumps(
        {
            "__meta__": {"about": "HTTPie session file"},
            "auth": {"type": "basic", "raw_auth": f"{KEY_ID}:{SECRET}"},
        }
    ),
    "out/create-access-key.json": json.dumps(
        {"AccessKey": {"UserName": "ci", "AccessKeyId": KEY_ID, "SecretAccessKey": SECRET}},
        indent=4,
    ),
}


def _scan(tmp_path: Path, name: str, fallback: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The JSON report of a real scan of ``tmp_path/tree``, with the gate or without."""
    out = tmp_path / f"{name}.json"
    with monkeypatch.context() as m:
        if fallback:  # as if the C parser refused every file: the line-keeping path
            m.setattr(json_parser, "load_fast", lambda text: None)
        args = ["scan", "--isolated", "--no-cache", "--jobs", "1", "--format", "json"]
        code = main([*args, "-o", str(out), str(tmp_path / "tree")])
    assert code in (0, 1)
    report = json.loads(out.read_text(encoding="utf-8"))
    report["stats"].pop("seconds")
    return report


def test_c_first_and_fallback_give_identical_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, content in FILES.items():
        path = tmp_path / "tree" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    fast = _scan(tmp_path, "fast", False, monkeypatch)
    slow = _scan(tmp_path, "slow", True, monkeypatch)
    assert fast == slow
    # Not vacuous: the files with credentials are reported, the broken ones noticed.
    reported = {f["path"].split("tree/", 1)[-1] for f in fast["findings"]}
    for name in (
        "api/prod.postman_environment.json",
        "api/s3.postman_collection.json",
        "api/globals.postman_globals.json",
        "infra/terraform.tfstate",
        ".vscode/settings.jsonc",
        "config/comments.json",
        "config/duplicate-keys.json",
        "config/lone-surrogate.json",
        "config/bom.json",
        "config/utf16.json",
        "ecs/taskdef.json",
        "compose.json",
        "stack.json",
        "k8s/secret.json",
        "config/merge-key.json",
        "config/variables.tf.json",
        "httpie/session.json",
        "out/create-access-key.json",
    ):
        assert any(path.endswith(name) for path in reported), name
    assert not any("botocore" in path for path in reported)
    rules = {(f["path"].rsplit("/", 1)[-1], f["rule_id"]) for f in fast["findings"]}
    assert {
        ("prod.postman_environment.json", "RC321"),
        ("terraform.tfstate", "RC320"),
        ("duplicate-keys.json", "RC301"),
        ("taskdef.json", "RC307"),
        ("stack.json", "RC310"),
        ("stack.json", "RC311"),
        ("secret.json", "RC301"),
        ("session.json", "RC321"),
    } <= rules
    unparseable = {
        n["path"].rsplit("/", 1)[-1]
        for n in fast["notices"]
        if "cannot parse as json" in n["message"]
    }
    assert {
        "nan.json",
        "nan-with-key.json",
        "deep-201.json",
        "deep-5000.json",
        "trailing-comma.json",
    } <= unparseable
    assert not {"deep-200.json", "big-number.json", "service-2.json"} & unparseable


def _counting_parser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original: Callable[[str], Any] = parse_json

    def counted(text: str) -> Any:
        calls.append(text[:20])
        return original(text)

    monkeypatch.setattr(json_parser, "parse_json", counted)
    return calls


def test_line_keeping_parser_not_run_without_a_candidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_parser(monkeypatch)
    model = tmp_path / "botocore" / "data" / "sts" / "service-2.json"
    model.parent.mkdir(parents=True)
    model.write_text(str(FILES["botocore/data/sts/2011-06-15/service-2.json"]), encoding="utf-8")
    engine = Engine(default_registry(), EngineOptions())
    result = engine.scan_bytes(model.as_posix(), model.read_bytes())
    # The prefilter sends the model to the JSON rules (its shapes are credential-named)...
    plan = engine.plan(model.as_posix(), model.read_bytes())
    assert isinstance(plan, Plan) and "RC301" in {engine.specs[i].id for i in plan.selected}
    # ...and they report nothing without building the line-keeping tree.
    assert result.findings == [] and result.notices == []
    assert calls == []
    # The same engine parses a file with a candidate (the test can fail).
    postman = tmp_path / "prod.postman_environment.json"
    postman.write_text(str(FILES["api/prod.postman_environment.json"]), encoding="utf-8")
    found = engine.scan_bytes(postman.as_posix(), postman.read_bytes())
    assert [f.rule_id for f in found.findings] == ["RC321"]
    assert len(calls) == 1


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("text", ['{"SecretAccessKey": {"shape": "s"}}', '{"a": [1, 2', '"x"'])
def test_gate_decides_without_the_cyclic_collector_and_restores_it(
    enabled: bool, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C parser's tree is walked with the collector off (no collection traverses it
    while it lives), and the collector is left as it was found, also when the text is
    refused or the walk raises."""
    seen: list[bool] = []
    original = json_gate.may_report

    def watched(root: object) -> bool:
        seen.append(gc.isenabled())
        return original(root)

    monkeypatch.setattr(json_gate, "may_report", watched)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        doc = Document("c.json", text.encode())
        assert json_gate._decide(doc) is (text == '{"a": [1, 2')
        assert gc.isenabled() is enabled
        assert seen == ([] if text == '{"a": [1, 2' else [False])

        def broken(root: object) -> bool:
            raise RuntimeError("a bug in the walk")

        monkeypatch.setattr(json_gate, "may_report", broken)
        with pytest.raises(RuntimeError):
            json_gate._decide(Document("d.json", b'{"a": 1}'))
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN}',
        '{"a": -Infinity}',
        "[Infinity]",
        "1" * 5000,
        "\ufeff{}",
        '{"a": 1} // note',
        '{"a": 1,}',
        "[1,]",
        "[" * 5000 + "]" * 5000,
        "",
        "  ",
    ],
)
def test_load_fast_refuses_what_it_cannot_read_like_parse_json(text: str) -> None:
    assert load_fast(text) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '"\\ud800"',
        "12",
        "null",
        '  {"k": [1.5e300, -0, true, false, null, "x"]}\n',
        "1" * 4000,
        "[" * MAX_DEPTH + "]" * MAX_DEPTH,
    ],
)
def test_what_load_fast_reads_parse_json_reads_alike(text: str) -> None:
    root = load_fast(text)
    tree = parse_json(text)  # does not raise
    assert root is not None or text == "null"
    if text.startswith('{"a"'):
        assert root == (("a", 1), ("a", 2))  # duplicate keys kept, in order
        assert [e.value for e in tree.entries] == ["1", "2"]


def test_gate_sends_trees_beyond_the_budget_to_the_full_parse() -> None:
    inside = load_fast("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    beyond = load_fast("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert may_report(inside) is False
    assert may_report(beyond) is True


# --- property: random trees of credential-ish keys and values, both ways -------------

_KEYS = [
    "aws_secret_access_key",
    "AWS_ACCESS_KEY_ID",
    "secretAccessKey",
    "SessionToken",
    "token",
    "secret",
    "id",
    "name",
    "Name",
    "key",
    "value",
    "Value",
    "default",
    "<<",
    "env",
    "environment",
    "raw_auth",
    "ses_smtp_password_v4",
    "kind",
    "data",
    "Outputs",
    "Type",
    "shape",
]
_VALUES = [
    KEY_ID,
    TEMP_ID,
    f" {KEY_ID} ",
    SECRET,
    TOKEN,
    "AWS_SECRET_ACCESS_KEY",
    "aws_access_key_id",
    f"AWS_ACCESS_KEY_ID={KEY_ID}",
    f"SECRET_ACCESS_KEY= {SECRET}",
    f"{KEY_ID}:{SECRET}",
    "Secret",
    "AWS::IAM::AccessKey",
    "${AWS_SECRET_ACCESS_KEY}",
    "",
    "documentation of a shape, long enough",
]
_SCALARS = st.one_of(
    st.sampled_from(_VALUES),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.tuples(st.sampled_from(_KEYS), inner), max_size=5),
    ),
    max_leaves=12,
)


def _dump(node: object) -> str:
    """JSON text of a tree whose objects are lists of pairs (duplicate keys allowed)."""
    if isinstance(node, list) and node and isinstance(node[0], tuple):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v)}" for k, v in node) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_dump(item) for item in node) + "]"
    return json.dumps(node)


ENGINE = Engine(default_registry(), EngineOptions())


def _results(path: str, text: str) -> tuple[object, ...]:
    result = ENGINE.scan_document(Document(path, text.encode("utf-8")))
    return (result.findings, result.suppressed, result.notices)


@given(
    tree=_TREES,
    path=st.sampled_from(
        ["settings.json", "terraform.tfstate", "prod.postman_environment.json", "x.ipynb"]
    ),
)
def test_gate_agrees_with_the_line_keeping_parser(tree: object, path: str) -> None:
    text = _dump(tree)
    if path.endswith("postman_environment.json"):
        text = '{"_postman_variable_scope": "environment", "v": ' + text + "}"
    fast = _results(path, text)
    original = json_parser.load_fast
    json_parser.load_fast = lambda text: None  # type: ignore[assignment]
    try:
        slow = _results(path, text)
    finally:
        json_parser.load_fast = original
    assert fast == slow


# --- notebooks: the cells from a tree that leaves outputs and metadata to the C decoder


def _notebook(cells: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5, **extra}


def _code(source: list[str], outputs: object = ()) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {"tags": ["setup"]},
        "outputs": list(outputs) if isinstance(outputs, (list, tuple)) else outputs,
        "source": source,
    }


_STREAM = {
    "name": "stdout",
    "output_type": "stream",
    "text": [f"{n}\tkey/{n}.parquet\n" for n in range(400)],
}
_SDK_CELL = [
    "import boto3\n",
    "s3 = boto3.client(\n",
    f'    "s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}"\n',
    ")\n",
]
_SHELL_CELL = ["%%bash\n", f"export AWS_SECRET_ACCESS_KEY={SECRET}\n"]

#: Notebooks, by path: the cells hold credentials; the outputs and metadata hold text the
#: C decoder refuses or the budget does not allow, where the name says so.
NOTEBOOKS: dict[str, str] = {
    "plain.ipynb": json.dumps(_notebook([_code(_SDK_CELL, [_STREAM]), _code(_SHELL_CELL)])),
    "env-magic.ipynb": json.dumps(
        _notebook([{"cell_type": "code", "source": f"%env AWS_SESSION_TOKEN={TOKEN}\n"}])
    ),
    "nan-in-output.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '"outputs": []', '"outputs": [{"data": {"v": NaN}}]'
    ),
    "comment-in-metadata.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '"metadata": {"tags"', '"metadata": /* kept */ {"tags"'
    ),
    "comment-inside-metadata.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '{"tags": ["setup"]}', '{"tags": ["setup"] /* kept */}'
    ),
    # The outputs sit three levels deep (root, cells, cell): 197 more are the limit.
    "deep-output.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '"outputs": []', '"outputs": ' + "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3)
    ),
    "too-deep-output.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '"outputs": []', '"outputs": ' + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    ),
    "big-number-output.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '"outputs": []', '"outputs": [' + "9" * 5000 + "]"
    ),
    "broken-output.ipynb": json.dumps(_notebook([_code(_SDK_CELL)])).replace(
        '"outputs": []', '"outputs": [1 2]'
    ),
    "escaped-source.ipynb": json.dumps(
        _notebook([_code(["x = '\\u00e9\\t'\n", *_SDK_CELL], [_STREAM])]), ensure_ascii=True
    ),
}


def test_notebook_cells_from_the_outline_and_the_full_tree_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, content in NOTEBOOKS.items():
        path = tmp_path / "tree" / "notebooks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    fast = _scan(tmp_path, "fast", False, monkeypatch)
    with monkeypatch.context() as m:  # the outline refused everywhere: the full tree
        m.setattr(json_parser, "parse_outline", lambda text, omit: None)
        slow = _scan(tmp_path, "slow", False, monkeypatch)
    assert fast == slow
    reported = {f["path"].rsplit("/", 1)[-1] for f in fast["findings"]}
    assert {
        "plain.ipynb",
        "env-magic.ipynb",
        "comment-in-metadata.ipynb",
        "comment-inside-metadata.ipynb",
        "deep-output.ipynb",
        "big-number-output.ipynb",
        "escaped-source.ipynb",
    } <= reported
    rules = {(f["path"].rsplit("/", 1)[-1], f["rule_id"][:3]) for f in fast["findings"]}
    assert {("plain.ipynb", "RC2"), ("plain.ipynb", "RC3")} <= rules  # Python and shell
    unparseable = {
        n["path"].rsplit("/", 1)[-1]
        for n in fast["notices"]
        if "cannot parse as json" in n["message"]
    }
    assert unparseable == {"nan-in-output.ipynb", "too-deep-output.ipynb", "broken-output.ipynb"}


def test_notebook_outputs_are_not_parsed_with_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    from rolecall.read.parsers.notebook import NOTEBOOK_PYTHON, NOTEBOOK_SHELL_VIEW

    calls = _counting_parser(monkeypatch)
    doc = Document("plain.ipynb", NOTEBOOKS["plain.ipynb"].encode())
    assert doc.view(NOTEBOOK_SHELL_VIEW).entries  # the %%bash cell's export
    assert doc.view(NOTEBOOK_PYTHON).source.count("boto3") == 2
    assert calls == []
    broken = Document("broken.ipynb", NOTEBOOKS["broken-output.ipynb"].encode())
    with pytest.raises(ViewError):
        broken.view(NOTEBOOK_SHELL_VIEW)
    assert len(calls) == 1 and set(broken.view_errors) == {"json", "notebook-shell"}


def _same_outside(full: Node, outline: Node, omit: frozenset[str]) -> int:
    """Assert that ``outline`` equals ``full`` but for placeholders of omitted values
    (same span); the number of placeholders met."""
    assert (type(full), full.start, full.end) == (type(outline), outline.start, outline.end)
    if isinstance(full, Scalar):
        assert full == outline
        return 0
    if isinstance(full, SeqNode):
        assert isinstance(outline, SeqNode) and len(full.items) == len(outline.items)
        return sum(
            _same_outside(f, o, omit) for f, o in zip(full.items, outline.items, strict=True)
        )
    assert isinstance(outline, MapNode) and len(full.items) == len(outline.items)
    omitted = 0
    for (fk, fv), (ok, ov) in zip(full.items, outline.items, strict=True):
        assert fk == ok
        if fk.value in omit:
            assert isinstance(ov, Scalar) and not ov.is_string and ov.value == ""
            assert (ov.start, ov.end) == (fv.start, fv.end)
            omitted += 1
        else:
            omitted += _same_outside(fv, ov, omit)
    return omitted


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_outline_keeps_every_node_outside_the_omitted_values(name: str) -> None:
    text = NOTEBOOKS[name]
    omit = frozenset({"outputs", "metadata", "attachments"})
    outline = parse_outline(text, omit)
    try:
        full = parse_json(text).root
    except ViewError:
        assert outline is None  # what the full parse refuses, the outline never accepts
        return
    if outline is None:  # the C decoder refused an omitted value: the caller asks the full parse
        assert "/*" in text or "9" * 5000 in text
        return
    assert _same_outside(full, outline, omit) >= 1  # the notebook's metadata at least
