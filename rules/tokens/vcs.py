"""Source-hosting tokens: GitHub and GitLab (RC135, RC136)."""

from __future__ import annotations

import re

from rolecall import Confidence, Example, Severity
from rolecall.rules.common.checksums import has_crc32_checksum
from rolecall.rules.common.tokens import TokenRule
from rolecall.rules.fakes import fake

_GITHUB_KINDS = {
    "ghp_": "GitHub personal access token (classic)",
    "gho_": "GitHub OAuth access token",
    "ghu_": "GitHub App user access token",
    "ghs_": "GitHub App installation token",
    "ghr_": "GitHub App refresh token",
    "github_pat_": "GitHub fine-grained personal access token",
}


class GithubToken(TokenRule):
    """A GitHub token (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, ``github_pat_``).

    ## What it finds
    GitHub's prefixed tokens. Classic formats end in a CRC32 checksum of their random
    part, which is verified offline: a look-alike that fails it is not reported.
    Fine-grained tokens (``github_pat_``) are matched by their fixed layout. Installation
    tokens (``ghs_``) expire within an hour and are reported as a warning.

    ## Why it is risky
    Personal access tokens act as their owner on every repository and organisation the
    owner can reach, often with write access, and classic ones may never expire.

    ## Use instead
    In GitHub Actions, use the built-in ``GITHUB_TOKEN`` with a ``permissions:`` block that
    grants only what the job needs; for cross-repository work, a GitHub App whose
    installation tokens are minted per run (``actions/create-github-app-token``) and
    expire in an hour. For cloud access from a workflow, OIDC (``id-token: write``).

    ## Example
    Before: ``GH_TOKEN: ghp_...`` in a workflow's ``env``.
    After: ``permissions: {contents: read, pull-requests: write}`` on the job and
    ``GH_TOKEN: ${{ github.token }}``.
    """

    id = "RC135"
    name = "github-token"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "{kind} {evidence} is embedded in the file"
    recommendation = (
        "Revoke the token. Use a GitHub App with short-lived installation tokens "
        "(actions/create-github-app-token) for automation, and the built-in GITHUB_TOKEN "
        "with a scoped permissions: block inside workflows."
    )
    workflow_recommendation = (
        "Revoke the token and use the built-in GITHUB_TOKEN (github.token) with a "
        "job-level permissions: block granting only what the job needs; for other "
        "repositories, mint an installation token with actions/create-github-app-token."
    )
    keywords = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
    tags = ("github",)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
        r"(?![A-Za-z0-9_])"
    )
    prefix_length = 4
    VALID = (
        Example('token = "' + fake("github_bad_checksum") + '"\n'),
        Example('token = "ghp_' + "x" * 36 + '"\n'),
        Example("token: ${{ secrets.GITHUB_TOKEN }}\n", filename=".github/workflows/ci.yml"),
    )
    INVALID = (
        Example('token = "' + fake("github") + '"\n', line=1, column=10),
        Example('GH = "' + fake("github_pat") + '"\n'),
        Example('t = "' + fake("github_app") + '"\n', severity=Severity.WARNING),
        Example(
            "jobs:\n  x:\n    env:\n      GH_TOKEN: " + fake("github") + "\n",
            filename=".github/workflows/release.yml",
            line=4,
            column=17,
        ),
    )

    def accept(self, token: str) -> bool:
        return token.startswith("github_pat_") or has_crc32_checksum(token, 4)

    def describe(self, token: str) -> str:
        prefix = "github_pat_" if token.startswith("github_pat_") else token[:4]
        return _GITHUB_KINDS[prefix]

    def severity_of(self, token: str) -> Severity | None:
        return Severity.WARNING if token.startswith("ghs_") else None


_GITLAB_KINDS = {
    "glpat": "GitLab personal, project or group access token",
    "gldt": "GitLab deploy token",
    "glrt": "GitLab runner authentication token",
    "glptt": "GitLab pipeline trigger token",
    "gloas": "GitLab OAuth application secret",
    "glsoat": "GitLab service account token",
    "glft": "GitLab feed token",
}


class GitlabToken(TokenRule):
    """A GitLab token (``glpat-``, ``gldt-``, ``glrt-``, ``glptt-``, ...) is in the file.

    ## What it finds
    GitLab's prefixed tokens: personal, project and group access tokens, deploy tokens,
    runner, trigger, OAuth application, service account and feed tokens.

    ## Why it is risky
    Access tokens act as a user or bot with API, repository and registry scopes for up to
    a year; runner tokens let anyone register a runner and receive CI jobs and their
    secrets.

    ## Use instead
    Inside GitLab CI, use the job's ``CI_JOB_TOKEN`` (scoped by the project's job token
    allowlist, valid only while the job runs) for the API, packages and registry, and
    ``id_tokens:`` (OIDC) for cloud access. Elsewhere, short-lived project access tokens
    issued by automation and kept in a secrets manager, never in the repository.

    ## Example
    Before: ``git clone https://oauth2:glpat-...@gitlab.example.com/group/repo.git``.
    After: ``git clone https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.example.com/...``.
    """

    id = "RC136"
    name = "gitlab-token"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "{kind} {evidence} is embedded in the file"
    recommendation = (
        "Revoke the token. In GitLab CI use CI_JOB_TOKEN (job-scoped, expires with the job) "
        "and id_tokens (OIDC) for cloud access; elsewhere issue short-lived project access "
        "tokens from automation and keep them in a secrets manager."
    )
    keywords = ("glpat-", "gldt-", "glrt-", "glptt-", "gloas-", "glsoat-", "glft-")
    tags = ("gitlab",)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_-])((?:glpat|gldt|glrt|glptt|gloas|glsoat|glft)-[A-Za-z0-9_-]{20,64}"
        r"(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?)(?![A-Za-z0-9_.-])"
    )
    VALID = (
        Example('token = "glpat-' + "x" * 20 + '"\n'),
        Example('token = "glpat-<your-token>"\n'),
        Example("url: https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.example.com/\n"),
    )
    INVALID = (
        Example('GITLAB_TOKEN = "' + fake("gitlab") + '"\n', line=1, column=17),
        Example("GL=gl" + "rt-" + fake("gitlab")[6:] + "\n", filename=".env"),
    )

    def accept(self, token: str) -> bool:
        body = token.split("-", 1)[1]
        return len(body.split(".", 1)[0]) >= 20

    def describe(self, token: str) -> str:
        return _GITLAB_KINDS[token.split("-", 1)[0]]
