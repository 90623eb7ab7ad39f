"""The commands that show the installed rules: ``rolecall rules`` and ``rolecall explain``."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    """``rolecall rules``: every installed rule, as a table or JSON."""
    import json

    from rolecall.cli import EXIT_OK
    from rolecall.registry import default_registry

    registry = default_registry()
    infos = registry.infos()
    if args.format == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "confidence": r.confidence.value,
                "cwe": r.cwe,
                "fixable": r.fixable,
                "kinds": list(r.kinds),
                "summary": r.summary,
                "origin": r.origin,
            }
            for r in infos
        ]
        json.dump(rows, out, indent=2)
        out.write("\n")
        return EXIT_OK
    width = max((len(r.name) for r in infos), default=4)
    out.write(f"{'ID':6} {'NAME':{width}} {'SEVERITY':8} {'FIX':3} SUMMARY\n")
    for r in infos:
        fix = "yes" if r.fixable else ""
        out.write(f"{r.id:6} {r.name:{width}} {r.severity.value:8} {fix:3} {r.summary}\n")
    for notice in registry.notices:  # on stderr: the table stays machine-readable
        print(f"warning: {notice.message}", file=sys.stderr)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    """``rolecall explain RULE``: one rule's documentation and examples."""
    from rolecall.cli import EXIT_OK, UsageError
    from rolecall.registry import default_registry

    registry = default_registry()
    wanted = args.rule.strip()
    cls = registry.get(wanted) or next(
        (c for c in registry.rules if c.name == wanted.lower()), None
    )
    if cls is None:
        raise UsageError(f"unknown rule {wanted!r}; `rolecall rules` lists them")
    info = next(i for i in registry.infos() if i.id == cls.id)
    out.write(f"{info.id} {info.name}\n")
    out.write(
        f"severity: {info.severity.value}, confidence: {info.confidence.value}, "
        f"CWE-{info.cwe}, fix: {'yes' if info.fixable else 'no'}, "
        f"files: {', '.join(info.kinds) or 'every text file'}\n\n"
    )
    out.write(info.docs + "\n")
    for title, examples in (("Reported", cls.INVALID), ("Not reported", cls.VALID)):
        out.write(f"\n## {title} (examples, run as tests)\n")
        for example in examples:
            out.write(f"\n--- {example.filename}\n{example.code.rstrip()}\n")
    return EXIT_OK
