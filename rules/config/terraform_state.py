"""IAM access keys stored in a committed Terraform state file (RC320)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from rolecall import (
    Confidence,
    DocKind,
    Document,
    Example,
    Finding,
    Rule,
    RuleContext,
    Severity,
    redact,
)
from rolecall.plugin.api import Entry, MapNode, Node, Scalar, SeqNode, walk
from rolecall.rules.common.pairing import locate
from rolecall.rules.common.placeholders import is_placeholder
from rolecall.rules.config.places import may_hold_value, tree_roots
from rolecall.rules.config.support import FAKE_KEY_ID, FAKE_SECRET, report

_ACCESS_KEY = "aws_iam_access_key"
#: Attributes of aws_iam_access_key that hold the key in clear (``encrypted_*`` hold it
#: encrypted to the PGP key the configuration named, and are not reported).
_ID, _SECRET, _SMTP = "id", "secret", "ses_smtp_password_v4"
_KINDS = {"secret": "secret access key", "ses_smtp_password": "SES SMTP password"}


def _state(resource: str, attributes: dict[str, object]) -> str:
    body = {
        "version": 4,
        "terraform_version": "1.6.6",
        "serial": 7,
        "lineage": "3f0c2d2e-8d1b-4c4e-9a43-1a0b2f5c7e11",
        "outputs": {},
        "resources": [
            {
                "mode": "managed",
                "type": resource,
                "name": "ci",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [{"schema_version": 0, "attributes": attributes}],
            }
        ],
    }
    return json.dumps(body, indent=2) + "\n"


class IamAccessKeyInTerraformState(Rule):
    """A Terraform state file holds an IAM access key's secret in clear text.

    ## What it finds
    ``*.tfstate`` and ``*.tfstate.backup`` files (state format 4, and the ``modules``
    layout of format 3) with an ``aws_iam_access_key`` resource whose attributes hold the
    ``secret`` (reported with the key ``id`` it belongs to) or the SES SMTP password
    derived from it (``ses_smtp_password_v4``), and every copy of those values elsewhere
    in the state (an output, a Secrets Manager secret version, a Kubernetes secret). Keys
    created with a ``pgp_key`` hold only ``encrypted_secret`` and are not reported here.

    ## Why it is risky
    Terraform writes every attribute to state, secrets included. A committed state file
    gives anyone who can read the repository the IAM user's long-term key (and, with the
    SMTP password, the right to send mail as the account), in every clone and forever in
    the history.

    ## Use instead
    No access key in Terraform: give the consumer a role (instance profile, ECS task
    role, IRSA/EKS Pod Identity, Lambda execution role, OIDC federation in CI). Keep
    state out of the repository, in a remote backend with encryption and tight access
    (S3 backend with ``encrypt = true``, a KMS key and a bucket policy, or HCP Terraform).

    ## Example
    Before: ``terraform.tfstate`` committed, with ``"secret": "…"`` under
    ``aws_iam_access_key.ci``. After: the file deleted from the repository and its
    history, ``backend "s3" { encrypt = true ... }``, the key deactivated and deleted, and
    ``aws_iam_role.ci`` trusting the CI system's OIDC provider instead of the IAM user.
    """

    id = "RC320"
    name = "iam-access-key-in-terraform-state"
    severity = Severity.ERROR
    supersedes = ("RC1", "RC301")
    confidence = Confidence.HIGH
    message = "Terraform state stores `{name}` of {resource}: {what}"
    recommendation = (
        "Deactivate and delete the key (aws iam update-access-key --access-key-id {key_id} "
        "--status Inactive, then aws iam delete-access-key), remove the state file from "
        "the repository and its history, and keep state in a remote backend with "
        "encryption and restricted access (S3 backend with encrypt = true and a KMS key, "
        "or HCP Terraform). Replace the aws_iam_access_key resource with a role the "
        "consumer assumes: instance profile, ECS task role, IRSA/EKS Pod Identity, Lambda "
        "execution role, or OIDC federation in CI."
    )
    kinds = frozenset({DocKind.JSON})
    keywords = (_ACCESS_KEY,)
    VALID = (
        Example(_state("aws_iam_user", {"id": "ci", "name": "ci"}), "terraform.tfstate"),
        Example(
            _state(
                _ACCESS_KEY,
                {"id": FAKE_KEY_ID, "secret": None, "encrypted_secret": "wcBMA0JNSfLb2k" * 8},
            ),
            "terraform.tfstate",
        ),
        Example(
            _state(_ACCESS_KEY, {"id": FAKE_KEY_ID, "secret": FAKE_SECRET}),
            "docs/state-example.json",
        ),
    )
    INVALID = (
        Example(
            _state(_ACCESS_KEY, {"id": FAKE_KEY_ID, "secret": FAKE_SECRET, "user": "ci"}),
            "terraform.tfstate",
            line=18,
            column=24,
            severity=Severity.ERROR,
        ),
        Example(
            _state(_ACCESS_KEY, {"id": FAKE_KEY_ID, "secret": FAKE_SECRET}).replace(
                '"outputs": {}', '"outputs": {"ci_secret": {"value": "' + FAKE_SECRET + '"}}'
            ),
            "terraform.tfstate",
            count=2,  # the output's copy of the secret, and the secret
            line=6,
            column=39,
        ),
        Example(
            _state(_ACCESS_KEY, {"id": FAKE_KEY_ID, "ses_smtp_password_v4": "BF" + FAKE_SECRET}),
            "envs/prod/terraform.tfstate.backup",
            line=18,
            column=38,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not is_state_file(doc.path) or not may_hold_value(doc):
            return
        for root in tree_roots(doc):
            #: Reported values: where, and what they are (for copies elsewhere).
            found: dict[str, tuple[int, str, Finding]] = {}
            for label, attributes in _access_key_attributes(root):
                entries = [(e.key, e) for e in attributes if e.key in (_ID, _SECRET)]
                resource = f"`{label}`"
                # A key id alone (its secret encrypted to a PGP key) is the text rules'.
                located = [h for h in locate(entries, ctx) if h.cred.kind != "key_id"]
                for hit in located:
                    finding = report(self, doc, hit, resource=resource)
                    found[hit.entry.value] = (hit.entry.start, label, finding)
                    yield finding
                smtp = next((e for e in attributes if e.key == _SMTP), None)
                if smtp is not None and smtp.literal and not is_placeholder(smtp.value):
                    finding = self._smtp(doc, smtp, resource)
                    found[smtp.value] = (smtp.start, label, finding)
                    yield finding
            if found:
                yield from self._copies(doc, root, found)

    def _copies(
        self, doc: Document, root: Node, found: dict[str, tuple[int, str, Finding]]
    ) -> Iterator[Finding]:
        """Findings for copies of a reported value elsewhere in the state: an output of
        the secret, a Secrets Manager version or Kubernetes secret holding it."""
        for path, node in walk(root):
            if not (isinstance(node, Scalar) and node.is_string and len(node.value) >= 40):
                continue
            for value, (start, label, original) in found.items():
                if value in node.value and node.start != start:
                    yield self._copy(doc, node, path, value, label, original)
                    break

    def _copy(
        self,
        doc: Document,
        node: Scalar,
        path: tuple[str, ...],
        value: str,
        label: str,
        original: Finding,
    ) -> Finding:
        where = ".".join(p for p in path if not p.isdigit()) or "the state"
        kind = _KINDS.get(original.properties.get("credential", ""), "secret")
        return self.finding(
            doc,
            node.start,
            node.end,
            material=node.value,
            evidence=original.evidence,
            severity=original.severity,
            properties={**original.properties, "name": where, "copy_of": label},
            covers=(value,),
            message="Terraform state stores a copy of {what} in `{where}`",
            what=f"the {kind} of `{label}` ({original.evidence})",
            where=where,
            key_id=original.properties.get("key_id", "<key id>"),
        )

    def _smtp(self, doc: Document, entry: Entry, resource: str) -> Finding:
        evidence = redact(entry.value)
        return self.finding(
            doc,
            entry.start,
            entry.end,
            material=entry.value,
            evidence=evidence,
            properties={"credential": "ses_smtp_password", "name": _SMTP},
            name=_SMTP,
            resource=resource,
            what=f"the SES SMTP password derived from the key's secret ({evidence})",
            key_id="<key id>",
        )


def is_state_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith((".tfstate", ".tfstate.backup"))


def _access_key_attributes(root: Node) -> Iterator[tuple[str, list[Entry]]]:
    """(resource address, string attributes) of every aws_iam_access_key instance."""
    if not isinstance(root, MapNode):
        return
    resources = root.get("resources")
    for resource in resources.items if isinstance(resources, SeqNode) else ():
        if not isinstance(resource, MapNode) or _text(resource.get("type")) != _ACCESS_KEY:
            continue
        label = f"{_ACCESS_KEY}.{_text(resource.get('name')) or '?'}"
        instances = resource.get("instances")
        for instance in instances.items if isinstance(instances, SeqNode) else ():
            if isinstance(instance, MapNode):
                group = ("attributes", str(instance.start))
                yield label, _strings(instance.get("attributes"), group)
    modules = root.get("modules")  # state format 3
    for module in modules.items if isinstance(modules, SeqNode) else ():
        found = module.get("resources") if isinstance(module, MapNode) else None
        for key, resource in found.items if isinstance(found, MapNode) else ():
            if key.value.startswith(_ACCESS_KEY + ".") and isinstance(resource, MapNode):
                primary = resource.get("primary")
                if isinstance(primary, MapNode):
                    group = ("primary", str(primary.start))  # "id" sits beside attributes
                    strings = _strings(primary.get("attributes"), group)
                    yield key.value, strings + _strings(primary, group)


def _strings(node: Node | None, group: tuple[str, ...]) -> list[Entry]:
    """The string attributes of ``node`` as entries of one group."""
    if not isinstance(node, MapNode):
        return []
    return [
        Entry((*group, k.value), v.value, v.start, v.end, quoted=True)
        for k, v in node.items
        if isinstance(v, Scalar) and v.is_string
    ]


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) else None
