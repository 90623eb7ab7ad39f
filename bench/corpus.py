"""Build the benchmark corpus: reproducible, offline once the packages are installed.

The tree mixes three sources, each filled to a byte quota with files chosen in a stable
order (sorted by a hash of their relative path, so the choice does not depend on the
file system):

- the running Python's standard library (no tests, no site-packages);
- the site-packages of the benchmark venv (boto3, botocore, s3transfer and a few large
  pure-Python packages, pinned in ``bench/requirements.txt``);
- generated configuration files (``.env``, ``credentials``, YAML, JSON, Terraform,
  Dockerfiles, Python) with fake keys planted from :mod:`rolecall.fakes` with a fixed seed.

The large tree is ``copies`` copies of the base tree, each with its own planted keys, so
it is exactly N times the bytes of the base tree with the same mix.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass

from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token

TEXT_SUFFIXES = frozenset(
    {".py", ".pyi", ".json", ".txt", ".rst", ".md", ".cfg", ".ini", ".toml", ".yaml", ".yml"}
    | {".sh", ".html", ".css", ".js", ".xml", ".csv"}
)
MAX_FILE = 2 * 1024 * 1024
SKIP_DIRS = frozenset({"test", "tests", "__pycache__", "site-packages", "idlelib", "ensurepip"})


@dataclass(frozen=True)
class Quota:
    stdlib: int = 9 * 1024 * 1024
    packages: int = 11 * 1024 * 1024
    configs: int = 1024 * 1024


def _stable(rel: str) -> str:
    return hashlib.sha1(rel.encode("utf-8", "surrogateescape")).hexdigest()


def _candidates(root: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".dist-info"))
        for name in files:
            if os.path.splitext(name)[1] not in TEXT_SUFFIXES:
                continue
            path = os.path.join(directory, name)
            try:
                size = os.lstat(path).st_size
            except OSError:
                continue
            if 0 < size <= MAX_FILE:
                rel = os.path.relpath(path, root)
                out.append((_stable(rel), rel, size))
    out.sort()
    return out


def _copy_quota(src_root: str, dst_root: str, quota: int) -> tuple[int, int]:
    files = total = 0
    for _, rel, size in _candidates(src_root):
        if total + size > quota:
            continue
        dst = os.path.join(dst_root, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(src_root, rel), dst)
        files += 1
        total += size
        if total >= quota * 0.995:
            break
    return files, total


def _config_files(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(relative path, content) of one service's configuration, some with planted keys."""
    key_id, secret = fake_key_id("AKIA", rng), fake_secret_key(rng)
    temp_id, token = fake_key_id("ASIA", rng), fake_session_token(rng)
    filler = "\n".join(f"# setting {i}: value {rng.randrange(10**6)}" for i in range(150))
    yield ".env", f"DEBUG=1\nAWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"
    yield (
        ".aws/credentials",
        (
            f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
            f"[temp]\naws_access_key_id = {temp_id}\naws_session_token = {token}\n"
        ),
    )
    yield "settings.yaml", f"{filler}\nservice:\n  name: api\n  replicas: 3\n"
    yield "deploy.yaml", f"aws:\n  access_key_id: {key_id}\n  secret_access_key: {secret}\n"
    yield "config.json", '{"region": "eu-west-1", "timeout": 30, "retries": 5}\n'
    yield (
        "main.tf",
        (
            f'provider "aws" {{\n  region = "eu-west-1"\n  access_key = "{key_id}"\n'
            f'  secret_key = "{secret}"\n}}\n'
        ),
    )
    yield "Dockerfile", f"FROM python:3.12-slim\nENV AWS_ACCESS_KEY_ID={key_id}\n{filler}\n"
    yield (
        "app.py",
        (
            "import boto3\n\n"
            f's3 = boto3.client("s3", aws_access_key_id="{key_id}",\n'
            f'                  aws_secret_access_key="{secret}")\n'
        ),
    )
    yield "clean.py", f'"""Nothing to see."""\n{filler}\nVALUE = {rng.randrange(10**9)}\n'


def write_configs(dst_root: str, quota: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    files = total = n = 0
    while total < quota:
        for rel, content in _config_files(rng):
            path = os.path.join(dst_root, f"service{n:04d}", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            data = content.encode("utf-8")
            with open(path, "wb") as fh:
                fh.write(data)
            files += 1
            total += len(data)
        n += 1
    return files, total


def stdlib_root() -> str:
    return sysconfig.get_paths()["stdlib"]


def build_tree(dst: str, site_packages: str, quota: Quota, seed: int = 8) -> tuple[int, int]:
    """Write the base tree into ``dst`` (emptied first); returns (files, bytes)."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    counts = [
        _copy_quota(stdlib_root(), os.path.join(dst, "stdlib"), quota.stdlib),
        _copy_quota(site_packages, os.path.join(dst, "packages"), quota.packages),
        write_configs(os.path.join(dst, "configs"), quota.configs, seed),
    ]
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def build_copies(base: str, dst: str, copies: int) -> tuple[int, int]:
    """``copies`` copies of ``base`` (configs re-planted per copy) under ``dst``."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    files = total = 0
    for i in range(copies):
        target = os.path.join(dst, f"copy{i:02d}")
        shutil.copytree(base, target, ignore=shutil.ignore_patterns("configs"))
        write_configs(os.path.join(target, "configs"), Quota().configs, seed=1000 + i)
    for directory, _, names in os.walk(dst):
        for name in names:
            files += 1
            total += os.lstat(os.path.join(directory, name)).st_size
    return files, total
