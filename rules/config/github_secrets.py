"""GitHub Actions: jobs handing stored AWS keys from secrets to the CLI/SDK (RC305)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import MapNode, Scalar, walk
from rolecall.rules.config.places import GITHUB_OIDC, tree_roots, workflow_run_scripts

_WF = ".github/workflows/deploy.yml"
_HEAD = "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
_KEY_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
_CRED_SETTINGS = ("aws_access_key_id", "aws_secret_access_key")


class WorkflowExportsKeysFromSecrets(Rule):
    """A workflow hands stored AWS keys from secrets to the AWS CLI or SDK.

    ## What it finds
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` set in an ``env:`` map from
    ``${{ secrets.* }}`` or ``${{ vars.* }}``, and ``export``, ``aws configure set`` or
    ``echo "AWS_ACCESS_KEY_ID=..." >> $GITHUB_ENV`` fed from them in a ``run:`` script.
    One finding per ``env:`` map or command.

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
        Example(
            _HEAD + "    steps:\n      - run: |\n"
            '          echo "AWS_ACCESS_KEY_ID=${{ secrets.KEY_ID }}" >> "$GITHUB_ENV"\n'
            '          echo "AWS_SECRET_ACCESS_KEY=${{ secrets.SECRET }}" >> "$GITHUB_ENV"\n',
            _WF,
            count=2,
            line=8,
            column=35,
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
        seen: set[int] = set()
        for e in workflow_run_scripts(doc):
            if e.key.lower() in _CRED_SETTINGS and _from_secrets(Scalar(e.value, e.start, e.end)):
                seen.add(e.start)
                yield self._finding(doc, Scalar(e.value, e.start, e.end), e.key)
        # echo "AWS_ACCESS_KEY_ID=${{ secrets.X }}" >> "$GITHUB_ENV", and the like.
        for root in tree_roots(doc):
            for path, node in walk(root):
                if not (path and path[-1] == "run" and isinstance(node, Scalar)):
                    continue
                for m in _EXPORTED.finditer(doc.text, node.start, node.end):
                    if m.start(2) not in seen:
                        seen.add(m.start(2))
                        ref = Scalar(m.group(2), m.start(2), m.end(2))
                        yield self._finding(doc, ref, m.group(1))

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


_EXPORTED = re.compile(
    r"\b(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=[\"']?(\$\{\{[^}\n]*\b(?:secrets|vars)\.[^}\n]*\}\})"
)


def _from_secrets(node: Scalar) -> bool:
    return "secrets." in node.value or "vars." in node.value


def _name_of(env: MapNode, node: Scalar) -> str:
    return next((k.value for k, v in env.items if v is node), "AWS_ACCESS_KEY_ID")
