"""The configuration parsers: entries, exact value offsets, and bad input."""

from __future__ import annotations

import pytest
from rolecall import Document, ViewError
from rolecall.read.parsers.common import MapNode, Scalar
from rolecall.read.parsers.dockerfile import parse_dockerfile
from rolecall.read.parsers.dotenv import parse_dotenv
from rolecall.read.parsers.hcl import parse_hcl
from rolecall.read.parsers.ini import parse_ini
from rolecall.read.parsers.json import JSON_VIEW, parse_json
from rolecall.read.parsers.shell import scan_shell
from rolecall.read.parsers.toml import parse_toml
from rolecall.read.parsers.yaml import YAML_VIEW, parse_yaml


def spans(text: str, entries: object) -> dict[tuple[str, ...], str]:
    """{path: the text at the entry's offsets}: proves offsets point at the value."""
    return {e.path: text[e.start : e.end] for e in entries}  # type: ignore[attr-defined]


def test_yaml_entries_anchors_merge_and_tags() -> None:
    text = (
        "base: &b\n  user: 'ci'\n  port: 5432\n"
        "prod:\n  <<: *b\n  key: !Ref KeyParam\n---\nrun: |\n  echo hi\n"
    )
    stream = parse_yaml(text)
    assert len(stream.documents) == 2
    got = {e.path: e for e in stream.entries}
    assert text[got[("prod", "user")].start : got[("prod", "user")].end] == "ci"
    assert got[("prod", "user")].quoted and got[("prod", "user")].literal
    assert not got[("base", "port")].literal  # an integer, not a string
    assert got[("prod", "key")].tag == "!Ref" and not got[("prod", "key")].literal
    assert got[("run",)].value == "echo hi\n"


def test_yaml_alias_bomb_is_stopped() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 12):
        prev, name = chr(96 + n), chr(97 + n)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(ViewError, match="aliases expand"):
        parse_yaml("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "text", ["[" * 5000, "a:\n" + "".join(" " * n + "b:\n" for n in range(1, 400))]
)
def test_yaml_deep_nesting_is_a_view_error(text: str) -> None:
    with pytest.raises(ViewError, match="nesting"):
        parse_yaml(text)


def test_yaml_recursive_alias_is_bounded() -> None:
    with pytest.raises(ViewError):
        parse_yaml("a: &a [*a, *a]\n")


def test_yaml_malformed_names_the_line_without_content() -> None:
    doc = Document("x.yaml", b"ok: 1\nsecret_value: [unclosed\nnext: 2\n")
    with pytest.raises(ViewError) as info:
        doc.view(YAML_VIEW)
    assert info.value.line is not None and "secret_value" not in info.value.message


def test_json_minified_positions() -> None:
    text = '{"a":{"aws_secret_access_key":"abc\\u0041","n":[1,true,null]},"b":"x"}'
    doc = parse_json(text)
    got = spans(text, doc.entries)
    assert got[("a", "aws_secret_access_key")] == "abc\\u0041"
    assert {e.path: e.value for e in doc.entries}[("a", "aws_secret_access_key")] == "abcA"
    assert isinstance(doc.root, MapNode)


@pytest.mark.parametrize(
    ("text", "line"),
    [('{"a": 1,}', 1), ('{\n"a" 1}', 2), ("[1]\nx", 2), ('{"a": "x', 1), ("", 1)],
)
def test_json_errors(text: str, line: int) -> None:
    with pytest.raises(ViewError) as info:
        parse_json(text)
    assert info.value.line == line


def test_json_deep_nesting() -> None:
    with pytest.raises(ViewError, match="nesting"):
        Document("deep.json", b"[" * 100_000).view(JSON_VIEW)


def test_json_comments_are_accepted() -> None:
    root = parse_json('// settings\n{"k": /* c */ "v"}').root
    assert isinstance(root, MapNode) and root.get("k") == Scalar("v", 27, 28, quoted=True)


def test_toml_entries() -> None:
    text = (
        "title = \"x\"\n[tool.aws]\nsecret = 'lit'  # c\n"
        'creds = { id = "a", inner = { s = "b" } }\narr = ["p", 1, ["q"]]\n'
        '[[profiles]]\nk = """\nmulti"""\n'
    )
    got = spans(text, parse_toml(text).entries)
    assert got[("tool", "aws", "secret")] == "lit"
    assert got[("tool", "aws", "creds", "inner", "s")] == "b"
    assert got[("tool", "aws", "arr", "2", "0")] == "q"
    assert got[("profiles", "0", "k")] == "multi"


@pytest.mark.parametrize(("text", "line"), [("[a\nb=1", 1), ("a = 1\na = 2\n", None)])
def test_toml_errors(text: str, line: int | None) -> None:
    with pytest.raises(ViewError) as info:
        parse_toml(text)
    if line is not None:
        assert info.value.line == line


def test_ini_sections_nested_and_quotes() -> None:
    text = (
        '# c\n[default]\naws_access_key_id = AKIDX\nsecret="q"\n'
        "s3 =\n  max_concurrent_requests = 20\n[profile dev]\nrole_arn: arn:x\n"
    )
    doc = parse_ini(text)
    assert [s.name for s in doc.sections] == ["default", "profile dev"]
    got = spans(text, doc.entries)
    assert got[("default", "secret")] == "q"
    assert got[("default", "s3", "max_concurrent_requests")] == "20"
    assert got[("profile dev", "role_arn")] == "arn:x"


@pytest.mark.parametrize("text", ["[abc\nx=1\n", "[s]\njustaword\n"])
def test_ini_errors(text: str) -> None:
    with pytest.raises(ViewError):
        parse_ini(text)


def test_dotenv_syntax() -> None:
    text = (
        '# c\nexport A=plain  # inline\nB = "esc\\"aped"\nC=\'multi\nline\'\nD=\n'
        "URL=http://h/#frag\nALONE\n"
    )
    entries = parse_dotenv(text).entries
    got = spans(text, entries)
    assert got == {
        ("A",): "plain",
        ("B",): 'esc\\"aped',
        ("C",): "multi\nline",
        ("D",): "",
        ("URL",): "http://h/#frag",
    }
    assert {e.path: e.value for e in entries}[("B",)] == 'esc"aped'
    with pytest.raises(ViewError) as info:
        parse_dotenv('A=1\nB="open\n')
    assert info.value.line == 2


def test_shell_assignments_and_configure_set() -> None:
    text = (
        "export K=lit S=\"two words\" # c\nA='q' B=$X cmd D=arg\n"
        "if x; then F=y; fi\naws configure set aws_secret_access_key abc --profile p\n"
        'aws configure set --profile p aws_access_key_id "$KEY"\n'
    )
    entries = scan_shell(text).entries
    got = spans(text, entries)
    assert got[("K",)] == "lit" and got[("S",)] == "two words" and got[("A",)] == "q"
    assert ("D",) not in got and got[("F",)] == "y"
    assert got[("aws-configure-set", "aws_secret_access_key")] == "abc"
    lit = {e.path: e.literal for e in entries}
    assert not lit[("B",)] and not lit[("aws-configure-set", "aws_access_key_id")]


def test_dockerfile_env_arg_run() -> None:
    text = (
        "FROM python:3.12\nARG AWS_SECRET_ACCESS_KEY\nARG R=eu\n"
        'ENV A=one \\\n    B="two"\nenv LEGACY some value\n'
        "RUN pip install x && \\\n    # note\n    aws configure set aws_secret_access_key abc\n"
        'RUN ["echo", "x"]\n'
    )
    doc = parse_dockerfile(text)
    assert [i.keyword for i in doc.instructions] == [
        "FROM",
        "ARG",
        "ARG",
        "ENV",
        "ENV",
        "RUN",
        "RUN",
    ]
    got = spans(text, doc.entries)
    assert got[("ENV", "B")] == "two" and got[("ENV", "LEGACY")] == "some value"
    assert got[("RUN", "aws-configure-set", "aws_secret_access_key")] == "abc"
    assert not {e.path: e.literal for e in doc.entries}[("ARG", "AWS_SECRET_ACCESS_KEY")]


def test_hcl_blocks_and_literals() -> None:
    text = (
        'terraform {\n  backend "s3" {\n    access_key = "AK" # c\n  }\n}\n'
        'provider "aws" {\n  region = var.region\n  token = "${var.t}"\n'
        '  assume_role { role_arn = "arn" }\n  policy = <<-EOT\n    {"x": "}"}\n  EOT\n}\n'
    )
    doc = parse_hcl(text)
    got = spans(text, doc.entries)
    assert got[("terraform", "backend", "s3", "access_key")] == "AK"
    assert got[("provider", "aws", "assume_role", "role_arn")] == "arn"
    lit = {e.path: e.literal for e in doc.entries}
    assert not lit[("provider", "aws", "token")] and not lit[("provider", "aws", "region")]
    assert [b.type for b in doc.blocks("provider")[0].body if not hasattr(b, "expr")] == [
        "assume_role"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [("a {\n", 1), ('a = "x\n', 1), ("a = (1\n", 1), ("}\n", 1), ("a = 1\n= 2", 2)],
)
def test_hcl_errors(text: str, line: int) -> None:
    with pytest.raises(ViewError) as info:
        parse_hcl(text)
    assert info.value.line == line


def test_hcl_deep_nesting() -> None:
    with pytest.raises(ViewError, match="nesting"):
        parse_hcl("a {\n" * 1000)


def test_hcl_object_expressions_become_entries() -> None:
    text = (
        'inputs = {\n  aws = { secret_key = "abc", "access-key": "AK" }\n'
        '  nested = {\n    deep = { token = "t" }\n  }\n}\n'
        "m = { for k, v in var.x : k => v }\n"
    )
    got = spans(text, parse_hcl(text).entries)
    assert got[("inputs", "aws", "secret_key")] == "abc"
    assert got[("inputs", "aws", "access-key")] == "AK"
    assert got[("inputs", "nested", "deep", "token")] == "t"
    assert not any(len(path) > 1 and path[0] == "m" for path in got)


def test_helm_templates_are_blanked_with_offsets_kept() -> None:
    text = (
        'metadata:\n  name: {{ include "app.fullname" . }}\nspec:\n  env:\n'
        "    {{- range $k, $v := .Values.env }}\n    - name: {{ $k }}\n    {{- end }}\n"
        "    - name: AWS_REGION\n      value: eu-west-1\n"
    )
    doc = Document("charts/app/templates/deployment.yaml", text.encode())
    got = spans(text, doc.view(YAML_VIEW).entries)
    assert got[("spec", "env", "1", "value")] == "eu-west-1"
    with pytest.raises(ViewError):  # outside templates/ the same text is not YAML
        Document("deployment.yaml", text.encode()).view(YAML_VIEW)


def test_ini_lenient_for_conf_files() -> None:
    text = "server {\n  access_log off;\n}\nkey = v\n"
    assert [e.path for e in parse_ini(text, strict=False).entries] == [("", "key")]
    with pytest.raises(ViewError):
        parse_ini(text)


def test_yaml_offsets_same_with_and_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    text = "a: \"é€😀\"\r\nb:\r\n  - 'x'\r\nc: |\r\n  line\r\nd: !Ref X\r\n"
    fast = parse_yaml(text).entries
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert parse_yaml(text).entries == fast
    assert [text[e.start : e.end] for e in fast][:2] == ["é€😀", "x"]


def test_notebook_shell_lines_map_through_json_escapes() -> None:
    import json as stdlib_json

    from rolecall.read.parsers.notebook import NOTEBOOK_SHELL_VIEW

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["%env NOT_CODE=1\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "source": [
                '# caf\u00e9 "q"\n',
                "%env REGION=eu-west-1\n",
                '!echo "\u00e9" && export K=v1\n',
            ],
        },
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": "%%bash\nexport B=v2\n"},
    ]
    text = stdlib_json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5})
    entries = Document("n.ipynb", text.encode()).view(NOTEBOOK_SHELL_VIEW).entries
    assert {e.key: text[e.start : e.end] for e in entries} == {
        "REGION": "eu-west-1",
        "K": "v1",
        "B": "v2",
    }


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_toml, "secretname = 1\nsecretname = 2\n"),
        (parse_toml, "[a]\nb = { secretname = 1, secretname = 2 }\n"),
        (parse_toml, "x = 1\n@secretname\n"),
        (parse_yaml, "a: 1\n@secretname: 2\n"),
        (parse_yaml, 'a: "\\qsecretname"\n'),
    ],
)
def test_parse_errors_never_quote_the_file(parse: object, text: str) -> None:
    with pytest.raises(ViewError) as info:
        parse(text)  # type: ignore[operator]
    assert "secretname" not in info.value.message


def test_toml_deep_nesting_is_a_view_error() -> None:
    with pytest.raises(ViewError):
        parse_toml("a = " + "[" * 5000 + "]" * 5000 + "\n")
