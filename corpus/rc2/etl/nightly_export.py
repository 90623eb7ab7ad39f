#!/usr/bin/env python3
"""Nightly export of the orders table to the analytics lake as Parquet."""

import argparse
import datetime as dt
import os

import pandas as pd
import sqlalchemy as sa

LAKE = "s3://acme-analytics-lake/raw/orders"
S3_OPTIONS = {
    "key": os.environ["AWS_ACCESS_KEY_ID"],
    "secret": os.environ["AWS_SECRET_ACCESS_KEY"],
    "client_kwargs": {"region_name": "eu-central-1"},
}


def extract(engine: sa.Engine, day: dt.date) -> pd.DataFrame:
    query = sa.text("SELECT * FROM orders WHERE created_at::date = :day")
    return pd.read_sql(query, engine, params={"day": day})


def load(frame: pd.DataFrame, day: dt.date) -> str:
    target = f"{LAKE}/day={day.isoformat()}/orders.parquet"
    frame.to_parquet(target, index=False, storage_options=S3_OPTIONS)
    return target


def previous_totals(day: dt.date) -> pd.DataFrame:
    return pd.read_csv(
        f"s3://acme-analytics-lake/reports/{day:%Y-%m}/totals.csv",
        storage_options={"anon": False},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    engine = sa.create_engine(os.environ["ORDERS_DB_URL"])
    frame = extract(engine, args.day)
    print(load(frame, args.day), len(frame))


if __name__ == "__main__":
    main()
