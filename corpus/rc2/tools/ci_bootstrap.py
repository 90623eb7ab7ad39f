"""Prepare the CI job's AWS environment from the vault export."""

import json
import os
from pathlib import Path


def load_vault_export(path: str = "/run/secrets/aws.json") -> dict:
    return json.loads(Path(path).read_text())


def configure() -> None:
    exported = load_vault_export()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", exported["access_key"])
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", exported["secret_key"])
    os.putenv("AWS_REGION", exported.get("region", "eu-west-1"))


if __name__ == "__main__":
    configure()
