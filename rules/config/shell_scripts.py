"""AWS credentials set by shell commands: scripts and notebook shell lines (RC312)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import script_language
from rolecall.rules.config.places import (
    ci_oidc_alternative,
    is_github_workflow,
    is_gitlab_ci,
    yaml_scripts,
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


class AwsCredentialsSetByShellCommand(Rule):
    """A shell script or notebook shell command sets a literal AWS credential.

    ## What it finds
    ``export AWS_SECRET_ACCESS_KEY=...``, ``AWS_ACCESS_KEY_ID=... command`` and
    ``aws configure set aws_secret_access_key ...`` with a literal value in shell scripts
    (``*.sh``, ``.envrc``, scripts with a shell ``#!`` line) and in Jupyter notebooks
    (``%env NAME=value``, ``!`` lines, ``%%bash`` cells) and in the script keys of CI
    files and manifests (``script:``, ``run:``, ``command:``... of Bitbucket, CircleCI,
    Travis, Azure Pipelines, cloud-init ``runcmd``, Kubernetes; GitHub and GitLab have
    RC304/RC306). Also PowerShell (``$env:AWS_SECRET_ACCESS_KEY = ...``,
    ``[Environment]::SetEnvironmentVariable``, ``Set-AWSCredential -AccessKey ...
    -SecretKey ...``, ``Initialize-AWSDefaultConfiguration``), Windows batch files (``set``,
    ``setx``) and Makefiles (``export AWS_SECRET_ACCESS_KEY := ...``, ``?=``, recipes).
    Values taken from variables, command substitutions or secret stores are not reported.

    ## Why it is risky
    Deployment and setup scripts are shared and copied; a key in one is a key for
    everyone with the repository, and ``aws configure set`` also writes it to
    ``~/.aws/credentials`` on every machine that runs the script.

    ## Use instead
    Let the script run with whatever role credentials its environment provides (the
    default provider chain): an SSO profile locally (``aws sso login --profile dev``),
    the instance/task role on AWS, OIDC in CI. For another account, ``aws sts
    assume-role`` or a profile with ``role_arn``.

    ## Example
    Before: ``export AWS_SECRET_ACCESS_KEY=wJal...`` at the top of ``deploy.sh``.
    After: no AWS variables; ``deploy.sh`` documents ``AWS_PROFILE=deploy`` (an SSO or
    ``role_arn`` profile) and calls ``aws`` as is.
    """

    id = "RC312"
    name = "aws-credentials-set-by-shell-command"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "Shell command sets `{name}` to {what}"
    recommendation = (
        "Rotate the key ({key_id}) and remove it: run the script with role credentials from "
        "the default provider chain (AWS_PROFILE pointing at an SSO or role_arn profile "
        "locally, the instance/task role on AWS, OIDC in CI)."
    )
    kinds = frozenset({DocKind.SHELL, DocKind.NOTEBOOK, DocKind.YAML, DocKind.TEXT})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(
            '$env:AWS_PROFILE = "deploy-sso"\nSet-AWSCredential -ProfileName deploy-sso\n', "a.ps1"
        ),
        Example("set AWS_SECRET_ACCESS_KEY=%VAULT_SECRET%\r\n", "env.cmd"),
        Example(
            "AWS_SECRET_ACCESS_KEY ?= $(shell vault kv get -field=secret aws/ci)\n", "Makefile"
        ),
        Example(
            "#!/bin/sh\nset -eu\nexport AWS_PROFILE=deploy\n"
            'export AWS_SECRET_ACCESS_KEY="$(vault kv get -field=secret aws/deploy)"\n'
            "aws s3 sync dist/ s3://example-bucket/\n",
            "scripts/deploy.sh",
        ),
        Example('aws configure set aws_secret_access_key "$SECRET" --profile ci\n', "ci/setup.sh"),
    )
    INVALID = (
        Example(  # a temporary key expires: a warning
            f"#!/bin/sh\nexport AWS_ACCESS_KEY_ID={FAKE_TEMP_KEY_ID}\n"
            f"export AWS_SECRET_ACCESS_KEY={_SECRET}\n",
            "deploy.sh",
            line=3,
            severity=Severity.WARNING,
        ),
        Example(
            f"Import-Module AWS.Tools.Common\nSet-AWSCredential -AccessKey {_ID} "
            f"-SecretKey {_SECRET} -StoreAs deploy\n",
            "scripts/setup.ps1",
            line=2,
            column=62,
        ),
        Example(
            f'$env:AWS_ACCESS_KEY_ID = "{_ID}"\r\n$env:AWS_SECRET_ACCESS_KEY = "{_SECRET}"\r\n',
            "deploy.ps1",
            line=2,
        ),
        Example(
            f"@echo off\r\nset AWS_ACCESS_KEY_ID={_ID}\r\n"
            f'set "AWS_SECRET_ACCESS_KEY={_SECRET}"\r\n',
            "env.bat",
            line=3,
            column=28,
        ),
        Example(
            f"export AWS_ACCESS_KEY_ID := {_ID}\nexport AWS_SECRET_ACCESS_KEY ?= {_SECRET}\n"
            "deploy:\n\taws s3 sync build/ s3://example-site/\n",
            "Makefile",
            line=2,
            column=33,
        ),
        Example(
            f"#!/usr/bin/env bash\nset -euo pipefail\nexport AWS_ACCESS_KEY_ID={_ID}\n"
            f'export AWS_SECRET_ACCESS_KEY="{_SECRET}"\naws s3 sync dist/ s3://example-bucket/\n',
            "scripts/deploy.sh",
            line=4,
            column=31,
        ),
        Example(
            f"aws configure set aws_secret_access_key {_SECRET} --profile ci\n",
            "ci/setup.sh",
            column=41,
        ),
        Example(f"export AWS_ACCESS_KEY_ID={_ID}\n", ".envrc", column=26),
        Example(
            "pipelines:\n  default:\n    - step:\n        script:\n"
            f"          - export AWS_SECRET_ACCESS_KEY={_SECRET}\n          - aws s3 ls\n",
            "bitbucket-pipelines.yml",
            line=5,
            column=42,
        ),
        Example(
            '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": '
            f'["%env AWS_ACCESS_KEY_ID={_ID}\\n", "%env AWS_SECRET_ACCESS_KEY={_SECRET}\\n",'
            ' "import boto3"]}], "nbformat": 4, "nbformat_minor": 5}',
            "analysis.ipynb",
            column=153,
        ),
    )

    def applies_to(self, doc: Document) -> bool:
        if doc.kind is DocKind.TEXT:
            return script_language(doc.path) is not None  # PowerShell, cmd, Make
        return super().applies_to(doc)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        from rolecall.plugin.api import SHELL_VIEW

        if doc.kind is DocKind.TEXT:
            yield from self._windows_or_make(doc, ctx)
            return
        if DocKind.NOTEBOOK in doc.kinds:
            from rolecall.plugin.api import NOTEBOOK_SHELL_VIEW

            entries = doc.view(NOTEBOOK_SHELL_VIEW).entries
        elif DocKind.YAML in doc.kinds:
            if is_github_workflow(doc) or is_gitlab_ci(doc):
                return  # RC304 / RC306 read their scripts
            entries = tuple(yaml_scripts(doc))
        else:
            entries = doc.view(SHELL_VIEW).entries
        ci = ci_oidc_alternative(doc)
        advice = None if ci is None else f"Rotate the key ({{key_id}}) and use {ci}."
        for hit in find_credentials([(e.key, e) for e in entries], ctx):
            yield report(self, doc, hit, recommendation=advice)

    def _windows_or_make(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        from rolecall.plugin.api import script_entries

        language = script_language(doc.path)
        if language is None:
            return
        advice = _POWERSHELL_ADVICE if language == "powershell" else None
        entries = script_entries(language, doc.text)
        for hit in find_credentials([(e.key, e) for e in entries], ctx):
            yield report(self, doc, hit, recommendation=advice)


_POWERSHELL_ADVICE = (
    "Rotate the key ({key_id}) and store none: `Set-AWSCredential -ProfileName <profile>` "
    "with an IAM Identity Center (SSO) profile made by `aws configure sso` (the AWS Tools "
    "read SSO profiles from the shared config), the instance or task role when the script "
    "runs on AWS, OIDC in CI."
)
