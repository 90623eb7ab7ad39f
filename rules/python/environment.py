"""Static credentials written into the process environment or a settings module
(RC207, RC208)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.python.analysis import (
    BOTO_KEYWORDS,
    ENVIRON_INVALID,
    ENVIRON_VALID,
    KEY_ID,
    PYTHON_KINDS,
    SECRET,
    findings,
)


class EnvironCredentialWrite(Rule):
    """Code writes static AWS credentials into the process environment.

    ## What it finds
    ``os.environ["AWS_SECRET_ACCESS_KEY"] = ...``, ``os.environ.update({...})``,
    ``os.environ.setdefault(...)``, ``os.environ |= {...}`` and ``os.putenv(...)`` for
    ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN``. Literal
    values are errors; values copied from configuration or other variables warnings.
    Exporting credentials from an STS response (``assume_role``) is not reported, nor is
    putting back the value a variable had before (a ``tearDown`` or ``finally`` restoring
    what was saved from ``os.environ``).

    ## Why it is risky
    The environment variables come first in the default credential chain, so the copied
    static key silently overrides the role the process runs with, for this process and
    every child it starts; a literal key is public to every reader of the repository.

    ## Use instead
    Do not set credentials in code: run the process with a role (instance profile, ECS
    task role, EKS Pod Identity or IRSA, Lambda role) and the chain needs no variables.
    For another account, set ``AWS_PROFILE`` to a profile with ``role_arn`` and
    ``credential_source`` (or call ``sts.assume_role``).

    ## Example
    Before: ``os.environ["AWS_ACCESS_KEY_ID"] = settings.AWS_KEY``
    After: nothing: the process runs with a role.
    """

    id = "RC207"
    name = "aws-credentials-written-to-environment"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "AWS credentials from {source} are written into the environment ({api}): {evidence}"
    recommendation = (
        "Do not put static keys into the environment from code: run with a role (instance "
        "profile, ECS task role, EKS Pod Identity or IRSA, Lambda role) so the default "
        "chain finds credentials on its own; for another account set AWS_PROFILE to a "
        "profile with role_arn and credential_source.{rotate}"
    )
    kinds = PYTHON_KINDS
    keywords = BOTO_KEYWORDS
    tags = ("aws", "python")
    VALID = (
        Example('import os\nos.environ["AWS_REGION"] = "eu-west-1"\n'),
        Example(
            "import os, boto3\n"
            'c = boto3.client("sts").assume_role(RoleArn=A, RoleSessionName="x")["Credentials"]\n'
            'os.environ["AWS_ACCESS_KEY_ID"] = c["AccessKeyId"]\n'
            'os.environ["AWS_SECRET_ACCESS_KEY"] = c["SecretAccessKey"]\n'
        ),
        Example('env = {}\nenv["AWS_ACCESS_KEY_ID"] = key\n'),
        *ENVIRON_VALID,
    )
    INVALID = (
        Example(
            f'import os\nos.environ["AWS_ACCESS_KEY_ID"] = "{KEY_ID}"\n'
            f'os.environ["AWS_SECRET_ACCESS_KEY"] = "{SECRET}"\n',
            count=2,
            line=2,
            severity=Severity.ERROR,
        ),
        Example(
            "from os import environ\nfrom django.conf import settings\n"
            'environ.update({"AWS_ACCESS_KEY_ID": settings.AWS_KEY,\n'
            '                "AWS_SECRET_ACCESS_KEY": settings.AWS_SECRET})\n',
            line=3,
            severity=Severity.WARNING,
        ),
        Example(
            f'import os as o\no.putenv("AWS_SECRET_ACCESS_KEY", "{SECRET}")\n',
            severity=Severity.ERROR,
        ),
        Example(
            f'import os\nos.environ.setdefault("AWS_SESSION_TOKEN", "{SECRET}")\n',
            severity=Severity.ERROR,
        ),
        *ENVIRON_INVALID,
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("environ",))


class SettingsStaticCredentials(Rule):
    """A settings module holds static AWS credentials for an SDK integration.

    ## What it finds
    ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (and the
    django-storages ``AWS_S3_*`` spellings) assigned at the top level of a settings
    module (a file named like ``settings``/``config``, or one that defines
    ``INSTALLED_APPS``) or in a ``...Config``/``...Settings`` class. django-storages,
    Flask extensions and similar integrations pass these to boto3. Literal secrets are
    errors (and the key id next to them); values read from the environment warnings.

    ## Why it is risky
    With these settings present the integration uses a long-lived IAM user key instead
    of the role the server runs with; a literal key in settings is public to everyone
    who can read the repository and its history.

    ## Use instead
    Delete the settings. django-storages' ``S3Storage`` (and boto3 underneath) then uses
    the default credential chain: give the web server a role (instance profile, ECS task
    role, EKS Pod Identity or IRSA). For another account, set ``AWS_S3_SESSION_PROFILE``
    (django-storages) or ``AWS_PROFILE`` to an AssumeRole profile.

    ## Example
    Before: ``AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY")`` in ``settings.py``
    After: the line removed; the server runs with a role.
    """

    id = "RC208"
    name = "settings-static-aws-credentials"
    severity = Severity.ERROR
    # Sees the SDK call: replaces the text rules' finding on the same literal key.
    supersedes = ("RC1",)
    confidence = Confidence.MEDIUM
    message = "Settings value {api} holds static AWS credentials from {source}: {evidence}"
    recommendation = (
        "Remove {api} from the settings: django-storages and boto3 fall back to the default "
        "credential chain, so give the server a role (instance profile, ECS task role, EKS "
        "Pod Identity or IRSA); for another account set AWS_S3_SESSION_PROFILE or "
        "AWS_PROFILE to an AssumeRole profile.{rotate}"
    )
    kinds = PYTHON_KINDS
    keywords = (*BOTO_KEYWORDS, "aws_s3_access_key_id", "aws_s3_secret_access_key")
    tags = ("aws", "python", "django")
    VALID = (
        Example(
            'AWS_STORAGE_BUCKET_NAME = "media"\nAWS_ACCESS_KEY_ID = None\n', filename="settings.py"
        ),
        Example(f'AWS_SECRET_ACCESS_KEY = "{SECRET}"\n', filename="app/upload.py"),
        Example('AWS_SECRET_ACCESS_KEY = ""\n', filename="settings.py"),
    )
    INVALID = (
        Example(
            f'INSTALLED_APPS = ["storages"]\nAWS_ACCESS_KEY_ID = "{KEY_ID}"\n'
            f'AWS_SECRET_ACCESS_KEY = "{SECRET}"\n',
            filename="mysite/base.py",
            count=2,
            line=2,
            severity=Severity.ERROR,
        ),
        Example(
            "import environ\nenv = environ.Env()\n"
            'AWS_S3_ACCESS_KEY_ID = env("AWS_S3_ACCESS_KEY_ID")\n'
            'AWS_S3_SECRET_ACCESS_KEY = env.str("AWS_S3_SECRET_ACCESS_KEY")\n',
            filename="mysite/settings/production.py",
            count=2,
            severity=Severity.WARNING,
        ),
        Example(
            "import os\nclass ProductionConfig:\n"
            '    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY")\n',
            filename="app/__init__.py",
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        yield from findings(self, doc, ctx, ("settings",))
