"""Kind detection for the configuration files RC3xx reads."""

from __future__ import annotations

import pytest
from rolecall import DocKind
from rolecall.read.document import detect_kind


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        (".aws/credentials", "", DocKind.INI),
        ("home/.aws/config", "", DocKind.INI),
        ("backup/credentials", "[default]\naws_access_key_id = x\n", DocKind.INI),
        ("deploy/config", "# sso\n[profile dev]\nsso_session = corp\n", DocKind.INI),
        ("app/config", "listen 80;\n", DocKind.TEXT),
        ("prod.env", "", DocKind.ENV),
        (".env.production", "", DocKind.ENV),
        (".flaskenv", "", DocKind.ENV),
        (".s3cfg", "", DocKind.INI),
        (".boto", "", DocKind.INI),
        (".github/workflows/ci.yml", "", DocKind.GITHUB_WORKFLOW),
        (".gitlab-ci.yml", "", DocKind.YAML),
        ("docker-compose.override.yml", "", DocKind.YAML),
        ("infra/prod.tfvars", "", DocKind.TERRAFORM),
        ("Dockerfile.build", "", DocKind.DOCKERFILE),
        ("scripts/run", "#!/usr/bin/env bash\n", DocKind.SHELL),
    ],
)
def test_detect_kind(path: str, text: str, kind: DocKind) -> None:
    assert detect_kind(path, text) is kind
