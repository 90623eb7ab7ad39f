"""Azure storage and messaging keys: account keys, shared access keys (RC130, RC131)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall import Confidence, Document, Example, Finding, Rule, RuleContext, Severity, redact
from rolecall.rules.common.placeholders import is_not_a_literal_secret, looks_random
from rolecall.rules.fakes import fake

_STORAGE_KEY = re.compile(
    r"(?i)(?:AccountKey\s{0,4}=|(?:storage_?)?account_?key[\"']?\s{0,4}[:=]|AZURE_STORAGE_KEY"
    r"[\"']?\s{0,4}[:=])\s{0,4}[\"']?([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])"
)


class AzureStorageAccountKey(Rule):
    """An Azure storage account key (or a connection string holding one) is in the file.

    ## What it finds
    ``AccountKey=<88 characters>`` in a storage connection string, and 88-character keys
    assigned to ``AZURE_STORAGE_KEY`` or ``account_key``. The Azurite emulator's published
    development key is not reported.

    ## Why it is risky
    An account key is root access to every blob, queue, table and file share in the
    account, and it signs SAS tokens for all of them. It never expires until rotated.

    ## Use instead
    Use Microsoft Entra ID instead of keys: a managed identity (or workload identity
    federation from CI and Kubernetes) with a data-plane role such as *Storage Blob Data
    Contributor*, through ``DefaultAzureCredential`` and the account URL. Then disable
    shared key access on the account (``allowSharedKeyAccess: false``).

    ## Example
    Before: ``BlobServiceClient.from_connection_string("...;AccountKey=...")``.
    After: ``BlobServiceClient("https://acct.blob.core.windows.net",
    credential=DefaultAzureCredential())`` running as a managed identity.
    """

    id = "RC130"
    name = "azure-storage-account-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Azure storage account key {evidence} is embedded in the file"
    recommendation = (
        "Rotate the key, then authenticate with a managed identity or workload identity "
        "federation through DefaultAzureCredential and an RBAC role such as Storage Blob "
        "Data Contributor; disable shared key access on the account."
    )
    keywords = ("AccountKey", "account_key", "accountkey", "AZURE_STORAGE_KEY")
    tags = ("azure",)
    VALID = (
        Example('conn = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY}"\n'),
        Example("AZURE_STORAGE_CONNECTION_STRING=UseDevelopmentStorage=true\n", filename=".env"),
        Example(
            'conn = "AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPL'
            "lmEtlCDXJ1OUzFT50uSRZ6IFsuFq" + '2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="\n'
        ),
    )
    INVALID = (
        Example(
            'conn = "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey='
            + fake("azure_storage_key")
            + ';EndpointSuffix=core.windows.net"\n',
            line=1,
            column=72,
        ),
        Example("AZURE_STORAGE_KEY=" + fake("azure_storage_key") + "\n", filename=".env"),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in _STORAGE_KEY.finditer(doc.text):
            key = match.group(1)
            if is_not_a_literal_secret(key) or not looks_random(key, min_entropy=4.5):
                continue
            yield self.finding(
                doc, match.start(1), match.end(1), material=key, evidence=redact(key)
            )


_SHARED_KEY = re.compile(r"SharedAccessKey\s{0,4}=\s{0,4}([A-Za-z0-9+/]{42,43}=)(?![A-Za-z0-9+/=])")


class AzureSharedAccessKey(Rule):
    """An Azure Service Bus, Event Hubs, Relay or IoT Hub shared access key is in the file.

    ## What it finds
    ``SharedAccessKey=<44 characters>`` in a connection string
    (``Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...``).

    ## Why it is risky
    A shared access policy key never expires, is shared by everyone who uses the policy,
    and usually carries Manage or Send/Listen rights on a whole namespace.

    ## Use instead
    Connect with Microsoft Entra ID: a managed identity (or workload identity federation)
    with *Azure Service Bus Data Sender/Receiver* or *Azure Event Hubs Data Sender/Receiver*,
    through ``DefaultAzureCredential`` and the fully qualified namespace, then disable
    local (SAS) authentication on the namespace.

    ## Example
    Before: ``ServiceBusClient.from_connection_string("Endpoint=sb://...;SharedAccessKey=...")``.
    After: ``ServiceBusClient("acme.servicebus.windows.net", DefaultAzureCredential())``.
    """

    id = "RC131"
    name = "azure-shared-access-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Azure shared access key {evidence} is embedded in the file"
    recommendation = (
        "Regenerate the policy key, then connect with a managed identity or workload "
        "identity federation through DefaultAzureCredential and a data-plane RBAC role "
        "(Azure Service Bus/Event Hubs Data Sender or Receiver); disable local SAS auth."
    )
    keywords = ("SharedAccessKey=", "SharedAccessKey =")
    tags = ("azure",)
    VALID = (
        Example('c = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKey=<key>"\n'),
        Example('c = "Endpoint=sb://acme/;SharedAccessKeyName=RootManageSharedAccessKey"\n'),
    )
    INVALID = (
        Example(
            'c = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;'
            "SharedAccessKey=" + fake("azure_sas_key") + '"\n',
            line=1,
            column=90,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        for match in _SHARED_KEY.finditer(doc.text):
            key = match.group(1)
            if is_not_a_literal_secret(key) or not looks_random(key, min_entropy=4.0):
                continue
            yield self.finding(
                doc, match.start(1), match.end(1), material=key, evidence=redact(key)
            )
