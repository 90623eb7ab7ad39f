"""Keys in tools' own configuration files and in database connection strings (RC313, RC314)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry
from rolecall.rules.config.places import config_entries, tool_config
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    FAKE_TOKEN,
    find_credentials,
    report,
)

_ID, _TMP_ID, _SECRET, _TOKEN = FAKE_KEY_ID, FAKE_TEMP_KEY_ID, FAKE_SECRET, FAKE_TOKEN

#: (tool as named in messages, the role-based way to configure it) by tool_config() key.
_TOOLS: dict[str, tuple[str, str]] = {
    "s3cmd": (
        "s3cmd",
        "leave `access_key`, `secret_key` and `access_token` out of .s3cfg: s3cmd then "
        "takes the environment's credentials and, on EC2, the instance role; locally export "
        "short-lived SSO credentials (`aws configure export-credentials --profile <sso> "
        "--format env`)",
    ),
    "rclone": (
        "rclone",
        "`env_auth = true` on the remote and no `access_key_id`/`secret_access_key`/"
        "`session_token`: rclone then uses the SDK's default chain (an SSO or role_arn "
        "profile via AWS_PROFILE or `profile =`, web identity, the ECS task or EC2 "
        "instance role)",
    ),
    "dvc": (
        "DVC",
        "no keys on the remote: DVC's S3 remote uses the default credential chain; name an "
        "SSO or role_arn profile with `dvc remote modify --local <remote> profile <name>`, "
        "or run with the instance/task role",
    ),
    "boto": (
        "boto 2",
        "no `[Credentials]` keys: boto 2 falls back to the EC2 instance role; better, move "
        "to boto3, whose default chain also reads SSO profiles, web identity and task roles",
    ),
    "s3fs": (
        "s3fs",
        "no password file: mount with the instance role (`-o iam_role=auto`) on EC2, or "
        "with a profile from ~/.aws (`-o profile=<name>`, an SSO or role_arn profile)",
    ),
    "odbc": (
        "the ODBC driver",
        "role-based authentication in the DSN instead of keys: for Athena "
        "`AuthenticationType=Default Credentials` (the default chain), `Instance Profile`, "
        "or `IAM Profile` with `AWSProfile=<sso or role_arn profile>`; for Redshift "
        "`IAM=1` with `Profile=<profile>` instead of AccessKeyID/SecretAccessKey",
    ),
}


class AwsKeysInToolConfig(Rule):
    """A tool's own configuration file holds AWS keys.

    ## What it finds
    Literal access keys, secret keys and session tokens in the files where S3 and
    database tools keep them: s3cmd ``.s3cfg`` (``access_key``, ``secret_key``,
    ``access_token``), rclone ``rclone.conf`` (``access_key_id``, ``secret_access_key``,
    ``session_token``), DVC ``.dvc/config`` and ``.dvc/config.local``, boto 2 ``.boto`` /
    ``boto.cfg`` (``[Credentials]``), s3fs ``.passwd-s3fs`` / ``passwd-s3fs``
    (``id:secret`` or ``bucket:id:secret`` lines) and ODBC DSNs in ``odbc.ini`` (Athena's
    ``UID``/``PWD``/``SessionToken``, Redshift's ``AccessKeyID``/``SecretAccessKey``).
    One finding per key pair, at the secret.

    ## Why it is risky
    These files are copied from a home directory into a repository, an image or a
    configuration-management role to make a tool work; the keys in them are long-lived
    IAM user keys that work for anyone who reads the file.

    ## Use instead
    Every one of these tools can take role credentials: rclone ``env_auth = true``, DVC
    and s3cmd the default chain, s3fs ``-o iam_role=auto``, the Athena ODBC driver
    ``AuthenticationType=Default Credentials``/``Instance Profile``/``IAM Profile``.

    ## Example
    Before (``rclone.conf``): ``access_key_id = AKIA...`` and ``secret_access_key = ...``.
    After: ``env_auth = true``; rclone runs with the instance role or an SSO profile.
    """

    id = "RC313"
    name = "aws-keys-in-tool-config"
    severity = Severity.ERROR
    # Understands the file: replaces the text rules' finding on the same value,
    # and claims the tools' own INI files from RC301.
    supersedes = ("RC1", "RC301@tool-config")
    confidence = Confidence.HIGH
    message = "{tool} configuration `{name}` holds {what}"
    recommendation = "Rotate the key ({key_id}) and remove it from the file; use {alternative}."
    kinds = frozenset({DocKind.INI, DocKind.TEXT})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example("[s3-role]\ntype = s3\nprovider = AWS\nenv_auth = true\n", "rclone.conf"),
        Example("[default]\naccess_key = \nsecret_key = \n", ".s3cfg"),
        Example("[Athena]\nAuthenticationType=IAM Profile\nAWSProfile=analyst-sso\n", "odbc.ini"),
        Example("# s3fs -o iam_role=auto is used instead\n", ".passwd-s3fs"),
    )
    INVALID = (
        Example(
            "[s3-backup]\ntype = s3\nprovider = AWS\n"
            f"access_key_id = {_ID}\nsecret_access_key = {_SECRET}\n",
            "rclone.conf",
            line=5,
            column=21,
        ),
        Example(
            f"['remote \"storage\"']\n    access_key_id = {_TMP_ID}\n"
            f"    secret_access_key = {_SECRET}\n    session_token = {_TOKEN}\n",
            ".dvc/config.local",
            count=2,
            line=3,
            severity=Severity.WARNING,
        ),
        Example(
            f"[Credentials]\naws_access_key_id = {_ID}\naws_secret_access_key = {_SECRET}\n",
            ".boto",
            line=3,
        ),
        Example(f"example-logs:{_ID}:{_SECRET}\n", "passwd-s3fs", column=35),
        Example(
            "[AthenaProd]\nDriver=Amazon Athena ODBC Driver\n"
            f"AuthenticationType=IAM Credentials\nUID={_ID}\nPWD={_SECRET}\n",
            "odbc.ini",
            line=5,
            column=5,
        ),
    )

    def applies_to(self, doc: Document) -> bool:
        # Only the tools' own files: the rule is never selected for other text or INI.
        return tool_config(doc) is not None and super().applies_to(doc)

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        tool = tool_config(doc)
        if tool is None:
            return
        if tool == "s3fs":
            from rolecall.plugin.api import s3fs_password_entries

            entries: tuple[Entry, ...] = s3fs_password_entries(doc.text)
        elif DocKind.INI in doc.kinds:
            entries = config_entries(doc)
        else:
            return  # a tool's INI file the INI view does not read (``s3cfg`` without a dot)
        label, alternative = _TOOLS[tool]
        for hit in find_credentials([(e.key, e) for e in entries], ctx):
            yield report(self, doc, hit, tool=label, alternative=alternative)


_ATHENA_ALTERNATIVE = (
    "the driver's role-based credentials instead of keys: Athena JDBC "
    "`CredentialsProvider=DefaultChain` (or `InstanceProfile`, or `ProfileCredentials` "
    "with `ProfileName=<sso or role_arn profile>`), Athena ODBC `AuthenticationType=Default "
    "Credentials`; Redshift `Profile=<profile>` or an identity-provider plugin"
)


class AwsKeysInConnectionString(Rule):
    """A JDBC URL or ODBC connection string carries AWS keys.

    ## What it finds
    Access keys, secret keys and session tokens written into Athena and Redshift
    connection strings, wherever the string is (properties, YAML, Java or Python code):
    ``jdbc:awsathena://...;User=AKIA...;Password=...`` (Athena JDBC 2.x), ``jdbc:athena://
    ...;AccessKeyId=...;SecretAccessKey=...;SessionToken=...`` (3.x),
    ``jdbc:redshift:iam://...;AccessKeyID=...;SecretAccessKey=...`` and one-line ODBC
    strings (``Driver=...;AuthenticationType=IAM Credentials;UID=...;PWD=...``).

    ## Why it is risky
    Connection strings are logged, shown in BI tools' settings and copied between
    projects; keys in them are long-lived IAM user keys that outlive the report.

    ## Use instead
    The drivers take role credentials: Athena JDBC ``CredentialsProvider=DefaultChain``
    (instance/task role, SSO profile), ``InstanceProfile`` or ``ProfileCredentials``;
    Athena ODBC ``AuthenticationType=Default Credentials``; Redshift ``Profile=`` or an
    identity-provider plugin.

    ## Example
    Before: ``jdbc:athena://Region=us-east-1;AccessKeyId=AKIA...;SecretAccessKey=...``.
    After: ``jdbc:athena://Region=us-east-1;CredentialsProvider=DefaultChain``.
    """

    id = "RC314"
    name = "aws-keys-in-connection-string"
    severity = Severity.ERROR
    # Understands the string: replaces the text rules' finding on the same value.
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "Connection string option `{name}` holds {what}"
    recommendation = "Rotate the key ({key_id}) and use {alternative}."
    kinds = None
    keywords = ("jdbc:awsathena", "jdbc:athena", "jdbc:redshift", "AuthenticationType=")
    VALID = (
        Example(
            'URL = "jdbc:athena://Region=us-east-1;WorkGroup=primary;'
            'CredentialsProvider=DefaultChain"\n',
            "report.py",
        ),
        Example(
            "url=jdbc:redshift:iam://examplecluster.abc123xyz789.us-west-2.redshift."
            "amazonaws.com:5439/dev;Profile=analytics\n",
            "app.properties",
        ),
        Example(
            "url=jdbc:redshift://examplecluster:5439/dev;User=report;Password="
            + _SECRET[:20]
            + "\n",
            "db.properties",
        ),
    )
    INVALID = (
        Example(
            "athena.url=jdbc:awsathena://AwsRegion=us-east-1;S3OutputLocation=s3://results/;"
            f"User={_ID};Password={_SECRET};\n",
            "connections.properties",
            column=115,
        ),
        Example(
            'String url = "jdbc:redshift:iam://examplecluster:5439/dev?'
            f'AccessKeyID={_ID}&SecretAccessKey={_SECRET}";\n',
            "Report.java",
        ),
        Example(
            'CONN = "Driver=Amazon Athena ODBC Driver;AwsRegion=us-west-2;'
            f'AuthenticationType=IAM Credentials;UID={_TMP_ID};PWD={_SECRET};"\n',
            "athena.py",
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        from rolecall.plugin.api import connection_entries

        entries = connection_entries(doc.text)
        for hit in find_credentials([(e.key, e) for e in entries], ctx):
            yield report(self, doc, hit, alternative=_ATHENA_ALTERNATIVE)
