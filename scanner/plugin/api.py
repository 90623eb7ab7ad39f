"""Everything the engine offers a rule, in one place: the plugin API.

A rule (built-in or third-party) imports from ``rolecall`` (the :class:`Rule` contract,
findings, documents) and from this module, nothing else of the engine. Like LibCST's
metadata providers, the parsed views are computed once per document by the engine and
declared by the rules that read them (``doc.view(HCL_VIEW)``); this module names them,
their node types, and the few helpers the engine also uses itself (the secret shapes
its redaction and fingerprint keying recognise, lazily compiled patterns). Credential
knowledge proper (key-id decoding, placeholders, names, checksums, fake generators) is
not here: it lives with the rules (``rolecall.rules.aws``, ``rolecall.rules.common``).

Names are imported on first use (PEP 562), so a rule that needs the YAML view does not
pay for importing the HCL parser. docs/plugins.md describes each name. The manifest of
the built-in rules (:mod:`rolecall.plugin.manifest`) hashes this module and the modules
in :data:`HOMES`: a rule declaration can depend on nothing else of the engine.
"""

from __future__ import annotations

# Not ``typing.TYPE_CHECKING``: importing ``typing`` costs a pre-commit run milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from rolecall.model import Confidence, Finding, Fix, RelatedLocation, Severity, TextEdit
    from rolecall.output.redact import redact, scrub
    from rolecall.plugin.lazyre import LazyPattern, lazy
    from rolecall.plugin.rule import Example, Rule, RuleContext
    from rolecall.read.document import DocKind, Document, View, ViewError
    from rolecall.read.parsers.apiclients import RequestFile, request_file
    from rolecall.read.parsers.common import (
        MAX_DEPTH,
        MAX_NODES,
        Entry,
        MapNode,
        Node,
        Scalar,
        SeqNode,
        flatten,
        scalar_text,
        walk,
    )
    from rolecall.read.parsers.connstr import connection_entries, s3fs_password_entries
    from rolecall.read.parsers.dockerfile import DOCKERFILE_VIEW, DockerfileDocument, Instruction
    from rolecall.read.parsers.dotenv import DOTENV_VIEW, DotenvDocument
    from rolecall.read.parsers.hcl import HCL_VIEW, Attribute, Block, HclDocument
    from rolecall.read.parsers.ini import INI_VIEW, IniDocument
    from rolecall.read.parsers.json import JSON_VIEW, JsonDocument, load_fast
    from rolecall.read.parsers.notebook import NOTEBOOK_SHELL_VIEW, NotebookShell
    from rolecall.read.parsers.pycode import python_module
    from rolecall.read.parsers.python import PythonModule
    from rolecall.read.parsers.shell import SHELL_VIEW, ShellScript, scan_shell
    from rolecall.read.parsers.toml import TOML_VIEW, TomlDocument
    from rolecall.read.parsers.winscripts import script_entries, script_language
    from rolecall.read.parsers.xml import XML_VIEW, XmlDocument
    from rolecall.read.parsers.yaml import YAML_VIEW, YamlStream
    from rolecall.shapes import (
        KEY_ID_PATTERN,
        MIN_SESSION_TOKEN_LENGTH,
        SESSION_TOKEN_PREFIXES,
        decodes_to_text,
        has_placeholder_word,
        looks_like_path,
        looks_like_secret_key,
        looks_like_session_token,
        shannon_entropy,
    )

_PARSERS = "rolecall.read.parsers."

#: Where each name of the API lives (module -> names). The manifest digest covers these
#: modules; a test holds this table, ``__all__`` and the imports above to one another.
HOMES: dict[str, tuple[str, ...]] = {
    # The Rule contract and what a rule produces (also top-level names of ``rolecall``).
    "rolecall.plugin.rule": ("Example", "Rule", "RuleContext"),
    "rolecall.model": ("Confidence", "Finding", "Fix", "RelatedLocation", "Severity", "TextEdit"),
    "rolecall.read.document": ("DocKind", "Document", "View", "ViewError"),
    "rolecall.output.redact": ("redact", "scrub"),
    # Patterns compiled on first use.
    "rolecall.plugin.lazyre": ("LazyPattern", "lazy"),
    # Secret shapes the engine's redaction and fingerprint keying recognise too.
    "rolecall.shapes": (
        "KEY_ID_PATTERN",
        "MIN_SESSION_TOKEN_LENGTH",
        "SESSION_TOKEN_PREFIXES",
        "decodes_to_text",
        "has_placeholder_word",
        "looks_like_path",
        "looks_like_secret_key",
        "looks_like_session_token",
        "shannon_entropy",
    ),
    # Parsed views and their node types.
    _PARSERS + "common": (
        "MAX_DEPTH",
        "MAX_NODES",
        "Entry",
        "MapNode",
        "Node",
        "Scalar",
        "SeqNode",
        "flatten",
        "scalar_text",
        "walk",
    ),
    _PARSERS + "apiclients": ("RequestFile", "request_file"),
    _PARSERS + "connstr": ("connection_entries", "s3fs_password_entries"),
    _PARSERS + "dockerfile": ("DOCKERFILE_VIEW", "DockerfileDocument", "Instruction"),
    _PARSERS + "dotenv": ("DOTENV_VIEW", "DotenvDocument"),
    _PARSERS + "hcl": ("HCL_VIEW", "Attribute", "Block", "HclDocument"),
    _PARSERS + "ini": ("INI_VIEW", "IniDocument"),
    _PARSERS + "json": ("JSON_VIEW", "JsonDocument", "load_fast"),
    _PARSERS + "notebook": ("NOTEBOOK_SHELL_VIEW", "NotebookShell"),
    _PARSERS + "pycode": ("python_module",),
    _PARSERS + "python": ("PythonModule",),
    _PARSERS + "shell": ("SHELL_VIEW", "ShellScript", "scan_shell"),
    _PARSERS + "toml": ("TOML_VIEW", "TomlDocument"),
    _PARSERS + "winscripts": ("script_entries", "script_language"),
    _PARSERS + "xml": ("XML_VIEW", "XmlDocument"),
    _PARSERS + "yaml": ("YAML_VIEW", "YamlStream"),
}

__all__ = [
    "DOCKERFILE_VIEW",
    "DOTENV_VIEW",
    "HCL_VIEW",
    "INI_VIEW",
    "JSON_VIEW",
    "KEY_ID_PATTERN",
    "MAX_DEPTH",
    "MAX_NODES",
    "MIN_SESSION_TOKEN_LENGTH",
    "NOTEBOOK_SHELL_VIEW",
    "SESSION_TOKEN_PREFIXES",
    "SHELL_VIEW",
    "TOML_VIEW",
    "XML_VIEW",
    "YAML_VIEW",
    "Attribute",
    "Block",
    "Confidence",
    "DocKind",
    "DockerfileDocument",
    "Document",
    "DotenvDocument",
    "Entry",
    "Example",
    "Finding",
    "Fix",
    "HclDocument",
    "IniDocument",
    "Instruction",
    "JsonDocument",
    "LazyPattern",
    "MapNode",
    "Node",
    "NotebookShell",
    "PythonModule",
    "RelatedLocation",
    "RequestFile",
    "Rule",
    "RuleContext",
    "Scalar",
    "SeqNode",
    "Severity",
    "ShellScript",
    "TextEdit",
    "TomlDocument",
    "View",
    "ViewError",
    "XmlDocument",
    "YamlStream",
    "connection_entries",
    "decodes_to_text",
    "flatten",
    "has_placeholder_word",
    "lazy",
    "load_fast",
    "looks_like_path",
    "looks_like_secret_key",
    "looks_like_session_token",
    "python_module",
    "redact",
    "request_file",
    "s3fs_password_entries",
    "scalar_text",
    "scan_shell",
    "script_entries",
    "script_language",
    "scrub",
    "shannon_entropy",
    "walk",
]

_HOME_OF = {name: module for module, names in HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module 'rolecall.plugin.api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
