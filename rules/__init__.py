"""rolecall's built-in rules, one module per theme.

The package registers in the ``rolecall.rules`` entry-point group once
(``rolecall = "rolecall.rules"`` in pyproject.toml); the registry loads the modules this
package declares in :data:`RULE_MODULES`, each as if it had an entry point of its own
with the name it is declared with (``aws_keys = rolecall.rules.aws.keys``), exactly as
a third-party plugin's modules are loaded. A new rule module is added here, nowhere else.
"""

#: The built-in rule modules, ``entry name = full dotted module name`` (the entry names
#: are the rules' origins, as when each module had an entry point of its own).
RULE_MODULES: tuple[str, ...] = (
    "aws_keys = rolecall.rules.aws.keys",
    "aws_encoded = rolecall.rules.aws.encoded",
    "aws_escaped = rolecall.rules.aws.escaped",
    "config_keys = rolecall.rules.config.keys",
    "aws_shared_files = rolecall.rules.config.aws_shared_files",
    "ci_github_oidc = rolecall.rules.config.github_oidc",
    "ci_github_secrets = rolecall.rules.config.github_secrets",
    "ci_github_literals = rolecall.rules.config.github_literals",
    "ci_gitlab = rolecall.rules.config.gitlab",
    "container_env = rolecall.rules.config.container_env",
    "dockerfile = rolecall.rules.config.dockerfile",
    "terraform_provider = rolecall.rules.config.terraform_provider",
    "iam_access_keys = rolecall.rules.config.iam_access_keys",
    "terraform_state = rolecall.rules.config.terraform_state",
    "api_clients = rolecall.rules.config.api_clients",
    "xml_config = rolecall.rules.config.xml_config",
    "winscp = rolecall.rules.config.winscp",
    "iam_downloads = rolecall.rules.config.iam_downloads",
    "shell_scripts = rolecall.rules.config.shell_scripts",
    "tool_configs = rolecall.rules.config.tool_configs",
    "aws_secrets = rolecall.rules.aws.secret_keys",
    "cloud_keys = rolecall.rules.tokens.cloud_keys",
    "python_boto3 = rolecall.rules.python.boto3_clients",
    "python_botocore = rolecall.rules.python.botocore_sessions",
    "python_dataframes = rolecall.rules.python.dataframes",
    "python_environment = rolecall.rules.python.environment",
    "python_filesystems = rolecall.rules.python.filesystems",
    "private_keys = rolecall.rules.tokens.private_keys",
    "gcp = rolecall.rules.tokens.gcp",
    "azure = rolecall.rules.tokens.azure",
    "azure_entra = rolecall.rules.tokens.azure_entra",
    "tokens_vcs = rolecall.rules.tokens.vcs",
    "tokens_packages = rolecall.rules.tokens.packages",
    "tokens_chat = rolecall.rules.tokens.chat",
    "tokens_saas = rolecall.rules.tokens.saas",
    "tokens_ai = rolecall.rules.tokens.ai",
    "url_credentials = rolecall.rules.tokens.url_credentials",
    "package_auth = rolecall.rules.tokens.package_auth",
    "netrc_file = rolecall.rules.tokens.netrc_file",
    "docker_config = rolecall.rules.tokens.docker_config",
    "signing_keys = rolecall.rules.tokens.signing_keys",
    "encryption_keys = rolecall.rules.tokens.encryption_keys",
    "aws_adjacent = rolecall.rules.aws.adjacent",
    "ci_tokens = rolecall.rules.tokens.ci",
    "generic = rolecall.rules.tokens.generic",
)

#: The modules whose ``FAKES`` tables offer the built-in rules' fake credential
#: generators to :mod:`rolecall.fakes` (the demo, the corpus, benchmarks and tests).
FAKE_MODULES: tuple[str, ...] = ("rolecall.rules.fakes",)
