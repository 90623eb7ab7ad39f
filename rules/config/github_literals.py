"""Literal AWS credentials in GitHub Actions workflows (RC304)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.config.places import GITHUB_OIDC, workflow_run_scripts
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    find_credentials,
    report,
)

_ID, _SECRET = FAKE_KEY_ID, FAKE_SECRET
_WF = ".github/workflows/deploy.yml"
_HEAD = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"


class LiteralCredentialInWorkflow(Rule):
    """A GitHub Actions workflow holds a literal AWS credential.

    ## What it finds
    An AWS access key id, secret access key or session token written literally anywhere
    in a workflow: ``env:`` at workflow, job or step level, action inputs under
    ``with:``, or ``run:`` scripts (``export``, ``aws configure set``).

    ## Why it is risky
    Workflow files are read by everyone with repository access and copied into every
    fork; a key written there is public for a public repository.

    ## Use instead
    OIDC federation (``role-to-assume`` with ``id-token: write``), no stored key at all.

    ## Example
    Before: ``env: {AWS_SECRET_ACCESS_KEY: wJal...}`` on a job.
    After: a configure-aws-credentials step with ``role-to-assume``.
    """

    id = "RC304"
    name = "literal-credential-in-workflow"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value,
    # and claims every entry of a workflow from RC301.
    supersedes = ("RC1", "RC301@github-workflow")
    confidence = Confidence.HIGH
    message = "Workflow sets `{name}` to {what} as a literal value"
    recommendation = "Rotate the key ({key_id}) now. " + GITHUB_OIDC
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(_HEAD + "    env:\n      AWS_SECRET_ACCESS_KEY: ${{ secrets.KEY }}\n", _WF),
        Example(_HEAD + "    steps:\n      - run: export AWS_SECRET_ACCESS_KEY=$KEY\n", _WF),
    )
    INVALID = (
        Example(  # a temporary key expires: a warning
            _HEAD + f"    env:\n      AWS_ACCESS_KEY_ID: {FAKE_TEMP_KEY_ID}\n"
            f"      AWS_SECRET_ACCESS_KEY: {_SECRET}\n",
            _WF,
            line=8,
            severity=Severity.WARNING,
        ),
        Example(
            _HEAD + f"    env:\n      AWS_ACCESS_KEY_ID: {_ID}\n"
            f"      AWS_SECRET_ACCESS_KEY: {_SECRET}\n",
            _WF,
            line=8,
            column=30,
        ),
        Example(
            _HEAD + "    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n"
            f"        with:\n          aws-access-key-id: {_ID}\n",
            _WF,
            line=9,
            column=30,
        ),
        Example(
            _HEAD + "    steps:\n      - run: |\n          echo deploying\n"
            f"          aws configure set aws_secret_access_key {_SECRET}\n",
            _WF,
            line=9,
            column=51,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        from rolecall.plugin.api import YAML_VIEW

        entries = list(doc.view(YAML_VIEW).entries)
        pairs = [(e.key, e) for e in entries if e.key != "run"]
        pairs += [(e.key, e) for e in workflow_run_scripts(doc)]
        for hit in find_credentials(pairs, ctx):
            yield report(self, doc, hit)
