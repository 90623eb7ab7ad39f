"""Assorted Lambda handlers of the partner integration."""

from __future__ import annotations

import functools
import os

import aioboto3
import boto3

KEY_ID, SECRET = os.environ["PARTNER_KEY_ID"], os.environ["PARTNER_SECRET"]

partner_client = functools.partial(
    boto3.client, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET
)


def forward(event, context):
    s3 = boto3.client(
        "s3",
        aws_access_key_id=event["credentials"]["key"],
        aws_secret_access_key=event["credentials"]["secret"],
    )
    s3.put_object(Bucket=event["bucket"], Key=event["key"], Body=event["body"].encode())


def anonymous(event, context):
    s3 = boto3.client("s3", aws_access_key_id="", aws_secret_access_key="")
    return s3.list_objects_v2(Bucket="public-data")


async def async_forward(event, context):
    async with aioboto3.Session().client(
        "sqs", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET
    ) as sqs:
        await sqs.send_message(QueueUrl=event["queue"], MessageBody=event["body"])
