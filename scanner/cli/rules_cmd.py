"""The commands that show the installed rules: ``rolecall rules`` and ``rolecall explain``."""

from __future__ import annotations

import sys
from typing import TextIO


def cmd_rules(fmt: str, out: TextIO) -> int:
    """``rolecall rules [--format text|json]``: every installed rule, as a table or JSON."""
    import json

    from rolecall.errors import EXIT_OK
    from rolecall.plugin.registry import default_registry

    registry = default_registry()
    infos = registry.infos()
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "severities": [s.value for s in r.severities],
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
    # The severities a rule reports (error/warning: by value, e.g. a literal key or one
    # read from the environment), as the README's tables give them.
    levels = max((len(r.severity_range) for r in infos), default=8)
    out.write(f"{'ID':6} {'NAME':{width}} {'SEVERITY':{levels}} {'FIX':3} SUMMARY\n")
    for r in infos:
        fix = "yes" if r.fixable else ""
        row = f"{r.id:6} {r.name:{width}} {r.severity_range:{levels}} {fix:3}"
        out.write(f"{row} {plain(r.summary)}\n")
    for notice in registry.notices:  # on stderr: the table stays machine-readable
        print(f"warning: {notice.message}", file=sys.stderr)
    return EXIT_OK


#: What each of the scanner's own notices (RC9xx) means and what to do about it.
NOTICE_HELP: dict[str, tuple[str, str]] = {
    "RC900": (
        "A bug in rolecall while scanning a file (also: a file scanned again after a "
        "worker process died). The other files were scanned.",
        "Report it with the notice's message; the file itself is not at fault.",
    ),
    "RC901": (
        "A file or directory could not be read or vanished during the scan; at info "
        "level, a git work tree whose file list git could not give (then rolecall read "
        "the .gitignore files itself).",
        "Check permissions, or install git for git's own file list.",
    ),
    "RC902": (
        "A binary file was skipped: a binary suffix, or a NUL byte in its first 8 KiB.",
        "Nothing, unless the file is text in an unusual encoding: then convert it.",
    ),
    "RC903": (
        "A file larger than max-file-size (256 MiB by default) was skipped.",
        "Raise max-file-size, or exclude the file if it is generated.",
    ),
    "RC904": (
        "Bytes that are not valid in the file's encoding were replaced; the rest of "
        "the file was scanned.",
        "Nothing to do unless the file is meant to be UTF-8.",
    ),
    "RC905": (
        "A parsed view (YAML, JSON, Python, ...) could not be built, or a pyproject.toml "
        "that is not rolecall's was passed over; the text rules still ran on the file.",
        "Fix the file's syntax if it should parse; the message says what failed.",
    ),
    "RC906": (
        "A symbolic link, FIFO, socket or device was not read.",
        "Use --follow-symlinks to scan what links point to inside the scan root.",
    ),
    "RC907": (
        "A rule or plugin could not be imported or is not well formed; every other rule ran.",
        "Reinstall or fix the plugin named in the message.",
    ),
    "RC908": (
        "A rule raised an error on a file; the other rules ran on it.",
        "Report it with the rule id from the message.",
    ),
    "RC909": (
        "A suppression comment silences nothing, or names an unknown rule code "
        "(--report-unused-suppressions).",
        "Remove the comment or correct its codes.",
    ),
    "RC910": (
        "A limit was reached: input nested too deeply for a rule, or a file above the "
        "5 MiB parse limit, on which the rules that need a parsed view did not run (the "
        "text rules did).",
        "Nothing, or split the file; the message names what did not run.",
    ),
    "RC911": (
        "A baseline entry matches no finding any more (--report-stale).",
        "Run rolecall baseline --update to drop it.",
    ),
    "RC912": (
        "No rule was enabled for some files: select and ignore (flags or configuration) "
        "leave none of the installed rules, or none is installed. The files were read "
        "but nothing was looked for in them.",
        "Correct select/ignore (`rolecall rules` lists the rule ids), or reinstall rolecall.",
    ),
}


def plain(text: str) -> str:
    """Docstring text for a terminal: reStructuredText's ````code```` becomes ```code```."""
    return text.replace("``", "`")


def cmd_explain(rule: str, out: TextIO) -> int:
    """``rolecall explain RULE``: one rule's (or notice's) documentation and examples."""
    from rolecall.errors import EXIT_OK, UsageError
    from rolecall.plugin.registry import default_registry

    wanted = rule.strip()
    if wanted.upper() in NOTICE_HELP:
        return _explain_notice(wanted.upper(), out)
    registry = default_registry()
    cls = registry.get(wanted) or next(
        (c for c in registry.rules if c.name == wanted.lower()), None
    )
    if cls is None:
        raise UsageError(f"unknown rule {wanted!r}; `rolecall rules` lists them")
    info = next(i for i in registry.infos() if i.id == cls.id)
    out.write(f"{info.id} {info.name}\n")
    out.write(
        f"severity: {info.severity_range}, confidence: {info.confidence.value}, "
        f"CWE-{info.cwe}, fix: {'yes' if info.fixable else 'no'}, "
        f"files: {', '.join(info.kinds) or 'every text file'}\n\n"
    )
    out.write(plain(info.docs) + "\n")
    examples_only = [e for e in cls.INVALID if e.options.get("report_examples")]
    groups = (
        ("Reported by a plain scan", [e for e in cls.INVALID if e not in examples_only]),
        (
            "Reported only with --report-examples; documentation keys are quiet by default",
            examples_only,
        ),
        ("Not reported", list(cls.VALID)),
    )
    for title, examples in groups:
        if not examples:
            continue
        out.write(f"\n## {title} (examples, run as tests)\n")
        for example in examples:
            out.write(f"\n--- {example.filename}\n{example.code.rstrip()}\n")
    return EXIT_OK


def _explain_notice(code: str, out: TextIO) -> int:
    from rolecall.errors import EXIT_OK
    from rolecall.model import NOTICE_TITLES, NoticeCode

    meaning, action = NOTICE_HELP[code]
    out.write(f"{code} {NOTICE_TITLES[NoticeCode(code)]} (a notice of the scanner itself)\n\n")
    out.write(f"{meaning}\n\nWhat to do: {action}\n")
    out.write(
        "\nNotices never fail a scan; they reach every output format (text shows info-level "
        "notices with -v).\n"
    )
    return EXIT_OK
