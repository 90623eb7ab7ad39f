"""rolecall's built-in rules, one module per theme.

The package registers in the ``rolecall.rules`` entry-point group once
(``rolecall = "rolecall.rules"`` in pyproject.toml); the registry loads the modules this
package declares in :data:`RULE_MODULES`, each as if it had an entry point of its own
named after it (``aws_keys = rolecall.rules.aws_keys``), exactly as a third-party plugin's
modules are loaded. A new rule module is added here, nowhere else.
"""

#: The built-in rule modules, by full dotted name.
RULE_MODULES: tuple[str, ...] = (
    "rolecall.rules.aws_keys",
    "rolecall.rules.aws_encoded",
    "rolecall.rules.aws_escaped",
    "rolecall.rules.config_keys",
    "rolecall.rules.aws_shared_files",
    "rolecall.rules.ci_github_oidc",
    "rolecall.rules.ci_github_secrets",
    "rolecall.rules.ci_github_literals",
    "rolecall.rules.ci_gitlab",
    "rolecall.rules.container_env",
    "rolecall.rules.dockerfile",
    "rolecall.rules.terraform_provider",
    "rolecall.rules.iam_access_keys",
    "rolecall.rules.terraform_state",
    "rolecall.rules.api_clients",
    "rolecall.rules.xml_config",
    "rolecall.rules.winscp",
    "rolecall.rules.iam_downloads",
    "rolecall.rules.shell_scripts",
    "rolecall.rules.tool_configs",
    "rolecall.rules.aws_secrets",
    "rolecall.rules.cloud_keys",
    "rolecall.rules.python_boto3",
    "rolecall.rules.python_botocore",
    "rolecall.rules.python_dataframes",
    "rolecall.rules.python_environment",
    "rolecall.rules.python_filesystems",
    "rolecall.rules.private_keys",
    "rolecall.rules.gcp",
    "rolecall.rules.azure",
    "rolecall.rules.azure_entra",
    "rolecall.rules.tokens_vcs",
    "rolecall.rules.tokens_packages",
    "rolecall.rules.tokens_chat",
    "rolecall.rules.tokens_saas",
    "rolecall.rules.tokens_ai",
    "rolecall.rules.url_credentials",
    "rolecall.rules.package_auth",
    "rolecall.rules.netrc_file",
    "rolecall.rules.docker_config",
    "rolecall.rules.signing_keys",
    "rolecall.rules.encryption_keys",
    "rolecall.rules.aws_adjacent",
    "rolecall.rules.ci_tokens",
    "rolecall.rules.generic",
)
