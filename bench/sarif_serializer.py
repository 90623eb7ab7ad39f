"""Time the SARIF serializer on 10,000 results (a benchmark, not a timed test).

    python bench/sarif_serializer.py [--results N]

Prints the time to build the sarif-om objects, to serialize them with rolecall's
serializer, the whole reporter (including re-reading the files for
primaryLocationLineHash), and, when jschema-to-python is installed, its ``to_json`` on
the same objects for comparison. The files are written to a temporary directory.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rolecall import Confidence, Document, Finding, Severity
from rolecall.fingerprints import PUBLIC_SALT, hmac_fingerprint
from rolecall.output.report import ScanReport
from rolecall.output.sarif import SarifReporter, build_log
from rolecall.output.sarif_json import dumps
from rolecall.plugin.rule import rule_info
from rolecall.rules.aws.keys import LongTermAccessKeyId

LINES_PER_FILE = 100


def make_report(root: Path, count: int) -> ScanReport:
    findings: list[Finding] = []
    files = (count + LINES_PER_FILE - 1) // LINES_PER_FILE
    for f in range(files):
        lines = [f"value_{f}_{n} = 'x{n:06d}'  # generated line\n" for n in range(LINES_PER_FILE)]
        path = f"pkg{f % 10}/module_{f}.py"
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        data = "".join(lines).encode()
        (root / path).write_bytes(data)
        doc = Document(path, data)
        for n in range(min(LINES_PER_FILE, count - len(findings))):
            start = doc.index.line_start(n + 1) + len(f"value_{f}_{n} = '")
            findings.append(
                Finding(
                    rule_id="RC101",
                    rule_name="aws-long-term-access-key-id",
                    severity=(Severity.ERROR, Severity.WARNING, Severity.NOTE)[n % 3],
                    confidence=Confidence.HIGH,
                    message=f"Finding {n} in {path}",
                    recommendation="Use role credentials from the default provider chain.",
                    location=doc.location(start, start + 7),
                    # Made-up material: HMAC, as a key's fingerprint (fingerprint()
                    # would classify it low-entropy and pay one scrypt per finding).
                    fingerprint=hmac_fingerprint("RC101", f"{path}:{n}", PUBLIC_SALT),
                    properties={"key_id": f"id{n}"},
                )
            )
    return ScanReport(
        root=str(root),
        tool_version="0.0.0",
        rules=[rule_info(LongTermAccessKeyId)],
        findings=findings,
    )


def timed(label: str, fn: Callable[[], object], repeat: int = 3) -> object:
    """Best of ``repeat`` runs: wall time, and CPU time (steadier on a busy machine)."""
    best, best_cpu, value = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    print(f"{label:<54} {best:7.3f} s wall {best_cpu:7.3f} s cpu")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = make_report(Path(tmp), args.results)
        print(f"{len(report.findings)} results in {len(report.findings) // LINES_PER_FILE} files")
        log = timed("build sarif-om objects (incl. line hashes)", lambda: build_log(report))
        text = timed("rolecall sarif_json.dumps", lambda: dumps(log))
        timed("whole SarifReporter.write", lambda: SarifReporter().write(report, io.StringIO()))
        print(f"{'log size':<54} {len(str(text)) / 1e6:7.2f} MB")
        try:
            from jschema_to_python.to_json import to_json
        except ImportError:
            print("jschema-to-python is not installed: no comparison")
        else:
            timed("jschema_to_python.to_json (drops explicit defaults)", lambda: to_json(log), 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
