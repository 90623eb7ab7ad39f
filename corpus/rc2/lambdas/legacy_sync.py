"""Lambda that syncs orders to the old account. TODO: move to a cross-account role."""

import os

import boto3 as aws

OLD_ACCOUNT_KEY = "{{AKIA:legacy}}"
OLD_ACCOUNT_SECRET = "{{SECRET:legacy}}"

old = aws.Session(
    aws_access_key_id=OLD_ACCOUNT_KEY,
    aws_secret_access_key=OLD_ACCOUNT_SECRET,
    region_name="us-east-1",
)
table = old.resource("dynamodb").Table(os.environ.get("ORDERS_TABLE", "orders"))


def handler(event, context):
    with table.batch_writer() as batch:
        for record in event["Records"]:
            batch.put_item(Item=record["dynamodb"]["NewImage"])
    return {"written": len(event["Records"])}
