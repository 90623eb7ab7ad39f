"""RC3xx rules through the real engine: references, positions, bad input, overlap."""

from __future__ import annotations

import random
import sys
from collections import Counter

import pytest
from rolecall import Document, NoticeCode
from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.plugin.registry import default_registry
from rolecall.rules.aws.names import credential_name, credential_value
from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_SECRET, FAKE_TOKEN

from tests.conftest import REPO

ROOT = REPO
ENGINE = Engine(default_registry(), EngineOptions())
RC3 = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC3",))))


def scan(path: str, text: str, engine: Engine = RC3) -> list[tuple[str, int, int]]:
    result = engine.scan_document(Document(path, text.encode("utf-8")))
    return [(f.rule_id, f.location.line, f.location.column) for f in result.findings]


REFERENCES = [
    "${AWS_SECRET_ACCESS_KEY}",
    "${AWS_SECRET_ACCESS_KEY:-}",
    "$AWS_SECRET_ACCESS_KEY",
    "${{ secrets.AWS_SECRET_ACCESS_KEY }}",
    "{{resolve:secretsmanager:prod/aws:SecretString:secret}}",
    "{{ .Values.aws.secretAccessKey }}",
    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/aws-AbCdEf",
    "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/aws/secret",
    "/prod/app/aws_secret_access_key",
    "vault:secret/data/aws#secret_key",
    "ENC[AES256_GCM,data:Zm9vYmFy,iv:aXY=,tag:dGFn,type:str]",
    "$(AWS_SECRET_ACCESS_KEY)",
    "((aws_secret_access_key))",
    "",
    "<your-secret-access-key>",
    "YOUR_SECRET_ACCESS_KEY",
    "changeme",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "test",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
]


@pytest.mark.parametrize("value", REFERENCES)
@pytest.mark.parametrize(
    ("path", "template"),
    [
        (".env", "AWS_SECRET_ACCESS_KEY={v}\n"),
        ("config.yaml", "aws:\n  secretAccessKey: '{v}'\n"),
        ("config.json", '{{"aws": {{"secretAccessKey": "{v}"}}}}'),
        ("app.toml", "[aws]\nsecret_access_key = '{v}'\n"),
        (".aws/credentials", "[default]\naws_secret_access_key = {v}\n"),
        ("deploy.sh", "export AWS_SECRET_ACCESS_KEY='{v}'\n"),
        ("Dockerfile", "FROM alpine\nENV AWS_SECRET_ACCESS_KEY='{v}'\n"),
        (
            "docker-compose.yml",
            "services:\n  a:\n    environment:\n      - AWS_SECRET_ACCESS_KEY={v}\n",
        ),
    ],
)
def test_references_and_placeholders_are_not_reported(path: str, template: str, value: str) -> None:
    text = template.format(v=value)
    findings = [f for f in scan(path, text) if f[0] != "RC308"]  # RC308 warns on ENV refs
    assert findings == []


def test_reference_in_dockerfile_env_is_a_build_warning_only() -> None:
    text = (
        "FROM alpine\nARG AWS_SECRET_ACCESS_KEY\nENV AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY\n"
    )
    assert [f[:2] for f in scan("Dockerfile", text)] == [("RC308", 2), ("RC308", 3)]


@pytest.mark.parametrize(
    ("name", "value", "kind", "long_term"),
    [
        ("AWS_SECRET_ACCESS_KEY", FAKE_SECRET, "secret", True),
        ("secretAccessKey", FAKE_SECRET, "secret", True),
        ("aws-secret-access-key", FAKE_SECRET, "secret", True),
        ("SecretAccessKey", FAKE_SECRET, "secret", True),
        ("aws_access_key_id", FAKE_KEY_ID, "key_id", True),
        ("AccessKeyId", "ASIA" + FAKE_KEY_ID[4:], "key_id", False),
        ("aws_session_token", FAKE_TOKEN, "session", False),
        ("AWS_SECURITY_TOKEN", FAKE_TOKEN, "session", False),
    ],
)
def test_credential_value_classifies(name: str, value: str, kind: str, long_term: bool) -> None:
    cred = credential_value(name, value)
    assert cred is not None and cred.kind == kind and cred.long_term is long_term


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "django-insecure-" + "k2x0a9f3lqm8un1ze4rt6y"),
        ("github_token", FAKE_SECRET),  # a generic token name needs a session-token shape
        ("client_secret", FAKE_SECRET),
        ("access_key", "minioadmin"),
        ("AWS_SECRET_ACCESS_KEY", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"),  # hex digest
        ("AWS_ACCESS_KEY_ID", "AIDA" + FAKE_KEY_ID[4:]),  # a user id, not a key
        ("password", FAKE_SECRET),
    ],
)
def test_credential_value_rejects(name: str, value: str) -> None:
    assert credential_value(name, value) is None


def test_credential_name_is_convention_independent() -> None:
    names = ["aws_secret_access_key", "AWS-SECRET-ACCESS-KEY", "awsSecretAccessKey", "aws.secret"]
    assert all(getattr(credential_name(n), "kind", None) == "secret" for n in names)
    assert credential_name("region") is None


def test_key_pair_is_one_finding_at_the_secret() -> None:
    text = f"AWS_ACCESS_KEY_ID={FAKE_KEY_ID}\nAWS_SECRET_ACCESS_KEY={FAKE_SECRET}\n"
    assert scan(".env", text) == [("RC301", 2, 23)]
    # Alone, the key id is reported where it is.
    assert scan(".env", f"AWS_ACCESS_KEY_ID={FAKE_KEY_ID}\n") == [("RC301", 1, 19)]


def test_minified_json_points_at_the_value_column() -> None:
    text = '{"a":1,"aws":{"secretAccessKey":"' + FAKE_SECRET + '"}}'
    assert scan("settings.json", text) == [("RC301", 1, text.index(FAKE_SECRET) + 1)]


def test_crlf_and_bom_positions() -> None:
    data = ("\ufeff[default]\r\naws_secret_access_key = " + FAKE_SECRET + "\r\n").encode()
    result = RC3.scan_document(Document(".aws/credentials", data))
    assert [(f.location.line, f.location.column) for f in result.findings] == [(2, 25)]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("broken.yaml", f"env:\n  AWS_ACCESS_KEY_ID: {FAKE_KEY_ID}\n  bad: [unclosed\n"),
        ("broken.json", f'{{"aws_access_key_id": "{FAKE_KEY_ID}",}}'),
        ("broken.toml", f'aws_access_key_id = "{FAKE_KEY_ID}"\n[unclosed\n'),
        (".aws/credentials", f"[default\naws_access_key_id = {FAKE_KEY_ID}\n"),
        ("main.tf", f'provider "aws" {{\n  access_key = "{FAKE_KEY_ID}"\n'),
        (".env", f'AWS_ACCESS_KEY_ID={FAKE_KEY_ID}\nAWS_SECRET_ACCESS_KEY="open\n'),
    ],
)
def test_malformed_input_is_a_notice_and_text_rules_still_run(path: str, text: str) -> None:
    result = ENGINE.scan_document(Document(path, text.encode()))
    notices = [n for n in result.notices if n.code is NoticeCode.UNPARSEABLE]
    assert len(notices) == 1 and notices[0].line is not None
    assert FAKE_KEY_ID not in notices[0].message
    assert {f.rule_id for f in result.findings} == {"RC101"}


def test_alias_bomb_and_deep_nesting_through_the_engine() -> None:
    lines = ["a: &a [" + ",".join(['"aws_secret_access_key"'] * 9) + "]"]
    for n in range(1, 10):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ",".join([f"*{chr(96 + n)}"] * 9) + "]")
    # The deep file holds a secret-shaped value, so the config rules must parse it.
    deep = '{"secret":' * 50_000 + f'"{FAKE_SECRET}"'
    for path, text in [("bomb.yaml", "\n".join(lines)), ("deep.json", deep)]:
        result = RC3.scan_document(Document(path, text.encode()))
        assert result.findings == [] and len(result.notices) == 1


def _corpus_findings() -> list[tuple[str, object]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from corpus_eval import render

    rng = random.Random("rc3-tests")
    family = ROOT / "corpus" / "rc3"
    out = []
    for path in sorted(p for p in family.rglob("*") if p.is_file() and p.name != "EXPECTED"):
        rel = path.relative_to(family).as_posix()
        text = render(path.read_text("utf-8"), rng)
        out.extend((text, f) for f in ENGINE.scan_document(Document(rel, text.encode())).findings)
    return out


def test_corpus_one_rc3_finding_per_value_and_no_secret_in_output() -> None:
    findings = _corpus_findings()
    spans = Counter(
        (f.location.path, f.location.start_offset)  # type: ignore[attr-defined]
        for _, f in findings
        if f.rule_id.startswith("RC3")  # type: ignore[attr-defined]
    )
    assert spans and max(spans.values()) == 1
    for text, f in findings:
        value = text[f.location.start_offset : f.location.end_offset]  # type: ignore[attr-defined]
        if f.properties.get("credential") in ("secret", "session"):  # type: ignore[attr-defined]
            shown = f.message + f.recommendation + f.evidence  # type: ignore[attr-defined]
            assert value not in shown


def test_mutated_corpus_files_never_break_a_rule() -> None:
    """Random cuts and inserted syntax characters: parse notices are fine, rule errors not."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from corpus_eval import render

    rng = random.Random(5)
    family = ROOT / "corpus" / "rc3"
    files = [
        (p.relative_to(family).as_posix(), render(p.read_text("utf-8"), rng))
        for p in sorted(family.rglob("*"))
        if p.is_file() and p.name != "EXPECTED"
    ]
    bad = []
    for _ in range(400):
        path, text = rng.choice(files)
        chars = list(text)
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5:
                del chars[i : i + rng.randint(1, 20)]
            else:
                chars.insert(i, rng.choice("{}[]()\"'\\$#:=,\n\t -|>&;`*!%<"))
        result = ENGINE.scan_document(Document(path, "".join(chars).encode()))
        bad += [n.message for n in result.notices if n.code is NoticeCode.RULE_ERROR]
    assert bad == []


@pytest.mark.parametrize(
    "words",
    [
        ("aws", "secret", "access", "key"),
        ("secret", "access", "key"),
        ("aws", "secret", "key"),
        ("aws", "access", "key", "id"),
        ("access", "key", "id"),
        ("aws", "session", "token"),
        ("aws", "security", "token"),
        ("aws", "secret"),
    ],
)
@pytest.mark.parametrize("style", ["snake", "kebab", "camel", "pascal", "upper", "dotted"])
def test_prefilter_keeps_every_accepted_credential_name(words: tuple[str, ...], style: str) -> None:
    from rolecall.rules.config.support import CREDENTIAL_WORDS

    name = {
        "snake": "_".join(words),
        "kebab": "-".join(words),
        "camel": words[0] + "".join(w.title() for w in words[1:]),
        "pascal": "".join(w.title() for w in words),
        "upper": "_".join(words).upper(),
        "dotted": ".".join(words),
    }[style]
    value = {"id": FAKE_KEY_ID, "token": FAKE_TOKEN}.get(words[-1], FAKE_SECRET)
    assert credential_value(name, value) is not None
    # The key id and token values carry their own keyword; the name must carry one for
    # a secret.
    text = f"{name}: x".lower()
    if value is FAKE_SECRET:
        assert any(word.lower() in text for word in CREDENTIAL_WORDS), name


def test_confidence_follows_the_value_shape() -> None:
    no_digits = "qLrvXbTmKpZcNwYsHdFgJaUeRiOAbqLrvXbTmKpZ"  # 40 chars, letters only
    engine = RC3
    for value, confidence in ((FAKE_SECRET, "high"), (no_digits, "medium")):
        doc = Document(".env", f"AWS_SECRET_ACCESS_KEY={value}\n".encode())
        (finding,) = engine.scan_document(doc).findings
        assert finding.confidence.value == confidence


@pytest.mark.parametrize(
    ("path", "text", "needle"),
    [
        (
            ".circleci/config.yml",
            f"jobs:\n  d:\n    environment:\n      AWS_SECRET_ACCESS_KEY: {FAKE_SECRET}\n",
            "CIRCLE_OIDC_TOKEN_V2",
        ),
        (
            "bitbucket-pipelines.yml",
            f"pipelines:\n  default:\n    - step:\n        script:\n"
            f"          - export AWS_SECRET_ACCESS_KEY={FAKE_SECRET}\n",
            "oidc: true",
        ),
        (
            ".travis.yml",
            f"env:\n  AWS_SECRET_ACCESS_KEY: {FAKE_SECRET}\n",
            "AssumeRoleWithWebIdentity",
        ),
        ("k8s/pod.yaml", f"env:\n  AWS_SECRET_ACCESS_KEY: {FAKE_SECRET}\n", "IRSA"),
    ],
)
def test_ci_files_get_the_ci_systems_oidc_advice(path: str, text: str, needle: str) -> None:
    (finding,) = RC3.scan_document(Document(path, text.encode())).findings
    assert needle in finding.recommendation
