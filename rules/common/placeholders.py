"""Values that are not secrets: placeholders, references, documented examples.

Every rule family applies the same policy (DESIGN.md, "Severity policy"): an obvious
placeholder (``YOUR_KEY``, ``xxxx``, ``<secret>``), a reference to where a secret lives
(``${VAR}``, ``{{ secrets.X }}``, an SSM or Secrets Manager ARN) and a value that vendors
publish in their documentation or emulators (AWS's example keys, the Azurite key) is
never reported by default. :func:`looks_random` is the token rules' test for the
hand-written look-alikes that documentation is full of.
"""

from __future__ import annotations

import hashlib
import re

from rolecall.plugin.api import lazy, shannon_entropy
from rolecall.rules.aws.key_ids import DOCUMENTATION_ACCOUNT, account_id_from_key_id

_EXAMPLE_SUFFIXES = ("EXAMPLE", "EXAMPLEKEY")
#: Values published by local emulators (LocalStack, moto) that are not credentials.
_EMULATOR_VALUES = frozenset({"test", "testing", "foobar", "foo", "bar", "fake", "dummy"})
_PLACEHOLDER_WORDS = lazy(
    r"(?i)^(?:your|my|the|some|enter|insert|put|replace|fake|dummy|example|sample|test|"
    r"placeholder|changeme|change[_-]?me|redacted|todo|tbd|none|null|nil|undefined|secret|"
    r"password|xxx+|access[_-]?key|secret[_-]?key)"
    r"(?:[_\-. ]?(?:aws|access|secret|key|keys|id|here|value|token|session|goes|password|"
    r"account|me|this|it))*$"
)
_TEMPLATE_REFERENCE = lazy(
    r"""
    ^\$\{\{.*\}\}$            # GitHub Actions ${{ secrets.X }}
  | ^\$\{[^}]*\}$             # ${VAR} / ${VAR:-default}
  | ^\$[A-Za-z_][A-Za-z0-9_]*$  # $VAR
  | ^%[A-Za-z_][A-Za-z0-9_]*%$  # %VAR% (Windows)
  | ^\{\{.*\}\}$              # Jinja / Helm / CloudFormation dynamic {{resolve:...}}
  | ^<[^<>]*>$                # <secret>, <your-key>
  | ^\[[A-Za-z_ -]*\]$        # [SECRET]
  | ^@[A-Za-z_][A-Za-z0-9_.]*@$  # @TOKEN@ build substitution
  | ^(?:arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):)  # secret/parameter references
  | ^(?:ssm|secretsmanager|vault|sops|awskms|env|op|doppler)://?
  | ^ENC\[                    # SOPS encrypted value
  | ^!(?:Ref|Sub|GetAtt|ImportValue)\b
  | ^\$\([A-Za-z_][A-Za-z0-9_]*\)$  # $(VAR): Kubernetes env, Azure Pipelines, make
  | ^\(\([^()]*\)\)$          # ((var)): Concourse
  | ^\#\{[^}]*\}$             # #{var}: Octopus, Ruby
  | ^(?:vault|sm|gcpsm|azkv):   # external secret store references
    """,
    re.VERBOSE,
)


#: The start of AWS's documented example secret key (``wJalrXUtnFEMI/K7MDENG/...``).
#: Documentation and test suites vary its tail (``EXAMPLEKEY``, ``TESTKEY``) and its
#: separator (the SigV4 test suite has ``+`` where the guides have ``/``).
_EXAMPLE_SECRET_STEMS = ("wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI+K7MDENG")


def is_documented_example(value: str) -> bool:
    """Documented example keys and their derivatives.

    - anything ending in ``EXAMPLE``/``EXAMPLEKEY`` (AWS's keys, the SigV4 test suite's
      ``AKIDEXAMPLE``), and AWS's example session tokens (``EXAMPLE`` in the middle of a
      value longer than a secret key, as in the STS and CLI documentation and moto's
      fake responses);
    - AWS's example secret with another tail (``...bPxRfiCYTESTKEY``);
    - a key id that decodes to the documentation account ``123456789012``;
    - the published emulator and documentation values in DOCUMENTED_VALUE_HASHES (the
      S3 developer guide's signature version 2 keys, the Azurite key, ...).
    """
    upper = value.upper()
    if upper.endswith(_EXAMPLE_SUFFIXES):
        return True
    if len(value) > 40 and "EXAMPLE" in value:
        return True
    if value.startswith(_EXAMPLE_SECRET_STEMS):
        return True
    if len(value) == 20 and account_id_from_key_id(value) == DOCUMENTATION_ACCOUNT:
        return True
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in DOCUMENTED_VALUE_HASHES


def is_reference(value: str) -> bool:
    """A value that names where a secret lives rather than holding one."""
    return bool(_TEMPLATE_REFERENCE.search(value.strip()))


def is_placeholder(value: str) -> bool:
    """Obvious placeholders: empty, all one character, xxxx/****, YOUR_KEY, changeme..."""
    v = value.strip().strip("'\"")
    if not v:
        return True
    if len(set(v)) <= 2 and len(v) >= 3:
        return True  # aaaa, xxxx, ****, 0000, ----, x-x-
    if v.startswith("<") and v.endswith(">"):
        return True  # <secret>, <your-key>
    if v.lower() in _EMULATOR_VALUES:
        return True
    if re.fullmatch(r"[xX*#.]{3,}.*|.*[xX*]{6,}", v):
        return True
    return bool(_PLACEHOLDER_WORDS.match(v))


def is_not_a_secret(value: str) -> bool:
    """Placeholder, reference or documented example: never reported by default."""
    return is_placeholder(value) or is_reference(value) or is_documented_example(value)


#: SHA-256 of values that vendors publish for local emulators or documentation (the
#: Azurite development storage key, ...). Stored as hashes so that this file holds no
#: key-shaped text; :func:`is_documented_example` recognises them.
DOCUMENTED_VALUE_HASHES: frozenset[str] = frozenset(
    {
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",  # Azurite key
        # The S3 developer guide's signature version 2 examples (key id, secret key).
        "98304b21e305abfd613bf0fe104db682f384a9dd909d48e000bc6465a7dfb294",
        "0114c1456f2504384f9111557e6dc0dd99de9fbc6644c6afa8a1bcac8ef391b1",
        # The same guide's older RESTAuthentication example pair (key id, secret key),
        # cited as such by the S3 client test suites that use it.
        "08249dd24f808d55a21a30952506a7ff60be1426f495bc8292104470050e0e43",
        "0e8ad95d75d71161d9eb8929c48030c857b8774d9812bb1a5898ea81643e415b",
    }
)


def looks_random(value: str, *, min_entropy: float = 3.0, min_classes: int = 2) -> bool:
    """Whether a token body has the character mix of generated material.

    Filters the hand-written look-alikes documentation is full of (``abcdef123456``,
    ``0000...``, ``my_token_here``): generated tokens use several character classes
    and have high per-character entropy.
    """
    classes = sum(
        (
            any(c.isupper() for c in value),
            any(c.islower() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    if classes < min_classes:
        return False
    if re.search(r"(?i)(?:abcdef|123456|xxxx|0000|example|sample|dummy|placeholder)", value):
        return False
    return shannon_entropy(value) >= min_entropy


#: A template or variable reference inside a value: ``${X}``, ``$(cmd)``, ``{{ x }}``,
#: ``%(x)s`` anywhere, or the whole value a ``{x}`` (str.format / f-string) field. Kept
#: strict because random secrets contain ``$``, ``%``, ``(`` and ``{`` by chance.
_EMBEDDED_REFERENCE = lazy(
    r"\$\{[^}]{1,200}\}|\$\([A-Za-z_][\w ./-]{0,200}\)|\{\{|%\([A-Za-z_]\w{0,64}\)[sdr]"
    r"|^\{[A-Za-z_][\w.\[\]'\"]{0,64}\}$"
)


def contains_reference(value: str) -> bool:
    """Whether ``value`` is built from a variable rather than holding a literal secret."""
    return bool(_EMBEDDED_REFERENCE.search(value))


def is_not_a_literal_secret(value: str) -> bool:
    """:func:`is_not_a_secret`, or a value with a reference anywhere inside it."""
    return is_not_a_secret(value) or contains_reference(value)
