"""AI provider API keys with unambiguous formats: OpenAI, Anthropic (RC146, RC147)."""

from __future__ import annotations

import re

from rolecall import Confidence, Example, Severity
from rolecall.rules.common.tokens import TokenRule
from rolecall.rules.fakes import fake


class OpenaiApiKey(TokenRule):
    """An OpenAI API key is embedded in the file.

    ## What it finds
    OpenAI user, project, service-account and admin keys (``sk-``, ``sk-proj-``,
    ``sk-svcacct-``, ``sk-admin-``) that carry the ``T3BlbkFJ`` marker OpenAI puts inside
    every key. Other ``sk-`` strings are ambiguous (many services use the prefix) and are
    not reported.

    ## Why it is risky
    A key spends the organisation's quota and can read its files, assistants and
    fine-tuned models. Keys do not expire.

    ## Use instead
    Prefer a provider that authenticates with the workload's cloud identity: Azure OpenAI
    with a managed identity (Microsoft Entra ID, no key) or models on Amazon Bedrock with
    the workload's IAM role. With OpenAI itself, a project-scoped service-account key kept
    in a secrets manager, read at run time with the workload's own role.

    ## Example
    Before: ``OpenAI(api_key="sk-proj-...")``.
    After: ``AzureOpenAI(azure_ad_token_provider=get_bearer_token_provider(
    DefaultAzureCredential(), scope))``.
    """

    id = "RC146"
    name = "openai-api-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "OpenAI API key {evidence} is embedded in the file"
    recommendation = (
        "Revoke the key. Use Azure OpenAI with a managed identity or Amazon Bedrock with "
        "the workload's IAM role (no key); otherwise a project-scoped key from a secrets "
        "manager read with the workload's own role."
    )
    keywords = ("T3BlbkFJ",)
    tags = ("openai",)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_-])(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ"
        r"[A-Za-z0-9_-]{16,200})(?![A-Za-z0-9_-])"
    )
    prefix_length = 3
    VALID = (
        Example('key = "sk-' + "x" * 20 + "T3Blbk" + "FJ" + "x" * 20 + '"\n'),
        Example('key = "sk-' + fake("password") + fake("password") + '"\n'),
    )
    INVALID = (Example('client = OpenAI(api_key="' + fake("openai") + '")\n', line=1, column=26),)


class AnthropicApiKey(TokenRule):
    """An Anthropic API key (``sk-ant-api03-...``) is embedded in the file.

    ## What it finds
    Anthropic API and admin keys: ``sk-ant-api03-`` or ``sk-ant-admin01-``, 93 random
    characters and the closing ``AA``.

    ## Why it is risky
    A key spends the organisation's credit and reaches its workspaces. Keys do not expire.

    ## Use instead
    Call the models through Amazon Bedrock with the workload's IAM role, or Vertex AI with
    an attached service account or workload identity federation: no key exists. With the
    API directly, keep a workspace-scoped key in a secrets manager read with the workload's
    own role.

    ## Example
    Before: ``Anthropic(api_key="sk-ant-api03-...")``.
    After: ``AnthropicBedrock(aws_region="us-east-1")`` using the default provider chain.
    """

    id = "RC147"
    name = "anthropic-api-key"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Anthropic API key {evidence} is embedded in the file"
    recommendation = (
        "Revoke the key. Call the models through Amazon Bedrock with the workload's IAM role "
        "or Vertex AI with workload identity; otherwise read a workspace-scoped key from a "
        "secrets manager with the workload's own role."
    )
    keywords = ("sk-ant-",)
    tags = ("anthropic",)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_-])(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,120}AA)(?![A-Za-z0-9_-])"
    )
    prefix_length = 13
    VALID = (
        Example('key = "sk-ant-api03-' + "x" * 93 + 'AA"\n'),
        Example('key = "sk-ant-api03-..."\n'),
    )
    INVALID = (Example('ANTHROPIC_API_KEY = "' + fake("anthropic") + '"\n', line=1, column=22),)
