"""Static AWS keys in GitLab CI pipelines (RC306)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry, MapNode, Scalar, SeqNode, scan_shell, walk
from rolecall.rules.aws.names import credential_name
from rolecall.rules.config.places import is_gitlab_ci, tree_roots
from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_SECRET, find_credentials, report

_ID, _SECRET = FAKE_KEY_ID, FAKE_SECRET
_SCRIPTS = frozenset({"script", "before_script", "after_script"})
#: A CI/CD variable reference ($VAR, ${VAR}): a stored key. $(...) is a command, such
#: as the assume-role-with-web-identity exchange that is the recommended pattern.
_STORED = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


class GitlabCiStaticAwsKeys(Rule):
    """A GitLab CI pipeline configures static AWS access keys.

    ## What it finds
    AWS credential variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
    ``AWS_SESSION_TOKEN``) in ``variables:`` of ``.gitlab-ci.yml`` (global or per job) and
    ``export``/``aws configure set`` in ``script:`` lines. A literal key is an error; keys
    taken from CI/CD variables (``$AWS_KEY``) are a warning, once per ``variables:`` block
    or command: the pipeline still depends on a long-term key.

    ## Why it is risky
    A literal key is readable by everyone with repository access. Keys stored as CI/CD
    variables never expire and are exposed to every job and branch that can read them.

    ## Use instead
    GitLab's OIDC ID tokens: ``id_tokens: {AWS_ID_TOKEN: {aud: sts.amazonaws.com}}`` on the
    job and ``aws sts assume-role-with-web-identity`` (or ``AWS_ROLE_ARN`` plus
    ``AWS_WEB_IDENTITY_TOKEN_FILE`` for the SDK); the role trusts the GitLab OIDC provider
    with a ``sub`` condition naming the project and branch.

    ## Example
    Before: ``variables: {AWS_ACCESS_KEY_ID: $DEPLOY_KEY_ID, ...}``.
    After: ``id_tokens: {AWS_ID_TOKEN: {aud: sts.amazonaws.com}}`` and a
    ``before_script`` that exchanges ``$AWS_ID_TOKEN`` for role credentials.
    """

    id = "RC306"
    name = "gitlab-ci-static-aws-keys"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value,
    # and claims every entry of a GitLab CI file from RC301.
    supersedes = ("RC1", "RC301@gitlab-ci")
    confidence = Confidence.HIGH
    message = "GitLab CI sets `{name}` to {what}"
    recommendation = (
        "Use an OIDC ID token instead of stored keys: give the job an `id_tokens:` entry "
        "`AWS_ID_TOKEN` with `aud: sts.amazonaws.com` and run "
        "`aws sts assume-role-with-web-identity --role-arn arn:aws:iam::<account>:role/<role> "
        "--role-session-name gitlab-$CI_JOB_ID "
        "--web-identity-token $AWS_ID_TOKEN` (or set AWS_ROLE_ARN and "
        "AWS_WEB_IDENTITY_TOKEN_FILE for the SDK). The role's trust policy names the GitLab "
        "OIDC provider with `<gitlab host>:sub` = project_path:<group>/<project>:ref_type:"
        "branch:ref:main. Then delete the stored key ({key_id})."
    )
    kinds = frozenset({DocKind.YAML})
    keywords = ("aws_",)
    VALID = (
        Example(
            "deploy:\n  id_tokens:\n    AWS_ID_TOKEN:\n      aud: sts.amazonaws.com\n"
            "  variables:\n    AWS_ROLE_ARN: arn:aws:iam::111122223333:role/deploy\n"
            "  script:\n    - aws s3 sync public s3://example-bucket\n",
            ".gitlab-ci.yml",
        ),
        Example(f"variables:\n  AWS_SECRET_ACCESS_KEY: {_SECRET}\n", "config/app.yml"),
        Example(
            "deploy:\n  id_tokens:\n    AWS_ID_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n"
            '    - CREDS=$(aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN"'
            ' --role-session-name ci --web-identity-token "$AWS_ID_TOKEN")\n'
            '    - export AWS_ACCESS_KEY_ID=$(echo "$CREDS" | jq -r .Credentials.AccessKeyId)\n',
            ".gitlab-ci.yml",
        ),
    )
    INVALID = (
        Example(
            f"variables:\n  AWS_ACCESS_KEY_ID: {_ID}\n  AWS_SECRET_ACCESS_KEY: {_SECRET}\n",
            ".gitlab-ci.yml",
            line=3,
            column=26,
        ),
        Example(
            "deploy:\n  variables:\n    AWS_ACCESS_KEY_ID: $DEPLOY_KEY_ID\n"
            "    AWS_SECRET_ACCESS_KEY: $DEPLOY_SECRET\n  script:\n    - aws s3 ls\n",
            ".gitlab-ci.yml",
            line=3,
            column=24,
            severity=Severity.WARNING,
        ),
        Example(
            f"deploy:\n  script:\n    - aws configure set aws_secret_access_key {_SECRET}\n",
            ".gitlab/ci/deploy.gitlab-ci.yml",
            line=3,
            column=47,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not is_gitlab_ci(doc):
            return
        entries: list[Entry] = []
        for root in tree_roots(doc):
            for path, node in walk(root):
                if path and path[-1] == "variables" and isinstance(node, MapNode):
                    entries.extend(_variables(node, path))
                    yield from self._references(doc, node)
                elif path and path[-1] in _SCRIPTS:
                    entries.extend(_script_entries(doc, node, path))
        pairs = [(e.key, e) for e in entries]
        for hit in find_credentials(pairs, ctx):
            yield report(self, doc, hit)
        for e in entries:
            cred = credential_name(e.key)
            stored = _STORED.fullmatch(e.value)
            if e.path[-2:-1] != ("variables",) and cred and cred.aws and stored:
                yield self._ref_finding(doc, e.key, Scalar(e.value, e.start, e.end))

    def _references(self, doc: Document, variables: MapNode) -> Iterator[Finding]:
        for key, value in variables.items:
            node = value.get("value") if isinstance(value, MapNode) else value
            cred = credential_name(key.value)
            if cred and cred.aws and isinstance(node, Scalar) and _STORED.fullmatch(node.value):
                yield self._ref_finding(doc, key.value, node)
                return  # one finding per variables block

    def _ref_finding(self, doc: Document, name: str, node: Scalar) -> Finding:
        return self.finding(
            doc,
            node.start,
            node.end,
            material=f"{name}:{node.value}",
            evidence=node.value,
            severity=Severity.WARNING,
            name=name,
            what=f"stored CI/CD variable {node.value}",
            key_id=f"behind {node.value}",
        )


def _variables(node: MapNode, path: tuple[str, ...]) -> Iterator[Entry]:
    for key, value in node.items:
        if isinstance(value, MapNode):  # VAR: {value: ..., description: ...}
            value = value.get("value") or value
        if isinstance(value, Scalar):
            yield Entry(
                (*path, key.value),
                value.value,
                value.start,
                value.end,
                literal=value.is_string and not value.tag and "$" not in value.value,
            )


def _script_entries(doc: Document, node: object, path: tuple[str, ...]) -> Iterator[Entry]:
    lines = node.items if isinstance(node, SeqNode) else (node,)
    for n, line in enumerate(lines):
        if isinstance(line, Scalar):
            for e in scan_shell(doc.text[line.start : line.end], line.start).entries:
                yield Entry((*path, str(n), *e.path), e.value, e.start, e.end, literal=e.literal)
