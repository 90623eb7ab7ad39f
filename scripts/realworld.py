"""Scan pinned releases of public AWS-heavy packages and compare with reviewed verdicts.

Precision measured on code nobody on the team wrote: each package below is downloaded
from the package index with pip (source distribution or wheel, no dependencies),
unpacked into a cache directory outside the repository, and scanned with the real
command line (``rolecall scan --format json --no-cache``). Every finding is then looked
up in ``scripts/realworld_verdicts.json``, where a person has read the code around it
and written ``tp`` or ``fp`` and a one-line reason.

    python scripts/realworld.py                 # every package; exit 1 on news or an fp
    python scripts/realworld.py --only moto     # one package (repeatable)
    python scripts/realworld.py --update        # record new findings as "unreviewed"

The exit code is 1 when a finding is unreviewed (new) or reviewed ``fp``, 2 when a
download or a scan fails. Findings are matched by fingerprint and path (the
fingerprint is a hash: the verdict file holds no secret, and the line is kept only to
help the reviewer find the code).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

VERDICTS = Path(__file__).resolve().parent / "realworld_verdicts.json"
VERDICT_WORDS = ("tp", "fp", "unreviewed")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    #: "sdist" (tests and fixtures included, where the project ships them) or "wheel".
    dist: str = "sdist"

    @property
    def key(self) -> str:
        return f"{self.name}=={self.version}"


#: The pinned set. Source distributions where they carry the tests (botocore's signer
#: and credential tests, moto's and localstack's emulator code), wheels where the
#: project publishes no sdist.
PACKAGES: tuple[Package, ...] = (
    Package("aiobotocore", "3.10.0"),
    Package("apache-airflow-providers-amazon", "9.39.0"),
    Package("aws-sam-cli", "1.170.0"),
    Package("awscli", "1.46.3"),
    Package("awswrangler", "3.17.1"),
    Package("boto3", "1.44.18"),
    Package("botocore", "1.44.18"),
    Package("chalice", "1.34.0"),
    Package("django", "5.2.20"),
    Package("localstack-core", "2026.3.0"),
    Package("moto", "5.2.6"),
    Package("requests", "2.34.2"),
    Package("s3fs", "2026.9.0"),
    Package("sagemaker", "3.27.0"),
)


@dataclass
class Row:
    package: str
    findings: int = 0
    tp: int = 0
    fp: int = 0
    unreviewed: int = 0
    new: int = 0
    missing: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.fp == 0 and self.unreviewed == 0


def entry_key(entry: Mapping[str, object]) -> tuple[str, str]:
    return str(entry["fingerprint"]), str(entry["path"])


def compare(
    package: str,
    findings: Sequence[Mapping[str, object]],
    recorded: Sequence[Mapping[str, object]],
) -> tuple[Row, list[dict[str, object]]]:
    """Count a scan's findings against the recorded verdicts of one package.

    Returns the row for the table and the entries a ``--update`` writes: every current
    finding with its verdict (new ones ``unreviewed``), in report order, so a finding
    that disappeared drops out of the file and one that moved gets its new line.
    """
    row = Row(package, findings=len(findings))
    known = {entry_key(e): e for e in recorded}
    seen: set[tuple[str, str]] = set()
    updated: list[dict[str, object]] = []
    for finding in findings:
        key = (str(finding["fingerprint"]), str(finding["path"]))
        if key in seen:
            continue  # one credential reported twice at one path: one verdict
        seen.add(key)
        old = known.get(key)
        verdict = str(old["verdict"]) if old is not None else "unreviewed"
        if verdict not in VERDICT_WORDS:
            row.problems.append(f"unknown verdict {verdict!r} for {key[1]}")
            verdict = "unreviewed"
        if old is None:
            row.new += 1
            row.problems.append(
                f"new: {finding['rule_id']} {finding['path']}:{finding['line']} "
                f"{finding.get('evidence', '')}"
            )
        elif verdict == "fp":
            row.problems.append(f"fp: {finding['rule_id']} {finding['path']}:{finding['line']}")
        if verdict == "tp":
            row.tp += 1
        elif verdict == "fp":
            row.fp += 1
        else:
            row.unreviewed += 1
        updated.append(
            {
                "fingerprint": key[0],
                "rule": finding["rule_id"],
                "path": key[1],
                "line": finding["line"],
                "verdict": verdict,
                "reason": str(old.get("reason", "")) if old is not None else "",
            }
        )
    for key, old in known.items():
        if key not in seen:
            row.missing += 1
            row.problems.append(f"missing: {old.get('rule')} {key[1]}:{old.get('line')}")
    # Counted over distinct (fingerprint, path) pairs, like the verdicts.
    row.findings = len(seen)
    return row, updated


def table(rows: Iterable[Row]) -> str:
    heads = ("package", "findings", "tp", "fp", "unreviewed", "new", "missing")
    lines = [list(heads)]
    for r in rows:
        lines.append(
            [r.package, *map(str, (r.findings, r.tp, r.fp, r.unreviewed, r.new, r.missing))]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(heads))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def download(package: Package, cache: Path) -> Path:
    """The package's archive in ``cache/dl``, downloaded with pip on first use."""
    folder = cache / "dl"
    found = _archive(package, folder)
    if found is not None:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    binary = ["--no-binary", ":all:"] if package.dist == "sdist" else ["--only-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *binary]
    command += [package.key, "--dest", str(folder)]
    subprocess.run(command, check=True)
    found = _archive(package, folder)
    if found is None:
        raise RuntimeError(f"pip downloaded no archive of {package.key}")
    return found


def _archive(package: Package, folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    stems = {package.name.lower().replace("-", "_"), package.name.lower()}
    suffixes = (".tar.gz", ".zip") if package.dist == "sdist" else (".whl",)
    for path in sorted(folder.iterdir()):
        lower = path.name.lower()
        for stem in stems:
            if lower.startswith(f"{stem}-{package.version}") and lower.endswith(suffixes):
                rest = lower[len(stem) + 1 + len(package.version) :]
                if rest[:1] in (".", "-"):
                    return path
    return None


def unpack(archive: Path, cache: Path, package: Package) -> Path:
    """The archive's files under ``cache/src/NAME-VERSION`` (unpacked once)."""
    target = cache / "src" / f"{package.name}-{package.version}"
    done = target / ".unpacked"
    if done.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(target, filter="data")
    done.write_text("", encoding="utf-8")
    return target


def scan(folder: Path) -> list[dict[str, object]]:
    """The findings of ``rolecall scan`` run in ``folder`` (paths relative to it)."""
    command = [sys.executable, "-m", "rolecall", "scan", ".", "--format", "json", "--no-cache"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"rolecall exited {done.returncode}: {done.stderr.strip()[-500:]}")
    report = json.loads(done.stdout)
    findings: list[dict[str, object]] = report["findings"]
    return findings


def load(path: Path) -> dict[str, list[dict[str, object]]]:
    if not path.exists():
        return {}
    data: dict[str, list[dict[str, object]]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save(path: Path, data: Mapping[str, list[dict[str, object]]]) -> None:
    text = json.dumps(dict(sorted(data.items())), indent=1, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="only this package")
    parser.add_argument("--update", action="store_true", help="record new findings")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("ROLECALL_REALWORLD_CACHE", "") or tempfile.gettempdir())
        / "realworld-cache",
        help="where downloads and unpacked trees are kept (default: %(default)s)",
    )
    parser.add_argument("--verdicts", type=Path, default=VERDICTS, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every finding")
    args = parser.parse_args(argv)
    chosen = [p for p in PACKAGES if not args.only or p.name in args.only]
    if args.only and len(chosen) != len(set(args.only)):
        unknown = set(args.only) - {p.name for p in chosen}
        parser.error(f"not in the pinned set: {', '.join(sorted(unknown))}")
    verdicts = load(args.verdicts)
    rows: list[Row] = []
    failed = False
    for package in chosen:
        try:
            folder = unpack(download(package, args.cache), args.cache, package)
            findings = scan(folder)
        except (OSError, RuntimeError, subprocess.CalledProcessError, ValueError) as exc:
            print(f"{package.key}: {exc}", file=sys.stderr)
            failed = True
            continue
        row, updated = compare(package.key, findings, verdicts.get(package.key, []))
        rows.append(row)
        for problem in row.problems:
            print(f"{package.key}: {problem}")
        if args.verbose:
            for entry in updated:
                print(f"  {entry['verdict']:10} {entry['rule']} {entry['path']}:{entry['line']}")
        if args.update:
            verdicts[package.key] = updated
    if args.update:
        save(args.verdicts, verdicts)
    total = Row("total")
    for r in rows:
        for name in ("findings", "tp", "fp", "unreviewed", "new", "missing"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    print(table([*rows, total]))
    if failed:
        return 2
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
