"""Credential-named keys bound to literal values in configuration files (RC301)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry, MapNode, Scalar, scalar_text
from rolecall.rules.config.places import (
    ci_oidc_alternative,
    cli_output_alternative,
    config_entries,
    in_claimed_place,
    may_hold_value,
    tree_roots,
)
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    FAKE_TOKEN,
    binding_name,
    find_credentials,
    report,
)

_ID, _TMP_ID, _SECRET, _TOKEN = FAKE_KEY_ID, FAKE_TEMP_KEY_ID, FAKE_SECRET, FAKE_TOKEN

_ALTERNATIVES = {
    DocKind.ENV: "an IAM Identity Center (SSO) profile locally (`aws configure sso`, then "
    "AWS_PROFILE=<profile>) and the workload's role when deployed (instance profile, ECS "
    "task role, EKS Pod Identity/IRSA, Lambda execution role)",
    DocKind.TERRAFORM: "no key in Terraform at all: run Terraform with role credentials "
    "from the environment (SSO locally, OIDC in CI) and give the provider an "
    "`assume_role { role_arn = ... }` block",
}
_DEFAULT_ALTERNATIVE = (
    "the default SDK credential provider chain with the workload's role (instance "
    "profile, ECS task role, EKS Pod Identity/IRSA, Lambda execution role; SSO locally); "
    "if a credential must be configured, a reference to a secret store instead of a value"
)


class LiteralCredentialInConfig(Rule):
    """A credential-named configuration key holds a literal AWS credential.

    ## What it finds
    A key such as ``AWS_SECRET_ACCESS_KEY``, ``aws_secret_access_key``, ``secretAccessKey``,
    ``aws_access_key_id`` or ``aws_session_token`` bound to a literal value of the right
    shape in a ``.env``, INI, YAML, JSON, TOML or Terraform/HCL file. Beside an access key
    id (same section, map or object) a secret-key-shaped value or an STS token is
    reported whatever its name (ODBC ``UID=``/``PWD=``, ``MY_SECRET``). An access key id
    and its secret in the same section are one finding, at the secret. References
    (``${VAR}``, ``$VAR``, ``!Ref``, ``{{resolve:...}}``, secret-store ARNs, Vault/SOPS),
    empty values, placeholders and AWS's documented example keys are not reported. Places
    with their own rule (workflows, GitLab CI, AWS shared files, container environments,
    Terraform providers) are left to that rule.

    ## Why it is risky
    A committed secret key is in every clone and in the history; with the key id it
    gives the IAM user's permissions to anyone who reads the repository, until somebody
    deactivates it. Session tokens expire, but must not be committed either.

    ## Use instead
    No stored key: the default credential provider chain with the workload's role, an
    SSO profile locally, OIDC in CI. Rotate (deactivate, then delete) the committed key.

    ## Example
    Before (``.env``): ``AWS_SECRET_ACCESS_KEY=wJal...`` next to ``AWS_ACCESS_KEY_ID=AKIA...``.
    After: both lines removed; locally ``AWS_PROFILE=dev-sso``, deployed the task role.
    """

    id = "RC301"
    name = "literal-credential-in-config"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "`{name}` holds {what} as a literal value"
    recommendation = (
        "Remove the value and rotate the key (aws iam update-access-key --access-key-id "
        "{key_id} --status Inactive, then delete it). Use {alternative}."
    )
    kinds = frozenset(
        {DocKind.ENV, DocKind.INI, DocKind.YAML, DocKind.JSON, DocKind.TOML, DocKind.TERRAFORM}
    )
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example("AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\nAWS_SECRET_ACCESS_KEY=\n", ".env"),
        Example("SECRET_KEY=" + _SECRET[:30] + "-django!\nAWS_REGION=eu-west-1\n", ".env"),
        Example("aws:\n  secretAccessKey: !Ref SecretParam\n", "serverless.yml"),
        Example('{"secretAccessKey": "{{resolve:secretsmanager:ci/aws:SecretString}}"}', "a.json"),
        Example('[s3]\nsecret_key = "YOUR_SECRET_KEY"\n', "settings.toml"),
        Example("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY\n", ".env"),
        Example('variable "aws_secret_key" {\n  type = string\n}\n', "variables.tf"),
    )
    INVALID = (
        Example(
            f"AWS_ACCESS_KEY_ID={_ID}\nexport AWS_SECRET_ACCESS_KEY='{_SECRET}'\n",
            ".env.production",
            line=2,
            column=31,
            severity=Severity.ERROR,
        ),
        Example(f"AWS_ACCESS_KEY_ID={_ID}\n", "config/app.env", line=1, column=19),
        Example(
            f"[AthenaProd]\nAuthenticationType=IAM Credentials\nUID={_ID}\nPWD={_SECRET}\n",
            "config/athena-dsn.ini",
            line=4,
            column=5,
        ),
        Example(f"[aws]\nsession_token = {_TOKEN}\n", "app.ini", severity=Severity.WARNING),
        Example(
            f'storage:\n  s3:\n    accessKeyId: "{_ID}"\n    secretAccessKey: "{_SECRET}"\n',
            "config/storage.yaml",
            line=4,
            column=23,
        ),
        Example(
            '{"aws":{"accessKeyId":"' + _TMP_ID + '","region":"us-east-1"}}',
            "settings.json",
            line=1,
            column=24,
            severity=Severity.WARNING,
        ),
        Example(f'[tool.deploy]\naws_secret_access_key = "{_SECRET}"\n', "pyproject.toml", line=2),
        Example(
            f'variable "aws_secret_key" {{\n  default = "{_SECRET}"\n}}\n',
            "variables.tf",
            line=2,
            column=14,
        ),
        Example(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: backup\ndata:\n"
            f"  aws_secret_access_key: {base64.b64encode(_SECRET.encode()).decode()}\n",
            "k8s/backup-secret.yaml",
            line=6,
            column=26,
        ),
        Example(
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY\n",
            ".env",
            severity=Severity.NOTE,
            options={"report_examples": True},
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not may_hold_value(doc):
            return  # no value anywhere could be a credential: no need to parse the file
        entries = config_entries(doc)
        # Places that a place-specific rule claims (supersedes "RC301@<place>"): its own.
        claimed = in_claimed_place(doc, ctx.claimed(self.id))
        owned = {e.start for e in entries if claimed(e)}
        # A YAML anchor used in a container env block is that block's (RC307), also
        # where the anchor is defined: one value, one finding.
        pairs = [(binding_name(e), e) for e in entries if e.start not in owned]
        pairs += _kubernetes_secret_data(doc)
        alternative = (
            ci_oidc_alternative(doc)
            or cli_output_alternative(doc)
            or _ALTERNATIVES.get(doc.kind, _DEFAULT_ALTERNATIVE)
        )
        for hit in find_credentials(pairs, ctx):
            yield report(self, doc, hit, alternative=alternative)


def _kubernetes_secret_data(doc: Document) -> list[tuple[str, Entry]]:
    """Base64-decoded ``data:`` values of Kubernetes Secrets, at the encoded value."""
    found: list[tuple[str, Entry]] = []
    for root in tree_roots(doc):
        if not (isinstance(root, MapNode) and scalar_text(root.get("kind")) == "Secret"):
            continue
        data = root.get("data")
        for key, node in data.items if isinstance(data, MapNode) else ():
            if isinstance(node, Scalar):
                try:
                    value = base64.b64decode(node.value, validate=True).decode("utf-8").strip()
                except ValueError:  # binascii.Error, UnicodeDecodeError, or not ASCII
                    continue
                found.append((key.value, Entry(("data", key.value), value, node.start, node.end)))
    return found
