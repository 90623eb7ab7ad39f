"""Static keys in committed AWS shared credentials/config files (RC302)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.config.places import (
    AWS_SHARED_KEYS,
    config_entries,
    is_aws_shared_file,
    tool_config,
)
from rolecall.rules.config.support import (
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    FAKE_TOKEN,
    find_credentials,
    report,
)

_ID, _TMP_ID, _SECRET, _TOKEN = FAKE_KEY_ID, FAKE_TEMP_KEY_ID, FAKE_SECRET, FAKE_TOKEN


class AwsSharedCredentialsFile(Rule):
    """A committed AWS shared credentials/config file holds static keys.

    ## What it finds
    ``aws_access_key_id``, ``aws_secret_access_key`` or ``aws_session_token`` with a
    literal value in a profile of an AWS shared ``credentials``/``config`` file (an
    ``.aws/`` folder, a file named ``credentials``/``config`` in that format, or any INI
    file using those keys). One finding per key pair, at the secret. Tools' own files
    that use the same keys (boto 2's ``.boto``) are RC313's.

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
    # Understands the file: replaces the text rules' finding on the same value,
    # and claims AWS shared files (and AWS key names in any INI file) from RC301.
    supersedes = ("RC1", "RC301@aws-shared-file")
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
            severity=Severity.WARNING,  # temporary credentials
        ),
        Example(f"[prod]\naws_secret_access_key = {_SECRET}\n", "ops/aws-creds.ini", line=2),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if tool_config(doc) is not None:
            return  # boto's [Credentials], s3cmd, ...: RC313 names the tool's alternative
        shared = is_aws_shared_file(doc)
        pairs = [
            (e.key, e) for e in config_entries(doc) if shared or e.key.lower() in AWS_SHARED_KEYS
        ]
        for hit in find_credentials(pairs, ctx):
            profile = hit.entry.path[0] if len(hit.entry.path) > 1 else "default"
            yield report(self, doc, hit, profile=profile)
