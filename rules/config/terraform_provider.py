"""Static keys in Terraform AWS providers and S3 backends (RC309)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry
from rolecall.rules.config.places import credential_block
from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_SECRET, find_credentials, report

_ID, _SECRET = FAKE_KEY_ID, FAKE_SECRET
#: Terraform attribute -> the AWS name it holds, so the credential policy applies.
_PROVIDER_KEYS = {
    "access_key": "aws_access_key_id",
    "secret_key": "aws_secret_access_key",
    "token": "aws_session_token",
}


def _provider_blocks(doc: Document) -> Iterator[tuple[str, tuple[Entry, ...]]]:
    """(block description, its credential attributes) of aws providers and s3 backends."""
    from rolecall.plugin.api import HCL_VIEW

    blocks: dict[tuple[str, ...], list[Entry]] = {}
    for e in doc.view(HCL_VIEW).entries:
        if e.key in _PROVIDER_KEYS and credential_block(e.path):
            blocks.setdefault(e.path[:-1], []).append(e)
    for head, found in blocks.items():
        if head[0] == "provider":
            block = 'provider "aws"'
        elif head[0] == "terraform":
            block = 'backend "s3"'
        else:
            block = f'data "terraform_remote_state" "{head[2]}" config'
        yield block, tuple(found)


class StaticKeysInTerraformProvider(Rule):
    """A Terraform AWS provider or S3 backend is configured with static keys.

    ## What it finds
    ``access_key``, ``secret_key`` or ``token`` in a ``provider "aws"`` block, a
    ``backend "s3"`` block or the ``config`` of an S3 ``terraform_remote_state``: a
    literal key is an error; keys passed from variables or locals are a warning (one per
    block), since the configuration still requires an IAM user's keys.

    ## Why it is risky
    Literal keys are in the repository and in every plan output; variables holding keys
    end up in ``*.tfvars`` files, CI secrets and state. Terraform usually runs with broad
    permissions, which makes its keys the most valuable ones to steal.

    ## Use instead
    No keys in the configuration: Terraform reads credentials from the environment like
    any SDK (an SSO profile locally, OIDC federation in CI), and an ``assume_role`` block
    (backend: ``assume_role = { role_arn = ... }``) switches to the deployment role.

    ## Example
    Before: ``provider "aws" { access_key = var.access_key  secret_key = var.secret_key }``.
    After: ``provider "aws" { region = "eu-west-1"  assume_role { role_arn =
    "arn:aws:iam::111122223333:role/terraform" } }``, run with role credentials.
    """

    id = "RC309"
    name = "static-keys-in-terraform-provider"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value,
    # and claims aws providers, s3 backends and remote state configs from RC301.
    supersedes = ("RC1", "RC301@terraform-credential-block")
    confidence = Confidence.HIGH
    message = "Terraform {block} is configured with {what}"
    recommendation = (
        "Remove access_key/secret_key/token and rotate the key ({key_id}). Run Terraform with "
        "credentials from the environment (an SSO profile locally; OIDC in CI: "
        "configure-aws-credentials `role-to-assume`, GitLab `id_tokens`), and switch roles "
        'with `assume_role {{ role_arn = "arn:aws:iam::<account>:role/<role>" }}`.'
    )
    kinds = frozenset({DocKind.TERRAFORM})
    keywords = ("access_key", "secret_key", "token")
    VALID = (
        Example(
            'provider "aws" {\n  region = "eu-west-1"\n  assume_role {\n'
            '    role_arn = "arn:aws:iam::111122223333:role/terraform"\n  }\n}\n',
            "main.tf",
        ),
        Example('variable "token" {\n  type = string\n}\n', "variables.tf"),
    )
    INVALID = (
        Example(
            f'provider "aws" {{\n  region     = "us-east-1"\n  access_key = "{_ID}"\n'
            f'  secret_key = "{_SECRET}"\n}}\n',
            "providers.tf",
            line=4,
            column=17,
        ),
        Example(
            'terraform {\n  backend "s3" {\n    bucket     = "tf-state"\n'
            "    access_key = var.state_access_key\n    secret_key = var.state_secret_key\n"
            "  }\n}\n",
            "backend.tf",
            line=4,
            column=18,
            severity=Severity.WARNING,
        ),
        Example(
            'data "terraform_remote_state" "network" {\n  backend = "s3"\n  config = {\n'
            f'    bucket     = "tf-state"\n    access_key = "{_ID}"\n  }}\n}}\n',
            "remote.tf",
            line=5,
            column=19,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for block, attrs in _provider_blocks(doc):
            pairs = [(_PROVIDER_KEYS[e.key], e) for e in attrs]
            hits = find_credentials(pairs, ctx)
            for hit in hits:
                yield report(self, doc, hit, block=block)
            refs = [e for e in attrs if not e.literal]
            if refs and not hits:
                e = refs[0]
                yield self.finding(
                    doc,
                    e.start,
                    e.end,
                    material=f"{block}:{e.key}:{e.value}",
                    evidence=e.value,
                    severity=Severity.WARNING,
                    block=block,
                    what=f"static keys passed in ({e.key} = {e.value})",
                    key_id=f"behind {e.value}",
                )
