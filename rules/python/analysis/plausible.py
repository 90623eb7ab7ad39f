"""Which credentials a use really hands over: the last filter of the analysis.

Drops what is not a static credential after the finders have classified every value:
literals that cannot be AWS credentials (``"key"``, ``"mock-secret-key"``) or that go to
a local emulator's endpoint, keys that travel with a session token (temporary
credentials), and parameters that SDK wrappers and credential objects only pass on.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from rolecall.rules.aws.names import plausible_credential
from rolecall.rules.python.analysis.origin import ABSENT, Source, Value
from rolecall.rules.python.analysis.places import local_endpoint
from rolecall.rules.python.analysis.uses import CredArg, Use


def plausible(use: Use) -> Use:
    """Drop what is not a static credential: literals that cannot be AWS credentials
    (``"key"``, ``"mock-secret-key"``) or that go to a local emulator's endpoint, keys
    that travel with a session token (temporary credentials), and parameters that SDK
    wrappers and credential objects only pass on."""
    local = use.call is not None and local_endpoint(use.call)
    args = tuple(
        dataclasses.replace(a, value=ABSENT)
        if a.value.literal is not None
        and (local or not _plausible_literal(a.value.literal, a.role))
        else a
        for a in use.args
    )
    temporary = any(a.role == "token" and a.value.source in _TEMPORARY_TOKEN for a in args)
    # A credential object built from a caller's values (a provider, a signer, a request
    # being verified): every run-time part of it is the caller's, not a static key.
    builds = use.api.endswith(("Credentials", "set_credentials")) and any(
        a.value.source is Source.PARAMETER for a in args
    )
    args = tuple(
        dataclasses.replace(a, value=_STS)
        if ((temporary or builds) and a.value.source in _RUN_TIME) or _passed_on(a)
        else a
        for a in args
    )
    return dataclasses.replace(use, args=args)


#: Where a session token that marks temporary credentials comes from: run-time values
#: (a parameter, a variable, an attribute, a settings value), not the environment (the
#: standard variables read explicitly stay reported, with their fix) nor a literal.
_TEMPORARY_TOKEN = frozenset({Source.PARAMETER, Source.VARIABLE, Source.CONFIG, Source.STS})
#: Values that a session token beside them makes temporary: everything but literals
#: (a committed key stays reported whatever travels with it) and the environment.
_RUN_TIME = frozenset({Source.PARAMETER, Source.VARIABLE, Source.CONFIG})
_STS = Value(Source.STS)
#: Lower-case words joined by ``-``, ``_`` or ``.``: a value that names itself
#: (``"mock-aws-secret-access-key"``, ``"bad-token-causes-400"``, ``"__internal_call__"``).
#: AWS secrets and session tokens are random base64 and never look like this.
_SPELLED_OUT = re.compile(r"_*[a-z]+(?:[-_.]+[a-z0-9]+)+_*")


def _plausible_literal(value: str, role: str) -> bool:
    if not plausible_credential(value, role) or _typed_sequence(value):
        return False
    return role == "key_id" or not _SPELLED_OUT.fullmatch(value)


def _typed_sequence(value: str) -> bool:
    """A run of six letters or digits typed in order, up or down (``ABCDEFGHIJ...``,
    ``TSRQPONMLK...``): the policy of rolecall.rules.aws.key_ids for key ids, applied to secrets
    too. A random 40-character secret holds one with a probability below 1e-7."""
    up = down = 1
    for before, after in itertools.pairwise(value):
        step = ord(after) - ord(before) if before.isalnum() and after.isalnum() else 0
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        if up >= 6 or down >= 6:
            return True
    return False


def _passed_on(arg: CredArg) -> bool:
    """A wrapper's own ``aws_access_key_id`` parameter passed on under the same name
    (``boto3.Session.client``, emulator client factories): the caller decides where the
    key comes from, and an SDK's signature is not a credential."""
    value = arg.value
    return value.source is Source.PARAMETER and value.name == arg.name and value.name[:4] == "aws_"
