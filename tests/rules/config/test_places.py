"""The places real leaks live (issue 14 §3, part B): tool configs, DSNs, frameworks and
scripts, scanned from real files on disk through the command line.

Each file is written the way the tool's or framework's public documentation shows it,
with generated fake keys in place of ``<ID1>``, ``<S1>``, ``<T1>`` ... markers. Every line
that holds credential material must be pointed at by a finding: its primary location,
or, for a key pair reported at the secret, the key id the finding names.
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path
from typing import Any

import pytest
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token

MARKER = re.compile(r"<(ID|TMP|S|T)(\d)>")


def render(template: str, seed: int = 14) -> str:
    """``template`` with each distinct marker replaced by one fresh fake value."""
    rng = random.Random(seed)
    made: dict[str, str] = {}

    def fake(match: re.Match[str]) -> str:
        kind = match.group(1)
        if match.group() not in made:
            made[match.group()] = {
                "ID": lambda: fake_key_id("AKIA", rng),
                "TMP": lambda: fake_key_id("ASIA", rng),
                "S": lambda: fake_secret_key(rng),
                "T": lambda: fake_session_token(rng),
            }[kind]()
        return made[match.group()]

    # An en dash before a parameter, as pasted from documents (PowerShell accepts it).
    return MARKER.sub(fake, template).replace("<DASH>", "\N{EN DASH}")


def scan_file(
    root: Path, rel: str, text: str, capsys: pytest.CaptureFixture[str], *argv: str
) -> list[dict[str, Any]]:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    main(["scan", "--format", "json", "--no-cache", *argv, str(path)])
    findings: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def pointed_lines(findings: list[dict[str, Any]], text: str) -> set[int]:
    """Lines a finding points at: its own, and the line of the key id a pair names."""
    lines = text.splitlines()
    pointed = {f["line"] for f in findings}
    for f in findings:
        key_id = f.get("properties", {}).get("key_id")
        if key_id:
            pointed.update(n for n, line in enumerate(lines, 1) if key_id in line)
        secret_line = f.get("properties", {}).get("secret_line")
        if secret_line:
            pointed.add(int(secret_line))
    return pointed


def credential_lines(template: str) -> set[int]:
    """Lines of ``template`` that hold a credential marker."""
    return {n for n, line in enumerate(template.splitlines(), 1) if MARKER.search(line)}


def rules_at(findings: list[dict[str, Any]]) -> dict[int, str]:
    return {f["line"]: f["rule_id"] for f in findings}


# --- a secret beside a key id is its secret, whatever its name -----------------------

ODBC_INI = """\
[ODBC Data Sources]
AthenaProd=Amazon Athena ODBC (x64)

[AthenaProd]
Driver=/opt/athena/odbc/lib/libathena-odbc.so
AwsRegion=us-west-2
Catalog=AwsDataCatalog
Workgroup=reporting
S3OutputLocation=s3://example-athena-results/reporting/
AuthenticationType=IAM Credentials
UID=<ID1>
PWD=<S1>
"""

ODBC_SESSION = """\
[AthenaTemp]
Driver=Amazon Athena ODBC Driver
AwsRegion=eu-central-1
AuthenticationType=IAM Credentials
UID=<TMP1>
PWD=<S1>
SessionToken=<T1>
"""

CHALICE = """\
{
  "version": "2.0",
  "app_name": "helloworld",
  "environment_variables": {
    "MY_ACCESS_KEY": "<ID1>",
    "MY_SECRET": "<S1>"
  },
  "stages": {
    "dev": {
      "api_gateway_stage": "api",
      "environment_variables": {"UPLOAD_KEY": "<ID2>", "UPLOAD_SECRET": "<S2>"}
    }
  }
}
"""

ZAPPA = """\
{
    "production": {
        "app_function": "app.app",
        "aws_region": "us-east-1",
        "s3_bucket": "zappa-billing-deploys",
        "aws_environment_variables": {
            "S3_ACCESS_KEY": "<ID1>",
            "S3_SECRET_KEY": "<S1>"
        },
        "environment_variables": {
            "MEDIA_KEY_ID": "<ID2>",
            "MEDIA_SECRET": "<S2>"
        }
    }
}
"""

SERVERLESS = """\
service: image-resizer
frameworkVersion: '3'

custom:
  bucket: example-images
  legacyAccessKey: <ID1>
  legacySecret: <S1>

provider:
  name: aws
  runtime: python3.11
  environment:
    BUCKET: ${self:custom.bucket}
    AWS_KEY: <ID2>
    AWS_SECRET: <S2>
"""

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  UploaderKeyId:
    Type: String
    Default: <ID1>
  UploaderSecret:
    Type: String
    NoEcho: true
    Default: <S1>
Resources:
  ThumbnailFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.lambda_handler
      Runtime: python3.11
      Environment:
        Variables:
          PARTNER_ACCESS_KEY: <ID2>
          PARTNER_SECRET_KEY: <S2>
"""

ANSIBLE_VARS = """\
---
aws_region: us-east-1
aws_access_key: <ID1>
aws_secret_key: <S1>
ec2_access_key: <ID2>
ec2_secret_key: <S2>
security_token: <T1>
"""

SPRING_PROPERTIES = """\
cloud.aws.credentials.access-key=<ID1>
cloud.aws.credentials.secret-key=<S1>
cloud.aws.region.static=us-east-1
"""

SPRING_YAML = """\
cloud:
  aws:
    credentials:
      access-key: <ID1>
      secret-key: <S1>
    region:
      static: us-east-1
"""

RAILS_STORAGE = """\
local:
  service: Disk
  root: <%= Rails.root.join("storage") %>

amazon:
  service: S3
  access_key_id: <ID1>
  secret_access_key: <S1>
  region: us-east-1
  bucket: example-app-production
"""

HELM_VALUES = """\
replicaCount: 2
s3:
  bucket: example-uploads
  accessKey: <ID1>
  secretKey: <S1>
env:
  - name: AWS_ACCESS_KEY_ID
    value: <ID2>
  - name: AWS_SECRET_ACCESS_KEY
    value: <S2>
"""

LARAVEL_ENV = """\
APP_NAME=Laravel
APP_ENV=production
AWS_ACCESS_KEY_ID=<ID1>
AWS_SECRET_ACCESS_KEY=<S1>
AWS_DEFAULT_REGION=us-east-1
AWS_BUCKET=example-laravel
"""

CONFIG_FILES = [
    ("odbc.ini", ODBC_INI),
    ("etc/odbc.ini", ODBC_SESSION),
    (".chalice/config.json", CHALICE),
    ("zappa_settings.json", ZAPPA),
    ("serverless.yml", SERVERLESS),
    ("template.yaml", SAM),
    ("group_vars/all.yml", ANSIBLE_VARS),
    ("src/main/resources/application.properties", SPRING_PROPERTIES),
    ("src/main/resources/application.yml", SPRING_YAML),
    ("config/storage.yml", RAILS_STORAGE),
    ("charts/api/values.yaml", HELM_VALUES),
    (".env", LARAVEL_ENV),
]


@pytest.mark.parametrize(("rel", "template"), CONFIG_FILES, ids=[r for r, _ in CONFIG_FILES])
def test_every_credential_line_in_config_files_is_pointed_at(
    rel: str, template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(template)
    findings = scan_file(tmp_path, rel, text, capsys)
    assert credential_lines(template) <= pointed_lines(findings, text)
    # A configuration file's credentials are reported by the rules that read the file.
    assert all(f["rule_id"].startswith("RC3") for f in findings), rules_at(findings)


def test_positional_secret_is_paired_with_the_key_id_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(ODBC_INI)
    findings = scan_file(tmp_path, "odbc.ini", text, capsys)
    assert len(findings) == 1
    (pair,) = findings
    assert (pair["line"], pair["severity"]) == (12, "error")
    assert pair["properties"]["key_id"] in text.splitlines()[10]
    # The secret itself is never printed whole.
    secret = text.splitlines()[11].partition("=")[2]
    assert secret not in json.dumps(findings)


def test_two_key_pairs_in_one_group_pair_by_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(ANSIBLE_VARS)
    lines = text.splitlines()
    findings = scan_file(tmp_path, "group_vars/all.yml", text, capsys)
    by_line = {f["line"]: f for f in findings}
    assert sorted(by_line) == [4, 6, 7]
    assert by_line[4]["properties"]["key_id"] in lines[2]
    assert by_line[6]["properties"]["key_id"] in lines[4]
    assert by_line[7]["properties"]["credential"] == "session"


def test_temporary_pair_with_positional_token_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = scan_file(tmp_path, "odbc.ini", render(ODBC_SESSION), capsys)
    assert sorted((f["line"], f["severity"]) for f in findings) == [(6, "warning"), (7, "warning")]


NOT_PAIRED = [
    # No key id in the group: a random-looking value under a neutral name is not a key.
    ("[build]\nchecksum=<S1>\nname=web\n", "app.ini"),
    # A hex digest beside a key id is not its secret.
    (f"[athena]\nUID=<ID1>\nsha={'0a1b2c3d4e' * 4}\n", "odbc.ini"),
    # A secret-shaped value in another section than the key id.
    ("[a]\nUID=<ID1>\n[b]\ncommit_sig=<S1>\n", "odbc.ini"),
]


@pytest.mark.parametrize(("template", "rel"), NOT_PAIRED)
def test_values_not_beside_a_key_id_are_not_secrets(
    template: str, rel: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = scan_file(tmp_path, rel, render(template), capsys, "--select", "RC3")
    assert findings == []


@pytest.mark.parametrize(
    ("rel", "template"), [("zappa_settings.json", ZAPPA), (".chalice/config.json", CHALICE)]
)
def test_zappa_and_chalice_environments_are_the_lambda_functions(
    rel: str, template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = scan_file(tmp_path, rel, render(template), capsys)
    assert [f["rule_id"] for f in findings] == ["RC307", "RC307"]
    assert all("execution role" in f["recommendation"] for f in findings)


# --- tools' own configuration files (RC313) --------------------------------------------

S3CFG = """\
[default]
access_key = <ID1>
access_token =
bucket_location = US
host_base = s3.amazonaws.com
host_bucket = %(bucket)s.s3.amazonaws.com
secret_key = <S1>
signature_v2 = False
use_https = True
"""

RCLONE = """\
[s3-backup]
type = s3
provider = AWS
env_auth = false
access_key_id = <ID1>
secret_access_key = <S1>
region = us-east-1

[s3-temp]
type = s3
provider = AWS
access_key_id = <TMP1>
secret_access_key = <S2>
session_token = <T1>
"""

DVC_LOCAL = """\
['remote "storage"']
    access_key_id = <ID1>
    secret_access_key = <S1>
['remote "scratch"']
    access_key_id = <TMP1>
    secret_access_key = <S2>
    session_token = <T1>
"""

BOTO = """\
[Credentials]
aws_access_key_id = <ID1>
aws_secret_access_key = <S1>

[Boto]
debug = 0
num_retries = 10
"""

S3FS_ONE = "<ID1>:<S1>\n"
S3FS_BUCKETS = "# bucket:id:secret\nexample-logs:<ID1>:<S1>\nexample-media:<ID2>:<S2>\n"

TOOL_FILES = [
    (".s3cfg", S3CFG, "s3cmd", "access_token"),
    ("deploy/s3cfg", S3CFG, "s3cmd", "access_token"),
    ("backup/rclone.conf", RCLONE, "rclone", "env_auth = true"),
    (".dvc/config.local", DVC_LOCAL, "DVC", "dvc remote modify"),
    (".boto", BOTO, "boto 2", "boto3"),
    ("etc/boto.cfg", BOTO, "boto 2", "boto3"),
    (".passwd-s3fs", S3FS_ONE, "s3fs", "iam_role=auto"),
    ("etc/passwd-s3fs", S3FS_BUCKETS, "s3fs", "iam_role=auto"),
    ("odbc.ini", ODBC_INI, "ODBC", "AuthenticationType=Default Credentials"),
    (".odbc.ini", ODBC_SESSION, "ODBC", "IAM Profile"),
]


@pytest.mark.parametrize(
    ("rel", "template", "tool", "advice"), TOOL_FILES, ids=[t[0] for t in TOOL_FILES]
)
def test_tool_config_files_name_the_tools_role_based_setting(
    rel: str,
    template: str,
    tool: str,
    advice: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = render(template)
    findings = scan_file(tmp_path, rel, text, capsys)
    assert credential_lines(template) <= pointed_lines(findings, text)
    assert {f["rule_id"] for f in findings} == {"RC313"}
    assert all(tool in f["message"] and advice in f["recommendation"] for f in findings)


def test_one_s3fs_finding_per_bucket_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(S3FS_BUCKETS)
    findings = scan_file(tmp_path, "etc/passwd-s3fs", text, capsys)
    assert sorted(f["line"] for f in findings) == [2, 3]
    for f in findings:
        assert f["properties"]["key_id"] in text.splitlines()[f["line"] - 1]


ROLE_BASED_TOOL_FILES = [
    ("rclone.conf", "[s3]\ntype = s3\nprovider = AWS\nenv_auth = true\nregion = us-east-1\n"),
    (
        ".dvc/config",
        "[core]\n    remote = storage\n['remote \"storage\"']\n"
        "    url = s3://example-ml/dvcstore\n    profile = ml-sso\n",
    ),
    (".s3cfg", "[default]\naccess_key =\nsecret_key =\nhost_base = s3.amazonaws.com\n"),
    (".passwd-s3fs", "# replaced by: s3fs example /mnt/s3 -o iam_role=auto\n"),
    (
        "odbc.ini",
        "[Athena]\nDriver=Amazon Athena ODBC Driver\nAuthenticationType=Instance Profile\n",
    ),
]


@pytest.mark.parametrize(("rel", "text"), ROLE_BASED_TOOL_FILES)
def test_role_based_tool_configs_are_quiet(
    rel: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert scan_file(tmp_path, rel, text, capsys) == []


def test_dvc_keys_indented_alike_are_keys_not_continuations() -> None:
    from rolecall.read.parsers.ini import parse_ini

    doc = parse_ini("['remote \"s\"']\n    url = s3://b/p\n    profile = dev\n")
    assert [e.path for e in doc.entries] == [
        ("'remote \"s\"'", "url"),
        ("'remote \"s\"'", "profile"),
    ]
    # A line indented deeper than its key still continues the value (configparser).
    doc = parse_ini("[a]\nkey = one\n    two\nother = 3\n")
    assert [e.key for e in doc.entries] == ["key", "other"]


# --- connection strings (RC314) ---------------------------------------------------------

JDBC_PROPERTIES = """\
# Athena JDBC 2.x
athena.url=jdbc:awsathena://AwsRegion=us-east-1;S3OutputLocation=s3://example-results/;User=<ID1>;Password=<S1>;
# Athena JDBC 3.x with temporary credentials
athena.v3.url=jdbc:athena://Region=us-east-1;WorkGroup=primary;AccessKeyId=<TMP1>;SecretAccessKey=<S2>;SessionToken=<T1>
redshift.url=jdbc:redshift:iam://examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com:5439/dev;AccessKeyID=<ID2>;SecretAccessKey=<S3>
"""

JDBC_V1_SHELL = """\
# Athena JDBC 1.x (com.amazonaws.athena.jdbc.AthenaDriver): URL parameters
export ATHENA_URI='jdbc:awsathena://athena.us-east-1.amazonaws.com:443?s3_staging_dir=s3://example-results/&user=<ID1>&password=<S1>'
"""

JDBC_YAML = """\
spring:
  datasource:
    url: "jdbc:redshift:iam://analytics.cxyz.us-east-1.redshift.amazonaws.com:5439/dev?AccessKeyID=<ID1>&SecretAccessKey=<S1>&DbUser=etl"
"""

JDBC_JAVA = """\
public final class Reports {
    static final String URL =
        "jdbc:athena://Region=us-east-1;AccessKeyId=<ID1>;SecretAccessKey=<S1>;";
}
"""

ODBC_PYTHON = (
    "import pyodbc\n\n"
    'CONN = "Driver=Amazon Athena ODBC Driver;AwsRegion=us-west-2;'
    'AuthenticationType=IAM Credentials;UID=<ID1>;PWD=<S1>;"\n'
    "conn = pyodbc.connect(CONN, autocommit=True)\n"
)

CONNECTION_STRINGS = [
    ("src/main/resources/connections.properties", JDBC_PROPERTIES, 3),
    ("config/datasource.yml", JDBC_YAML, 1),
    ("deploy/env.sh", JDBC_V1_SHELL, 1),
    ("src/Reports.java", JDBC_JAVA, 1),
    ("athena_report.py", ODBC_PYTHON, 1),
]


@pytest.mark.parametrize(
    ("rel", "template", "pairs"), CONNECTION_STRINGS, ids=[c[0] for c in CONNECTION_STRINGS]
)
def test_connection_strings_with_keys(
    rel: str, template: str, pairs: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(template)
    findings = scan_file(tmp_path, rel, text, capsys)
    assert credential_lines(template) <= pointed_lines(findings, text)
    secrets = [f for f in findings if f["properties"].get("credential") == "secret"]
    assert len(secrets) == pairs
    assert all(f["rule_id"] == "RC314" and "key_id" in f["properties"] for f in secrets)
    assert all("DefaultChain" in f["recommendation"] for f in findings)


def test_redshift_database_login_is_not_an_aws_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "url=jdbc:redshift://examplecluster:5439/dev;User=report;Password=Rep0rt-Pass-2024\n"
    assert scan_file(tmp_path, "db.properties", text, capsys) == []


# --- PowerShell, Windows batch files, Makefiles (RC312) -------------------------------

POWERSHELL = """\
Import-Module AWS.Tools.Common
Set-AWSCredential -AccessKey <ID1> -SecretKey <S1> -StoreAs deploy
Initialize-AWSDefaultConfiguration -AccessKey <ID2> -SecretKey <S2> -Region us-west-2
$env:AWS_ACCESS_KEY_ID = "<ID3>"
$env:AWS_SECRET_ACCESS_KEY = "<S3>"
[Environment]::SetEnvironmentVariable("AWS_SESSION_TOKEN", "<T1>", "User")
Set-AWSCredential -AccessKey <TMP1> <DASH>SecretKey <S4> -SessionToken <T2>
$creds = @{
    AccessKey = '<ID4>'
    SecretKey = '<S5>'
}
Set-AWSCredential @creds -StoreAs splat
"""

BATCH = """\
@echo off
rem Deploy from the build agent
set AWS_ACCESS_KEY_ID=<ID1>
set "AWS_SECRET_ACCESS_KEY=<S1>"
set AWS_DEFAULT_REGION=eu-west-1
setx AWS_ACCESS_KEY_ID <ID2>
setx AWS_SECRET_ACCESS_KEY "<S2>"
aws s3 sync public\\ s3://example-site/ --delete
"""

MAKEFILE = """\
export AWS_ACCESS_KEY_ID := <ID1>
export AWS_SECRET_ACCESS_KEY := <S1>
AWS_SESSION_TOKEN ?= <T1>
AWS_REGION ?= us-east-1

deploy:
\taws configure set aws_access_key_id <ID2>
\taws configure set aws_secret_access_key <S2>
\taws s3 sync build/ s3://example-site/
"""

SCRIPTS = [
    ("scripts/setup.ps1", POWERSHELL, "Set-AWSCredential -ProfileName"),
    ("ci/env.bat", BATCH, "AWS_PROFILE"),
    ("ci/deploy.cmd", BATCH, "AWS_PROFILE"),
    ("Makefile", MAKEFILE, "AWS_PROFILE"),
    ("build/deploy.mk", MAKEFILE, "AWS_PROFILE"),
]


@pytest.mark.parametrize(("rel", "template", "advice"), SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_windows_scripts_and_makefiles(
    rel: str, template: str, advice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(template)
    findings = scan_file(tmp_path, rel, text, capsys)
    assert credential_lines(template) <= pointed_lines(findings, text)
    assert {f["rule_id"] for f in findings} == {"RC312"}
    assert all(advice in f["recommendation"] for f in findings)


QUIET_SCRIPTS = [
    ("a.ps1", '$env:AWS_PROFILE = "deploy-sso"\nSet-AWSCredential -ProfileName deploy-sso\n'),
    ("a.ps1", "$env:AWS_SECRET_ACCESS_KEY = $secret.SecretString\n"),
    ("a.ps1", 'Set-AWSCredential -AccessKey $Key -SecretKey "$($s.Secret)" -StoreAs x\n'),
    ("env.cmd", "set AWS_SECRET_ACCESS_KEY=%VAULT_SECRET%\r\n"),
    ("Makefile", "AWS_SECRET_ACCESS_KEY ?= $(shell vault kv get -field=secret aws/ci)\n"),
    ("Makefile", "upload:\n\tAWS_SECRET_ACCESS_KEY=$(SECRET) aws s3 cp dist s3://b/\n"),
]


@pytest.mark.parametrize(("rel", "text"), QUIET_SCRIPTS)
def test_scripts_taking_credentials_from_elsewhere_are_quiet(
    rel: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert scan_file(tmp_path, rel, text, capsys) == []


# --- Windows files in UTF-16 LE with a BOM and CRLF line ends --------------------------

UTF16_FILES = [
    ("scripts/setup.ps1", POWERSHELL),
    ("ci/env.bat", BATCH),
    ("odbc.ini", ODBC_INI),
    (".env", LARAVEL_ENV),
    ("src/main/resources/connections.properties", JDBC_PROPERTIES),
]


@pytest.mark.parametrize(("rel", "template"), UTF16_FILES, ids=[u[0] for u in UTF16_FILES])
def test_utf16_crlf_files_give_the_same_findings_as_utf8(
    rel: str, template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = render(template)
    utf8 = scan_file(tmp_path / "utf8", rel, text, capsys)
    path = tmp_path / "utf16" / rel
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    main(["scan", "--format", "json", "--no-cache", str(path)])
    utf16 = json.loads(capsys.readouterr().out)["findings"]

    def where(findings: list[dict[str, Any]]) -> list[tuple[str, int, int, int]]:
        return sorted((f["rule_id"], f["line"], f["column"], f["end_column"]) for f in findings)

    assert utf8 and where(utf16) == where(utf8)
    assert credential_lines(template) <= pointed_lines(utf16, text)


CLOUD_INIT = """\
#cloud-config
package_update: true
packages:
  - awscli
write_files:
  - path: /home/ubuntu/.aws/credentials
    permissions: '0600'
    content: |
      [default]
      aws_access_key_id = <ID1>
      aws_secret_access_key = <S1>
runcmd:
  - export AWS_ACCESS_KEY_ID=<ID2>
  - export AWS_SECRET_ACCESS_KEY=<S2>
  - [ sh, -c, "aws s3 cp s3://example-bootstrap/app.tar.gz /opt/" ]
"""


@pytest.mark.parametrize("rel", ["user-data", "cloud-init/user-data.yaml"])
def test_cloud_init_user_data(rel: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = render(CLOUD_INIT)
    findings = scan_file(tmp_path, rel, text, capsys)
    assert credential_lines(CLOUD_INIT) <= pointed_lines(findings, text)
    # runcmd is shell: RC312 names the role-based way to run it.
    assert rules_at(findings)[14] == "RC312"


# --- pairing stays linear in the number of values of one group ---------------------------


def _hits(pairs: int) -> list[Any]:
    from rolecall.read.parsers.common import Entry
    from rolecall.rules.aws.names import CredentialValue
    from rolecall.rules.config.support import Hit

    key_id = CredentialValue("key_id", True, True, key_id=fake_key_id("AKIA", random.Random(1)))
    secret = CredentialValue("secret", True, True)
    hits = []
    for n in range(2 * pairs):
        cred, name = (key_id, "UID") if n % 2 == 0 else (secret, "PWD")
        hits.append(Hit(name, Entry(("many", name), "v", n * 60, n * 60 + 40), cred))
    return hits


def test_pairing_many_keys_in_one_group_is_linear() -> None:
    from rolecall.rules.config.support import _pair_in_groups

    small, large = _hits(1_000), _hits(10_000)

    def cpu(hits: list[Any]) -> float:
        start = time.process_time()
        assert len(_pair_in_groups(hits)) == len(hits) // 2
        return time.process_time() - start

    cpu(small)
    per_small = min(cpu(small) for _ in range(3))
    ratio = min(cpu(large) for _ in range(2)) / max(per_small, 1e-6)
    # Ten times the pairs: linear is about 10, quadratic about 100.
    assert ratio < 30, f"10,000 pairs / 1,000 pairs = {ratio:.1f}"


def test_a_pair_keeps_where_its_key_id_is_written() -> None:
    from rolecall.plugin.rule import RuleContext
    from rolecall.read.parsers.ini import parse_ini
    from rolecall.rules.config.support import find_credentials

    text = render(ODBC_INI)
    entries = parse_ini(text).entries
    (hit,) = find_credentials([(e.key, e) for e in entries], RuleContext())
    assert hit.paired_entry is not None
    assert text[hit.paired_entry.start : hit.paired_entry.end] == hit.paired_key_id
    assert text.count("\n", 0, hit.paired_entry.start) + 1 == 11  # the UID= line
