"""Lambda: e-mail the weekly report. Runs with its execution role."""

import json
import os

import boto3

ses = boto3.client("ses")
s3 = boto3.client("s3")

REPORT_BUCKET = os.environ["REPORT_BUCKET"]


def handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    body = s3.get_object(Bucket=REPORT_BUCKET, Key=key)["Body"].read().decode()
    ses.send_email(
        Source="reports@example.com",
        Destination={"ToAddresses": json.loads(os.environ["RECIPIENTS"])},
        Message={"Subject": {"Data": "Weekly report"}, "Body": {"Text": {"Data": body}}},
    )
    return {"statusCode": 200}
