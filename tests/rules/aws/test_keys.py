"""Behaviour of the RC1xx rules beyond their examples: pairing, messages, properties,
redaction, fingerprints, encodings and the report_examples switch."""

from __future__ import annotations

import base64

import pytest
from rolecall import Confidence, Finding, Severity, redact
from rolecall.engine.core import Engine, EngineOptions, FileResult
from rolecall.plugin.registry import build_registry
from rolecall.read.document import Document, LineIndex
from rolecall.rules.aws import examples as ex
from rolecall.rules.aws import keys as aws_keys
from rolecall.rules.aws import secret_keys as aws_secrets

REGISTRY = build_registry([("aws_keys", aws_keys), ("aws_secrets", aws_secrets)])


def short_id(value: object) -> str | None:
    """Test ids that never spell out key-shaped data (pytest prints and caches them)."""
    if isinstance(value, str) and len(value) > 12:
        return value[:8].replace("\n", " ") + "..."
    return None


def scan(path: str, text: str | bytes, *, report_examples: bool = False) -> FileResult:
    engine = Engine(REGISTRY, EngineOptions(report_examples=report_examples))
    data = text.encode("utf-8") if isinstance(text, str) else text
    result = engine.scan_document(Document(path, data))
    assert result.notices == []
    return result


def scan_all(path: str, text: str) -> FileResult:
    """Every built-in rule (text, config and encoded-text rules together)."""
    from rolecall.plugin.registry import default_registry

    result = Engine(default_registry()).scan_document(Document(path, text.encode("utf-8")))
    assert result.notices == []
    return result


def rules(result: FileResult) -> list[tuple[str, int, int]]:
    return [(f.rule_id, f.location.line, f.location.column) for f in result.findings]


def _all_text(finding: Finding) -> str:
    parts = [finding.message, finding.recommendation, finding.evidence]
    parts += [f"{k}={v}" for k, v in finding.properties.items()]
    return "\n".join(parts)


ENV = f"AWS_ACCESS_KEY_ID={ex.AKIA}\nAWS_SECRET_ACCESS_KEY={ex.SECRET}\n"


def test_id_and_secret_are_one_pair_finding() -> None:
    result = scan(".env", ENV)
    assert rules(result) == [("RC101", 1, 19)]
    (finding,) = result.findings
    assert finding.severity is Severity.ERROR and finding.confidence is Confidence.HIGH
    assert finding.properties["paired_secret"] == "hJ3k…(40 chars)"
    assert finding.properties["secret_line"] == "2"
    assert finding.evidence == f"{ex.AKIA} + hJ3k…(40 chars)"


def test_lone_id_has_medium_confidence_and_lone_secret_is_rc104() -> None:
    (lone_id,) = scan("a.txt", f"id: {ex.AKIA}\n").findings
    assert lone_id.confidence is Confidence.MEDIUM
    (lone_secret,) = scan("a.txt", f"aws_secret_access_key: {ex.SECRET}\n").findings
    assert lone_secret.rule_id == "RC104" and lone_secret.severity is Severity.ERROR


def test_secret_too_far_from_the_id_is_not_paired() -> None:
    text = f"AWS_ACCESS_KEY_ID={ex.AKIA}\n" + "#\n" * 8 + f"AWS_SECRET_ACCESS_KEY={ex.SECRET}\n"
    assert [r for r, _, _ in rules(scan(".env", text))] == ["RC101", "RC104"]


def test_unnamed_secret_pairs_only_when_close() -> None:
    near = f'new BasicAWSCredentials("{ex.AKIA}", "{ex.SECRET}");\n'
    assert rules(scan("A.java", near)) == [("RC101", 1, 26)]
    assert scan("A.java", near).findings[0].confidence is Confidence.HIGH
    # Beyond three lines only within one block (no blank line, no [section] between),
    # and never beyond eight lines.
    block = f'id = "{ex.AKIA}";\n' + "//\n" * 5 + f'x = "{ex.SECRET}";\n'
    (finding,) = scan("A.java", block).findings
    assert finding.properties["secret_line"] == "7"
    far = f'id = "{ex.AKIA}";\n' + "//\n" * 8 + f'x = "{ex.SECRET}";\n'
    (finding,) = scan("A.java", far).findings
    assert "paired_secret" not in finding.properties
    for gap in ("//\n//\n\n//\n", "//\n[other]\n//\n//\n"):
        apart = f'id = "{ex.AKIA}";\n' + gap + f'x = "{ex.SECRET}";\n'
        (finding,) = scan("a.ini", apart).findings
        assert "paired_secret" not in finding.properties


def test_pairs_in_minified_json_take_the_closest_secret() -> None:
    text = (
        f'[{{"AccessKeyId":"{ex.AKIA}","SecretAccessKey":"{ex.SECRET}"}},'
        f'{{"AccessKeyId":"{ex.AKIA_2}","SecretAccessKey":"{ex.SECRET_2}"}}]'
    )
    result = scan("keys.json", text)
    assert [f.rule_id for f in result.findings] == ["RC101", "RC101"]
    assert [f.properties["paired_secret"] for f in result.findings] == [
        "hJ3k…(40 chars)",
        "Zp4R…(40 chars)",
    ]


def test_account_id_in_message_and_properties() -> None:
    (finding,) = scan("a.txt", f"{ex.ASIA}\n").findings
    assert "(account 609629065308)" in finding.message
    assert finding.properties["account_id"] == "609629065308"
    assert finding.properties["key_id"] == ex.ASIA
    assert finding.properties["id_format"] == "modern"


def test_legacy_id_says_account_not_encoded() -> None:
    (finding,) = scan("a.txt", f"{ex.AKIA_LEGACY}\n").findings
    assert "(account not encoded)" in finding.message
    assert "account_id" not in finding.properties
    assert finding.properties["id_format"] == "legacy"


@pytest.mark.parametrize("fifth", "ABCDEFGHIJKLMNOP")
def test_every_old_generation_id_is_reported(fifth: str) -> None:
    key_id = "AKIA" + fifth + ex.AKIA_OLD_C[5:]
    (finding,) = scan("app.cs", f'var id = "{key_id}";\n').findings
    assert finding.rule_id == "RC101" and finding.severity is Severity.ERROR
    assert "(account not encoded)" in finding.message


def test_impossible_id_is_reported_lower_with_the_reason() -> None:
    (finding,) = scan("a.txt", f"{ex.AKIA_IMPOSSIBLE}\n").findings
    assert finding.rule_id == "RC101" and finding.severity is Severity.WARNING
    assert "AWS cannot have issued this id: it encodes a 13-digit account" in finding.message
    assert finding.properties["impossible"].startswith("AWS cannot have issued")


def test_one_id_policy_for_text_and_config_rules() -> None:
    """The same literal is found, or not, whatever the file's format (issue: RC301 used
    to report ids that RC101 dropped)."""
    for key_id, reported in (
        (ex.AKIA_OLD_C, True),
        (ex.AKIA_IMPOSSIBLE, True),
        ("AKIA" + "1234567890ABCDEF", False),
        (ex.EXAMPLE_ID, False),
    ):
        for path, text in (
            ("Program.cs", f'const string Id = "{key_id}";\n'),
            ("config.ini", f"[default]\naws_access_key_id = {key_id}\n"),
            (".env", f"AWS_ACCESS_KEY_ID={key_id}\n"),
        ):
            findings = scan_all(path, text).findings
            assert bool(findings) is reported, (path, key_id)
            if path != "Program.cs" and reported:
                # A config rule (RC301 for .env, RC302 for a credentials-style INI file).
                assert all(f.rule_id.startswith("RC3") for f in findings), path
            if key_id == ex.AKIA_IMPOSSIBLE:
                assert {f.severity for f in findings} == {Severity.WARNING}, path


def test_documentation_derivatives_are_examples() -> None:
    from rolecall.rules.common.placeholders import is_documented_example

    doc_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"
    assert is_documented_example(doc_secret + "TESTKEY")
    assert is_documented_example("wJalrXUtnFEMI/K7MDENG+bPxRfiCY" + "EXAMPLEKEY")
    assert is_documented_example("AKID" + "EXAMPLE")
    # An id that decodes to the documentation account 123456789012.
    assert is_documented_example(_id_for_account("AKIA", 123456789012))
    assert not is_documented_example(_id_for_account("AKIA", 123456789013))
    # The S3 developer guide's signature version 2 keys (stored as hashes).
    assert is_documented_example("0PN5J17HBG" + "ZHT7JJ3X82")
    assert is_documented_example("uV3F3YluFJax1cknvbcG" + "wgjvx4QpvB+leU8dUj2o")
    assert is_documented_example("44CF9590006B" + "F252F707")
    assert is_documented_example("OtxrzxIsfpFjA7SwPzIL" + "wy8Bw21TLhquhboDYROV")
    text = f"AWS_ACCESS_KEY_ID={_id_for_account('AKIA', 123456789012)}\n"
    assert scan("a.env", text).findings == []


def _id_for_account(prefix: str, account: int) -> str:
    value = (1 << 47) | (account << 7) | 0x55  # the generation bit, the account, noise
    raw = value.to_bytes(6, "big") + bytes([0x3C, 0xA7, 0x19, 0xE2])
    return prefix + base64.b32encode(raw).decode()


def test_recommendation_has_the_commands_with_the_id_filled_in() -> None:
    (finding,) = scan("a.txt", f"{ex.AKIA}\n").findings
    rec = finding.recommendation
    assert f"aws iam update-access-key --access-key-id {ex.AKIA} --status Inactive" in rec
    assert f"aws iam delete-access-key --access-key-id {ex.AKIA}" in rec
    assert f"AttributeKey=AccessKeyId,AttributeValue={ex.AKIA}" in rec
    assert "default credential provider chain" in rec and "rolecall explain RC101" in rec
    assert "{" not in rec


@pytest.mark.parametrize(
    "text",
    [
        ENV,
        f"aws_secret_access_key = {ex.SECRET}\naws_session_token = {ex.TOKEN}\n",
        f"https://b/k?X-Amz-Credential={ex.ASIA}%2Fx&X-Amz-Security-Token={ex.TOKEN}&a=b\n",
    ],
    ids=short_id,
)
def test_no_output_field_holds_a_whole_secret(text: str) -> None:
    result = scan("x.txt", text)
    assert result.findings
    for finding in result.findings:
        out = _all_text(finding)
        assert ex.SECRET not in out and ex.TOKEN not in out and ex.TOKEN[:40] not in out
        assert ex.SECRET[:5] not in out


def test_fingerprint_ignores_line_and_tracks_the_material() -> None:
    moved = "# header\n\n" + ENV
    (a,) = scan(".env", ENV).findings
    (b,) = scan(".env", moved).findings
    assert a.fingerprint == b.fingerprint and a.location.line != b.location.line
    (c,) = scan(".env", ENV.replace(ex.SECRET, ex.SECRET_2)).findings
    assert c.fingerprint != a.fingerprint
    (d,) = scan("a.txt", f"{ex.AKIA}\n").findings
    assert d.fingerprint != a.fingerprint  # a lone id is a different finding than a pair


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_documents(encoding: str) -> None:
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    text = "# generated\r\n" + ENV.replace("\n", "\r\n")
    result = scan("creds.env", bom + text.encode(encoding))
    assert rules(result) == [("RC101", 2, 19)]
    assert result.findings[0].properties["paired_secret"] == "hJ3k…(40 chars)"


def test_utf16_session_token() -> None:
    data = b"\xff\xfe" + f"aws_session_token={ex.TOKEN}\n".encode("utf-16-le")
    assert rules(scan("credentials", data)) == [("RC105", 1, 19)]


def test_crlf_positions() -> None:
    text = f"a=1\r\nb=2\r\nkey={ex.AKIA}\r\n"
    assert rules(scan("x.properties", text)) == [("RC101", 3, 5)]


def test_astral_characters_shift_utf16_columns_only() -> None:
    text = f"emoji = '\U0001f600' ; key = '{ex.AKIA}'\n"
    (finding,) = scan("x.py", text).findings
    assert finding.location.column == 22
    assert finding.location.column_utf16 == 23
    index = LineIndex("\U0001f600\U0001f600ab\nx\U0001f600y")
    assert [index.utf16_column(1, c) for c in (1, 2, 3, 4)] == [1, 3, 5, 6]
    assert [index.utf16_column(2, c) for c in (1, 2, 3)] == [1, 2, 4]


def test_yaml_block_scalar_split_does_not_crash() -> None:
    text = (
        "aws_secret_access_key: |\n"
        f"  {ex.SECRET[:20]}\n  {ex.SECRET[20:]}\n"
        "aws_session_token: >-\n"
        f"  {ex.TOKEN[:150]}\n  {ex.TOKEN[150:]}\n"
    )
    result = scan("c.yaml", text)
    assert rules(result) == [("RC105", 5, 3)]  # the token's first line is long enough


def test_markdown_code_block() -> None:
    text = f"# Deploy\n\n```bash\nexport AWS_SECRET_ACCESS_KEY={ex.SECRET}\n```\n"
    assert rules(scan("README.md", text)) == [("RC104", 4, 30)]


def test_report_examples_switch() -> None:
    text = f"AWS_ACCESS_KEY_ID={ex.EXAMPLE_ID}\nAWS_SECRET_ACCESS_KEY={ex.EXAMPLE_SECRET}\n"
    assert scan(".env", text).findings == []
    (finding,) = scan(".env", text, report_examples=True).findings
    assert finding.severity is Severity.NOTE and "documented example" in finding.message
    assert "example secret wJal…(40 chars)" in finding.message
    # A real secret is never paired with an example id.
    mixed = f"AWS_ACCESS_KEY_ID={ex.EXAMPLE_ID}\nAWS_SECRET_ACCESS_KEY={ex.SECRET}\n"
    assert [f.rule_id for f in scan(".env", mixed).findings] == ["RC104"]
    both = scan(".env", mixed, report_examples=True).findings
    assert [(f.rule_id, f.severity) for f in both] == [
        ("RC101", Severity.NOTE),
        ("RC104", Severity.ERROR),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "aws_access_key_id = test\naws_secret_access_key = test\n",  # LocalStack
        "AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\n",  # moto
        "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}\n",
        "aws_secret_access_key: '{{ vault_aws_secret }}'\n",
        'aws_secret_access_key = "<secret>"\naws_session_token = "****************"\n',
        "AWS_SECRET_ACCESS_KEY=" + "x" * 40 + "\n",
        "AWS_SECRET_ACCESS_KEY=" + "A" * 40 + "\n",
        f"aws_secret_access_key = {ex.SECRET[:39]}\n",  # too short
        f"aws_secret_access_key = {ex.SECRET}Q\n",  # too long
        f"sha = {ex.SHA1}\nid = {ex.UUID}\njwt = {ex.JWT}\n",
        f"key = {ex.AKIA[:-1]}\n",  # truncated, 19 characters
    ],
    ids=short_id,
)
def test_quiet_on_placeholders_and_lookalikes(text: str) -> None:
    assert scan("settings.cfg", text).findings == []


def test_jwt_next_to_a_key_id_is_not_its_secret() -> None:
    text = f"id={ex.AKIA}\nauth={ex.JWT}\n"
    (finding,) = scan("x.txt", text).findings
    assert "paired_secret" not in finding.properties


def test_presigned_url_marks_in_url() -> None:
    url = f"https://b/k?X-Amz-Credential={ex.ASIA}%2F2024&X-Amz-Security-Token={ex.TOKEN}&s=1"
    result = scan("a.log", url + "\n")
    assert [(f.rule_id, f.properties["in_url"]) for f in result.findings] == [
        ("RC102", "true"),
        ("RC105", "true"),
    ]
    assert "presigned URL" in result.findings[1].message


def test_temporary_secret_is_a_warning() -> None:
    text = f"aws_secret_access_key={ex.SECRET}\naws_session_token={ex.TOKEN}\n"
    secret, token = scan("credentials", text).findings
    assert secret.severity is Severity.WARNING and secret.properties["temporary"] == "true"
    assert token.severity is Severity.WARNING


def test_generic_secret_name_needs_aws_context() -> None:
    assert scan("app.py", f"SECRET_KEY = '{ex.SECRET}'\n").findings == []
    (finding,) = scan("app.py", f"import boto3\nSECRET_KEY = '{ex.SECRET}'\n").findings
    assert finding.confidence is Confidence.MEDIUM


def test_other_prefixes_have_their_own_classification() -> None:
    abia, acca = scan("x.txt", f"{ex.ABIA}\n{ex.ACCA}\n").findings
    assert abia.rule_id == acca.rule_id == "RC103"
    assert "service bearer token" in abia.message and abia.severity is Severity.WARNING
    assert "context-specific credential" in acca.message


def test_percent_encoded_token_chunks_are_not_secrets() -> None:
    encoded = ex.TOKEN.replace("/", "%2F").replace("+", "%2B")
    url = f"https://b/k?X-Amz-Credential={ex.ASIA}%2F2024&X-Amz-Security-Token={encoded}&s=1"
    kid, token = scan("a.log", url + "\n").findings
    assert "paired_secret" not in kid.properties
    assert token.rule_id == "RC105" and token.evidence == "IQoJ…(397 chars)"


def test_base64_encoded_secret_in_kubernetes_data() -> None:
    encoded = base64.b64encode(ex.SECRET.encode()).decode()
    text = f"kind: Secret\ndata:\n  AWS_SECRET_ACCESS_KEY: {encoded}\n"
    (finding,) = scan("secret.yaml", text).findings
    assert finding.rule_id == "RC104" and "(base64-encoded)" in finding.message
    assert finding.evidence == "hJ3k…(40 chars)"
    (plain,) = scan("s.yaml", f"aws_secret_access_key: {ex.SECRET}\n").findings
    assert finding.fingerprint == plain.fingerprint  # same secret, same identity


@pytest.mark.parametrize(
    "text",
    [
        f'secret = os.getenv("AWS_SECRET") or "{ex.SECRET}"\n',
        f"<pre>{{&quot;SecretAccessKey&quot;: &quot;{ex.SECRET}&quot;}}</pre>\n",
        f"${{AWS_SECRET_ACCESS_KEY:-{ex.SECRET}}}\n",
        f"setx AWS_SECRET_ACCESS_KEY {ex.SECRET}\n",
        f"<aws_secret_access_key>{ex.SECRET}</aws_secret_access_key>\n",
        f"aws configure set aws_secret_access_key {ex.SECRET}\n",
        f"creds['aws_secret_access_key'] = '{ex.SECRET}'\n",
        '{"aws_secret":"' + ex.SECRET.replace("/", "\\/") + '"}',  # PHP json_encode
        "https://x/?aws_secret_access_key=" + ex.SECRET.replace("/", "%2F").replace("+", "%2B"),
    ],
    ids=short_id,
)
def test_secret_name_syntaxes(text: str) -> None:
    assert [f.rule_id for f in scan("x.txt", text).findings] == ["RC104"]


def test_base64_credentials_file_in_a_kubernetes_secret_is_one_finding_per_blob() -> None:
    import base64 as b64

    creds = (
        f"[default]\naws_access_key_id = {ex.AKIA}\naws_secret_access_key = {ex.SECRET}\n"
        f"[ci]\naws_access_key_id = {ex.AKIA_2}\naws_secret_access_key = {ex.SECRET_2}\n"
    )
    blob = b64.b64encode(creds.encode()).decode()
    text = f"apiVersion: v1\nkind: Secret\ndata:\n  credentials: {blob}\n  other: {blob}\n"
    findings = [f for f in scan_all("k8s/secret.yaml", text).findings if f.rule_id == "RC106"]
    assert [f.location.line for f in findings] == [4, 5]
    for finding in findings:
        assert ex.AKIA in finding.message and ex.AKIA_2 in finding.message
        assert ex.SECRET not in finding.message and ex.SECRET not in finding.evidence
        assert redact(ex.SECRET) in finding.evidence


def test_base64_runs_without_credentials_cost_no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    from rolecall.rules.aws import encoded as aws_encoded

    calls: list[str] = []
    real = aws_encoded.decoded_text
    monkeypatch.setattr(aws_encoded, "decoded_text", lambda b: calls.append(b) or real(b))
    scan_all("page.md", f'<img src="{ex.PNG}"/>\n' * 50)
    assert calls == []


def test_a_secret_without_a_digit_is_reported_with_medium_confidence() -> None:
    # One random secret in 900 has no digit: reported, but words could spell such a value.
    no_digit = "hJRkqwZr" + "TmCVxHLwkPnxYsZBdpFgTHcAQa/Ue+Ri"
    (finding,) = scan("credentials", f"aws_secret_access_key = {no_digit}\n").findings
    assert finding.rule_id == "RC104" and finding.confidence is Confidence.MEDIUM
    (finding,) = scan("credentials", f"aws_secret_access_key = {ex.SECRET}\n").findings
    assert finding.confidence is Confidence.HIGH


@pytest.mark.parametrize("rule_id", ["RC106", "RC107"])
def test_decoded_text_rules_fill_every_placeholder(rule_id: str) -> None:
    import base64 as b64

    text = {
        "RC106": "v: " + b64.b64encode(f"AWS_ACCESS_KEY_ID={ex.AKIA}\n".encode()).decode(),
        "RC107": "v = '" + "".join(f"\\u{ord(c):04x}" for c in ex.AKIA) + "'",
    }[rule_id]
    (finding,) = [f for f in scan_all("x.txt", text + "\n").findings if f.rule_id == rule_id]
    for part in (finding.message, finding.recommendation):
        assert "{" not in part and "}" not in part, part
    assert f"rolecall explain {rule_id}" in finding.recommendation
    assert ex.AKIA in finding.recommendation
