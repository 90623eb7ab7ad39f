"""``rolecall demo``: a small sample application with freshly generated fake keys.

The keys are random for every run, in AWS's published shapes, so the repository holds
no key-shaped strings and nothing in the sample is a real credential.
"""

from __future__ import annotations

import os
from typing import TextIO

from rolecall.fakes import fake_key_id, fake_secret_key

_SETTINGS = '''"""Settings of a small service that talks to S3."""

import boto3

AWS_REGION = "eu-west-1"
BUCKET = "invoices"

# Copied from the console "just for now".
ACCESS_KEY_ID = "{key_id}"
SECRET_ACCESS_KEY = "{secret}"


def s3_client():
    return boto3.client(
        "s3",
        region_name=AWS_REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )
'''

_ENV = """# local development
AWS_ACCESS_KEY_ID={key_id}
AWS_SECRET_ACCESS_KEY={secret}
AWS_DEFAULT_REGION=eu-west-1
"""

_WORKFLOW = """name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{{{ secrets.AWS_ACCESS_KEY_ID }}}}
          aws-secret-access-key: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}
          aws-region: eu-west-1
      - run: aws s3 sync site/ s3://example-site-bucket
"""

_README = """# invoices

Uploads invoices to S3. The example key in the docs is harmless:
{example_id}
"""


def write_sample(directory: str) -> str:
    """Write the sample application into ``directory`` and return it."""
    files = {
        "app/settings.py": _SETTINGS.format(key_id=fake_key_id(), secret=fake_secret_key()),
        ".env": _ENV.format(key_id=fake_key_id(), secret=fake_secret_key()),
        ".github/workflows/deploy.yml": _WORKFLOW.format(),
        "README.md": _README.format(example_id="AKIA" + "IOSFODNN7EXAMPLE"),
    }
    for rel, text in files.items():
        path = os.path.join(directory, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return directory


def cmd_demo(keep: str | None, out: TextIO) -> int:
    """``rolecall demo [--keep DIR]``: write the sample (into ``keep``, else a temporary
    directory removed afterwards) and scan it as ``rolecall scan`` would."""
    import tempfile

    if keep:
        target = os.path.abspath(keep)
        os.makedirs(target, exist_ok=True)
        return _demo_scan(write_sample(target), out)
    with tempfile.TemporaryDirectory(prefix="rolecall-demo-") as tmp:
        code = _demo_scan(write_sample(tmp), out)
    out.write(
        "\nThe sample was in a temporary directory and is removed now; "
        "`rolecall demo --keep DIR` keeps it, to try `rolecall fix` and the baseline on.\n"
    )
    return code


def _demo_scan(directory: str, out: TextIO) -> int:
    from rolecall.cli.parser import build_parser
    from rolecall.cli.scan_cmd import cmd_scan, scan_args

    out.write(f"Sample application with freshly generated fake keys: {directory}\n\n")
    namespace = build_parser().parse_args(["scan", "--isolated", "--color", "never", directory])
    return cmd_scan(scan_args(namespace), out)
