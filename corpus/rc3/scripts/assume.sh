#!/bin/sh
# Assume the deploy role and export its short-lived credentials.
set -eu
creds=$(aws sts assume-role --role-arn "$DEPLOY_ROLE_ARN" --role-session-name deploy \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
export AWS_ACCESS_KEY_ID=$(echo "$creds" | cut -f1)
export AWS_SECRET_ACCESS_KEY=$(echo "$creds" | cut -f2)
export AWS_SESSION_TOKEN="$(echo "$creds" | cut -f3)"
aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY" --profile deploy
