"""rolecall.rules.aws.names additions used by the Python rules."""

from __future__ import annotations

import pytest
from rolecall.rules.aws import names as credential_names


@pytest.mark.parametrize(
    ("value", "part", "plausible"),
    [
        ("AKIA" + "Q3ZR7HVTX2M4WYLB", "key_id", True),
        ("foobar_key", "key_id", False),
        ("ak", "key_id", False),
        ("q8Jf2LrT7xVbN4kWm9Zp" + "Cd3HsYe6Ga1Uo5Ri0QtK", "secret", True),
        ("sk", "secret", False),
        ("foobar_secret", "secret", False),
        ("not a secret at all", "secret", False),
        ("FwoGZXIvYXdzE" + "BAaDHx3", "token", True),
    ],
)
def test_plausible_credential(value: str, part: str, plausible: bool) -> None:
    assert credential_names.plausible_credential(value, part) is plausible


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:4566", True),
        ("http://127.0.0.1:9000", True),
        ("http://localstack:4566", True),
        ("http://minio.storage.svc:9000", True),
        ("host.docker.internal:9000", True),
        ("https://s3.eu-west-1.amazonaws.com", False),
        ("https://bucket.s3.amazonaws.com", False),
        ("http://[::1", False),
    ],
)
def test_is_local_endpoint(url: str, local: bool) -> None:
    assert credential_names.is_local_endpoint(url) is local
