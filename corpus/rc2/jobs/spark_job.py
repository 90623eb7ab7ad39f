"""Databricks job: join clickstream with orders and publish a daily mart."""

import os

import pandas as pd
from pyspark.sql import SparkSession

KEY = os.environ["MART_KEY_ID"]
SECRET = os.environ["MART_SECRET"]

spark = SparkSession.builder.appName("daily-mart").getOrCreate()
os.environ["AWS_ACCESS_KEY_ID"] = dbutils.secrets.get("mart", "aws-key-id")  # noqa: F821
os.environ["AWS_SECRET_ACCESS_KEY"] = dbutils.secrets.get("mart", "aws-secret")  # noqa: F821
hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
hadoop_conf.set("fs.s3a.aws.credentials.provider", "com.amazonaws.auth.DefaultAWSCredentialsProviderChain")


def lookup_table(path: str) -> pd.DataFrame:
    return pd.read_csv(path, storage_options={"key": KEY, "secret": SECRET})


def public_calendar() -> pd.DataFrame:
    return pd.read_csv("s3://acme-public/calendar.csv", storage_options={"anon": True})


def run(day: str) -> None:
    clicks = spark.read.parquet(f"s3a://acme-clickstream/day={day}/")
    orders = spark.read.parquet(f"s3a://acme-orders/day={day}/")
    mart = clicks.join(orders, "session_id")
    mart.write.mode("overwrite").parquet(f"s3a://acme-marts/daily/day={day}/")
    lookup_table(os.environ["LOOKUP_PATH"]).to_csv("/dbfs/tmp/lookup.csv")
