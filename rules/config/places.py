"""Where credentials sit in configuration files: places, views and scripts (RC3xx).

Not a rule module (it defines no rule). Each place (GitHub workflow, GitLab CI, AWS
shared files, tools' own files, container environments, Terraform providers) has
exactly one rule that reports a literal credential there, and that rule claims the
place from the generic rule RC301 in its own declaration
(``supersedes = ("RC1", "RC301@env-block")``). :data:`PLACES` names the places and
decides which entries are in them; RC301 leaves the entries of every claimed place out
(:func:`in_claimed_place`), so one value is reported once by RC3xx.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator

from rolecall import DocKind, Document, View
from rolecall.plugin.api import Entry, MapNode, Node, Scalar, SeqNode, scan_shell, walk
from rolecall.rules.aws.value_gate import may_hold_credential_value
from rolecall.rules.config.env_blocks import in_env_block, is_env_key

AWS_SHARED_KEYS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})


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


#: Tools that keep S3 or Athena/Redshift credentials in a configuration file of their
#: own, by file name (lower case); DVC's files are matched by their folder.
_TOOL_FILES = {
    ".s3cfg": "s3cmd",
    "s3cfg": "s3cmd",
    "rclone.conf": "rclone",
    ".boto": "boto",
    "boto.cfg": "boto",
    "boto.config": "boto",
    ".passwd-s3fs": "s3fs",
    "passwd-s3fs": "s3fs",
    "odbc.ini": "odbc",
    ".odbc.ini": "odbc",
    "odbcinst.ini": "odbc",
}


def tool_config(doc: Document) -> str | None:
    """The tool whose own configuration file ``doc`` is (s3cmd, rclone, dvc, boto, s3fs,
    odbc), or None. Such files are RC313's."""
    name = posixpath.basename(doc.path).lower()
    if name in ("config", "config.local"):
        parent = posixpath.basename(posixpath.dirname(doc.path))
        return "dvc" if parent == ".dvc" else None
    return _TOOL_FILES.get(name)


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


def _aws_shared_entry(doc: Document, entry: Entry) -> bool:
    return doc.kind is DocKind.INI and (is_aws_shared_file(doc) or entry.key in AWS_SHARED_KEYS)


#: The places of configuration files that a rule can claim from RC301 (an entry
#: ``"RC301@<name>"`` in its ``supersedes``), each with what decides that an entry of a
#: document is in it.
PLACES: dict[str, Callable[[Document, Entry], bool]] = {
    "github-workflow": lambda doc, entry: is_github_workflow(doc),
    "gitlab-ci": lambda doc, entry: is_gitlab_ci(doc),
    "tool-config": lambda doc, entry: doc.kind is DocKind.INI and tool_config(doc) is not None,
    "aws-shared-file": _aws_shared_entry,
    "terraform-credential-block": lambda doc, entry: (
        doc.kind is DocKind.TERRAFORM and credential_block(entry.path)
    ),
    "env-block": lambda doc, entry: (
        bool(doc.kinds & {DocKind.YAML, DocKind.JSON}) and in_env_block(entry.path)
    ),
}


def in_claimed_place(doc: Document, places: Iterable[str]) -> Callable[[Entry], bool]:
    """Whether an entry of ``doc`` is in one of ``places`` (names of :data:`PLACES`; an
    unknown name is a declaration's mistake and raises KeyError)."""
    tests = [PLACES[name] for name in sorted(places)]
    return lambda entry: any(test(doc, entry) for test in tests)


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
        if not (path and is_env_key(path[-1]) and isinstance(node, SeqNode)):
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
    # Each parser is imported only for its own format (start-up of small scans).
    kinds = doc.kinds
    if is_lock_file(doc):
        return ()
    if DocKind.ENV in kinds:
        from rolecall.plugin.api import DOTENV_VIEW

        return doc.view(DOTENV_VIEW).entries
    if DocKind.INI in kinds:
        from rolecall.plugin.api import INI_VIEW

        return doc.view(INI_VIEW).entries
    if DocKind.YAML in kinds:
        from rolecall.plugin.api import YAML_VIEW

        return doc.view(YAML_VIEW).entries
    if DocKind.NOTEBOOK in kinds:
        return ()  # notebook cells are code: the Python rules read them
    if DocKind.JSON in kinds:
        from rolecall.plugin.api import JSON_VIEW

        return doc.view(JSON_VIEW).entries if json_needed(doc) else ()
    if DocKind.TOML in kinds:
        from rolecall.plugin.api import TOML_VIEW

        return doc.view(TOML_VIEW).entries
    if DocKind.TERRAFORM in kinds:
        from rolecall.plugin.api import HCL_VIEW

        return doc.view(HCL_VIEW).entries
    return ()


def tree_roots(doc: Document) -> tuple[Node, ...]:
    """The YAML documents or the JSON root of ``doc`` (empty for other formats)."""
    if is_lock_file(doc):
        return ()
    if DocKind.YAML in doc.kinds:
        from rolecall.plugin.api import YAML_VIEW

        return doc.view(YAML_VIEW).documents
    if DocKind.JSON in doc.kinds and DocKind.NOTEBOOK not in doc.kinds:
        from rolecall.plugin.api import JSON_VIEW

        return (doc.view(JSON_VIEW).root,) if json_needed(doc) else ()
    return ()


def json_needed(doc: Document) -> bool:
    """Whether the rules need ``doc``'s position-keeping JSON tree: the C parser's
    reading holds something they may report, or it refuses the text. Without either,
    the rules that read JSON through :func:`config_entries` and :func:`tree_roots`
    find nothing, so they are given nothing (a C parse instead of a Python one)."""
    from rolecall.rules.config.json_gate import JSON_GATE

    return doc.view(JSON_GATE)


def _value_gate(doc: Document) -> bool:
    # A document read as clean UTF-8 holds the text's encoding already: its bytes (after
    # a BOM) are what the gate would make of the text again, 100 MB in botocore's models.
    decoded = doc.decoded
    utf8 = None
    if decoded.encoding == "utf-8" and not decoded.errors:
        utf8 = doc.data[3:] if decoded.bom else doc.data
    return may_hold_credential_value(doc.text, utf8)


#: ``may_hold_credential_value`` of a document's text, decided once however many of the
#: rules that gate on it (RC301, RC307, RC320, RC321, RC322) run on the document.
VALUE_GATE: View[bool] = View("may-hold-credential-value", _value_gate)


def may_hold_value(doc: Document) -> bool:
    """Whether ``doc`` holds anything that could be a literal AWS credential value."""
    return doc.view(VALUE_GATE)


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
    return yaml_scripts(doc, frozenset({"run"}))


#: YAML keys whose values are shell in CI systems and manifests (Bitbucket, CircleCI,
#: Travis, Azure Pipelines, Buildkite, Drone, Kubernetes command/args...).
SCRIPT_KEYS = frozenset(
    {
        "script",
        "scripts",
        "before_script",
        "after_script",
        "before_install",
        "install",
        "run",
        "command",
        "commands",
        "args",
        "bash",
        "sh",
        "runcmd",  # cloud-init user data
        "bootcmd",
    }
)


def yaml_scripts(doc: Document, keys: frozenset[str] = SCRIPT_KEYS) -> Iterator[Entry]:
    """Assignments and ``aws configure set`` values in YAML values under ``keys`` (a
    script string, or a list of them), with offsets into the document."""
    for root in tree_roots(doc):
        for path, node in walk(root):
            if not (path and path[-1] in keys):
                continue
            items = node.items if isinstance(node, SeqNode) else (node,)
            for item in items:
                if isinstance(item, Scalar) and item.is_string:
                    # Block scalars start at their indicator line; the shell tokenizer
                    # reads the raw source, so indentation and the "|" are harmless.
                    text = doc.text[item.start : item.end]
                    for e in scan_shell(text, item.start).entries:
                        yield Entry(path + e.path, e.value, e.start, e.end, literal=e.literal)


_CI_OIDC = {
    "circleci": (
        "CircleCI's OIDC token: the aws-cli orb's setup step with `role_arn` exchanges "
        "$CIRCLE_OIDC_TOKEN_V2 with sts:AssumeRoleWithWebIdentity; the role trusts the "
        "provider oidc.circleci.com/org/<org-id>"
    ),
    "bitbucket": (
        "Bitbucket Pipelines OIDC: `oidc: true` on the step, $BITBUCKET_STEP_OIDC_TOKEN "
        "written to the file named by AWS_WEB_IDENTITY_TOKEN_FILE, and AWS_ROLE_ARN; the "
        "role trusts the workspace's provider api.bitbucket.org/2.0/workspaces/<workspace>/"
        "pipelines-config/identity/oidc"
    ),
}
_CI_GENERIC = (
    "the CI system's OIDC identity token exchanged with sts:AssumeRoleWithWebIdentity for "
    "a role's short-lived credentials (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE for the SDK)"
)


def ci_system(doc: Document) -> str | None:
    """The CI system whose configuration ``doc`` is (GitHub and GitLab aside), or None."""
    path = "/" + doc.path.lower()
    name = posixpath.basename(path)
    if path.endswith("/.circleci/config.yml"):
        return "circleci"
    if name in ("bitbucket-pipelines.yml", "bitbucket-pipelines.yaml"):
        return "bitbucket"
    if name.startswith("azure-pipelines") or name in (".travis.yml", ".drone.yml"):
        return "ci"
    if "/.buildkite/" in path:
        return "ci"
    return None


def ci_oidc_alternative(doc: Document) -> str | None:
    """The keyless alternative for a CI configuration file, or None for other files."""
    system = ci_system(doc)
    return None if system is None else _CI_OIDC.get(system, _CI_GENERIC)


_CLI_OUTPUT = (
    "the default provider chain at run time instead of a saved copy of AWS CLI output "
    "(an IAM Identity Center profile from `aws configure sso`, or `credential_process`; "
    "or pipe `aws configure export-credentials --format env` into the one process that "
    "needs them, never into a file), and a role the consumer assumes instead of a new "
    "IAM user key"
)


def cli_output_alternative(doc: Document) -> str | None:
    """The keyless alternative for saved ``aws iam create-access-key``, ``aws sts
    assume-role``/``get-session-token``/``get-federation-token`` or ``aws configure
    export-credentials`` JSON output, or None for other files."""
    if DocKind.JSON not in doc.kinds or doc.text[:256].lstrip("\ufeff \t\r\n")[:1] != "{":
        return None
    for root in tree_roots(doc):
        if not isinstance(root, MapNode):
            continue
        access_key = root.get("AccessKey")
        credentials = root.get("Credentials")
        if isinstance(access_key, MapNode) and access_key.get("SecretAccessKey") is not None:
            return _CLI_OUTPUT
        if isinstance(credentials, MapNode) and credentials.get("SessionToken") is not None:
            return _CLI_OUTPUT
        if root.get("Version") is not None and root.get("SecretAccessKey") is not None:
            return _CLI_OUTPUT
    return None
