"""Package registry tokens: npm and PyPI (RC137, RC138)."""

from __future__ import annotations

import re

from rolecall import Confidence, Example, Severity
from rolecall.rules.common.checksums import has_crc32_checksum
from rolecall.rules.common.tokens import TokenRule
from rolecall.rules.fakes import fake


class NpmToken(TokenRule):
    """An npm access token (``npm_...``) is embedded in the file.

    ## What it finds
    npm's granular and classic access tokens: ``npm_``, 30 random characters and a
    6-character base62 CRC32 checksum, which is verified offline. A look-alike with a
    wrong checksum is not reported.

    ## Why it is risky
    A publish-capable token lets anyone push a new version of every package the owner
    maintains: a supply-chain compromise of every downstream user.

    ## Use instead
    Publish from CI with npm trusted publishing (OIDC): the registry trusts the workflow
    identity (``permissions: id-token: write``) and no token is stored anywhere. For
    installs of private packages, a read-only granular token with an expiry, injected at
    run time as ``${NPM_TOKEN}`` from the CI secret store.

    ## Example
    Before: ``//registry.example.com/:_authToken=npm_...`` in a committed ``.npmrc``.
    After: a trusted publisher configured for the package, and ``npm publish
    --provenance`` in a workflow with ``id-token: write``.
    """

    id = "RC137"
    name = "npm-token"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "npm access token {evidence} is embedded in the file"
    recommendation = (
        "Revoke the token (npm token revoke). Publish with npm trusted publishing (OIDC, "
        "id-token: write) instead of a stored token; for installs use a read-only, "
        "expiring granular token injected at run time as ${{NPM_TOKEN}}."
    )
    keywords = ("npm_",)
    tags = ("npm", "supply-chain")
    # The look-behind after the literal it looks back over: searched for "npm_" at C speed
    # (as _SMTP_PASSWORD in rolecall.rules.aws.adjacent).
    pattern = re.compile(r"(npm_(?<![A-Za-z0-9_]npm_)[A-Za-z0-9]{36})(?![A-Za-z0-9_])")
    prefix_length = 4
    VALID = (
        Example('t = "' + fake("npm_bad_checksum") + '"\n'),
        Example("//registry.example.com/:_authToken=${NPM_TOKEN}\n", filename=".npmrc"),
        Example("npm_config_cache = '/tmp/npm_cache_directory_for_the_build_x1'\n"),
    )
    INVALID = (
        Example(
            "//registry.example.com/:_authToken=" + fake("npm") + "\n",
            filename=".npmrc",
            line=1,
            column=36,
        ),
    )

    def accept(self, token: str) -> bool:
        return has_crc32_checksum(token, 4)


# The base64 of a macaroon's first bytes: version 2, then the location of the index that
# minted it (the production index or its test instance).
_PYPI_HEADS = ("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw")


class PypiToken(TokenRule):
    """A PyPI API token (``pypi-AgE...``) is embedded in the file.

    ## What it finds
    PyPI API tokens: ``pypi-`` followed by a base64 macaroon whose header names the
    package index that minted it (the main index or its test instance).

    ## Why it is risky
    An account-wide token can upload a release of every project its owner maintains;
    tokens do not expire until deleted. A leaked upload token is a supply-chain attack.

    ## Use instead
    Trusted Publishing: register the repository's workflow as a trusted publisher of the
    project and publish with ``pypa/gh-action-pypi-publish`` in a job with
    ``permissions: id-token: write``. The index exchanges the workflow's OIDC token for a
    15-minute upload token; nothing is stored.

    ## Example
    Before: ``password = pypi-AgE...`` in ``.pypirc``, or ``TWINE_PASSWORD`` in CI.
    After: ``uses: pypa/gh-action-pypi-publish@release/v1`` with ``id-token: write``.
    """

    id = "RC138"
    name = "pypi-token"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "PyPI API token {evidence} is embedded in the file"
    recommendation = (
        "Delete the token in the account settings and publish with Trusted Publishing "
        "(OIDC): pypa/gh-action-pypi-publish in a job with id-token: write, no stored token."
    )
    workflow_recommendation = (
        "Delete the token and switch this workflow to Trusted Publishing: register it as a "
        "trusted publisher, grant the job id-token: write, and drop the password input."
    )
    keywords = ("pypi-AgE",)
    tags = ("pypi", "supply-chain")
    # The look-behind after the literal it looks back over (as NpmToken's).
    pattern = re.compile(
        r"(pypi-AgE(?<![A-Za-z0-9_-]pypi-AgE)[A-Za-z0-9_-]{50,2000})(?![A-Za-z0-9_-])"
    )
    prefix_length = 20
    min_entropy = 4.0
    VALID = (
        Example("password = pypi-AgEIcHlwaS5vcmc<rest-of-token>\n", filename=".pypirc"),
        Example("password: ${{ secrets.PYPI_API_TOKEN }}\n", filename=".github/workflows/r.yml"),
        Example('t = "pypi-AgE' + "A" * 60 + '"\n'),
    )
    INVALID = (
        Example(
            "[pypi]\nusername = __token__\npassword = " + fake("pypi") + "\n",
            filename=".pypirc",
            line=3,
            column=12,
        ),
        Example(
            "env:\n  TWINE_PASSWORD: " + fake("pypi") + "\n", filename=".github/workflows/r.yml"
        ),
    )

    def accept(self, token: str) -> bool:
        return token.startswith(_PYPI_HEADS)
