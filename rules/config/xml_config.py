"""AWS keys in XML configuration: Jenkins, property lists, .NET and Java XML (RC322)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.rules.common.pairing import findings, locate
from rolecall.rules.config.places import may_hold_value
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    FAKE_TOKEN,
)

_ID, _TMP_ID, _SECRET, _TOKEN = FAKE_KEY_ID, FAKE_TEMP_KEY_ID, FAKE_SECRET, FAKE_TOKEN

_JENKINS = (
    "Jenkins without stored keys: run the controller and agents with an instance "
    "profile, ECS task role or IRSA/EKS Pod Identity, and give AWS credentials entries "
    "only an iamRoleArn to assume (or exchange a Jenkins OIDC token for a role)"
)
_DESKTOP = (
    "an IAM Identity Center (SSO) profile in ~/.aws/config that the client reads at "
    "connect time (Cyberduck: the S3 (Credentials from AWS Command Line Interface) "
    "profile connection), so the bookmark holds no key"
)
_DOTNET = (
    "the SDK's default credential provider chain (no AWSAccessKey/AWSSecretKey "
    "settings): the workload's role when deployed (instance profile, ECS task role, "
    "EKS Pod Identity/IRSA, Lambda execution role) and an SSO profile locally"
)


def _plist(pairs: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        f'<plist version="1.0">\n<dict>\n{pairs}</dict>\n</plist>\n'
    )


class AwsKeysInXmlConfig(Rule):
    """An XML configuration file or property list holds AWS keys.

    ## What it finds
    Key ids, secret access keys and session tokens in XML: elements named for the
    credential (Jenkins ``credentials.xml`` with the AWS Credentials plugin's
    ``<accessKey>``/``<secretKey>``, Maven and Spring XML), property-list pairs
    ``<key>…</key><string>…</string>`` (macOS ``.plist``, Cyberduck ``.duck`` bookmarks)
    and ``<add key="…" value="…"/>`` settings (.NET ``app.config``/``web.config``). In a
    record (one element or ``<dict>``) that holds a key id, a value of a secret key's or
    session token's shape is its secret or token, whatever it is called (a bookmark's
    ``Password``). Jenkins stores secrets encrypted (``{AQAAAB…}``); those are not
    reported, the plain key id next to them is.

    ## Why it is risky
    These files are copied with backups, home directories and application packages; a
    key in one is a long-term key readable by everyone who gets a copy.

    ## Use instead
    No stored key: the default credential provider chain with the workload's role, an
    SSO profile for desktop tools, roles (instance profile, IRSA, role to assume) for
    Jenkins.

    ## Example
    Before (``web.config``): ``<add key="AWSSecretKey" value="wJal…"/>``. After: the
    setting removed; the application pool runs with the instance's role and the SDK's
    default chain finds it.
    """

    id = "RC322"
    name = "aws-keys-in-xml-config"
    severity = Severity.ERROR
    supersedes = ("RC1",)
    confidence = Confidence.HIGH
    message = "{place} sets `{name}` to {what}"
    recommendation = (
        "Remove the value and rotate the key (aws iam update-access-key --access-key-id "
        "{key_id} --status Inactive, then delete it). Use {alternative}."
    )
    kinds = frozenset({DocKind.XML})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(
            "<configuration>\n  <appSettings>\n"
            '    <add key="AWSProfileName" value="deploy"/>\n'
            '    <add key="AWSRegion" value="eu-west-1"/>\n  </appSettings>\n</configuration>\n',
            "web.config",
        ),
        Example(
            "<com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n"
            "  <id>deploy</id>\n  <accessKey></accessKey>\n  <secretKey></secretKey>\n"
            "  <iamRoleArn>arn:aws:iam::123456789012:role/jenkins-deploy</iamRoleArn>\n"
            "</com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n",
            "credentials.xml",
        ),
        Example(_plist("<key>Region</key>\n<string>eu-west-1</string>\n"), "Info.plist"),
    )
    INVALID = (
        Example(
            # The secret is encrypted with the controller's key: the id is reported.
            "<com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n"
            f"  <id>deploy</id>\n  <accessKey>{_ID}</accessKey>\n"
            "  <secretKey>{AQAAABAAAAAwq2Nf7m0s4bQ9lPzK8hWvJ3eR1tYcXu5oD6gM2iA}</secretKey>\n"
            "</com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl>\n",
            "jenkins/credentials.xml",
            line=3,
            column=14,
        ),
        Example(
            "<configuration>\n  <appSettings>\n"
            f'    <add key="AWSAccessKey" value="{_ID}"/>\n'
            f'    <add key="AWSSecretKey" value="{_SECRET}"/>\n'
            "  </appSettings>\n</configuration>\n",
            "App.config",
            line=4,
            column=36,
            severity=Severity.ERROR,
        ),
        Example(
            _plist(
                "<key>Protocol</key>\n<string>s3</string>\n"
                f"<key>Username</key>\n<string>{_ID}</string>\n"
                f"<key>Password</key>\n<string>{_SECRET}</string>\n"
            ),
            "Bookmarks/backups.duck",
            line=10,
            column=9,
        ),
        Example(
            f"<aws>\n  <accessKeyId>{_TMP_ID}</accessKeyId>\n"
            f"  <sessionToken>{_TOKEN}</sessionToken>\n</aws>\n",
            "settings.xml",
            count=2,  # the temporary key id (no secret beside it), and the token
            line=2,
            column=16,
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not may_hold_value(doc):
            return  # no value could be a credential: no need to parse the file
        from rolecall.plugin.api import XML_VIEW

        pairs = [(e.key, e) for e in doc.view(XML_VIEW).entries]
        place, alternative = _place(doc)
        yield from findings(self, doc, locate(pairs, ctx), place=place, alternative=alternative)


def _place(doc: Document) -> tuple[str, str]:
    """(what the file is, the keyless alternative that fits it)."""
    name = posixpath.basename(doc.path).lower()
    if "jenkins" in doc.text[:4096].lower() or name == "credentials.xml":
        return "Jenkins credentials file", _JENKINS
    if name.endswith(".duck") or "<plist" in doc.text[:1024]:
        return "Property list", _DESKTOP
    if name.endswith(".config"):
        return ".NET configuration", _DOTNET
    return "XML configuration", _DOTNET
