"""GitHub Actions: configure-aws-credentials given static keys instead of OIDC (RC303)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import MapNode, Scalar, walk
from rolecall.rules.config.places import GITHUB_OIDC, tree_roots

_WF = ".github/workflows/deploy.yml"
_HEAD = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
_KEY_INPUTS = ("aws-access-key-id", "aws-secret-access-key")


class ConfigureAwsCredentialsStaticKeys(Rule):
    """configure-aws-credentials is given static access keys instead of an OIDC role.

    ## What it finds
    A step using ``aws-actions/configure-aws-credentials`` with ``aws-access-key-id`` /
    ``aws-secret-access-key`` inputs taken from secrets or variables (literal keys are
    RC304's, an error). Keys from an earlier step's outputs (role chaining after an OIDC
    step with ``output-credentials: true``) are short-lived and not reported.

    ## Why it is risky
    The keys are a long-term IAM user's: stored in the repository's or organisation's
    secrets, valid until rotated, usable from any workflow that can read the secret
    (including pull requests from branches), and usually over-privileged.

    ## Use instead
    OIDC federation: ``permissions: id-token: write`` and ``role-to-assume``; the role's
    trust policy names the repository (and branch or environment) allowed to assume it.

    ## Example
    Before: ``with: {aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}, ...}``.
    After: ``permissions: {id-token: write, contents: read}`` on the job and
    ``with: {role-to-assume: arn:aws:iam::111122223333:role/deploy, aws-region: eu-west-1}``.
    """

    id = "RC303"
    name = "configure-aws-credentials-static-keys"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "aws-actions/configure-aws-credentials is given static access keys ({source})"
    recommendation = GITHUB_OIDC
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    keywords = ("configure-aws-credentials",)
    VALID = (
        Example(
            "permissions:\n  id-token: write\n  contents: read\n"
            + _HEAD
            + "    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n"
            "        with:\n          role-to-assume: arn:aws:iam::111122223333:role/deploy\n"
            "          aws-region: eu-west-1\n",
            _WF,
        ),
        Example(
            "permissions:\n  id-token: write\n" + _HEAD + "    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
            "          aws-access-key-id: ${{ steps.hub.outputs.aws-access-key-id }}\n"
            "          aws-secret-access-key: ${{ steps.hub.outputs.aws-secret-access-key }}\n"
            "          role-to-assume: arn:aws:iam::111122223333:role/deployer\n"
            "          role-chaining: true\n",
            _WF,
        ),
    )
    INVALID = (
        Example(
            _HEAD + "    steps:\n      - uses: actions/checkout@v4\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
            "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
            "          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
            "          aws-region: eu-west-1\n",
            _WF,
            line=10,
            column=30,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for root in tree_roots(doc):
            for _, node in walk(root):
                if not isinstance(node, MapNode):
                    continue
                uses, with_ = node.get("uses"), node.get("with")
                if not (isinstance(uses, Scalar) and isinstance(with_, MapNode)):
                    continue
                if not uses.value.startswith("aws-actions/configure-aws-credentials"):
                    continue
                inputs = [with_.get(k) for k in _KEY_INPUTS]
                found = [n for n in inputs if isinstance(n, Scalar) and n.value.strip()]
                if not found or any("${{" not in n.value for n in found):
                    continue  # no keys, or literal keys (RC304)
                if all("steps." in n.value for n in found):
                    continue  # role chaining: short-lived keys from an earlier OIDC step
                first = found[0]
                yield self.finding(
                    doc,
                    first.start,
                    first.end,
                    material=f"configure-aws-credentials:{first.value}",
                    evidence=first.value,
                    source=first.value.strip(),
                )
