"""How every output names a finding's related locations ("secret access key on line 7")."""

from __future__ import annotations

from collections.abc import Callable

from rolecall.model import Finding


def related_where(finding: Finding, link: Callable[[int, str], str] | None = None) -> str:
    """`` (secret access key on line 7)`` for ``finding``; '' when it has no related locations.

    ``link(n, text)`` wraps the n-th (1-based) place's ``line N`` text, for outputs that
    can point at it (SARIF's embedded links to ``relatedLocations``). A place over several
    lines is named ``lines 3-4``, one in another file ``path:line``.
    """
    parts = []
    for n, rel in enumerate(finding.related, 1):
        loc = rel.location
        lines = f"line {loc.line}"
        if loc.end_line > loc.line:  # an implicit concatenation, a block scalar, ...
            lines = f"lines {loc.line}-{loc.end_line}"
        where = lines if loc.path == finding.location.path else f"{loc.path}:{lines}"
        parts.append(f"{rel.label} on {link(n, where) if link is not None else where}")
    return f" ({', '.join(parts)})" if parts else ""


def with_related(
    finding: Finding, link: Callable[[int, str], str] | None = None, *, message: str | None = None
) -> str:
    """The finding's message with its related locations, before a final full stop."""
    text = (finding.message if message is None else message).strip()
    suffix = related_where(finding, link)
    if not suffix:
        return text
    if text.endswith("."):
        return text[:-1] + suffix + "."
    return text + suffix
