"""Credential-named keys bound to literal values in configuration files (RC301, RC302)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.config_support import (
    AWS_SHARED_KEYS,
    CREDENTIAL_WORDS,
    binding_name,
    config_entries,
    find_credentials,
    is_aws_shared_file,
    owned_elsewhere,
    report,
)

# Fakes built by concatenation so this file holds no key-shaped text.
_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
_TMP_ID = "ASIA" + "Q3ZR7HVTX2M4WYLB"
_SECRET = "q9Lr2vXb" + "T7mK4pZc1NwY8sHd0FgJ" + "6aUe3RiO"
_TOKEN = "IQoJb3JpZ2lu" + "X2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ" * 4

_ALTERNATIVES = {
    DocKind.ENV: "locally, an IAM Identity Center (SSO) profile (`aws configure sso`, then "
    "AWS_PROFILE=<profile>); deployed, the workload's role (instance profile, ECS task "
    "role, EKS Pod Identity/IRSA, Lambda execution role)",
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
    shape in a ``.env``, INI, YAML, JSON, TOML or Terraform/HCL file. An access key id and
    its secret in the same section are one finding, at the secret. References
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
        Example("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", ".env"),
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
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
            ".env",
            severity=Severity.NOTE,
            options={"report_examples": True},
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        entries = config_entries(doc)
        pairs = [(binding_name(e), e) for e in entries if not owned_elsewhere(doc, e)]
        alternative = _ALTERNATIVES.get(doc.kind, _DEFAULT_ALTERNATIVE)
        for hit in find_credentials(pairs, ctx):
            yield report(self, doc, hit, alternative=alternative)


class AwsSharedCredentialsFile(Rule):
    """A committed AWS shared credentials/config file holds static keys.

    ## What it finds
    ``aws_access_key_id``, ``aws_secret_access_key`` or ``aws_session_token`` with a
    literal value in a profile of an AWS shared ``credentials``/``config`` file (an
    ``.aws/`` folder, a file named ``credentials``/``config`` in that format, or any INI
    file using those keys). One finding per key pair, at the secret.

    ## Why it is risky
    The file is the AWS CLI's key store: a committed copy hands the profile's long-term
    IAM user keys to everyone with the repository, and they never expire.

    ## Use instead
    Profiles that hold no secret: ``role_arn`` with ``source_profile`` or
    ``credential_source = Ec2InstanceMetadata | EcsContainer | Environment``, or an IAM
    Identity Center profile (``sso_session``, ``sso_account_id``, ``sso_role_name``).
    Keep ``~/.aws/`` out of the repository.

    ## Example
    Before: ``[profile deploy]`` with ``aws_access_key_id``/``aws_secret_access_key``.
    After: ``[profile deploy]`` with ``sso_session = corp``, ``sso_account_id = 111122223333``
    and ``sso_role_name = Deployer``; or ``role_arn = arn:aws:iam::111122223333:role/Deployer``
    with ``source_profile = corp-sso``.
    """

    id = "RC302"
    name = "aws-shared-credentials-file"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Profile [{profile}] of an AWS shared credentials file holds {what}"
    recommendation = (
        "Rotate the key ({key_id}) and replace the profile with one that holds no secret: "
        "`sso_session`/`sso_account_id`/`sso_role_name` (IAM Identity Center), or "
        "`role_arn` with `source_profile` or `credential_source`; never commit ~/.aws/."
    )
    kinds = frozenset({DocKind.INI})
    keywords = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
    VALID = (
        Example(
            "[profile deploy]\nsso_session = corp\nsso_account_id = 111122223333\n"
            "sso_role_name = Deployer\nregion = eu-west-1\n",
            ".aws/config",
        ),
        Example(
            "[default]\nrole_arn = arn:aws:iam::111122223333:role/ci\n"
            "credential_source = Ec2InstanceMetadata\n",
            ".aws/config",
        ),
        Example("[default]\naws_access_key_id =\naws_secret_access_key =\n", ".aws/credentials"),
    )
    INVALID = (
        Example(
            f"[default]\naws_access_key_id = {_ID}\naws_secret_access_key = {_SECRET}\n",
            ".aws/credentials",
            line=3,
            column=25,
        ),
        Example(
            f"[default]\nregion = us-east-1\n\n[profile ci]\naws_access_key_id={_TMP_ID}\n"
            f"aws_secret_access_key={_SECRET}\naws_session_token={_TOKEN}\n",
            "deploy/aws/config",
            count=2,
            line=6,
        ),
        Example(f"[prod]\naws_secret_access_key = {_SECRET}\n", "ops/aws-creds.ini", line=2),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        shared = is_aws_shared_file(doc)
        pairs = [
            (e.key, e) for e in config_entries(doc) if shared or e.key.lower() in AWS_SHARED_KEYS
        ]
        for hit in find_credentials(pairs, ctx):
            profile = hit.entry.path[0] if len(hit.entry.path) > 1 else "default"
            yield report(self, doc, hit, profile=profile)
