"""Which step of a GitHub Actions workflow a ``password`` input belongs to (RC172).

``password:`` is an input of many actions (docker/login-action, a job container's
registry credentials, database services); only the PyPI publish action's own one is a
PyPI token. Read from the workflow's YAML tree, or from the step text when YAML cannot
read the file.
"""

from __future__ import annotations

import re

from rolecall import Document, Example

SECRET_REF = r"\$\{\{\s{0,8}secrets\.([A-Za-z0-9_]{1,100})\s{0,8}\}\}"
PUBLISH_INPUT = re.compile(
    r"(?m)^[ \t-]*(password|TWINE_PASSWORD|UV_PUBLISH_TOKEN|POETRY_PYPI_TOKEN_PYPI|"
    r"FLIT_PASSWORD|HATCH_INDEX_AUTH|PDM_PUBLISH_PASSWORD)[ \t]*:[ \t]*[\"']?" + SECRET_REF
)
PYPI_ACTION = "pypa/gh-action-pypi-publish"


def publish_action_passwords(doc: Document) -> frozenset[int]:
    """Where the secret names in ``password`` inputs of ``pypa/gh-action-pypi-publish``
    steps start (the offset of ``X`` in ``${{ secrets.X }}``)."""
    from rolecall import ViewError
    from rolecall.plugin.api import MapNode, Scalar, walk
    from rolecall.rules.config.places import tree_roots

    try:
        roots = tree_roots(doc)
    except ViewError:
        return _publish_passwords_by_text(doc.text)
    found: set[int] = set()
    for root in roots:
        for _, node in walk(root):
            if not isinstance(node, MapNode):
                continue
            uses, inputs = node.get("uses"), node.get("with")
            if not (isinstance(uses, Scalar) and PYPI_ACTION in uses.value):
                continue
            password = inputs.get("password") if isinstance(inputs, MapNode) else None
            if isinstance(password, Scalar):
                ref = re.search(SECRET_REF, doc.text[password.start : password.end])
                if ref:
                    found.add(password.start + ref.start(1))
    return frozenset(found)


def _publish_passwords_by_text(text: str) -> frozenset[int]:
    """The same for a workflow YAML cannot read: a ``password`` whose nearest ``uses:``
    above it names the publish action, with no new list item (step) in between."""
    from bisect import bisect_right

    uses_lines = [
        (m.start(), m.end(), PYPI_ACTION in m.group(0)) for m in _USES_LINE.finditer(text)
    ]
    starts = [u[0] for u in uses_lines]
    found: set[int] = set()
    for match in PUBLISH_INPUT.finditer(text):
        if match.group(1) != "password":
            continue
        index = bisect_right(starts, match.start()) - 1
        if index < 0 or not uses_lines[index][2]:
            continue
        if not _NEW_ITEM.search(text, uses_lines[index][1], match.start()):
            found.add(match.start(2))
    return frozenset(found)


_USES_LINE = re.compile(r"(?m)^[ \t-]*uses[ \t]*:[^\n]*")
_NEW_ITEM = re.compile(r"(?m)^[ \t]*-[ \t]")


#: RC172 VALID: other actions' password inputs in workflows that publish to PyPI.
OTHER_PASSWORDS: tuple[Example, ...] = (
    # Another action's password in a job that publishes with Trusted Publishing.
    Example(
        "jobs:\n  release:\n    permissions:\n      id-token: write\n    steps:\n"
        "      - uses: docker/login-action@v3\n        with:\n"
        "          username: ${{ secrets.DOCKERHUB_USERNAME }}\n"
        "          password: ${{ secrets.DOCKERHUB_TOKEN }}\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n",
        filename=".github/workflows/release.yml",
    ),
    Example(
        "jobs:\n  build:\n    container:\n      image: ghcr.io/acme/builder:1\n"
        "      credentials:\n        username: ${{ github.actor }}\n"
        "        password: ${{ secrets.GHCR_TOKEN }}\n"
        "    steps:\n      - run: python -m build && twine check dist/*\n",
        filename=".github/workflows/build.yml",
    ),
)
#: RC172 INVALID: the publish step's own password, ``with:`` written before ``uses:``.
PUBLISH_PASSWORDS: tuple[Example, ...] = (
    Example(
        "jobs:\n  pypi:\n    steps:\n      - name: Publish\n        with:\n"
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n"
        "        uses: pypa/gh-action-pypi-publish@v1.12.4\n",
        filename=".github/workflows/release.yml",
        line=6,
    ),
)
