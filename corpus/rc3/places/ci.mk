# Hard negative: credentials from the environment or a secret store, never literals.
AWS_PROFILE ?= ci-oidc
AWS_SECRET_ACCESS_KEY ?= $(shell vault kv get -field=secret aws/ci)
AWS_SESSION_TOKEN != aws sts get-session-token --query Credentials.SessionToken --output text

upload:
	AWS_ACCESS_KEY_ID=$(AWS_ACCESS_KEY_ID) aws s3 cp dist s3://example-artifacts/ --recursive
