"""Property tests: the RC1xx analysis never fails, and never leaks a secret it reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rolecall.engine.core import Engine, EngineOptions
from rolecall.plugin.registry import build_registry
from rolecall.read.document import Document
from rolecall.rules.aws import examples as ex
from rolecall.rules.aws import keys as aws_keys
from rolecall.rules.aws import secret_keys as aws_secrets
from rolecall.rules.tokens import cloud_keys

ENGINE = Engine(
    build_registry(
        [("aws_keys", aws_keys), ("aws_secrets", aws_secrets), ("cloud_keys", cloud_keys)]
    ),
    EngineOptions(report_examples=True),
)
#: Fragments that steer random text into the analysis' interesting paths.
FRAGMENTS = [
    ex.AKIA, ex.ASIA, ex.ABIA, ex.AKIA_LEGACY, ex.SECRET, ex.SECRET_2, ex.TOKEN[:120],
    ex.EXAMPLE_ID, ex.EXAMPLE_SECRET, "aws_secret_access_key", "SecretAccessKey", "secret",
    "aws_session_token", "X-Amz-Security-Token=", "https://", "%2F", "\\n", "\r\n", "\n",
    " = ", ": ", '"', "'", "|", ">-", "\U0001f600", "é", "8Q~", "private_key", "=", "/",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(["x.txt", ".env", "a.json", "c.yaml", "m.py"]))
def test_analysis_never_fails(text: str, path: str) -> None:
    for data in (text.encode("utf-8", "surrogatepass"), text.encode("utf-16")):
        result = ENGINE.scan_document(Document(path, data))
        assert result.notices == []
        for finding in result.findings:
            fields = [finding.message, finding.recommendation, finding.evidence]
            out = " ".join([*fields, *finding.properties.values()])
            assert ex.SECRET not in out and ex.SECRET_2 not in out
            assert ex.TOKEN[:120] not in out
