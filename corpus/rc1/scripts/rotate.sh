#!/bin/sh
# Rotates the CI user's key; reads everything from the environment.
: "${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID}"
: "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY}"
old_key="$AWS_ACCESS_KEY_ID"
new=$(aws iam create-access-key --user-name ci-deploy)
aws iam update-access-key --access-key-id "$old_key" --status Inactive --user-name ci-deploy
echo "$new" | jq -r .AccessKey.AccessKeyId
