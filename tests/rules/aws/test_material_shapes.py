"""Every line that holds AWS credential material is reported, whatever its shape.

Each case is a realistic file written to disk and scanned with the command line, as a
user would, with the RC1xx rules (the text analysis). A line counts as reported when a
finding points at it: its own location, its pair partner (``secret_line``) or a related
location. The shapes follow the formats' public documentation: Postman's collection and
environment schemas, the IAM console's key downloads, Apple's property lists, unixODBC's
``odbc.ini`` and the Athena ODBC driver's ``UID``/``PWD``, Jupyter's nbformat, and the
languages' own string syntax.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rolecall.cli.main import main
from rolecall.rules.aws import examples as ex

ID, ID_2, TEMP = ex.AKIA, ex.AKIA_2, ex.ASIA
SECRET, SECRET_2 = ex.SECRET, ex.SECRET_2
ID_3 = "AKIA" + "Z7MQ4XKT2WRV5N3P"
SECRET_3 = SECRET_2[20:] + SECRET[:20]
#: Real secrets are uniform over 64 characters: one in 64 starts with "/" and one in a
#: hundred holds "//". Both used to be rejected as paths.
SLASHED = "/" + SECRET[1:12] + "//" + SECRET[14:]
TOKEN = ex.TOKEN_NO_PREFIX  # a token without the STS header (older or re-encoded)
SHORT_TOKEN = ex.TOKEN_NO_PREFIX[:96]  # shorter than a lone value needs


def reported_lines(
    tmp_path: Path, name: str, text: str, capsys: pytest.CaptureFixture[str], select: str
) -> dict[int, set[str]]:
    """``{line: rule ids}`` of every line a finding points at, scanning ``name``."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    argv = ["scan", "--format", "json", "--isolated", "--no-cache", "-j", "1"]
    main([*argv, "--select", select, str(path)])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    lines: dict[int, set[str]] = {}
    for finding in report["findings"]:
        rule = finding["rule_id"]
        lines.setdefault(finding["line"], set()).add(rule)
        if "secret_line" in finding["properties"]:
            lines.setdefault(int(finding["properties"]["secret_line"]), set()).add(rule)
        for related in finding.get("related", ()):
            lines.setdefault(int(related["line"]), set()).add(rule)
    return lines


def lines_of(text: str, *values: str) -> set[int]:
    """The 1-based lines of ``text`` that hold one of ``values``."""
    return {n for n, line in enumerate(text.splitlines(), 1) if any(v in line for v in values)}


def _notebook() -> str:
    cells = [
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "source": ["import os\n", "print(os.environ)"],
            "outputs": [
                {
                    "name": "stdout",
                    "output_type": "stream",
                    # one string: the newlines are JSON escapes inside one line
                    "text": f"HOME=/home/jovyan\nAWS_ACCESS_KEY_ID={ID}\n"
                    f"AWS_SECRET_ACCESS_KEY={SECRET}\nPATH=/usr/bin\n",
                }
            ],
        },
        {
            "cell_type": "code",
            "execution_count": 2,
            "metadata": {},
            "source": [
                f"%env AWS_ACCESS_KEY_ID={ID_2}\n",
                f"%env AWS_SECRET_ACCESS_KEY={SECRET_2}\n",
            ],
            "outputs": [],
        },
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {},
            "source": [
                f"!aws configure set aws_access_key_id {TEMP}\n",
                f"!aws configure set aws_secret_access_key {SLASHED}\n",
                f"!aws configure set aws_session_token {TOKEN}\n",
            ],
            "outputs": [],
        },
    ]
    printed = f"{ID_3}\n{SECRET_3}\n"  # print(key_id); print(secret): one escaped string
    cells.append(
        {
            "cell_type": "code",
            "execution_count": 4,
            "metadata": {},
            "source": ["print(key_id)\n", "print(secret)"],
            "outputs": [{"name": "stdout", "output_type": "stream", "text": printed}],
        }
    )
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1) + "\n"


def _postman_environment() -> str:
    values = [
        ("accessKey", ID),
        ("baseUrl", "https://api.example.com"),
        ("region", "eu-west-1"),
        ("service", "execute-api"),
        ("secretKey", SECRET),
    ]
    items = [{"key": k, "value": v, "type": "default", "enabled": True} for k, v in values]
    env = {"id": "5b0c7e9e-1f3a-4f1e-9d2a-3c4b5a6d7e8f", "name": "prod", "values": items}
    return json.dumps(env, indent=2) + "\n"


def _postman_collection() -> str:
    auth = {
        "type": "awsv4",
        "awsv4": [
            {"key": "secretKey", "value": SECRET, "type": "string"},
            {"key": "accessKey", "value": ID, "type": "string"},
            {"key": "region", "value": "us-east-1", "type": "string"},
            {"key": "service", "value": "s3", "type": "string"},
        ],
    }
    request = {"method": "GET", "url": "https://s3.amazonaws.com/reports"}
    collection = {
        "info": {"name": "reports", "schema": "https://schema.getpostman.com/json/v2.1.0/"},
        "auth": auth,
        "item": [{"name": "list", "request": request}],
    }
    return json.dumps(collection, indent="\t") + "\n"


#: (file name, text, credential values whose lines must all be reported)
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    # --- secret recognition by position -----------------------------------------------
    ("settings.py", f"PROD_KEY = '{ID}'\nPROD_SECRET = '{SLASHED}'\n", (ID, SLASHED)),
    (
        "odbc.ini",
        "[ODBC Data Sources]\nathena = Simba Athena ODBC Driver\n\n[athena]\n"
        "Driver=/opt/simba/athenaodbc/lib/64/libathenaodbc_sb64.so\nAwsRegion=us-west-2\n"
        "S3OutputLocation=s3://query-results-bucket/athena/\n"
        f"AuthenticationType=IAM Credentials\nUID={ID}\nPWD={SECRET}\n",
        (ID, SECRET),
    ),
    ("postman_environment.json", _postman_environment(), (ID, SECRET)),
    ("reports.postman_collection.json", _postman_collection(), (ID, SECRET)),
    ("accessKeys.csv", f"Access key ID,Secret access key\r\n{ID},{SECRET}\r\n", (ID, SECRET)),
    (
        "credentials.csv",
        "User name,Password,Access key ID,Secret access key,Console login link\n"
        f"deploy,,{ID},{SLASHED},https://123456789012.signin.aws.amazon.com/console\n",
        (ID, SLASHED),
    ),
    (
        "Upload.plist",
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n'
        f"\t<key>AccessKey</key>\n\t<string>{ID}</string>\n"
        "\t<key>Region</key>\n\t<string>us-east-1</string>\n"
        "\t<key>Bucket</key>\n\t<string>media-uploads</string>\n"
        f"\t<key>Secret</key>\n\t<string>{SECRET}</string>\n</dict>\n</plist>\n",
        (ID, SECRET),
    ),
    ("notes.txt", f"key: .{ID};\nsecret: .{SECRET};\n", (ID, SECRET)),
    ("braces.txt", f"id {{{ID}}}\npw {{{SECRET}}}\n", (ID, SECRET)),
    ("creds.js", f'const creds = [\n  "{ID}",\n  "{SECRET}",\n];\n', (ID, SECRET)),
    (
        "config.yaml",
        f"storage:\n  id: {ID}\n  region: us-east-1\n  bucket: b\n  prefix: p/\n"
        f"  endpoint: https://s3.amazonaws.com\n  pw: {SECRET}\n",
        (ID, SECRET),
    ),
    # --- session tokens beside a temporary id ------------------------------------------
    ("session.yaml", f"id: {TEMP}\nkey: {SECRET}\nsession: {TOKEN}\n", (TEMP, SECRET, TOKEN)),
    (
        "temp.env",
        f"ACCESS={TEMP}\nSECRET={SECRET}\nTOKEN={SHORT_TOKEN}\n",
        (TEMP, SECRET, SHORT_TOKEN),
    ),
    (
        "creds.json",
        f'{{\n  "AccessKeyId": "{TEMP}",\n  "SecretAccessKey": "{SECRET}",\n'
        f'  "SessionToken": "{TOKEN[:220]}"\n}}\n',
        (TEMP, SECRET, TOKEN[:220]),
    ),
    (
        ".boto",
        f"[Credentials]\naws_access_key_id = {TEMP}\naws_secret_access_key = {SECRET}\n"
        f"security_token = {TOKEN}\n",
        (TEMP, SECRET, TOKEN),
    ),
    (
        "get.http",
        "GET https://reports.s3.amazonaws.com/2024/summary.csv\n"
        f"x-amz-security-token: {TOKEN}\nAuthorization: AWS4-HMAC-SHA256 "
        f"Credential={TEMP}/20240101/us-east-1/s3/aws4_request\n",
        (TEMP, TOKEN),
    ),
    ("token.yaml", f"aws:\n  key: {TEMP}\n  token: {SHORT_TOKEN}\n", (TEMP, SHORT_TOKEN)),
    (
        # VS Code REST Client: "Authorization: AWS <accessId> <accessKey> [token:<...>]"
        "s3.http",
        "GET https://reports.s3.amazonaws.com/?list-type=2\n"
        f"Authorization: AWS {TEMP} {SECRET} token:{TOKEN} region:us-east-1 service:s3\n",
        (TEMP, SECRET, TOKEN),
    ),
    (
        # HTTPie session file with the httpie-aws-authv4 plugin's credentials
        "session.json",
        '{\n    "__meta__": {"about": "HTTPie session file", "httpie": "3.2.2"},\n'
        '    "auth": {\n        "type": "aws4",\n'
        f'        "raw_auth": "{ID}:{SECRET}"\n    }},\n    "headers": []\n}}\n',
        (ID, SECRET),
    ),
    # --- inside strings a parser sees as one value -------------------------------------
    (
        "bootstrap.sh",
        "#!/bin/sh\nmkdir -p ~/.aws\ncat > ~/.aws/credentials <<'EOF'\n[default]\n"
        f"aws_access_key_id={ID}\naws_secret_access_key={SECRET}\nEOF\n",
        (ID, SECRET),
    ),
    (
        "client.py",
        f'def connect():\n    """Connect to the archive.\n\n    Uses key {ID}\n'
        f'    with secret {SECRET}.\n    """\n',
        (ID, SECRET),
    ),
    (
        "template.py",
        f'CREDENTIALS = """\n[default]\naccess_key = {ID}\nsecret_key = {SECRET}\n"""\n',
        (ID, SECRET),
    ),
    ("raw.py", f'import boto3\n\nKEY = b"{ID}"\nSECRET = b"{SECRET}"\n', (ID, SECRET)),
    (
        ".gitlab-ci.yml",
        "deploy:\n  script: |\n"
        f"    export AWS_ACCESS_KEY_ID={ID}\n    export AWS_SECRET_ACCESS_KEY={SECRET}\n"
        "    aws s3 sync build/ s3://site\n",
        (ID, SECRET),
    ),
    ("notes.yaml", f"note: >\n  use {ID}\n  and {SECRET}\n", (ID, SECRET)),
    (
        "pyproject.toml",
        '[tool.taskipy.tasks]\nsetup = """\n'
        f"aws configure set aws_access_key_id {ID}\n"
        f'aws configure set aws_secret_access_key {SECRET}\n"""\n',
        (ID, SECRET),
    ),
    ("explore.ipynb", _notebook(), (ID, SECRET, ID_2, SECRET_2, TEMP, SLASHED, TOKEN, ID_3)),
    (
        "defaults.py",
        f'import boto3\n\n\ndef connect(key="{ID}", secret="{SECRET}"):\n'
        '    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)\n',
        (ID, SECRET),
    ),
    (
        "config.py",
        "from dataclasses import dataclass\n\n\n@dataclass\nclass S3Config:\n"
        f'    access_key: str = "{ID}"\n    secret: str = "{SECRET}"\n',
        (ID, SECRET),
    ),
    (
        # Named, with no id in the file: bytes and raw literals, annotated defaults.
        "named.py",
        f'AWS_SECRET_ACCESS_KEY = b"{SECRET}"\nFALLBACK_AWS_SECRET = r"{SECRET_2}"\n\n\n'
        f'def connect(aws_secret_access_key: str = "{SLASHED}",\n'
        f'            aws_session_token: str | None = "{TOKEN}"):\n    ...\n',
        (SECRET, SECRET_2, SLASHED, TOKEN),
    ),
    (
        "archive.py",
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Archive:\n"
        f'    aws_secret_access_key: str = "{SECRET}"\n'
        f'    aws_session_token: Optional[str] = b"{TOKEN}"\n',
        (SECRET, TOKEN),
    ),
    (
        "env.py",
        f'import os\n\nos.environ.setdefault("AWS_ACCESS_KEY_ID", "{ID}")\n'
        f'os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "{SECRET}")\n',
        (ID, SECRET),
    ),
]


@pytest.mark.parametrize(("name", "text", "values"), CASES, ids=[c[0] for c in CASES])
def test_every_credential_line_is_reported(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
    values: tuple[str, ...],
) -> None:
    expected = lines_of(text, *values)
    assert expected, "the case must hold its values"
    reported = reported_lines(tmp_path, name, text, capsys, "RC1")
    assert expected <= set(reported), f"missed lines {sorted(expected - set(reported))}"
    # Nothing else in these files is a credential.
    assert set(reported) <= expected


def test_a_secret_in_another_section_is_not_the_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"[a]\nuser = {ID}\nregion = x\nb = 1\n[b]\nc = 2\npw = {SECRET}\n"
    assert reported_lines(tmp_path, "x.ini", text, capsys, "RC1") == {2: {"RC101"}}


@pytest.mark.parametrize(
    "beside",
    [
        # A JWT, a PEM body and an SSH public key are not the id's session token.
        ex.JWT,
        "-----BEGIN CERTIFICATE-----\n"
        + "\n".join(ex.TOKEN_NO_PREFIX[i : i + 64] for i in range(0, 256, 64))
        + "\n-----END CERTIFICATE-----",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + ex.TOKEN_NO_PREFIX[:200] + " me@host",
        "digest: " + "ab12" * 30,
    ],
    ids=["jwt", "pem", "ssh", "hex"],
)
def test_other_long_values_beside_a_temporary_id_are_not_tokens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], beside: str
) -> None:
    text = f"key: {TEMP}\n{beside}\n"
    assert reported_lines(tmp_path, "x.txt", text, capsys, "RC1") == {1: {"RC102"}}


def test_a_secret_after_an_escaped_newline_is_the_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A notebook cell that printed the id and then the secret: one JSON string.
    output = {"name": "stdout", "output_type": "stream", "text": f"{ID_3}\n{SECRET_3}\n"}
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [output]}
    cell["source"] = ["print(key_id)\n", "print(secret)"]
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "keys.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    main(["scan", "--format", "json", "--isolated", "--no-cache", "-j", "1", str(path)])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["rule_id"] == "RC101"
    assert finding["properties"]["paired_secret"] == SECRET_3[:4] + "…(40 chars)"
