"""Credential files of package clients: .npmrc/.yarnrc.yml and .pypirc (RC152, RC153)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.plugin.api import lazy
from rolecall.rules.common.placeholders import is_not_a_literal_secret
from rolecall.rules.common.tokens import has_known_token_prefix
from rolecall.rules.fakes import fake


def literal_value(value: str) -> bool:
    """A literal credential: not a placeholder, reference, ``<...>`` or known token format."""
    value = value.strip().strip("'\"")
    if value.startswith("<") or len(value) < 6:
        return False
    return not (is_not_a_literal_secret(value) or has_known_token_prefix(value))


_NPMRC = lazy(
    r"(?m)^[ \t]*(?:(?://\S{1,200}?:)?(_authToken|_auth|_password)[ \t]*="
    r"|(npmAuthToken|npmAuthIdent)[ \t]*:)[ \t]*[\"']?([^\s\"'#]{1,2000})"
)


class NpmrcAuthToken(Rule):
    """An npm or Yarn registry credential is written into ``.npmrc`` or ``.yarnrc.yml``.

    ## What it finds
    ``_authToken``, ``_auth`` and ``_password`` entries in ``.npmrc`` and
    ``npmAuthToken``/``npmAuthIdent`` in ``.yarnrc.yml`` holding a literal value rather
    than an environment reference (``${NPM_TOKEN}``). ``npm_`` and GitHub tokens are left
    to RC137 and RC135, which verify their checksums.

    ## Why it is risky
    Registry credentials often allow publishing; ``_auth`` is a base64 ``user:password``.
    A committed ``.npmrc`` ships them to every clone and every package tarball.

    ## Use instead
    Publish with npm trusted publishing (OIDC, ``id-token: write``). For private
    registries, fetch a short-lived token with the machine's identity
    (``aws codeartifact login --tool npm`` with role credentials, ``google-artifactregistry-auth``
    with ADC, ``vsts-npm-auth`` with Entra ID) and reference it as ``${NPM_TOKEN}``.

    ## Example
    Before: ``//pkgs.internal/:_authToken=3f0c...`` in the repository's ``.npmrc``.
    After: ``//pkgs.internal/:_authToken=${NPM_TOKEN}``, the variable set per job by the
    registry's login command.
    """

    id = "RC152"
    name = "npmrc-auth-token"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Registry credential {field}={evidence} is written into {file}"
    recommendation = (
        "Revoke it. Publish with npm trusted publishing (OIDC); for private registries use a "
        "short-lived token from the registry's login command run with the machine's "
        "identity (e.g. aws codeartifact login --tool npm), referenced as ${{NPM_TOKEN}}."
    )
    keywords = ("_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent")
    tags = ("npm", "supply-chain")
    VALID = (
        Example("//pkgs.internal/:_authToken=${NPM_TOKEN}\n", filename=".npmrc"),
        Example("_auth = <base64 user:password>\n", filename=".npmrc"),
        Example('npmAuthToken: "${NPM_TOKEN}"\n', filename=".yarnrc.yml"),
    )
    INVALID = (
        Example(
            "//pkgs.internal/:_authToken=" + fake("uuid") + "\n",
            filename=".npmrc",
            line=1,
            column=29,
        ),
        Example("npmAuthToken: " + fake("password") + "\n", filename=".yarnrc.yml"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        name = posixpath.basename(doc.path)
        if name not in (".npmrc", "npmrc", ".yarnrc.yml", ".yarnrc"):
            return
        for match in _NPMRC.finditer(doc.text):
            value = match.group(3)
            if literal_value(value):
                yield self.finding(
                    doc,
                    match.start(3),
                    match.end(3),
                    material=value,
                    evidence=redact(value),
                    field=match.group(1) or match.group(2),
                    file=name,
                )


_PYPIRC = lazy(r"(?m)^[ \t]*password[ \t]*[=:][ \t]*(\S[^\r\n]{0,500}?)[ \t]*$")


class PypircPassword(Rule):
    """A password or token is written into ``.pypirc``.

    ## What it finds
    ``password = ...`` entries in ``.pypirc`` with a literal value. PyPI API tokens are
    left to RC138, which recognises their format.

    ## Why it is risky
    ``.pypirc`` credentials upload releases; committed, they let anyone publish a
    malicious version of the project.

    ## Use instead
    Trusted Publishing: register the release workflow as a trusted publisher and publish
    with ``pypa/gh-action-pypi-publish`` in a job with ``id-token: write``. For a private
    index, a keyring backend that mints short-lived tokens from the machine's identity
    (CodeArtifact login with role credentials, Artifact Registry keyring with ADC).

    ## Example
    Before: ``[internal]`` with ``password = s3cr...`` in ``.pypirc``.
    After: no ``.pypirc``; ``twine upload`` finds credentials through the keyring backend.
    """

    id = "RC153"
    name = "pypirc-password"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Upload password {evidence} is written into .pypirc"
    recommendation = (
        "Revoke it. Publish with Trusted Publishing (OIDC, id-token: write); for a private "
        "index use a keyring backend that mints short-lived tokens from the machine's identity."
    )
    keywords = ("password",)
    tags = ("pypi", "supply-chain")
    VALID = (
        Example("[pypi]\nusername = __token__\npassword = ${PYPI_TOKEN}\n", filename=".pypirc"),
        Example("[pypi]\npassword = <your token>\n", filename=".pypirc"),
    )
    INVALID = (
        Example(
            "[internal]\nusername = ci\npassword = " + fake("password") + "\n",
            filename=".pypirc",
            line=3,
            column=12,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if posixpath.basename(doc.path) not in (".pypirc", "pypirc"):
            return
        for match in _PYPIRC.finditer(doc.text):
            value = match.group(1)
            if literal_value(value):
                yield self.finding(
                    doc, match.start(1), match.end(1), material=value, evidence=redact(value)
                )
