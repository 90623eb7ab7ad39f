import boto3

KEY_ID = "{{AKIA:a}}"
REGION = "eu-west-1"
