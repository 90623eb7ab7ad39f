#!/usr/bin/env bash
# Prepare a self-hosted runner (legacy; replaced by OIDC in 2024).
set -euo pipefail

mkdir -p "$HOME/.aws"
cat > "$HOME/.aws/credentials" <<'CREDS'
[default]
aws_access_key_id = {{AKIA}}
aws_secret_access_key = {{SECRET}}
CREDS
chmod 600 "$HOME/.aws/credentials"
