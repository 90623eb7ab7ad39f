AWS_ACCESS_KEY_ID ?= {{AKIA}}
AWS_SECRET_ACCESS_KEY = {{SECRET}}
upload:
	AWS_ACCESS_KEY_ID=$(AWS_ACCESS_KEY_ID) aws s3 cp dist s3://example --recursive
