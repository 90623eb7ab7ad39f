"""SARIF descriptors for rolecall's rules and notices, with help from the rule docs.

GitHub shows ``shortDescription`` as an alert's title, ``fullDescription`` under it and
``help.markdown`` as the rule help, so all three come from the rule's own documentation:
what it finds, why it is risky, the role-based alternative and a before/after example.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

import sarif_om as so  # type: ignore[import-untyped]  # generated attrs classes, untyped
from rolecall.model import NOTICE_TITLES, Confidence, NoticeCode, Severity
from rolecall.output.sarif_json import Spliced, dumps, om
from rolecall.plugin.rule import DOC_SECTIONS, FIX_SECTION, RuleInfo, doc_sections

#: GitHub keeps 20 tags per rule and truncates descriptions at 1024 characters.
MAX_TAGS = 20
MAX_DESCRIPTION = 1024

#: GitHub maps security-severity to critical >= 9.0, high >= 7.0, medium >= 4.0, low
#: otherwise. The values sit well inside their band so rounding never changes the band.
SECURITY_SEVERITY: Mapping[Severity, str] = {
    Severity.ERROR: "8.5",
    Severity.WARNING: "5.5",
    Severity.NOTE: "2.5",
}
PRECISION: Mapping[Confidence, str] = {
    Confidence.HIGH: "high",
    Confidence.MEDIUM: "medium",
    Confidence.LOW: "low",
}
#: What each of the scanner's own notices means, for ``driver.notifications``.
NOTICE_HELP: Mapping[NoticeCode, str] = {
    NoticeCode.INTERNAL: "rolecall hit an internal error on a file; its results may be incomplete.",
    NoticeCode.UNREADABLE: "A file could not be read (permissions, a broken link, or it "
    "disappeared during the scan) and was not scanned.",
    NoticeCode.BINARY: "A binary file was skipped.",
    NoticeCode.TOO_LARGE: "A file larger than the configured size limit was skipped.",
    NoticeCode.DECODING: "A file held bytes that are not valid in its encoding; they were "
    "replaced and the rest of the file was scanned.",
    NoticeCode.UNPARSEABLE: "A file could not be parsed in its format; rules that need the "
    "parsed form were skipped for it, text rules still ran.",
    NoticeCode.SKIPPED_SPECIAL: "A special file (device, FIFO, socket, or a link leaving the "
    "tree) was skipped.",
    NoticeCode.RULE_LOAD: "A rule could not be loaded and did not run.",
    NoticeCode.RULE_ERROR: "A rule failed on a file; other rules and files were still scanned.",
    NoticeCode.UNUSED_SUPPRESSION: "A suppression comment matches no finding or names an "
    "unknown rule.",
    NoticeCode.LIMIT: "A limit was reached (nesting depth, or GitHub's result count); some "
    "results are missing.",
}
_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)  # a literal may wrap across lines


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """``text`` cut to ``limit`` characters (GitHub truncates descriptions at 1024)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# Functions, not templates (r"\1"): re expands a template in Python for every match,
# and a SARIF log converts every rule's documentation on every run.
def _literal(match: re.Match[str]) -> str:
    return match.group(1)


def _code(match: re.Match[str]) -> str:
    return f"`{match.group(1)}`"


def _plain(text: str) -> str:
    return _LITERAL.sub(_literal, text) if "``" in text else text


def _markdown(text: str) -> str:
    return _LITERAL.sub(_code, text) if "``" in text else text


def _one_line(text: str) -> str:
    return " ".join(_plain(text).split())


def help_sections(
    rule: RuleInfo, sections: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(title, body) of the documented sections, in the documented order; ``sections``:
    the docs already split with :func:`~rolecall.plugin.rule.doc_sections`."""
    titles = DOC_SECTIONS + ((FIX_SECTION,) if rule.fixable else ())
    # The docs split once (RuleInfo.section splits them on every call): a SARIF log
    # describes every rule, on every run.
    if sections is None:
        sections = doc_sections(rule.docs)
    return [(title, sections[title]) for title in titles if sections.get(title)]


def help_text(rule: RuleInfo, sections: list[tuple[str, str]] | None = None) -> str:
    """The rule's documentation as plain text: the summary, then each section."""
    parts = [_plain(rule.summary)]
    for title, body in help_sections(rule) if sections is None else sections:
        parts.append(f"{title}:\n{_plain(body)}")
    return "\n\n".join(parts)


def help_markdown(rule: RuleInfo, sections: list[tuple[str, str]] | None = None) -> str:
    """The rule's documentation as GitHub-flavoured markdown (rST literals become code)."""
    parts = [f"**{_markdown(rule.summary)}**"]
    for title, body in help_sections(rule) if sections is None else sections:
        parts.append(f"## {title}\n\n{_markdown(body)}")
    parts.append(f"Rule `{rule.id}` ({rule.name}), CWE-{rule.cwe}.")
    return "\n\n".join(parts)


#: rolecall's home page: SARIF's ``informationUri``, and the repository whose rule
#: catalogue each built-in rule's ``helpUri`` points at. pyproject.toml's
#: ``[project.urls] Homepage`` says the same, and a test holds the two equal. It is not
#: read from the installed package's metadata at run time: ``importlib.metadata`` parses
#: it with the ``email`` package, about 16 ms of start-up on every SARIF run.
PROJECT_URL = "https://github.com/rolecall/rolecall"
#: The rule catalogue's folder in the repository: one page per built-in rule,
#: ``RCnnn.md``, written from the rule classes by ``scripts/generate.py``.
RULE_PAGES = "docs/rules"


def project_url() -> str:
    """rolecall's home page (:data:`PROJECT_URL`)."""
    return PROJECT_URL


def help_uri(rule: RuleInfo, information_uri: str | None) -> str | None:
    """Where ``rule`` is documented: its page in the rule catalogue on the project's
    page (``…/blob/main/docs/rules/RC101.md``). An ``information_uri`` configured to
    another page (a copy of the README) gets the rule's anchor there (``#rc101``).
    Plugin rules are documented elsewhere: None."""
    if not rule.builtin or not information_uri:
        return None
    if information_uri == PROJECT_URL:
        return f"{PROJECT_URL}/blob/main/{RULE_PAGES}/{rule.id}.md"
    return f"{information_uri.split('#', 1)[0]}#{rule.id.lower()}"


@functools.lru_cache(maxsize=1024)
def descriptor_texts(rule: RuleInfo) -> tuple[str, str, str, str]:
    """The short and full descriptions, the help text and the help markdown of ``rule``:
    strings only, so a process that writes several logs (or the helper that writes one,
    see :mod:`rolecall.output.spawned`) converts each rule's documentation once."""
    split = doc_sections(rule.docs)
    sections = help_sections(rule, split)
    full = _one_line(split.get("What it finds", "")) or rule.summary
    return (
        clip(_one_line(rule.summary)),
        clip(full),
        help_text(rule, sections),
        help_markdown(rule, sections),
    )


def rule_descriptor(rule: RuleInfo, help_uri: str | None = None) -> so.ReportingDescriptor:
    """``tool.driver.rules[]`` entry for ``rule``; ``help_uri`` where it is documented."""
    short, full, text, markdown = descriptor_texts(rule)
    return om(
        so.ReportingDescriptor,
        id=rule.id,
        name=rule.name,
        help_uri=help_uri,
        short_description=om(so.MultiformatMessageString, text=short),
        full_description=om(so.MultiformatMessageString, text=full),
        help=om(so.MultiformatMessageString, text=text, markdown=markdown),
        default_configuration=om(so.ReportingConfiguration, level=rule.severity.value),
        properties={
            "tags": list(rule.all_tags[:MAX_TAGS]),
            "precision": PRECISION[rule.confidence],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    )


def notice_descriptor(code: NoticeCode) -> so.SarifLog:
    """``tool.driver.notifications[]`` entry for one of the scanner's own notices."""
    title = NOTICE_TITLES[code]
    text = NOTICE_HELP.get(code, title.replace("-", " "))
    return om(
        so.ReportingDescriptor,
        id=code.value,
        name=title,
        short_description=om(so.MultiformatMessageString, text=title.replace("-", " ")),
        full_description=om(so.MultiformatMessageString, text=text),
        help=om(so.MultiformatMessageString, text=text, markdown=text),
    )


def rules_json(rules: Iterable[RuleInfo], information_uri: str | None) -> Spliced:
    """The descriptors of ``rules`` as compact JSON. Each is made once per process
    (:func:`_rule_json`): most of a small log's writing time (1.7 of 2 ms for 20 files
    and 65 rules), and the same in every log. The spawned writer makes them before the
    report comes (:meth:`rolecall.output.sarif.SarifReporter.prepare`)."""
    return Spliced(f"[{','.join(_rule_json(rule, information_uri) for rule in rules)}]")


@functools.lru_cache(maxsize=1024)
def _rule_json(rule: RuleInfo, information_uri: str | None) -> str:
    return dumps(rule_descriptor(rule, help_uri(rule, information_uri)))
