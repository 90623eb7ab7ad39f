"""Ingest worker: streams partner CSV drops from S3 into the warehouse."""

from __future__ import annotations

import asyncio
import logging
import os

import dask.dataframe as dd
from aiobotocore.session import get_session

log = logging.getLogger("ingest")

PARTNER_KEY_ID = os.environ["PARTNER_AWS_KEY_ID"]
PARTNER_SECRET = os.environ["PARTNER_AWS_SECRET"]


async def new_drops(bucket: str, since: str) -> list[str]:
    session = get_session()
    async with session.create_client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id=PARTNER_KEY_ID,
        aws_secret_access_key=PARTNER_SECRET,
    ) as client:
        paginator = client.get_paginator("list_objects_v2")
        keys: list[str] = []
        async for page in paginator.paginate(Bucket=bucket, StartAfter=since):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys


def load(bucket: str, key: str) -> dd.DataFrame:
    frame = dd.read_csv(
        f"s3://{bucket}/{key}",
        blocksize="64MB",
        storage_options={"key": PARTNER_KEY_ID, "secret": PARTNER_SECRET},
    )
    log.info("loaded %s partitions from %s", frame.npartitions, key)
    return frame


def main() -> None:
    bucket = os.environ.get("PARTNER_BUCKET", "partner-drops")
    for key in asyncio.run(new_drops(bucket, os.environ.get("SINCE", ""))):
        load(bucket, key).to_parquet(f"s3://warehouse-staging/partner/{key}.parquet")


if __name__ == "__main__":
    main()
