"""Long-lived tokens stored as CI secrets where an OIDC identity would do (RC172, RC173).

These rules see no secret value: they flag a workflow that hands a stored, long-lived
token to a step which could authenticate with the job's own short-lived identity instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.config.ci_steps import (
    OTHER_PASSWORDS,
    PUBLISH_INPUT,
    PUBLISH_PASSWORDS,
    SECRET_REF,
    publish_action_passwords,
)

_PUBLISHERS = re.compile(r"pypa/gh-action-pypi-publish|twine|uv publish|poetry publish|flit|hatch")


class PypiTokenSecretInCi(Rule):
    """A workflow publishes to PyPI with a stored API token instead of Trusted Publishing.

    ## What it finds
    GitHub Actions workflows that pass ``${{ secrets.X }}`` as the ``password`` of
    ``pypa/gh-action-pypi-publish`` or as ``TWINE_PASSWORD``, ``UV_PUBLISH_TOKEN``,
    ``POETRY_PYPI_TOKEN_PYPI``, ``FLIT_PASSWORD``, ``HATCH_INDEX_AUTH`` to a publish step.
    Another action's ``password`` input in the same workflow (``docker/login-action``, a
    job container's registry credentials) is not a PyPI token and is left alone.
    Uploads to a private index (a ``repository-url`` without ``pypi``) are left alone.

    ## Why it is risky
    The stored token never expires, often covers the whole account, and any workflow or
    action with access to the secret can upload a release of every project it covers.

    ## Use instead
    Trusted Publishing: register this workflow as a trusted publisher of the project,
    give the publish job ``permissions: id-token: write``, drop the ``password`` input, and
    delete the API token. The index issues a 15-minute token to that job only.

    ## Example
    Before: ``with: {password: ${{ secrets.PYPI_API_TOKEN }}}``.
    After: ``permissions: {id-token: write}`` on the job and
    ``uses: pypa/gh-action-pypi-publish@release/v1`` with no credentials.
    """

    id = "RC172"
    name = "pypi-token-secret-in-ci"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "PyPI upload uses the stored token secrets.{secret} instead of Trusted Publishing"
    recommendation = (
        "Register the workflow as a trusted publisher, grant the job id-token: write, remove "
        "the {field} input and delete the {secret} token."
    )
    keywords = ("secrets.",)
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    tags = ("pypi", "ci", "oidc")
    VALID = (
        Example(
            "jobs:\n  p:\n    permissions:\n      id-token: write\n    steps:\n"
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n",
            filename=".github/workflows/release.yml",
        ),
        Example(
            "steps:\n  - uses: pypa/gh-action-pypi-publish@release/v1\n    with:\n"
            "      repository-url: https://pkgs.internal/upload\n"
            "      password: ${{ secrets.INTERNAL_TOKEN }}\n",
            filename=".github/workflows/release.yml",
        ),
        *OTHER_PASSWORDS,
    )
    INVALID = (
        Example(
            "steps:\n  - uses: pypa/gh-action-pypi-publish@release/v1\n    with:\n"
            "      password: ${{ secrets.PYPI_API_TOKEN }}\n",
            filename=".github/workflows/release.yml",
            line=4,
            column=17,
        ),
        Example(
            "steps:\n  - run: twine upload dist/*\n    env:\n      TWINE_USERNAME: __token__\n"
            "      TWINE_PASSWORD: ${{ secrets.PYPI }}\n",
            filename=".github/workflows/release.yml",
            line=5,
        ),
        *PUBLISH_PASSWORDS,
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        text = doc.text
        if not _PUBLISHERS.search(text):
            return
        for url in re.finditer(
            r"(?m)^[ \t]*(?:repository-url|TWINE_REPOSITORY_URL)[ \t]*:(.*)$", text
        ):
            if "pypi" not in url.group(1).lower():
                return  # a private index: Trusted Publishing does not apply
        passwords: frozenset[int] | None = None
        for match in PUBLISH_INPUT.finditer(text):
            field, secret = match.group(1), match.group(2)
            if field == "password":
                # ``password:`` is any action's input (docker/login-action, a database
                # service); only the PyPI publish action's own one is a PyPI token.
                if passwords is None:
                    passwords = publish_action_passwords(doc)
                if match.start(2) not in passwords:
                    continue
            yield self.finding(
                doc,
                doc.text.rfind("${{", match.start(), match.start(2)),
                match.end(2),
                material=f"pypi-ci:{secret}",
                evidence=f"secrets.{secret}",
                secret=secret,
                field=field,
            )


_GITHUB_TOKEN_INPUT = re.compile(
    r"(?m)^[ \t-]*(github[-_]token|repo[-_]token|GH_TOKEN|GITHUB_TOKEN|GH_PAT|token)[ \t]*:"
    r"[ \t]*[\"']?" + SECRET_REF
)
_PAT_NAME = re.compile(r"(?i)pat\b|pat_|personal|(?:^|_)gh(?:_|$)|github|bot_token|repo_token")


class GithubPatSecretInWorkflow(Rule):
    """A workflow authenticates to GitHub with a stored personal access token.

    ## What it finds
    ``${{ secrets.X }}`` passed as ``github-token``, ``repo-token``, ``GH_TOKEN`` or
    ``GITHUB_TOKEN``, or as ``token`` when the secret's name marks a GitHub token
    (``GH_PAT``, ``PERSONAL_ACCESS_TOKEN``, ``BOT_GITHUB_TOKEN``): a long-lived token
    stored in CI where the job's own token would usually do.

    ## Why it is risky
    A personal access token carries its owner's access to every repository they can
    reach, for months; every workflow and action that can read the secret inherits it.

    ## Use instead
    Use the built-in ``GITHUB_TOKEN`` (``${{ github.token }}``) with a job-level
    ``permissions:`` block granting only what the job needs. For another repository or to
    trigger further workflows, a GitHub App with ``actions/create-github-app-token``,
    whose installation tokens expire in an hour.

    ## Example
    Before: ``github-token: ${{ secrets.GH_PAT }}``.
    After: ``permissions: {pull-requests: write}`` and
    ``github-token: ${{ github.token }}``.
    """

    id = "RC173"
    name = "github-pat-secret-in-workflow"
    severity = Severity.NOTE
    confidence = Confidence.MEDIUM
    message = "Workflow authenticates to GitHub with the stored token secrets.{secret}"
    recommendation = (
        "Use the built-in GITHUB_TOKEN with a job-level permissions: block; for other "
        "repositories mint short-lived tokens with actions/create-github-app-token, then "
        "delete the {secret} token."
    )
    keywords = ("secrets.",)
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    tags = ("github", "ci")
    VALID = (
        Example(
            "with:\n  github-token: ${{ secrets.GITHUB_TOKEN }}\n",
            filename=".github/workflows/ci.yml",
        ),
        Example(
            "with:\n  token: ${{ secrets.CODECOV_TOKEN }}\n", filename=".github/workflows/ci.yml"
        ),
    )
    INVALID = (
        Example(
            "with:\n  github-token: ${{ secrets.GH_PAT }}\n",
            filename=".github/workflows/ci.yml",
            line=2,
            column=17,
        ),
        Example(
            "env:\n  GH_TOKEN: ${{ secrets.RELEASE_BOT_TOKEN }}\n",
            filename=".github/workflows/ci.yml",
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in _GITHUB_TOKEN_INPUT.finditer(doc.text):
            field, secret = match.group(1), match.group(2)
            if secret == "GITHUB_TOKEN" or (field == "token" and not _PAT_NAME.search(secret)):
                continue
            yield self.finding(
                doc,
                doc.text.rfind("${{", match.start(), match.start(2)),
                match.end(2),
                material=f"github-pat-ci:{secret}",
                evidence=f"secrets.{secret}",
                secret=secret,
            )
