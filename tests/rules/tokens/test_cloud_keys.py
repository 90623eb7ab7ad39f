"""RC110 (GCP service account key) and RC111 (Azure client secret) beyond their examples."""

from __future__ import annotations

from rolecall import Severity
from rolecall.engine.core import Engine, EngineOptions, FileResult
from rolecall.plugin.registry import build_registry
from rolecall.read.document import Document
from rolecall.rules.aws import examples as ex
from rolecall.rules.tokens import cloud_keys

ENGINE = Engine(build_registry([("cloud_keys", cloud_keys)]), EngineOptions())
KEY = cloud_keys._fake_sa_key()
AZURE = cloud_keys._AZURE_FAKE


def scan(path: str, data: str | bytes) -> FileResult:
    raw = data.encode() if isinstance(data, str) else data
    result = ENGINE.scan_document(Document(path, raw))
    assert result.notices == []
    return result


def test_service_account_key_properties_and_commands() -> None:
    (finding,) = scan("key.json", KEY).findings
    assert finding.rule_id == "RC110" and finding.severity is Severity.ERROR
    assert finding.properties["key_id"] == ex.SHA1
    assert finding.properties["client_email"] == "ci-deployer@acme-prod.iam.gserviceaccount.com"
    rec = finding.recommendation
    assert f"gcloud iam service-accounts keys disable {ex.SHA1} --iam-account=ci-deployer@" in rec
    assert "Workload Identity Federation" in rec


def test_private_key_body_never_appears_in_output() -> None:
    (finding,) = scan("key.json", KEY).findings
    text = " ".join([finding.message, finding.recommendation, finding.evidence])
    assert ex.TOKEN[:64] not in text and ex.TOKEN[4:20] not in text


def test_service_account_key_utf16_and_crlf() -> None:
    data = b"\xff\xfe" + KEY.replace("\n", "\r\n").encode("utf-16-le")
    assert [(f.rule_id, f.location.line) for f in scan("key.json", data).findings] == [("RC110", 3)]


def test_two_keys_in_one_file_are_two_findings() -> None:
    assert len(scan("keys.txt", KEY + "\n" + KEY.replace("acme-prod", "acme-dev")).findings) == 2


def test_placeholder_key_is_quiet() -> None:
    body = "\\n".join(["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"] + ["x" * 64] * 5)
    placeholder = KEY.split('"private_key": "')[0] + f'"private_key": "{body}"}}'
    assert scan("key.json", placeholder).findings == []


def test_azure_secret_locations_and_boundaries() -> None:
    text = f'cred = ClientSecretCredential(tenant, client_id, "{AZURE}")\n'
    (finding,) = scan("app.py", text).findings
    assert (finding.rule_id, finding.location.column) == ("RC111", 51)
    assert finding.evidence == f"{AZURE[:4]}…(40 chars)"
    assert scan("x.txt", f"{AZURE}x\n").findings == []
    assert scan("x.txt", f"/{AZURE}\n").findings == []
    assert len(scan("x.txt", f"{AZURE}\n{AZURE}\n").findings) == 2
