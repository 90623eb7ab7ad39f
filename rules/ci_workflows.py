"""Static AWS keys in GitHub Actions workflows (RC303, RC304, RC305)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.parsers.common import Entry, MapNode, Scalar, walk
from rolecall.parsers.shell import scan_shell
from rolecall.rules.config_support import CREDENTIAL_WORDS, find_credentials, report, tree_roots

_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
_SECRET = "q9Lr2vXb" + "T7mK4pZc1NwY8sHd0FgJ" + "6aUe3RiO"
_WF = ".github/workflows/deploy.yml"
_HEAD = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
_OIDC = (
    "Use GitHub's OIDC provider instead of stored keys: give the job `permissions: "
    "id-token: write` (and `contents: read`), configure aws-actions/configure-aws-credentials "
    "with `role-to-assume: arn:aws:iam::<account>:role/<role>` and `aws-region`, and create "
    "that role with a trust policy for the federated principal "
    "token.actions.githubusercontent.com (action sts:AssumeRoleWithWebIdentity) whose "
    "conditions pin `token.actions.githubusercontent.com:aud` = sts.amazonaws.com and "
    "`token.actions.githubusercontent.com:sub` = repo:<owner>/<repo>:ref:refs/heads/main "
    "(or :environment:<name>). Then delete the stored secrets and the IAM user's keys."
)
_KEY_INPUTS = ("aws-access-key-id", "aws-secret-access-key")
_KEY_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
_CRED_SETTINGS = ("aws_access_key_id", "aws_secret_access_key")


def run_scripts(doc: Document) -> Iterator[Entry]:
    """Assignments and ``aws configure set`` values in the workflow's ``run:`` scripts."""
    for root in tree_roots(doc):
        for path, node in walk(root):
            if path and path[-1] == "run" and isinstance(node, Scalar):
                # Block scalars start at their indicator line; the shell tokenizer reads
                # the raw source, so indentation and the "|" are harmless.
                for e in scan_shell(doc.text[node.start : node.end], node.start).entries:
                    yield Entry(path + e.path, e.value, e.start, e.end, literal=e.literal)


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
    recommendation = _OIDC
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
    confidence = Confidence.HIGH
    message = "Workflow sets `{name}` to {what} as a literal value"
    recommendation = "Rotate the key ({key_id}) now. " + _OIDC
    kinds = frozenset({DocKind.GITHUB_WORKFLOW})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(_HEAD + "    env:\n      AWS_SECRET_ACCESS_KEY: ${{ secrets.KEY }}\n", _WF),
        Example(_HEAD + "    steps:\n      - run: export AWS_SECRET_ACCESS_KEY=$KEY\n", _WF),
    )
    INVALID = (
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
        from rolecall.parsers.yaml import YAML_VIEW

        entries = list(doc.view(YAML_VIEW).entries)
        pairs = [(e.key, e) for e in entries if e.key != "run"]
        pairs += [(e.key, e) for e in run_scripts(doc)]
        for hit in find_credentials(pairs, ctx):
            yield report(self, doc, hit)


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
    recommendation = _OIDC
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
        for e in run_scripts(doc):
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
