"""Keys, service-account files, URLs and client credential files (RC120-RC173)."""

from __future__ import annotations

import base64

import pytest
from rolecall.engine.core import Engine, EngineOptions, RuleSelection, scan_text
from rolecall.fakes import fake
from rolecall.model import Severity
from rolecall.plugin.registry import default_registry
from rolecall.rules.aws.adjacent import is_ses_smtp_password
from rolecall.rules.tokens.encryption_keys import is_fernet_key
from rolecall.rules.tokens.private_keys import openssh_cipher

ENGINE = Engine(
    default_registry(),
    EngineOptions(
        selection=RuleSelection(select=("RC110", "RC111", *(f"RC{n}" for n in range(120, 200))))
    ),
)


def found(path: str, text: str) -> list[tuple[str, int, Severity]]:
    return [
        (f.rule_id, f.location.line, f.severity) for f in scan_text(ENGINE, path, text).findings
    ]


def test_service_account_key_is_reported_once_as_gcp_not_as_private_key() -> None:
    assert [r for r, _, _ in found("sa.json", fake("gcp_service_account"))] == ["RC110"]


def test_current_format_azure_secret_is_reported_once() -> None:
    text = "AZURE_TENANT_ID=x\nAZURE_CLIENT_SECRET=" + fake("azure_client_secret") + "\n"
    assert [r for r, _, _ in found(".env", text)] == ["RC111"]


@pytest.mark.parametrize(
    ("kind", "severity"),
    [
        ("rsa_pem", Severity.ERROR),
        ("ec_pem", Severity.ERROR),
        ("openssh", Severity.ERROR),
        ("encrypted_pem", Severity.WARNING),
        ("openssh_encrypted", Severity.WARNING),
    ],
)
def test_private_key_severity(kind: str, severity: Severity) -> None:
    assert found("k", fake(kind)) == [("RC120", 1, severity)]


def test_private_key_with_proc_type_header_is_encrypted() -> None:
    lines = fake("rsa_pem").splitlines()
    text = "\n".join([lines[0], "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,0A1B", *lines[1:]])
    assert found("k.pem", text) == [("RC120", 1, Severity.WARNING)]


def test_private_key_in_python_concatenation_lines() -> None:
    lines = fake("rsa_pem").splitlines()
    text = "KEY = (\n" + "".join(f'    "{line}\\n"\n' for line in lines) + ")\n"
    assert found("k.py", text) == [("RC120", 2, Severity.ERROR)]


def test_openssh_cipher_is_decoded() -> None:
    body = fake("openssh_encrypted").splitlines()[1:-1]
    assert openssh_cipher("".join(body)) == "aes256-ctr"
    assert openssh_cipher("bm90IGEga2V5") is None


def test_rds_url_is_not_also_a_generic_url_finding() -> None:
    url = "postgresql://app:" + fake("password") + "@db.abc123.eu-west-1.rds.amazonaws.com/app"
    assert [r for r, _, _ in found("a.env", "DATABASE_URL=" + url + "\n")] == ["RC171"]


def test_index_url_is_not_also_a_generic_url_finding() -> None:
    text = "[[tool.uv.index]]\nname = 'internal'\nurl = 'https://ci:" + fake("password")
    text += "@pkgs.internal/simple'\n"
    assert [r for r, _, _ in found("pyproject.toml", text)] == ["RC151"]


def test_docker_config_in_kubernetes_secret() -> None:
    auth = base64.b64encode(("ci:" + fake("password")).encode()).decode()
    config = '{"auths":{"registry.internal":{"auth":"' + auth + '"}}}'
    secret = "data:\n  .dockerconfigjson: " + base64.b64encode(config.encode()).decode() + "\n"
    assert [r for r, _, _ in found("pull.yaml", secret)] == ["RC155"]


def test_format_checks() -> None:
    assert is_ses_smtp_password(fake("ses_smtp_password"))
    assert not is_ses_smtp_password(fake("azure_sas_key"))
    assert is_fernet_key(fake("fernet_key"))
    assert not is_fernet_key(fake("azure_sas_key")[:-1] + "!")


def test_azurite_key_is_not_reported() -> None:
    azurite = (
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq"
        + "2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    )
    text = f'c = "AccountName=devstoreaccount1;AccountKey={azurite};"\n'
    assert found("a.py", text) == []
