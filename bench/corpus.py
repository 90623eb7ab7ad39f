"""Build the benchmark corpus: reproducible, offline once the pinned packages are installed.

A tree holds what an AWS user's repository is full of:

- ``cpython-Lib/``: the running Python's standard library, its tests included (no
  ``__pycache__``, ``site-packages``, ``lib-dynload``, ``config-*`` or compiled files);
- ``pkgs/NAME``: the import packages of :data:`SITE_PACKAGES` from the site-packages
  of a venv with ``bench/requirements-corpus.txt`` installed (boto3, botocore, Django,
  SQLAlchemy and their dependencies). Installed botocore ships its API models
  gzip-compressed (``*.json.gz``); they are written out as plain ``*.json``, as they are
  in the botocore repository, so that the tree is as JSON-heavy as a real one;
- generated configuration files in ten formats (``.env``, YAML, JSON, AWS credentials,
  INI, Dockerfile, Terraform, boto3 code, Python settings, shell), each holding one fake
  key pair (a quarter of them temporary, with a session token) from :mod:`rolecall.fakes`,
  and decoys holding only AWS's documented example keys or placeholders, all placed in
  directories of the tree chosen by a seeded random generator.

``large`` is all of it (about 200 MB, 9,100 files on Python 3.11, of which 128 MB are
botocore's models); ``small`` is the files whose relative path hashes into a fixed 10%
(about 20 MB, 900 files) with a tenth of the planted files. The choice depends on the
paths only, never on the file system's order, so two builds with the same Python and pins
are byte-identical. ``TREE.planted`` beside a tree lists its files with fake keys.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from rolecall.fakes import fake_key_id, fake_secret_key, fake_session_token

#: Import names (a package directory or a single module) copied from site-packages.
SITE_PACKAGES = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "urllib3",
    "six.py",
    "django",
    "asgiref",
    "sqlparse",
    "sqlalchemy",
    "typing_extensions.py",
)
SKIP_DIRS = frozenset({"__pycache__", "site-packages", "lib-dynload", ".git"})
SKIP_SUFFIXES = (".pyc", ".pyo", ".so", ".a", ".o", ".dll", ".exe", ".whl", ".dylib", ".pyd")
#: AWS's documented example key pair (no finding by policy), built by concatenation.
EXAMPLE_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
SEED = 20261206  # of the planted files' places and keys
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2")


@dataclass(frozen=True)
class Size:
    name: str
    fraction: float  # of the source files, chosen by a hash of the relative path
    planted: int  # files with one fake key pair
    decoys: int  # files with example keys or placeholders only


SIZES = {
    "small": Size("small", 0.10, 40, 20),
    "large": Size("large", 1.0, 400, 200),
}


@dataclass
class Summary:
    files: int = 0
    bytes: int = 0
    planted: list[str] = field(default_factory=list)
    #: suffix -> [files, bytes]
    suffixes: dict[str, list[int]] = field(default_factory=dict)

    def line(self) -> str:
        top = sorted(self.suffixes.items(), key=lambda kv: -kv[1][1])[:4]
        mix = ", ".join(f"{s} {b / 1e6:.1f} MB" for s, (_, b) in top)
        return f"{self.files:,} files, {self.bytes / 1e6:.1f} MB ({mix})"


def _stable(rel: str) -> str:
    return hashlib.sha1(rel.encode("utf-8", "surrogateescape")).hexdigest()


def sampled(rel: str, fraction: float) -> bool:
    """Whether ``rel`` is in the ``fraction`` of paths that its hash selects."""
    if fraction >= 1.0:
        return True
    return int(_stable(rel)[:16], 16) < fraction * 16**16


def stdlib_root() -> str:
    return sysconfig.get_paths()["stdlib"]


def source_files(root: str, prefix: str) -> Iterator[tuple[str, str, bool]]:
    """(path in the tree, source path, whether to gunzip it) of every file to copy."""
    if os.path.isfile(root):  # a single-module distribution such as six.py
        yield prefix, root, False
        return
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("config-"))
        for name in sorted(names):
            path = os.path.join(directory, name)
            if os.path.islink(path) or name.endswith(SKIP_SUFFIXES) or ".so." in name:
                continue
            rel = prefix + "/" + os.path.relpath(path, root).replace(os.sep, "/")
            if name.endswith(".json.gz"):
                yield rel[: -len(".gz")], path, True
            elif not name.endswith(".gz"):
                yield rel, path, False


def sources(site_packages: str, stdlib: str | None = None) -> list[tuple[str, str]]:
    """(root, prefix in the tree) of every source; a missing package is an error."""
    out = [(stdlib or stdlib_root(), "cpython-Lib")]
    for name in SITE_PACKAGES:
        root = os.path.join(site_packages, name)
        if not os.path.exists(root):
            raise FileNotFoundError(f"{root}: not installed (bench/requirements-corpus.txt)")
        out.append((root, f"pkgs/{name}"))
    return out


def copy_file(src: str, dst: str, gunzip: bool) -> None:
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if gunzip:
        with gzip.open(src, "rb") as fin, open(dst, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
    else:
        shutil.copyfile(src, dst)


def _planted_file(kind: str, n: int, rng: random.Random) -> tuple[str, str]:
    """(file name, text) of a configuration file with one fake key pair."""
    temporary = rng.random() < 0.25
    key_id = fake_key_id("ASIA" if temporary else "AKIA", rng)
    secret = fake_secret_key(rng)
    token = fake_session_token(rng) if temporary else ""
    region = rng.choice(REGIONS)
    bucket = f"app-{n:04d}-assets"
    if kind == "env":
        extra = f"AWS_SESSION_TOKEN={token}\n" if token else ""
        return ".env", (
            f"# service {n}\nDEBUG=false\nAWS_REGION={region}\nAWS_ACCESS_KEY_ID={key_id}\n"
            f"AWS_SECRET_ACCESS_KEY={secret}\n{extra}S3_BUCKET={bucket}\n"
        )
    if kind == "yaml":
        extra = f'    session_token: "{token}"\n' if token else ""
        return f"settings.{n}.yaml", (
            f"service:\n  name: svc-{n}\n  region: {region}\naws:\n  credentials:\n"
            f'    access_key_id: {key_id}\n    secret_access_key: "{secret}"\n{extra}'
            f"storage:\n  bucket: {bucket}\n"
        )
    if kind == "json":
        aws = {"region": region, "accessKeyId": key_id, "secretAccessKey": secret}
        if token:
            aws["sessionToken"] = token
        return f"config.{n}.json", json.dumps({"name": f"svc-{n}", "aws": aws}, indent=2) + "\n"
    if kind == "credentials":
        extra = f"aws_session_token = {token}\n" if token else ""
        return "credentials", (
            f"[default]\nregion = {region}\n\n[profile-{n}]\naws_access_key_id = {key_id}\n"
            f"aws_secret_access_key = {secret}\n{extra}"
        )
    if kind == "ini":
        return f"app.{n}.ini", (
            f"[app]\nname = svc-{n}\n\n[aws]\nregion = {region}\naccess_key = {key_id}\n"
            f"secret_key = {secret}\n"
        )
    if kind == "docker":
        return "Dockerfile", (
            f"FROM python:3.12-slim\nWORKDIR /app\nENV AWS_DEFAULT_REGION={region}\n"
            f"ENV AWS_ACCESS_KEY_ID={key_id}\nENV AWS_SECRET_ACCESS_KEY={secret}\n"
            'RUN pip install -r requirements.txt\nCMD ["python", "main.py"]\n'
        )
    if kind == "terraform":
        return f"main_{n}.tf", (
            f'provider "aws" {{\n  region     = "{region}"\n  access_key = "{key_id}"\n'
            f'  secret_key = "{secret}"\n}}\n\nresource "aws_s3_bucket" "b{n}" {{\n'
            f'  bucket = "{bucket}"\n}}\n'
        )
    if kind == "boto3":
        extra = f',\n        aws_session_token="{token}"' if token else ""
        return f"aws_client_{n}.py", (
            "import boto3\n\n\ndef get_client():\n    return boto3.client(\n"
            f'        "s3",\n        region_name="{region}",\n'
            f'        aws_access_key_id="{key_id}",\n'
            f'        aws_secret_access_key="{secret}"{extra},\n    )\n'
        )
    if kind == "settings":
        return f"settings_{n}.py", (
            f'"""Settings of svc-{n}."""\nAWS_REGION = "{region}"\n'
            f'AWS_ACCESS_KEY_ID = "{key_id}"\nAWS_SECRET_ACCESS_KEY = "{secret}"\n'
            f'BUCKET = "{bucket}"\n'
        )
    if kind == "shell":
        return f"deploy_{n}.sh", (
            f"#!/bin/sh\nset -e\nexport AWS_ACCESS_KEY_ID={key_id}\n"
            f"export AWS_SECRET_ACCESS_KEY='{secret}'\n"
            f"aws s3 sync ./dist s3://{bucket} --region {region}\n"
        )
    raise ValueError(kind)


PLANTED_KINDS = (
    "env",
    "yaml",
    "json",
    "credentials",
    "ini",
    "docker",
    "terraform",
    "boto3",
    "settings",
    "shell",
)


def _decoy_file(n: int, rng: random.Random) -> tuple[str, str]:
    kind = rng.randrange(3)
    if kind == 0:
        return ".env.example", (
            f"AWS_ACCESS_KEY_ID={EXAMPLE_KEY_ID}\nAWS_SECRET_ACCESS_KEY={EXAMPLE_SECRET}\n"
        )
    if kind == 1:
        return f"values.{n}.yaml", (
            "aws:\n  access_key_id: ${AWS_ACCESS_KEY_ID}\n"
            '  secret_access_key: "<your-secret-key>"\n'
        )
    return f"vars_{n}.tf", (
        'variable "aws_access_key" {\n  type = string\n}\n'
        'variable "aws_secret_key" {\n  type      = string\n  sensitive = true\n}\n'
    )


def _free_name(directory: str, name: str) -> str:
    path = os.path.join(directory, name)
    stem, dot, suffix = name.rpartition(".")
    i = 0
    while os.path.exists(path):
        i += 1
        alt = f"{name}.{i}" if not stem else f"{stem}_{i}{dot}{suffix}"
        path = os.path.join(directory, alt)
    return path


def plant(tree: str, planted: int, decoys: int, rng: random.Random) -> list[str]:
    """Write the planted and decoy files into seeded choices of ``tree``'s directories."""
    directories = [tree]
    for directory, dirs, _ in os.walk(tree):
        dirs.sort()
        directories.extend(os.path.join(directory, d) for d in dirs)
    written = []
    files = [_planted_file(PLANTED_KINDS[n % len(PLANTED_KINDS)], n, rng) for n in range(planted)]
    files += [_decoy_file(n, rng) for n in range(decoys)]
    for name, text in files:
        path = _free_name(rng.choice(directories), name)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        written.append(os.path.relpath(path, tree).replace(os.sep, "/"))
    return written[:planted]


def summarize(tree: str, summary: Summary) -> Summary:
    for directory, _, names in os.walk(tree):
        for name in names:
            size = os.lstat(os.path.join(directory, name)).st_size
            suffix = os.path.splitext(name)[1].lower() or "(none)"
            counts = summary.suffixes.setdefault(suffix, [0, 0])
            counts[0] += 1
            counts[1] += size
            summary.files += 1
            summary.bytes += size
    return summary


def build_tree(
    dst: str,
    site_packages: str,
    size: Size,
    seed: int = SEED,
    stdlib: str | None = None,
) -> Summary:
    """Write one tree into ``dst`` (emptied first) and return its summary."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for root, prefix in sources(site_packages, stdlib):
        for rel, src, gunzip in source_files(root, prefix):
            if sampled(rel, size.fraction):
                copy_file(src, os.path.join(dst, *rel.split("/")), gunzip)
    planted = plant(dst, size.planted, size.decoys, random.Random(seed))
    return summarize(dst, Summary(planted=planted))


def _filler_block(rng: random.Random, n: int) -> str:
    """About 4 KB of configuration text in several syntaxes, no credential in it."""
    region = rng.choice(REGIONS)
    host = f"db-{rng.randrange(10**4):04d}.internal"
    parts = [
        f"# block {n}: generated settings\n[service-{n}]\nregion = {region}\n"
        f"endpoint = https://{host}:5432\ntimeout = {rng.randrange(5, 120)}\n",
        f"service_{n}:\n  replicas: {rng.randrange(1, 9)}\n  image: registry/app:{n % 97}\n"
        f"  env:\n    LOG_LEVEL: info\n    BUCKET: app-{n:06d}-logs\n",
        json.dumps({"name": f"svc-{n}", "retries": rng.randrange(9), "region": region}) + "\n",
        f'resource "aws_s3_bucket" "b{n}" {{\n  bucket = "app-{n:06d}-assets"\n}}\n',
        "".join(
            f"{rng.choice(('INFO', 'DEBUG', 'WARN'))} request id={rng.getrandbits(64):016x} "
            f"path=/api/v1/items/{rng.randrange(10**6)} status=200 ms={rng.randrange(900)}\n"
            for _ in range(30)
        ),
    ]
    return "".join(parts)


def write_big_file(path: str, size: int, seed: int = 256, keys: int = 8) -> int:
    """A seeded text file of ``size`` bytes of mixed configuration with ``keys`` fake
    key pairs spread through it; returns the bytes written.

    It repeats a pool of generated blocks (numbered per repeat) rather than generating
    every line, which would take minutes in Python; a scanner cannot tell.
    """
    rng = random.Random(seed)
    pool = [_filler_block(rng, n) for n in range(64)]
    plant_every = max(1, size // max(1, keys))
    next_key = plant_every // 2
    written = 0
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        n = 0
        while written < size:
            if written >= next_key:
                block = (
                    f"[profile-{n}]\naws_access_key_id = {fake_key_id('AKIA', rng)}\n"
                    f"aws_secret_access_key = {fake_secret_key(rng)}\n"
                )
                next_key += plant_every
            else:
                block = f"# repeat {n}\n" + pool[n % len(pool)]
            block = block[: size - written]
            fh.write(block)
            written += len(block)
            n += 1
    return written


# The package index: the only network step, injectable so that tests run without it.
#: (venv directory, requirements file) -> None: create the venv and install into it.
Installer = Callable[[str, str], None]


def pip_venv(path: str, requirements: str) -> None:
    """A new venv at ``path`` with ``requirements`` installed from the package index."""
    subprocess.run([sys.executable, "-m", "venv", path], check=True)
    python = os.path.join(path, "bin", "python")
    command = [python, "-m", "pip", "install", "-q", "--no-compile", "-r", requirements]
    subprocess.run(command, check=True)


def site_packages_of(python: str) -> str:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    done = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def ensure_venv(path: str, requirements: str, install: Installer = pip_venv) -> str:
    """The python of a venv at ``path`` with ``requirements`` installed; reused while the
    requirements file is unchanged."""
    with open(requirements, "rb") as fh:
        stamp = hashlib.sha256(fh.read()).hexdigest()
    marker = os.path.join(path, ".bench-stamp")
    python = os.path.join(path, "bin", "python")
    try:
        with open(marker, encoding="utf-8") as fh:
            if fh.read() == stamp and os.path.exists(python):
                return python
    except OSError:
        pass
    shutil.rmtree(path, ignore_errors=True)
    install(path, requirements)
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(stamp)
    return python


def tree_stamp(site_packages: str, size: Size, seed: int, extra: Sequence[str] = ()) -> str:
    """What decides a tree's content: this module, the pins, the Python, the size."""
    digest = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("corpus.py", "requirements-corpus.txt"):
        with open(os.path.join(here, name), "rb") as fh:
            digest.update(fh.read())
    digest.update(f"{sys.version}|{stdlib_root()}|{site_packages}|{size}|{seed}".encode())
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()


def ensure_tree(dst: str, site_packages: str, size: Size, seed: int = SEED) -> Summary:
    """Build ``dst`` unless a build with the same stamp is there already."""
    stamp = tree_stamp(site_packages, size, seed)
    marker = dst.rstrip("/") + ".stamp"
    try:
        with open(marker, encoding="utf-8") as fh:
            if fh.read() == stamp and os.path.isdir(dst):
                return summarize(dst, Summary())
    except OSError:
        pass
    summary = build_tree(dst, site_packages, size, seed)
    with open(dst.rstrip("/") + ".planted", "w", encoding="utf-8") as fh:
        fh.write("".join(f"{rel}\n" for rel in summary.planted))
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(stamp)
    return summary


def planted_files(tree: str) -> list[str]:
    """The relative paths of the files with a fake key pair that built ``tree`` holds."""
    try:
        with open(tree.rstrip("/") + ".planted", encoding="utf-8") as fh:
            return fh.read().splitlines()
    except OSError:
        return []
