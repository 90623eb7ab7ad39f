"""Write (or check) the built-in rules' manifest, ``rules/_manifest.json``.

    python scripts/rules_manifest.py          # write it
    python scripts/rules_manifest.py --check  # exit 1 when the committed one is stale

Run it after changing a rule, a parser or a module rules import constants from (see
``rolecall.plugin.manifest``); until then scans import every rule module and a test fails.
"""

from __future__ import annotations

import argparse
import os
import sys

from rolecall.plugin.manifest import MANIFEST_NAME, build_manifest, manifest_text, rules_folder
from rolecall.plugin.registry import build_registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    folder = rules_folder()
    if folder is None:
        print("rules_manifest: rolecall's rules are not installed", file=sys.stderr)
        return 2
    # The source file, also when the installed folder holds links to the sources.
    path = os.path.join(
        os.path.dirname(os.path.realpath(os.path.join(folder, "__init__.py"))), MANIFEST_NAME
    )
    registry = build_registry(use_manifest=False)
    text = manifest_text(build_manifest(registry.rules, registry.notices))
    try:
        with open(path, encoding="utf-8") as fh:
            current = fh.read()
    except OSError:
        current = ""
    if args.check:
        if current != text:
            print(f"{path} is stale: run python scripts/rules_manifest.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
