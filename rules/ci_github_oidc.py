"""GitHub Actions workflows that use stored AWS keys instead of OIDC (RC303, RC305)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.parsers.common import MapNode, Scalar, walk
from rolecall.rules.config_support import GITHUB_OIDC, tree_roots, workflow_run_scripts

_WF = ".github/workflows/deploy.yml"
_HEAD = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
_KEY_INPUTS = ("aws-access-key-id", "aws-secret-access-key")
_KEY_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
_CRED_SETTINGS = ("aws_access_key_id", "aws_secret_access_key")


class ConfigureAwsCredentialsStaticKeys(Rule):
    """configure-aws-credentials is given static access keys instead of an OIDC role.

    ## What it finds
    A step using ``aws-actions/configure-aws-credentials`` with ``aws-access-key-id`` /
    ``aws-secret-access-key`` inputs taken from secrets or variables (literal keys are
    RC304's, an error).

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
                first = found[0]
                yield self.finding(
                    doc,
                    first.start,
                    first.end,
                    material=f"configure-aws-credentials:{first.value}",
                    evidence=first.value,
                    source=first.value.strip(),
                )


class WorkflowExportsKeysFromSecrets(Rule):
    """A workflow hands stored AWS keys from secrets to the AWS CLI or SDK.

    ## What it finds
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` set in an ``env:`` map from
    ``${{ secrets.* }}`` or ``${{ vars.* }}``, or ``aws configure set aws_access_key_id``
    fed from them in a ``run:`` script. One finding per ``env:`` map or command.

    ## Why it is risky
    The workflow depends on a long-term IAM user key stored as a secret: it never
    expires, is rarely rotated and any workflow that can read the secret can use it.

    ## Use instead
    OIDC federation: configure-aws-credentials with ``role-to-assume`` and
    ``permissions: id-token: write`` sets short-lived credentials for the later steps.

    ## Example
    Before: ``env: {AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}, ...}`` then
    ``run: aws s3 sync ...``.
    After: a configure-aws-credentials step with ``role-to-assume`` before the ``run:``.
    """

    id = "RC305"
    name = "workflow-exports-aws-keys-from-secrets"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "Workflow sets {name} from stored secrets ({source}) for the AWS CLI/SDK"
    recommendation = GITHUB_OIDC
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    keywords = ("aws_access_key_id", "aws_secret_access_key")
    VALID = (
        Example(_HEAD + "    env:\n      AWS_REGION: ${{ vars.AWS_REGION }}\n", _WF),
        Example(
            _HEAD + "    steps:\n      - run: export AWS_ACCESS_KEY_ID=$(jq -r .Key c.json)\n",
            _WF,
        ),
    )
    INVALID = (
        Example(
            _HEAD + "    env:\n      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
            "      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
            "    steps:\n      - run: aws s3 sync ./site s3://example-bucket\n",
            _WF,
            line=7,
            column=26,
        ),
        Example(
            _HEAD + "    steps:\n      - run: >-\n"
            "          aws configure set aws_access_key_id ${{ secrets.KEY_ID }}\n",
            _WF,
            line=8,
            column=47,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for root in tree_roots(doc):
            for path, node in walk(root):
                if not (path and path[-1] == "env" and isinstance(node, MapNode)):
                    continue
                refs = [n for k in _KEY_VARS if isinstance(n := node.get(k), Scalar)]
                refs = [n for n in refs if _from_secrets(n)]
                if refs:
                    yield self._finding(doc, refs[0], _name_of(node, refs[0]))
        for e in workflow_run_scripts(doc):
            if e.key.lower() in _CRED_SETTINGS and _from_secrets(Scalar(e.value, e.start, e.end)):
                yield self._finding(doc, Scalar(e.value, e.start, e.end), e.key)

    def _finding(self, doc: Document, node: Scalar, name: str) -> Finding:
        return self.finding(
            doc,
            node.start,
            node.end,
            material=f"{name}:{node.value}",
            evidence=node.value,
            name=name,
            source=node.value.strip(),
        )


def _from_secrets(node: Scalar) -> bool:
    return "secrets." in node.value or "vars." in node.value


def _name_of(env: MapNode, node: Scalar) -> str:
    return next((k.value for k, v in env.items if v is node), "AWS_ACCESS_KEY_ID")
