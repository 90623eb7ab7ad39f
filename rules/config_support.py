"""Shared helpers of the configuration rules (RC3xx): credential hits, places, findings.

Not a rule module (it defines no rule). Each place (GitHub workflow, GitLab CI, AWS
shared files, container environments, Terraform providers) has exactly one rule that
reports a literal credential there; :func:`owned_elsewhere` tells the generic rule RC301
which entries a place-specific rule reports, so one value is reported once by RC3xx.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from rolecall import Confidence, DocKind, Document, Finding, Rule, RuleContext, Severity, redact
from rolecall.parsers.common import Entry, MapNode, Node, Scalar, SeqNode, walk
from rolecall.parsers.shell import scan_shell
from rolecall.secrets import CredentialValue, account_id_from_key_id, credential_value

#: Keys under which containers and functions get their environment (lower case).
ENV_KEYS = frozenset(
    {"env", "environment", "extraenv", "envvars", "extraenvvars", "environmentvariables"}
)
# Fakes for the rules' examples, built by concatenation so no file holds key-shaped text.
FAKE_KEY_ID = "AKIA" + "Q3ZR7HVTX2M4WYLB"
FAKE_TEMP_KEY_ID = "ASIA" + "Q3ZR7HVTX2M4WYLB"
FAKE_SECRET = "q9Lr2vXb" + "T7mK4pZc1NwY8sHd0FgJ" + "6aUe3RiO" + "Ab12"
FAKE_TOKEN = "IQoJb3JpZ2lu" + "X2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ" * 4

#: The prefilter of rules that look for credential-named keys bound to literals: every
#: name credential_value() accepts contains one of these, or the value does (key ids,
#: session tokens), compared case-insensitively by the engine.
CREDENTIAL_WORDS = (
    "secret",
    "access_key",
    "accesskey",
    "access-key",
    "access.key",
    "session_token",
    "sessiontoken",
    "session-token",
    "security_token",
    "securitytoken",
    "security-token",
    "security.token",
    "session.token",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "IQoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AgoJb3JpZ2lu",
)
AWS_SHARED_KEYS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})


@dataclass(frozen=True)
class Hit:
    """A literal credential bound to a credential-named key."""

    name: str
    entry: Entry
    cred: CredentialValue
    #: The access key id paired with this secret in the same group, when there is one.
    paired_key_id: str | None = None


def find_credentials(pairs: Iterable[tuple[str, Entry]], ctx: RuleContext) -> list[Hit]:
    """The credentials among ``(binding name, entry)`` pairs, one hit per credential set.

    Only literal entries count. Within one group (same parent path: a profile, an env
    map, a file) an access key id is folded into the secret it belongs with, so a key
    pair is one finding, at the secret, naming the key id.
    """
    hits: list[Hit] = []
    for name, entry in pairs:
        if not entry.literal:
            continue
        cred = credential_value(name, entry.value)
        if cred is None or (cred.example and not ctx.report_examples):
            continue
        hits.append(Hit(name, entry, cred))
    secrets = {h.entry.parent for h in hits if h.cred.kind == "secret"}
    ids = {
        h.entry.parent: h.cred.key_id
        for h in hits
        if h.cred.kind == "key_id" and h.entry.parent in secrets
    }
    return [
        _pair(h, ids.get(h.entry.parent)) if h.cred.kind == "secret" else h
        for h in hits
        if not (h.cred.kind == "key_id" and h.entry.parent in secrets)
    ]


def _pair(hit: Hit, key_id: str | None) -> Hit:
    if key_id is None:
        return hit
    # The secret of a temporary (ASIA) key pair is itself temporary.
    cred = replace(hit.cred, long_term=hit.cred.long_term and not key_id.startswith("ASIA"))
    return replace(hit, paired_key_id=key_id, cred=cred)


def severity_of(cred: CredentialValue) -> Severity:
    if cred.example:
        return Severity.NOTE
    return Severity.ERROR if cred.long_term else Severity.WARNING


def describe(hit: Hit) -> tuple[str, str]:
    """(what the credential is, redacted evidence) for messages."""
    cred = hit.cred
    if cred.kind == "key_id" and cred.key_id is not None:
        term = "long-term" if cred.long_term else "temporary"
        account = account_id_from_key_id(cred.key_id)
        where = f" of account {account}" if account else ""
        return f"{term} access key id {cred.key_id}{where}", cred.key_id
    evidence = redact(hit.entry.value)
    if cred.kind == "session":
        return f"an AWS session token ({evidence})", evidence
    paired = f" (paired with access key id {hit.paired_key_id})" if hit.paired_key_id else ""
    return f"an AWS secret access key ({evidence}){paired}", evidence


def report(
    rule: Rule, doc: Document, hit: Hit, recommendation: str | None = None, **fmt: str
) -> Finding:
    """A finding at the hit's value, with severity from the credential's kind.

    ``fmt`` fills the rule's message and recommendation placeholders (besides ``name``,
    ``what`` and ``key_id``, which come from the hit).
    """
    what, evidence = describe(hit)
    props = {"credential": hit.cred.kind, "name": hit.name}
    key_id = hit.cred.key_id or hit.paired_key_id
    if key_id:
        props["key_id"] = key_id
    values: dict[str, Any] = {"name": hit.name, "what": what, "key_id": key_id or "<key id>"}
    values.update(fmt)
    return rule.finding(
        doc,
        hit.entry.start,
        hit.entry.end,
        material=hit.entry.value,
        evidence=evidence,
        severity=severity_of(hit.cred),
        confidence=None if hit.cred.high_confidence else Confidence.MEDIUM,
        recommendation=recommendation,
        properties=props,
        **values,
    )


def binding_name(entry: Entry) -> str:
    """The name a value is bound to: its key, or for ``default``/``value`` keys (Terraform
    variables, CloudFormation parameters) the key of the enclosing block."""
    if entry.key.lower() in ("default", "value") and len(entry.path) >= 2:
        return entry.path[-2]
    return entry.key


# --- places ------------------------------------------------------------------------


def is_github_workflow(doc: Document) -> bool:
    return DocKind.GITHUB_WORKFLOW in doc.kinds


def is_gitlab_ci(doc: Document) -> bool:
    name = posixpath.basename(doc.path).lower()
    return (
        name.endswith(".gitlab-ci.yml")
        or name.endswith(".gitlab-ci.yaml")
        or ("/.gitlab/ci/" in f"/{doc.path}" and name.endswith((".yml", ".yaml")))
    )


def is_aws_shared_file(doc: Document) -> bool:
    parent = posixpath.basename(posixpath.dirname(doc.path))
    name = posixpath.basename(doc.path).lower()
    return doc.kind is DocKind.INI and (parent == ".aws" or name in ("credentials", "config"))


def is_cloudformation(root: Node) -> bool:
    if not isinstance(root, MapNode):
        return False
    if root.get("AWSTemplateFormatVersion") is not None:
        return True
    resources = root.get("Resources")
    return isinstance(resources, MapNode) and any(
        isinstance(v, MapNode) and str(_text(v.get("Type"))).startswith("AWS::")
        for _, v in resources.items
    )


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) else None


def in_env_block(path: tuple[str, ...]) -> bool:
    """Whether ``path`` goes through an environment key (container/function env)."""
    return any(part.lower() in ENV_KEYS for part in path[:-1])


def owned_elsewhere(doc: Document, entry: Entry) -> bool:
    """Whether a place-specific rule reports ``entry`` (so RC301 does not)."""
    if is_github_workflow(doc) or is_gitlab_ci(doc):
        return True  # RC304 / RC306
    if doc.kind is DocKind.INI and (is_aws_shared_file(doc) or entry.key in AWS_SHARED_KEYS):
        return True  # RC302
    if doc.kind is DocKind.TERRAFORM:
        return credential_block(entry.path)  # RC309
    return bool(doc.kinds & {DocKind.YAML, DocKind.JSON}) and in_env_block(entry.path)


def credential_block(path: tuple[str, ...]) -> bool:
    """Whether an HCL attribute path is inside a block that configures AWS access:
    ``provider "aws"``, ``backend "s3"``, or a ``terraform_remote_state``'s ``config``."""
    return (
        path[:2] == ("provider", "aws")
        or path[:3] == ("terraform", "backend", "s3")
        or (path[:2] == ("data", "terraform_remote_state") and path[3:4] == ("config",))
    )


def name_value_pairs(root: Node) -> Iterator[tuple[tuple[str, ...], str, Scalar]]:
    """``{name: X, value: Y}`` mappings (Kubernetes env, ECS/CloudFormation environment):
    (path of the mapping, X, the value scalar Y)."""
    for path, node in walk(root):
        if not isinstance(node, MapNode):
            continue
        name, value = node.get_ci("name"), node.get_ci("value")
        if isinstance(name, Scalar) and isinstance(value, Scalar):
            yield path, name.value, value


def env_list_items(root: Node) -> Iterator[tuple[tuple[str, ...], str, Entry]]:
    """Compose-style ``environment: ["KEY=value", ...]`` items: (path, KEY, value entry)."""
    for path, node in walk(root):
        if not (path and path[-1].lower() in ENV_KEYS and isinstance(node, SeqNode)):
            continue
        for item in node.items:
            if isinstance(item, Scalar) and "=" in item.value and item.is_string:
                key, _, value = item.value.partition("=")
                start = item.start + len(key) + 1
                entry = Entry((*path, key), value, start, start + len(value), literal=True)
                yield path, key.strip(), entry


#: Package-manager lock files: large, generated, never configure credentials by key.
LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock", "deno.lock"}
)


def is_lock_file(doc: Document) -> bool:
    return posixpath.basename(doc.path).lower() in LOCK_FILES


def config_entries(doc: Document) -> tuple[Entry, ...]:
    """The key/value entries of ``doc`` from the view of its format (empty: no view, or a
    package lock file, which is never parsed).

    Raises :class:`~rolecall.ViewError` when the file does not parse; the engine turns
    that into a notice and the text rules still run.
    """
    from rolecall.parsers.dotenv import DOTENV_VIEW
    from rolecall.parsers.hcl import HCL_VIEW
    from rolecall.parsers.ini import INI_VIEW
    from rolecall.parsers.json import JSON_VIEW
    from rolecall.parsers.toml import TOML_VIEW
    from rolecall.parsers.yaml import YAML_VIEW

    kinds = doc.kinds
    if is_lock_file(doc):
        return ()
    if DocKind.ENV in kinds:
        return doc.view(DOTENV_VIEW).entries
    if DocKind.INI in kinds:
        return doc.view(INI_VIEW).entries
    if DocKind.YAML in kinds:
        return doc.view(YAML_VIEW).entries
    if DocKind.NOTEBOOK in kinds:
        return ()  # notebook cells are code: the Python rules read them
    if DocKind.JSON in kinds:
        return doc.view(JSON_VIEW).entries
    if DocKind.TOML in kinds:
        return doc.view(TOML_VIEW).entries
    if DocKind.TERRAFORM in kinds:
        return doc.view(HCL_VIEW).entries
    return ()


def tree_roots(doc: Document) -> tuple[Node, ...]:
    """The YAML documents or the JSON root of ``doc`` (empty for other formats)."""
    from rolecall.parsers.json import JSON_VIEW
    from rolecall.parsers.yaml import YAML_VIEW

    if is_lock_file(doc):
        return ()
    if DocKind.YAML in doc.kinds:
        return doc.view(YAML_VIEW).documents
    if DocKind.JSON in doc.kinds and DocKind.NOTEBOOK not in doc.kinds:
        return (doc.view(JSON_VIEW).root,)
    return ()


GITHUB_OIDC = (
    "Use GitHub's OIDC provider instead of stored keys: give the job `permissions: "
    "id-token: write` (and `contents: read`), configure aws-actions/configure-aws-credentials "
    "with `role-to-assume: arn:aws:iam::<account>:role/<role>` and `aws-region`, and create "
    "that role with a trust policy for the federated principal "
    "token.actions.githubusercontent.com (action sts:AssumeRoleWithWebIdentity) whose "
    "conditions pin `token.actions.githubusercontent.com:aud` = sts.amazonaws.com and "
    "`token.actions.githubusercontent.com:sub` = repo:<owner>/<repo>:ref:refs/heads/main "
    "(or :environment:<name>). Then delete the stored secrets and the IAM user's keys."
)


def workflow_run_scripts(doc: Document) -> Iterator[Entry]:
    """Assignments and ``aws configure set`` values in the workflow's ``run:`` scripts."""
    for root in tree_roots(doc):
        for path, node in walk(root):
            if path and path[-1] == "run" and isinstance(node, Scalar):
                # Block scalars start at their indicator line; the shell tokenizer reads
                # the raw source, so indentation and the "|" are harmless.
                for e in scan_shell(doc.text[node.start : node.end], node.start).entries:
                    yield Entry(path + e.path, e.value, e.start, e.end, literal=e.literal)
