"""Write (or check) the severity column of the rule tables in README.md and docs/.

    python scripts/rule_tables.py          # rewrite the tables
    python scripts/rule_tables.py --check  # exit 1 when a table is not up to date

Each table row that starts with a rule id (``| RC101 | name | severity | ...``) gets the
severities the rule reports, as ``rolecall rules`` prints them (``error/warning``), from
the rule classes; a note in brackets after them is kept. README rows start with an
anchor, ``<a name="rc101"></a>``, which each rule's SARIF ``helpUri`` points at.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rolecall.plugin.registry import default_registry

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    "README.md",
    "docs/aws-credentials.md",
    "docs/other-credentials.md",
    "docs/python-rules.md",
    "docs/rc3.md",
)
ROW = re.compile(
    r'^\| (?:<a name="rc\d{3}"></a>)?(?P<id>RC\d{3}) \| (?P<name>[^|]+) \| (?P<sev>[^|]+?) \|',
    re.M,
)
_LEVELS = re.compile(r"^(?:error|warning|note)(?:\s*/\s*(?:error|warning|note))*")


def anchor(rule_id: str) -> str:
    """The README anchor of a rule's row (SARIF ``helpUri`` = information URI + ``#`` +
    this)."""
    return rule_id.lower()


def rewrite(text: str, severities: dict[str, str], *, anchors: bool) -> str:
    """``text`` with each rule row's severity cell (and, with ``anchors``, its anchor)
    made from ``severities`` (id -> ``error/warning``)."""

    def row(match: re.Match[str]) -> str:
        rule_id = match["id"]
        if rule_id not in severities:
            return match.group()
        note = _LEVELS.sub("", match["sev"].strip(), count=1).strip()
        cell = severities[rule_id] + (note if note[:1] in ",;" else f" {note}".rstrip())
        head = f'<a name="{anchor(rule_id)}"></a>' if anchors else ""
        return f"| {head}{rule_id} | {match['name']} | {cell} |"

    return ROW.sub(row, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    severities = {info.id: info.severity_range for info in default_registry().infos()}
    stale = []
    for name in FILES:
        path = ROOT / name
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, severities, anchors=name == "README.md")
        if new != text:
            stale.append(name)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(
            f"rule tables out of date in {', '.join(stale)}: run python scripts/rule_tables.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
