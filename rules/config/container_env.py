"""Literal AWS keys in container and function environments (RC307)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry, MapNode, Node, flatten
from rolecall.rules.config.env_blocks import in_env_block
from rolecall.rules.config.places import (
    ci_oidc_alternative,
    env_list_items,
    is_cloudformation,
    is_github_workflow,
    is_gitlab_ci,
    may_hold_value,
    name_value_pairs,
    tree_roots,
)
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    find_credentials,
    report,
)

_ID, _SECRET = FAKE_KEY_ID, FAKE_SECRET
_K8S = (
    "IAM Roles for Service Accounts (annotate the pod's service account with "
    "eks.amazonaws.com/role-arn) or EKS Pod Identity (an association between the service "
    "account and a role); the SDK in the pod finds the role on its own"
)
_PLATFORM = (
    "the role of the platform that runs it (IRSA/EKS Pod Identity, ECS task role, Lambda "
    "execution role, instance profile); the SDK finds it on its own"
)
_ECS = "an ECS task role (taskRoleArn in the task definition); the SDK finds it on its own"
_LAMBDA = "the function's execution role; the SDK in Lambda finds it on its own"
_COMPOSE = (
    "no credentials in the compose file: on a laptop mount nothing but `~/.aws:/home/app/.aws:ro` "
    "with AWS_PROFILE set to an IAM Identity Center (SSO) profile; on ECS a task role"
)


def _alternative(doc: Document, root: Node, path: tuple[str, ...]) -> str:
    ci = ci_oidc_alternative(doc)
    if ci is not None:
        return ci  # a CI job's environment (CircleCI, Bitbucket, ...)
    lowered = {p.lower() for p in path}
    if "containerdefinitions" in lowered:
        return _ECS
    name = posixpath.basename(doc.path).lower()
    if is_cloudformation(root) or (isinstance(root, MapNode) and "provider" in lowered):
        return _LAMBDA  # CloudFormation/SAM function Environment, serverless.yml provider
    if name.startswith("zappa_settings") or "/.chalice/" in f"/{doc.path}":
        return _LAMBDA  # Zappa and Chalice set these on the Lambda function
    if "compose" in name or (isinstance(root, MapNode) and path[:1] == ("services",)):
        return _COMPOSE
    if isinstance(root, MapNode) and (root.get("apiVersion") or root.get("kind")):
        return _K8S
    if lowered & {"containers", "initcontainers"} or "chart" in doc.path or "values" in name:
        return _K8S  # Helm values and pod specs
    return _PLATFORM


class LiteralAwsKeyInContainerEnv(Rule):
    """A container or function environment sets a literal AWS key.

    ## What it finds
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN`` (or another
    credential name) with a literal value in a container's environment: Kubernetes
    ``env: [{name, value}]``, Helm values ``env:`` maps, docker-compose ``environment:``
    (map or ``KEY=value`` list), ECS task definitions and CloudFormation/SAM/serverless
    function environments, Zappa ``aws_environment_variables``/``environment_variables``
    and Chalice ``environment_variables``.

    ## Why it is risky
    Manifests and compose files are committed, templated and copied between clusters;
    the key is readable by anyone who can read the manifest or ``describe`` the pod.

    ## Use instead
    The platform's role: IRSA or EKS Pod Identity on Kubernetes, a task role on ECS, the
    execution role on Lambda, and for local compose an SSO profile mounted read-only.

    ## Example
    Before: ``env: [{name: AWS_SECRET_ACCESS_KEY, value: wJal...}]`` in a Deployment.
    After: no AWS variables; ``serviceAccountName: app`` whose service account carries
    ``eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app``.
    """

    id = "RC307"
    name = "literal-aws-key-in-container-env"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value,
    # and claims the environment blocks of YAML and JSON files from RC301.
    supersedes = ("RC1", "RC301@env-block")
    confidence = Confidence.HIGH
    message = "Container/function environment sets `{name}` to {what}"
    recommendation = "Rotate the key ({key_id}) and use {alternative}."
    kinds = frozenset({DocKind.YAML, DocKind.JSON})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n"
            "  serviceAccountName: app\n  containers:\n    - name: app\n      image: app:1\n"
            "      env:\n        - name: AWS_SECRET_ACCESS_KEY\n          valueFrom:\n"
            "            secretKeyRef: {name: aws, key: secret}\n",
            "k8s/pod.yaml",
        ),
        Example(
            "services:\n  app:\n    environment:\n      - AWS_PROFILE=dev\n"
            "      - AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\n",
            "docker-compose.yml",
        ),
    )
    INVALID = (
        Example(  # a temporary key expires: a warning
            "services:\n  worker:\n    image: worker:latest\n    environment:\n"
            f"      - AWS_ACCESS_KEY_ID={FAKE_TEMP_KEY_ID}\n"
            f"      - AWS_SECRET_ACCESS_KEY={_SECRET}\n",
            "docker-compose.yml",
            line=6,
            severity=Severity.WARNING,
        ),
        Example(
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: app\n          env:\n"
            f'            - name: AWS_SECRET_ACCESS_KEY\n              value: "{_SECRET}"\n',
            "deploy/deployment.yaml",
            line=10,
            column=23,
        ),
        Example(
            "services:\n  worker:\n    image: worker:latest\n    environment:\n"
            f"      - AWS_ACCESS_KEY_ID={_ID}\n      - AWS_SECRET_ACCESS_KEY={_SECRET}\n",
            "docker-compose.yml",
            line=6,
            column=31,
        ),
        Example(
            '{"family": "web", "containerDefinitions": [{"name": "web", "environment": '
            f'[{{"name": "AWS_ACCESS_KEY_ID", "value": "{_ID}"}}]}}]}}',
            "ecs/taskdef.json",
            line=1,
            column=116,
        ),
        Example(f"env:\n  AWS_SECRET_ACCESS_KEY: {_SECRET}\n", "charts/app/values.yaml", line=2),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if is_github_workflow(doc) or is_gitlab_ci(doc):
            return  # RC304 / RC306
        if not may_hold_value(doc):
            return  # only literal values are reported: none here, no need to parse
        for root in tree_roots(doc):
            pairs: list[tuple[str, Entry]] = [
                # Keyed by the list's path, so an id and its secret group into one finding.
                (name, Entry((*path[:-1], name), v.value, v.start, v.end, literal=v.is_string))
                for path, name, v in name_value_pairs(root)
                if not v.tag
            ]
            pairs += [(e.key, e) for e in flatten(root) if in_env_block(e.path)]
            pairs += [(key, e) for _, key, e in env_list_items(root)]
            for hit in find_credentials(pairs, ctx):
                alternative = _alternative(doc, root, hit.entry.path)
                yield report(self, doc, hit, alternative=alternative)
