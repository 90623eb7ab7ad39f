"""Reconcile payment provider settlements with our ledger (runs on the ops laptop)."""

import io

import boto3
import polars as pl
import pyarrow.parquet as pq
from pyarrow import fs

ACCESS_KEY = "{{AKIA:recon}}"
SECRET_KEY = "{{SECRET:recon}}"
REGION = "us-east-1"

s3 = fs.S3FileSystem(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION)


def settlements(month: str) -> pl.DataFrame:
    table = pq.read_table(f"finance-settlements/{month}/", filesystem=s3)
    return pl.from_arrow(table)


def ledger(month: str) -> pl.DataFrame:
    return pl.read_parquet(
        f"s3://finance-ledger/{month}.parquet",
        storage_options={
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "aws_region": REGION,
        },
    )


def upload_report(frame: pl.DataFrame, month: str) -> None:
    buffer = io.BytesIO()
    frame.write_csv(buffer)
    client = boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    client.put_object(Bucket="finance-reports", Key=f"recon/{month}.csv", Body=buffer.getvalue())
