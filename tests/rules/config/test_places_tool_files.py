"""The places real leaks live (issue 14, section 3, part A), scanned from disk.

Each file below is written in the shape its tool's public documentation gives: the
IAM console's CSV downloads, saved AWS CLI output, Terraform state, API client
exports and request files, Jenkins/plist/.NET XML and WinSCP's INI file. A file is
scanned with the command line as a user would (``rolecall scan --format json``) and
every line that holds credential material must be named by a finding: its own line,
or a related location of the finding its partner is in. No other line
may be named (precision), and the hard negatives produce no finding at all.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token
from rolecall.plugin.api import looks_like_secret_key

RNG = random.Random("rolecall-places-a")


def _secret() -> str:
    while True:  # a draw the shared shape test accepts, so each case tests its place
        value = fake_secret_key(RNG)
        if looks_like_secret_key(value):
            return value


AKIA = fake_key_id("AKIA", RNG)
ASIA = fake_key_id("ASIA", RNG)
SECRET = _secret()
TEMP_SECRET = _secret()
TOKEN = fake_session_token(RNG)
SMTP = "BF" + _secret()[:42]
MARK = "<<"  # a line holding credential material ends with this marker in the cases


def scan(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    main(["scan", "--format", "json", "--no-cache", "--isolated", str(path)])
    report = json.loads(capsys.readouterr().out)
    findings: list[dict[str, Any]] = report["findings"]
    return findings


def named_lines(findings: list[dict[str, Any]]) -> set[int]:
    lines = set()
    for f in findings:
        lines.add(f["line"])
        lines.update(r["line"] for r in f["related"])
    return lines


def write(tmp_path: Path, name: str, marked: str, encoding: str = "utf-8") -> tuple[Path, set[int]]:
    """Write ``marked`` without its markers; return the path and the marked lines."""
    lines = marked.split("\n")
    expected = {n for n, line in enumerate(lines, start=1) if line.endswith(MARK)}
    text = "\n".join(line.removesuffix(MARK) for line in lines)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    newline = "\r\n" if name.endswith((".csv", ".ini")) else "\n"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path, expected


def _json(value: object) -> str:
    """Pretty JSON with MARK after every line holding generated credential material."""
    material = (AKIA, ASIA, SECRET, TEMP_SECRET, TOKEN, SMTP)
    return "\n".join(
        line + (MARK if any(m in line for m in material) else "")
        for line in json.dumps(value, indent=4).split("\n")
    )


_STATE = {
    "version": 4,
    "terraform_version": "1.7.5",
    "serial": 12,
    "lineage": "b0f5d7b6-5b0e-4f0a-8a43-2c1e9d6f7a10",
    "outputs": {
        "ci_user": {"value": "ci-deployer", "type": "string"},
        "ci_secret": {"value": SECRET, "type": "string", "sensitive": True},
    },
    "resources": [
        {
            "mode": "managed",
            "type": "aws_iam_user",
            "name": "ci",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [{"schema_version": 0, "attributes": {"name": "ci-deployer"}}],
        },
        {
            "mode": "managed",
            "type": "aws_iam_access_key",
            "name": "ci",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {
                        "create_date": "2024-03-11T10:02:44Z",
                        "encrypted_secret": None,
                        "encrypted_ses_smtp_password_v4": None,
                        "id": AKIA,
                        "key_fingerprint": None,
                        "pgp_key": None,
                        "secret": SECRET,
                        "ses_smtp_password_v4": SMTP,
                        "status": "Active",
                        "user": "ci-deployer",
                    },
                    "sensitive_attributes": [],
                    "dependencies": ["aws_iam_user.ci"],
                }
            ],
        },
        {
            "mode": "managed",
            "type": "aws_secretsmanager_secret_version",
            "name": "ci",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {
                        "secret_id": "arn:aws:secretsmanager:eu-west-1:111122223333:"
                        "secret:ci-AbCdEf",
                        "secret_string": json.dumps({"id": AKIA, "secret": SECRET}),
                        "version_stages": ["AWSCURRENT"],
                    },
                }
            ],
        },
    ],
    "check_results": None,
}

_POSTMAN_COLLECTION = {
    "info": {
        "_postman_id": "0d3c1f8e-7a3e-4c55-9d0f-5b8a2e6c4f11",
        "name": "S3 admin",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    "auth": {
        "type": "awsv4",
        "awsv4": [
            {"key": "accessKey", "value": ASIA, "type": "string"},
            {"key": "secretKey", "value": TEMP_SECRET, "type": "string"},
            {"key": "sessionToken", "value": TOKEN, "type": "string"},
            {"key": "region", "value": "eu-central-1", "type": "string"},
            {"key": "service", "value": "s3", "type": "string"},
        ],
    },
    "item": [
        {"name": "ListBuckets", "request": {"method": "GET", "url": "https://s3.amazonaws.com/"}}
    ],
}

_INSOMNIA = {
    "_type": "export",
    "__export_format": 4,
    "__export_date": "2024-04-02T08:00:00.000Z",
    "__export_source": "insomnia.desktop.app:v8.6.1",
    "resources": [
        {
            "_id": "req_3c1d",
            "parentId": "wrk_77aa",
            "_type": "request",
            "name": "List buckets",
            "method": "GET",
            "url": "https://s3.amazonaws.com/",
            "authentication": {
                "type": "iam",
                "accessKeyId": AKIA,
                "secretAccessKey": SECRET,
                "sessionToken": "",
                "region": "us-east-1",
                "service": "s3",
            },
        },
        {
            "_id": "env_5e2f",
            "parentId": "wrk_77aa",
            "_type": "environment",
            "name": "Base Environment",
            "data": {"base_url": "https://api.example.com", "aws_key": AKIA, "aws_secret": SECRET},
        },
    ],
}

CASES: list[tuple[str, str, str]] = [
    # IAM console downloads: UTF-8 with a BOM and CRLF; Excel's "Unicode text": UTF-16.
    (
        "keys/accessKeys.csv",
        f"\ufeffAccess key ID,Secret access key\n{AKIA},{SECRET}{MARK}\n",
        "utf-8",
    ),
    (
        "ops/ci-deployer_credentials.csv",
        "User name,Password,Access key ID,Secret access key,Console login link\n"
        f"ci-deployer,,{AKIA},{SECRET},https://111122223333.signin.aws.amazon.com/console{MARK}\n",
        "utf-8",
    ),
    (
        "ops/accessKeys.csv",
        f"\ufeffAccess key ID\tSecret access key\n{AKIA}\t{SECRET}{MARK}\n",
        "utf-16-le",
    ),
    (
        "exports/keys-quoted.csv",
        f'"Access key ID";"Secret access key"\n"{AKIA}";"{SECRET}"{MARK}\n',
        "utf-8",
    ),
    # Saved AWS CLI output.
    (
        "notes/new-key.json",
        _json(
            {
                "AccessKey": {
                    "UserName": "ci-deployer",
                    "AccessKeyId": AKIA,
                    "Status": "Active",
                    "SecretAccessKey": SECRET,
                    "CreateDate": "2024-03-11T10:02:44+00:00",
                }
            }
        ),
        "utf-8",
    ),
    (
        "notes/assume-role.json",
        _json(
            {
                "Credentials": {
                    "AccessKeyId": ASIA,
                    "SecretAccessKey": TEMP_SECRET,
                    "SessionToken": TOKEN,
                    "Expiration": "2024-03-11T11:02:44+00:00",
                },
                "AssumedRoleUser": {
                    "AssumedRoleId": "AROA3XFRBF23EXAMPLE:deploy",
                    "Arn": "arn:aws:sts::111122223333:assumed-role/deploy/deploy",
                },
            }
        ),
        "utf-8",
    ),
    (
        "notes/federation.json",
        _json(
            {
                "Credentials": {
                    "AccessKeyId": ASIA,
                    "SecretAccessKey": TEMP_SECRET,
                    "SessionToken": TOKEN,
                    "Expiration": "2024-03-11T22:02:44+00:00",
                },
                "FederatedUser": {
                    "FederatedUserId": "111122223333:partner",
                    "Arn": "arn:aws:sts::111122223333:federated-user/partner",
                },
                "PackedPolicySize": 6,
            }
        ),
        "utf-8",
    ),
    (
        "notes/export.json",
        _json(
            {
                "Version": 1,
                "AccessKeyId": ASIA,
                "SecretAccessKey": TEMP_SECRET,
                "SessionToken": TOKEN,
                "Expiration": "2024-03-11T11:02:44+00:00",
            }
        ),
        "utf-8",
    ),
    (
        "notes/session.env",
        f"export AWS_ACCESS_KEY_ID={ASIA}{MARK}\nexport AWS_SECRET_ACCESS_KEY={TEMP_SECRET}{MARK}\n"
        f"export AWS_SESSION_TOKEN={TOKEN}{MARK}\n"
        "export AWS_CREDENTIAL_EXPIRATION=2024-03-11T11:02:44+00:00\n",
        "utf-8",
    ),
    (
        "notes/session-powershell.txt",
        f'$Env:AWS_ACCESS_KEY_ID="{ASIA}"{MARK}\n$Env:AWS_SECRET_ACCESS_KEY="{TEMP_SECRET}"{MARK}\n'
        f'$Env:AWS_SESSION_TOKEN="{TOKEN}"{MARK}\n',
        "utf-8",
    ),
    (
        "notes/session-cmd.txt",
        f"set AWS_ACCESS_KEY_ID={ASIA}{MARK}\nset AWS_SECRET_ACCESS_KEY={TEMP_SECRET}{MARK}\n"
        f"set AWS_SESSION_TOKEN={TOKEN}{MARK}\n",
        "utf-8",
    ),
    # Terraform state and its backup.
    ("infra/terraform.tfstate", _json(_STATE), "utf-8"),
    ("infra/terraform.tfstate.backup", _json(_STATE), "utf-8"),
    # API clients.
    (
        "postman/prod.postman_environment.json",
        _json(
            {
                "id": "4a6f0e7e-2c1b-4f6e-8c3d-9b1a0e2d3c4f",
                "name": "prod",
                "values": [
                    {"key": "baseUrl", "value": "https://api.example.com", "enabled": True},
                    {"key": "awsKey", "value": AKIA, "type": "default", "enabled": True},
                    {"key": "awsSecret", "value": SECRET, "type": "secret", "enabled": True},
                ],
                "_postman_variable_scope": "environment",
                "_postman_exported_at": "2024-05-02T09:14:27.113Z",
                "_postman_exported_using": "Postman/11.0.9",
            }
        ),
        "utf-8",
    ),
    ("postman/s3.postman_collection.json", _json(_POSTMAN_COLLECTION), "utf-8"),
    ("insomnia/Insomnia_2024-04-02.json", _json(_INSOMNIA), "utf-8"),
    (
        "httpie/sessions/s3.amazonaws.com/prod.json",
        _json(
            {
                "__meta__": {
                    "about": "HTTPie session file",
                    "help": "https://httpie.io/docs#sessions",
                    "httpie": "3.2.2",
                },
                "auth": {"type": "aws4", "raw_auth": f"{AKIA}:{SECRET}"},
                "cookies": [],
                "headers": [],
            }
        ),
        "utf-8",
    ),
    (
        "api/http-client.private.env.json",
        _json(
            {"dev": {"host": "https://s3.amazonaws.com"}, "prod": {"key": AKIA, "secret": SECRET}}
        ),
        "utf-8",
    ),
    (
        ".vscode/settings.json",
        _json(
            {
                "editor.formatOnSave": True,
                "rest-client.environmentVariables": {
                    "$shared": {"region": "eu-west-1"},
                    "prod": {"awsKey": AKIA, "awsSecret": SECRET},
                },
            }
        ),
        "utf-8",
    ),
    (
        "bruno/s3/ListBuckets.bru",
        "meta {\n  name: ListBuckets\n  type: http\n  seq: 1\n}\n\n"
        "get {\n  url: https://s3.amazonaws.com/\n  body: none\n  auth: awsv4\n}\n\n"
        f"auth:awsv4 {{\n  accessKeyId: {ASIA}{MARK}\n  secretAccessKey: {TEMP_SECRET}{MARK}\n"
        f"  sessionToken: {TOKEN}{MARK}\n  service: s3\n  region: us-east-1\n"
        "  profileName: \n}\n\n"
        'script:pre-request {\n  req.setHeader("x-trace", "1");\n}\n',
        "utf-8",
    ),
    (
        "bruno/s3/environments/prod.bru",
        f"vars {{\n  host: https://s3.amazonaws.com\n  awsKey: {AKIA}{MARK}\n"
        f"  awsSecret: {SECRET}{MARK}\n}}\nvars:secret [\n  dbPassword\n]\n",
        "utf-8",
    ),
    (
        "api/s3.http",
        f"@host = https://s3.amazonaws.com\n@accessKey = {AKIA}{MARK}\n"
        f"@secretKey = {SECRET}{MARK}\n\n"
        "### list buckets\nGET {{host}}/ HTTP/1.1\n"
        "Authorization: AWS {{accessKey}} {{secretKey}} region:us-east-1 service:s3\n\n"
        "### with temporary credentials\nGET {{host}}/ HTTP/1.1\n"
        f"Authorization: AWS {ASIA} {TEMP_SECRET} token:{TOKEN} region:us-east-1{MARK}\n",
        "utf-8",
    ),
    # XML.
    (
        "jenkins_home/credentials.xml",
        "<?xml version='1.1' encoding='UTF-8'?>\n"
        '<com.cloudbees.plugins.credentials.SystemCredentialsProvider plugin="credentials@1337">\n'
        '  <domainCredentialsMap class="hudson.util.CopyOnWriteMap$Hash">\n'
        "    <entry>\n      <com.cloudbees.plugins.credentials.domains.Domain>\n"
        "        <specifications/>\n      </com.cloudbees.plugins.credentials.domains.Domain>\n"
        "      <java.util.concurrent.CopyOnWriteArrayList>\n"
        "        <com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl"
        ' plugin="aws-credentials@231">\n'
        "          <scope>GLOBAL</scope>\n          <id>aws-deploy</id>\n"
        "          <description>deploy user</description>\n"
        f"          <accessKey>{AKIA}</accessKey>{MARK}\n"
        f"          <secretKey>{SECRET}</secretKey>{MARK}\n"
        "          <iamRoleArn></iamRoleArn>\n          <iamMfaSerialNumber></iamMfaSerialNumber>\n"
        "          <stsTokenDuration>3600</stsTokenDuration>\n"
        "        </com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n"
        "      </java.util.concurrent.CopyOnWriteArrayList>\n    </entry>\n"
        "  </domainCredentialsMap>\n"
        "</com.cloudbees.plugins.credentials.SystemCredentialsProvider>\n",
        "utf-8",
    ),
    (
        "Bookmarks/backups.duck",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n'
        "\t<key>Protocol</key>\n\t<string>s3</string>\n\t<key>Nickname</key>\n"
        "\t<string>backups</string>\n\t<key>Hostname</key>\n\t<string>s3.amazonaws.com</string>\n"
        f"\t<key>Username</key>\n\t<string>{AKIA}</string>{MARK}\n"
        f"\t<key>Password</key>\n\t<string>{SECRET}</string>{MARK}\n"
        "\t<key>Anonymous Login</key>\n\t<false/>\n</dict>\n</plist>\n",
        "utf-8",
    ),
    (
        "App/App.config",
        '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n'
        '    <add key="AWSProfileName" value="default"/>\n'
        f'    <add key="AWSAccessKey" value="{AKIA}"/>{MARK}\n'
        f'    <add key="AWSSecretKey" value="{SECRET}"/>{MARK}\n'
        '    <add key="AWSRegion" value="eu-west-1"/>\n  </appSettings>\n</configuration>\n',
        "utf-8",
    ),
    (
        "Uploader/Properties/Settings.settings",
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<SettingsFile xmlns="http://schemas.microsoft.com/VisualStudio/2004/01/settings"'
        ' CurrentProfile="(Default)" GeneratedClassNamespace="Uploader.Properties"'
        ' GeneratedClassName="Settings">\n  <Profiles />\n  <Settings>\n'
        '    <Setting Name="Bucket" Type="System.String" Scope="Application">\n'
        '      <Value Profile="(Default)">uploads-prod</Value>\n    </Setting>\n'
        '    <Setting Name="AwsKeyId" Type="System.String" Scope="Application">\n'
        f'      <Value Profile="(Default)">{AKIA}</Value>{MARK}\n    </Setting>\n'
        '    <Setting Name="AwsSecret" Type="System.String" Scope="Application">\n'
        f'      <Value Profile="(Default)">{SECRET}</Value>{MARK}\n    </Setting>\n'
        "  </Settings>\n</SettingsFile>\n",
        "utf-8",
    ),
    (
        "portable/WinSCP.ini",
        "[Configuration\\Interface]\nRandomSeedFile=%APPDATA%\\winscp.rnd\n\n"
        "[Sessions\\backups]\nHostName=s3.amazonaws.com\n"
        f"UserName={AKIA}{MARK}\nFSProtocol=7\nS3DefaultRegion=eu-west-1\n"
        f"Password={'A35C4D5F2E6B0A196D6E6C6F3B3A392E' + '3133' * 12}{MARK}\n",
        "utf-8",
    ),
]


@pytest.mark.parametrize(("name", "marked", "encoding"), CASES, ids=[c[0] for c in CASES])
def test_every_credential_line_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, marked: str, encoding: str
) -> None:
    path, expected = write(tmp_path, name, marked, encoding)
    assert expected, "a case must mark its credential lines"
    findings = scan(path, capsys)
    assert named_lines(findings) == expected
    output = json.dumps(findings)
    assert all(s not in output for s in (SECRET, TEMP_SECRET, TOKEN, SMTP))


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("infra/terraform.tfstate", "RC320"),
        ("postman/prod.postman_environment.json", "RC321"),
        ("bruno/s3/environments/prod.bru", "RC321"),
        ("api/s3.http", "RC321"),
        ("jenkins_home/credentials.xml", "RC322"),
        ("Bookmarks/backups.duck", "RC322"),
        ("portable/WinSCP.ini", "RC323"),
        ("keys/accessKeys.csv", "RC324"),
        ("ops/accessKeys.csv", "RC324"),
        ("ops/ci-deployer_credentials.csv", "RC324"),
    ],
)
def test_the_place_rule_reports_with_its_own_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, rule: str
) -> None:
    marked, encoding = next((m, e) for n, m, e in CASES if n == name)
    path, _ = write(tmp_path, name, marked, encoding)
    findings = scan(path, capsys)
    assert {f["rule_id"] for f in findings} == {rule}
    # A long-term pair is an error, whatever the place calls its two values.
    assert any(f["severity"] == "error" and f["properties"].get("key_id") for f in findings)


@pytest.mark.parametrize(
    "name",
    ["notes/new-key.json", "notes/assume-role.json", "notes/federation.json", "notes/export.json"],
)
def test_saved_cli_output_gets_run_time_credentials_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    marked = next(m for n, m, _ in CASES if n == name)
    path, _ = write(tmp_path, name, marked)
    findings = scan(path, capsys)
    assert findings
    assert all("aws configure export-credentials" in f["recommendation"] for f in findings)


def test_temporary_credentials_are_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marked = next(m for n, m, _ in CASES if n == "bruno/s3/ListBuckets.bru")
    path, _ = write(tmp_path, "ListBuckets.bru", marked)
    findings = scan(path, capsys)
    assert findings and {f["severity"] for f in findings} == {"warning"}


NEGATIVES: list[tuple[str, str]] = [
    (
        "postman/shared.postman_environment.json",
        json.dumps(
            {
                "name": "shared",
                "values": [
                    {"key": "accessKey", "value": "{{AWS_ACCESS_KEY_ID}}", "enabled": True},
                    {"key": "secretKey", "value": "", "type": "secret", "enabled": True},
                    {"key": "commitSha", "value": "3f786850e387550fdab836ed7e6dc881de23001b"},
                ],
                "_postman_variable_scope": "environment",
            },
            indent="\t",
        ),
    ),
    (
        "infra/terraform.tfstate",
        json.dumps(
            {
                "version": 4,
                "resources": [
                    {
                        "mode": "managed",
                        "type": "aws_iam_role",
                        "name": "ci",
                        "instances": [
                            {"attributes": {"arn": "arn:aws:iam::111122223333:role/ci", "id": "ci"}}
                        ],
                    }
                ],
            },
            indent=2,
        ),
    ),
    (
        "jenkins_home/credentials.xml",
        "<com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n"
        "  <id>deploy</id>\n  <accessKey></accessKey>\n  <secretKey></secretKey>\n"
        "  <iamRoleArn>arn:aws:iam::111122223333:role/jenkins</iamRoleArn>\n"
        "</com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n",
    ),
    (
        "bruno/s3/ListBuckets.bru",
        "auth:awsv4 {\n  accessKeyId: {{awsKey}}\n  secretAccessKey: {{awsSecret}}\n"
        "  service: s3\n  region: us-east-1\n  profileName: sso-dev\n}\n",
    ),
    (
        "api/s3.http",
        "@host = https://s3.amazonaws.com\n\nGET {{host}}/ HTTP/1.1\n"
        "Authorization: AWS {{$processEnv AWS_ACCESS_KEY_ID}}"
        " {{$processEnv AWS_SECRET_ACCESS_KEY}}\n",
    ),
    (
        "Info.plist",
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n'
        "\t<key>CFBundleIdentifier</key>\n\t<string>com.example.app</string>\n"
        "\t<key>BuildHash</key>\n\t<string>9c1185a5c5e9fc54612808977ee8f548b2258d31</string>\n"
        "</dict>\n</plist>\n",
    ),
    (
        "portable/WinSCP.ini",
        "[Sessions\\web]\nHostName=sftp.example.com\nUserName=deploy\n"
        "Password=A35C4D5F2E6B0A196D6E6C6F3B3A392E313331333133\n",
    ),
]


@pytest.mark.parametrize(("name", "text"), NEGATIVES, ids=[n[0] for n in NEGATIVES])
def test_hard_negatives_are_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    assert scan(path, capsys) == []
