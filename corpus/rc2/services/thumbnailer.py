"""Async thumbnail service: consumes SQS messages and writes thumbnails to S3."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass

import aioboto3
from PIL import Image


@dataclass(frozen=True)
class Settings:
    queue_url: str
    bucket: str
    region: str = "eu-west-1"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(os.environ["QUEUE_URL"], os.environ["THUMB_BUCKET"])


class Thumbnailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = aioboto3.Session(region_name=settings.region)

    async def run(self) -> None:
        async with self.session.client(
            "sqs",
            aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=os.getenv("AWS_SESSION_TOKEN"),
        ) as sqs:
            while True:
                reply = await sqs.receive_message(QueueUrl=self.settings.queue_url, WaitTimeSeconds=20)
                for message in reply.get("Messages", []):
                    await self.handle(json.loads(message["Body"]))
                    await sqs.delete_message(
                        QueueUrl=self.settings.queue_url, ReceiptHandle=message["ReceiptHandle"]
                    )

    async def handle(self, event: dict) -> None:
        async with self.session.resource("s3") as s3:
            obj = await s3.Object(self.settings.bucket, event["key"])
            body = await (await obj.get())["Body"].read()
            image = Image.open(io.BytesIO(body))
            image.thumbnail((256, 256))


if __name__ == "__main__":
    asyncio.run(Thumbnailer(Settings.from_env()).run())
