"""Long-term IAM access keys created and exposed by Terraform/CloudFormation (RC310, RC311)."""

from __future__ import annotations

from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import MapNode, Scalar, flatten, lazy
from rolecall.rules.config.places import is_cloudformation, tree_roots

_TF_SECRET = lazy(r"\baws_iam_access_key\.[\w-]+(?:\[[^\]]*\])?\.(secret|ses_smtp_password_v4)\b")


class IamAccessKeyCreatedByIac(Rule):
    """Infrastructure code creates a long-term IAM access key.

    ## What it finds
    A Terraform ``resource "aws_iam_access_key"`` or a CloudFormation
    ``AWS::IAM::AccessKey`` resource.

    ## Why it is risky
    The key is long-term: it lives in the Terraform state (readable by anyone with state
    access) or in the stack's outputs and parameters, and it has to be distributed and
    rotated by hand.

    ## Use instead
    A role for whatever uses the key: an instance profile, an ECS task role, IRSA/EKS Pod
    Identity, a Lambda execution role, OIDC federation for CI, IAM Roles Anywhere for
    servers outside AWS.

    ## Example
    Before: ``resource "aws_iam_access_key" "ci" { user = aws_iam_user.ci.name }``.
    After: ``resource "aws_iam_role" "ci"`` with an ``assume_role_policy`` trusting the CI
    system's OIDC provider, and no IAM user.
    """

    id = "RC310"
    name = "iam-access-key-created-by-iac"
    severity = Severity.WARNING
    confidence = Confidence.HIGH
    message = "{where} creates a long-term IAM user access key"
    recommendation = (
        "Replace the IAM user and its key with a role for the consumer: instance profile, "
        "ECS task role, IRSA/EKS Pod Identity, Lambda execution role, OIDC federation in CI "
        "or IAM Roles Anywhere outside AWS."
    )
    kinds = frozenset({DocKind.TERRAFORM, DocKind.YAML, DocKind.JSON})
    keywords = ("aws_iam_access_key", "AWS::IAM::AccessKey")
    VALID = (
        Example('resource "aws_iam_role" "ci" {\n  name = "ci"\n}\n', "iam.tf"),
        Example('data "aws_iam_access_keys" "all" {\n  user = "ci"\n}\n', "iam.tf"),
    )
    INVALID = (
        Example(
            'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n\n'
            'resource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n',
            "iam.tf",
            line=5,
            column=11,
        ),
        Example(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  CiKey:\n"
            "    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref CiUser\n",
            "template.yaml",
            line=4,
            column=11,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if DocKind.TERRAFORM in doc.kinds:
            from rolecall.plugin.api import HCL_VIEW

            for block in doc.view(HCL_VIEW).blocks("resource"):
                if block.labels[:1] == ("aws_iam_access_key",):
                    start = doc.text.index('"aws_iam_access_key"', block.start) + 1
                    name = " ".join(f'"{label}"' for label in block.labels)
                    yield self._finding(doc, start, start + 18, f"resource {name}")
            return
        for root in tree_roots(doc):
            if not (isinstance(root, MapNode) and is_cloudformation(root)):
                continue
            resources = root.get("Resources")
            for key, res in resources.items if isinstance(resources, MapNode) else ():
                kind = res.get("Type") if isinstance(res, MapNode) else None
                if isinstance(kind, Scalar) and kind.value == "AWS::IAM::AccessKey":
                    yield self._finding(doc, kind.start, kind.end, f"Resource {key.value}")

    def _finding(self, doc: Document, start: int, end: int, where: str) -> Finding:
        return self.finding(doc, start, end, material=where, evidence=where, where=where)


class AccessKeySecretInTemplateOutput(Rule):
    """A template output exposes an IAM access key's secret.

    ## What it finds
    A CloudFormation output whose value is ``!GetAtt <key>.SecretAccessKey`` (or
    ``Fn::GetAtt``/``!Sub`` forms), and a Terraform ``output`` whose value is
    ``aws_iam_access_key.<name>.secret`` (a warning when marked ``sensitive``).

    ## Why it is risky
    Stack outputs are shown to anyone allowed ``cloudformation:DescribeStacks`` and in
    the console; Terraform outputs are printed by ``terraform output`` and stored in
    plain text in the state.

    ## Use instead
    No access key (see RC310). If one is unavoidable, write the secret to Secrets Manager
    (``SecretString: !GetAtt Key.SecretAccessKey`` in an ``AWS::SecretsManager::Secret``)
    and output only the secret's ARN.

    ## Example
    Before: ``Outputs: {Secret: {Value: !GetAtt CiKey.SecretAccessKey}}``.
    After: ``Outputs: {SecretArn: {Value: !Ref CiKeySecret}}``.
    """

    id = "RC311"
    name = "access-key-secret-in-template-output"
    severity = Severity.ERROR
    confidence = Confidence.HIGH
    message = "Output {output} exposes the secret of an IAM access key"
    recommendation = (
        "Do not output the secret: replace the key with a role (see RC310); if a key is "
        "unavoidable, store its secret in Secrets Manager and output only the secret's ARN."
    )
    kinds = frozenset({DocKind.TERRAFORM, DocKind.YAML, DocKind.JSON})
    keywords = ("SecretAccessKey", "aws_iam_access_key")
    VALID = (
        Example(
            "Resources:\n  Key:\n    Type: AWS::IAM::AccessKey\n  KeySecret:\n"
            "    Type: AWS::SecretsManager::Secret\n    Properties:\n"
            "      SecretString: !GetAtt Key.SecretAccessKey\n"
            "Outputs:\n  KeySecretArn:\n    Value: !Ref KeySecret\n",
            "stack.yaml",
        ),
        Example('output "key_id" {\n  value = aws_iam_access_key.ci.id\n}\n', "outputs.tf"),
    )
    INVALID = (
        Example(
            "Resources:\n  Key:\n    Type: AWS::IAM::AccessKey\n"
            "Outputs:\n  Secret:\n    Value: !GetAtt Key.SecretAccessKey\n",
            "stack.yaml",
            line=6,
            column=12,
        ),
        Example(
            '{"Resources": {"Key": {"Type": "AWS::IAM::AccessKey"}}, "Outputs": {"S": '
            '{"Value": {"Fn::GetAtt": ["Key", "SecretAccessKey"]}}}}',
            "stack.json",
            column=108,
        ),
        Example(
            'output "ci_secret" {\n  value     = aws_iam_access_key.ci.secret\n'
            "  sensitive = true\n}\n",
            "outputs.tf",
            line=2,
            column=15,
            severity=Severity.WARNING,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if DocKind.TERRAFORM in doc.kinds:
            from rolecall.plugin.api import HCL_VIEW

            for block in doc.view(HCL_VIEW).blocks("output"):
                value, sensitive = block.attribute("value"), block.attribute("sensitive")
                if value is None or not _TF_SECRET.search(value.expr):
                    continue
                hidden = sensitive is not None and sensitive.expr == "true"
                yield self.finding(
                    doc,
                    value.start,
                    value.end,
                    material=f"output:{block.labels}",
                    evidence=value.expr,
                    severity=Severity.WARNING if hidden else None,
                    output=f'"{".".join(block.labels)}"',
                )
            return
        for root in tree_roots(doc):
            outputs = root.get("Outputs") if isinstance(root, MapNode) else None
            if not isinstance(outputs, MapNode):
                continue
            for key, output in outputs.items:
                node = output.get("Value") if isinstance(output, MapNode) else None
                for e in flatten(node) if node is not None else ():
                    if "SecretAccessKey" in e.value:
                        yield self.finding(
                            doc,
                            e.start,
                            e.end,
                            material=f"output:{key.value}",
                            evidence=e.value,
                            output=key.value,
                        )
                        break
