"""AWS access key ids in any text (RC101-RC103), reported with their secret when paired."""

from __future__ import annotations

from rolecall import Confidence, Example, Severity
from rolecall.rules.aws import examples as ex
from rolecall.rules.aws.base import CHAIN, LOOKUP, PAIR, KeyIdRule


class LongTermAccessKeyId(KeyIdRule):
    """A long-term IAM user access key id (AKIA...) is embedded in the file.

    ## What it finds
    An access key id that starts with ``AKIA``: the id half of a long-term IAM user key,
    valid until somebody deactivates it. When its secret access key is nearby (a named
    secret within five lines; any secret-shaped value, whatever its name, within three
    lines or within eight in the same block: a record, object, row or section), both
    are one finding with high confidence. The message
    names the AWS account decoded offline from new-generation ids (fifth character Q-Z or
    2-7); old-generation ids (A-P) encode none ("account not encoded"). Every id of the
    shape is reported: one whose encoded account has more than 12 digits cannot have been
    issued by AWS and is reported one severity lower, with that reason in the message.

    ## Why it is risky
    Long-term keys never expire. Once committed they live in every clone and in the
    history; with the secret they grant the user's permissions to anyone who reads it.

    ## Use instead
    Deactivate and delete the key, check CloudTrail for its use, and let the SDK's
    default credential provider chain find short-lived role credentials: an instance
    profile, an ECS task role, EKS Pod Identity or IRSA, a Lambda execution role, an
    IAM Identity Center (SSO) profile locally, OIDC federation (``role-to-assume``) in CI.

    ## Example
    Before: ``AWS_ACCESS_KEY_ID=AKIA...`` and ``AWS_SECRET_ACCESS_KEY=...`` in a
    committed ``.env`` file. After: no key in the repository; the workload runs with a
    role and ``boto3.client("s3")`` finds its credentials on its own.
    """

    id = "RC101"
    name = "aws-long-term-access-key-id"
    severity = Severity.ERROR
    confidence = Confidence.MEDIUM
    prefixes = ("AKIA",)
    message = "Long-term AWS access key id {key_id} ({account}) is embedded in the file"
    pair_message = message.replace(" is embedded", PAIR + " are embedded")
    recommendation = (
        "Deactivate the key now: aws iam update-access-key --access-key-id {key_id} "
        "--status Inactive (add --user-name <user> for another user's key). Check its use: "
        + LOOKUP
        + ". Then delete it: aws iam delete-access-key --access-key-id {key_id}. "
        + CHAIN
    )
    keywords = ("AKIA",)
    tags = ("aws", "credentials")
    VALID = (
        *ex.HARD_NEGATIVES,
        Example(f"key = '{ex.EXAMPLE_ID}'\n", options={"report_examples": False}),
    )
    INVALID = (
        Example(f"key = '{ex.AKIA}'\n", line=1, column=8, severity=Severity.ERROR),
        Example(f"AWS_ACCESS_KEY_ID={ex.AKIA}\r\nAWS_SECRET_ACCESS_KEY={ex.SECRET}\r\n", ".env"),
        Example(f'creds = BasicAWSCredentials("{ex.AKIA}",\n    "{ex.SECRET}")\n', "A.java"),
        Example(f'{{"a":[1,2],"k":"{ex.AKIA}","s":"{ex.SECRET}","b":{{}}}}', "min.json"),
        Example(f'legacy = "{ex.AKIA_LEGACY}"\n', "old.py", line=1, column=11),
        Example(f"key_id: {ex.AKIA_OLD_C}\n", "deploy.yml", line=1, severity=Severity.ERROR),
        Example(f"KEY={ex.AKIA_IMPOSSIBLE}\n", ".env", severity=Severity.WARNING),
        Example(f"# Setup\n\n```sh\nexport AWS_ACCESS_KEY_ID={ex.AKIA}\n```\n", "README.md"),
        Example(f"GET https://b.s3.amazonaws.com/k?X-Amz-Credential={ex.AKIA}%2F2024\n", "a.log"),
        Example(f'msg = "line\\n{ex.AKIA}"\n', line=1, column=14),
        Example(f"ids:\n  - {ex.AKIA}\n  - {ex.AKIA_2}\n", "ids.yaml", count=2, line=2),
        # Paired by position: a plist's key/string elements, PWD= after UID= in a DSN.
        Example(
            f"<dict>\n\t<key>AccessKey</key>\n\t<string>{ex.AKIA}</string>\n"
            "\t<key>Region</key>\n\t<string>us-east-1</string>\n"
            f"\t<key>Secret</key>\n\t<string>{ex.SECRET}</string>\n</dict>\n",
            "Upload.plist",
            line=3,
        ),
        Example(f"[athena]\nAwsRegion=us-west-2\nUID={ex.AKIA}\nPWD={ex.SECRET}\n", "odbc.ini"),
        Example(
            f"key = '{ex.EXAMPLE_ID}'\n", severity=Severity.NOTE, options={"report_examples": True}
        ),
    )


class TemporaryAccessKeyId(KeyIdRule):
    """A temporary STS access key id (ASIA...) is embedded in the file.

    ## What it finds
    An access key id that starts with ``ASIA``: the id of temporary credentials issued by
    STS (AssumeRole, GetSessionToken, SSO, instance and task roles). Paired with its
    secret when one is nearby; the session token is RC105's.

    ## Why it is risky
    Temporary credentials expire (after an hour up to 36 hours), but until then they
    work for anyone. Committing them means a process wrote STS output into a file, which
    tends to be repeated and to leak the next, still valid, set.

    ## Use instead
    Do not copy STS output into files. Let the SDK assume the role itself (a profile with
    ``role_arn`` and ``source_profile`` or ``credential_source``, or the default provider
    chain on a workload with a role); in CI use OIDC federation. If the credentials may
    still be valid, revoke the role's active sessions.

    ## Example
    Before: the JSON from ``aws sts assume-role`` saved as ``creds.json``. After:
    ``[profile deploy]`` with ``role_arn = arn:aws:iam::123456789012:role/deploy`` and
    ``source_profile = sso``; ``boto3.Session(profile_name="deploy")``.
    """

    id = "RC102"
    name = "aws-temporary-access-key-id"
    severity = Severity.WARNING
    confidence = Confidence.MEDIUM
    prefixes = ("ASIA",)
    message = "Temporary AWS access key id {key_id} ({account}) is embedded in the file"
    pair_message = message.replace(" is embedded", PAIR + " are embedded")
    recommendation = (
        "Temporary keys cannot be deactivated with update-access-key: if {key_id} may still "
        "be valid, revoke the issuing role's active sessions (IAM console, Roles, Revoke "
        "active sessions); find the role with " + LOOKUP + ". Never store STS output; "
        "let the SDK assume the role (role_arn with source_profile or credential_source). " + CHAIN
    )
    keywords = ("ASIA",)
    tags = ("aws", "credentials")
    VALID = (*ex.HARD_NEGATIVES, Example("tz = 'Asia/Tokyo'\nASIA = 'asia-pacific'\n"))
    INVALID = (
        Example(f"AWS_ACCESS_KEY_ID={ex.ASIA}\n", ".env", severity=Severity.WARNING),
        Example(
            f'{{"Credentials": {{"AccessKeyId": "{ex.ASIA}",\n'
            f'  "SecretAccessKey": "{ex.SECRET}",\n  "SessionToken": "{ex.TOKEN}"}}}}\n',
            "creds.json",
        ),
        Example(f"https://b.s3.amazonaws.com/k?X-Amz-Credential={ex.ASIA}%2F20240101", "u.txt"),
    )


class OtherCredentialKeyId(KeyIdRule):
    """A service bearer token id (ABIA...) or context-specific credential id (ACCA...).

    ## What it finds
    Key ids with the ``ABIA`` prefix (an AWS STS service bearer token, as issued for
    services such as CodeArtifact) or ``ACCA`` (a context-specific credential). Both are
    short-lived credentials, reported at warning with their own classification.

    ## Why it is risky
    They are bearer credentials: whoever holds them, with their secret part, acts with
    the issuing principal's permissions until they expire.

    ## Use instead
    Fetch such credentials at run time from a role (for example ``aws codeartifact
    get-authorization-token`` in a CI job that assumed its role through OIDC) and keep
    them in memory or in the job's environment, never in a file.

    ## Example
    Before: a committed ``.npmrc`` or script holding the token. After: the CI job runs
    ``aws codeartifact login`` with role credentials at the start of every build.
    """

    id = "RC103"
    name = "aws-other-credential-key-id"
    severity = Severity.WARNING
    confidence = Confidence.MEDIUM
    prefixes = ("ABIA", "ACCA")
    message = "{kind} id {key_id} ({account}) is embedded in the file"
    pair_message = message.replace(" is embedded", PAIR + " are embedded")
    recommendation = (
        "The credential is short-lived; if {key_id} may still be valid, revoke the issuing "
        "role's sessions and find it with " + LOOKUP + ". Obtain such credentials at run "
        "time with a role (OIDC in CI) instead of storing them. " + CHAIN
    )
    keywords = ("ABIA", "ACCA")
    tags = ("aws", "credentials")
    VALID = (*ex.HARD_NEGATIVES, Example(f"abia = 'ABIA{ex.AKIA[4:].lower()}'\n"))
    INVALID = (
        Example(f"token_id = '{ex.ABIA}'\n", severity=Severity.WARNING),
        Example(f"ctx: {ex.ACCA}\n", "c.yaml", line=1, column=6),
    )
