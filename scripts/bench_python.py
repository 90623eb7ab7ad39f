"""Measure what the RC2xx (Python SDK) rules cost on a tree of real files.

    python scripts/bench_python.py DIR [DIR ...]

Prints, for every ``.py`` file under the directories: how many pass the rules' keyword
prefilter, the time of the engine scan with the RC2xx rules (``ast`` parse and analysis),
and for comparison on the same candidate files libcst parsing alone and parsing with
PositionProvider and QualifiedNameProvider over the whole module (what an analysis on
libcst metadata would pay).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rolecall.engine.core import Engine, EngineOptions, RuleSelection
from rolecall.plugin.registry import default_registry
from rolecall.read.document import Document


def _files(roots: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        for folder, _, names in os.walk(root):
            found.extend(Path(folder, n) for n in names if n.endswith(".py"))
    return sorted(found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("roots", nargs="+")
    parser.add_argument("--no-metadata", action="store_true", help="skip the comparison")
    args = parser.parse_args(argv)
    engine = Engine(default_registry(), EngineOptions(selection=RuleSelection(select=("RC2",))))
    keywords = {k.lower().encode() for rule in engine.rules for k in rule.keywords}
    paths = _files(args.roots)
    started = time.perf_counter()
    blobs = [(p, p.read_bytes()) for p in paths]
    read = time.perf_counter() - started
    started = time.perf_counter()
    candidates = [(p, d) for p, d in blobs if any(k in d.lower() for k in keywords)]
    prefilter = time.perf_counter() - started
    started = time.perf_counter()
    rules: Counter[str] = Counter()
    notices = 0
    for path, data in blobs:
        result = engine.scan_document(Document(path.as_posix(), data))
        rules.update(f"{f.rule_id} {f.severity.value}" for f in result.findings)
        notices += len(result.notices)
    scan = time.perf_counter() - started
    started = time.perf_counter()
    parsed = parsed_bytes = 0
    for path, data in candidates:
        doc = Document(path.as_posix(), data)
        engine.scan_document(doc)
        if doc.view_errors or any(n in doc._views for n in ("python", "notebook-python")):
            parsed += 1
            parsed_bytes += len(data)
    on_candidates = time.perf_counter() - started
    size = sum(len(d) for _, d in blobs)
    csize = sum(len(d) for _, d in candidates)
    print(f"files: {len(blobs)} ({size / 1e6:.1f} MB); read {read:.2f} s")
    print(f"prefilter: {len(candidates)} candidate files ({csize / 1e3:.0f} kB), {prefilter:.2f} s")
    print(f"engine scan with RC2xx rules (all files): {scan:.2f} s; notices: {notices}")
    print(
        f"RC2xx on the candidates alone: {on_candidates:.2f} s; parsed {parsed} files "
        f"({parsed_bytes / 1e3:.0f} kB), the others were dismissed by the text pre-check"
    )
    for key, count in sorted(rules.items()):
        print(f"  {key}: {count}")
    if args.no_metadata:
        return 0
    import libcst
    import libcst.metadata as meta

    texts = [d.decode("utf-8", "replace") for _, d in candidates]
    started = time.perf_counter()
    modules = []
    for text in texts:
        try:
            modules.append(libcst.parse_module(text))
        except libcst.ParserSyntaxError:
            continue
    parse = time.perf_counter() - started
    started = time.perf_counter()
    for module in modules:
        wrapper = meta.MetadataWrapper(module, unsafe_skip_copy=True)
        wrapper.resolve_many([meta.PositionProvider, meta.QualifiedNameProvider])
    metadata = time.perf_counter() - started
    print(f"for comparison, on the candidates: libcst parse {parse:.2f} s; "
          f"+ PositionProvider + QualifiedNameProvider {metadata:.2f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
