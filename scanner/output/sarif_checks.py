"""Checks on a SARIF log for what neither the JSON schema nor the SARIF Multitool catches.

GitHub code scanning refuses or silently mis-ranks logs that are schema-valid: a
``security-severity`` that is a JSON number, a word or null; duplicate rule ids; a
``ruleIndex`` that points at another rule; more results, rules or tags than it accepts;
a file over 10 MB gzipped. And a log must never carry a whole secret.

    python -m rolecall.output.sarif_checks rolecall.sarif    # exit 1 on problems
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

MAX_RUNS = 20
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_TAGS = 20
MAX_LOCATIONS = 1
MAX_DESCRIPTION = 1024
MAX_GZIP_BYTES = 10 * 1024 * 1024
#: GitHub's security-severity bands start at these values; a score must keep clear.
SEVERITY_BOUNDARIES = (4.0, 7.0, 9.0)
SEVERITY_MARGIN = 0.25
LEVELS = ("none", "note", "warning", "error")
_URI_SAFE = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$")


def check_text(text: str, *, secrets: Iterable[str] = ()) -> list[str]:
    """Problems with the SARIF log ``text`` (empty: none found)."""
    problems: list[str] = []
    size = len(gzip.compress(text.encode("utf-8")))
    if size > MAX_GZIP_BYTES:
        problems.append(f"log is {size} bytes gzipped; GitHub accepts {MAX_GZIP_BYTES}")
    try:
        log = json.loads(text)
    except ValueError as exc:
        return [*problems, f"not JSON: {exc}"]
    for secret in secrets:
        if secret and (secret in text or _contains(log, secret)):
            problems.append(f"a secret ({len(secret)} characters) appears in the log")
    problems.extend(check_log(log))
    return problems


def _contains(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return needle in value
    if isinstance(value, dict):
        return any(_contains(k, needle) or _contains(v, needle) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains(v, needle) for v in value)
    return False


def check_log(log: Any) -> list[str]:
    """Problems with a parsed SARIF log."""
    if not isinstance(log, dict) or not isinstance(log.get("runs"), list):
        return ["log has no runs array"]
    runs: list[Any] = log["runs"]
    problems = []
    if len(runs) > MAX_RUNS:
        problems.append(f"{len(runs)} runs; GitHub accepts {MAX_RUNS} per file")
    for n, run in enumerate(runs):
        problems.extend(f"runs[{n}]: {p}" for p in _check_run(run))
    return problems


def _check_run(run: Any) -> list[str]:
    problems: list[str] = []
    driver = (run.get("tool") or {}).get("driver") or {}
    rules: list[Any] = driver.get("rules") or []
    if len(rules) > MAX_RULES:
        problems.append(f"{len(rules)} rules; GitHub accepts {MAX_RULES}")
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        rid = rule.get("id")
        if rid in seen:
            problems.append(f"rules[{i}]: duplicate rule id {rid!r}")
        seen.add(rid)
        problems.extend(f"rules[{i}] ({rid}): {p}" for p in _check_rule(rule))
    results: list[Any] = run.get("results") or []
    if len(results) > MAX_RESULTS:
        problems.append(f"{len(results)} results; GitHub accepts {MAX_RESULTS} per run")
    for i, result in enumerate(results):
        problems.extend(f"results[{i}]: {p}" for p in _check_result(result, rules))
    return problems


def security_severity_problem(value: Any) -> str | None:
    """Why ``value`` is not a usable ``security-severity`` (None: it is)."""
    if not isinstance(value, str):
        return f"security-severity must be a string holding a number, not {value!r}"
    try:
        score = float(value)
    except ValueError:
        return f"security-severity {value!r} is not a number"
    if not 0.0 <= score <= 10.0:
        return f"security-severity {value} is outside 0.0-10.0"
    for boundary in SEVERITY_BOUNDARIES:
        if abs(score - boundary) < SEVERITY_MARGIN:
            return f"security-severity {value} is too close to the {boundary} band boundary"
    return None


def _check_rule(rule: Any) -> list[str]:
    problems = []
    props = rule.get("properties") or {}
    if "security-severity" not in props:
        problems.append("no security-severity")
    else:
        problem = security_severity_problem(props["security-severity"])
        if problem:
            problems.append(problem)
    tags = props.get("tags") or []
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags; GitHub keeps {MAX_TAGS}")
    for key in ("shortDescription", "fullDescription"):
        text = (rule.get(key) or {}).get("text")
        if not text:
            problems.append(f"no {key}.text")
        elif len(text) > MAX_DESCRIPTION:
            problems.append(f"{key}.text is {len(text)} characters; limit {MAX_DESCRIPTION}")
    helps = rule.get("help") or {}
    if not helps.get("text") or not helps.get("markdown"):
        problems.append("help needs text and markdown")
    return problems


def _check_result(result: Any, rules: Sequence[Any]) -> list[str]:
    problems = []
    rid, index = result.get("ruleId"), result.get("ruleIndex")
    if not isinstance(index, int) or not 0 <= index < len(rules):
        problems.append(f"ruleIndex {index!r} does not index the rules array")
    elif rules[index].get("id") != rid:
        problems.append(f"ruleIndex {index} is rule {rules[index].get('id')!r}, not {rid!r}")
    if result.get("level") not in LEVELS:
        problems.append(f"level must be explicit, got {result.get('level')!r}")
    if not (result.get("message") or {}).get("text"):
        problems.append("no message.text")
    locations = result.get("locations") or []
    if len(locations) != MAX_LOCATIONS:
        problems.append(f"{len(locations)} locations; expected exactly one")
    related = result.get("relatedLocations") or []
    problems.extend(_check_related(related, (result.get("message") or {}).get("text") or ""))
    for loc in [*locations, *related]:
        physical = loc.get("physicalLocation") or {}
        uri = (physical.get("artifactLocation") or {}).get("uri", "")
        if not uri or "://" in uri or uri.startswith("/") or not _URI_SAFE.match(uri):
            problems.append(f"uri {uri!r} is not a relative, percent-encoded URI")
        region = physical.get("region") or {}
        missing = [
            k for k in ("startLine", "startColumn", "endLine", "endColumn") if k not in region
        ]
        if missing:
            problems.append(f"region lacks {', '.join(missing)}")
    fingerprints = result.get("partialFingerprints") or {}
    if "primaryLocationLineHash" not in fingerprints:
        problems.append("no primaryLocationLineHash")
    return problems


_LINK = re.compile(r"(?<!\\)\[(?:[^\[\]\\]|\\.)*\]\((\d+)\)")


def _check_related(related: Sequence[Any], message: str) -> list[str]:
    """Related locations need distinct ids, a message, and a link from the result's
    message: GitHub shows only the ones the message links to (``[line 7](1)``)."""
    problems = []
    ids = [loc.get("id") for loc in related]
    if any(not isinstance(i, int) or i < 0 for i in ids) or len(set(ids)) != len(ids):
        problems.append(f"related location ids {ids!r} are not distinct non-negative integers")
    if any(not (loc.get("message") or {}).get("text") for loc in related):
        problems.append("a related location has no message.text")
    linked = {int(target) for target in _LINK.findall(message)}
    if linked - set(ids):
        problems.append(f"message links to missing related locations {sorted(linked - set(ids))}")
    if set(ids) - linked:
        problems.append(f"related locations {sorted(set(ids) - linked)} are not linked")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m rolecall.output.sarif_checks FILE.sarif...", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            problems = check_text(handle.read())
        for problem in problems:
            print(f"{path}: {problem}")
        status = status or (1 if problems else 0)
        if not problems:
            print(f"{path}: ok")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
