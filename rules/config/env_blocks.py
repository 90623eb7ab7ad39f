"""Environment blocks: the keys under which containers and functions get their
environment variables.

Not a rule module. Shared by the places of configuration files
(:mod:`rolecall.rules.config.places`) and by the JSON gate
(:mod:`rolecall.rules.config.json_gate`), which decides before the places are read
whether a JSON file needs them; kept apart so that neither imports the other.
"""

from __future__ import annotations

import functools

#: Keys under which containers and functions get their environment (lower case).
ENV_KEYS = frozenset(
    {
        "env",
        "environment",
        "extraenv",
        "envvars",
        "extraenvvars",
        "environmentvariables",  # also Chalice's environment_variables
        "awsenvironmentvariables",  # Zappa: set on the Lambda function
    }
)


@functools.lru_cache(maxsize=4096)
def is_env_key(key: str) -> bool:
    """Whether ``key`` names an environment block (any case, ``_``/``-`` ignored).

    Cached: a parsed file asks for every key of every path (botocore's API models ask
    hundreds of thousands of times for a few thousand distinct keys)."""
    return key.lower().replace("_", "").replace("-", "") in ENV_KEYS


def in_env_block(path: tuple[str, ...]) -> bool:
    """Whether ``path`` goes through an environment key (container/function env)."""
    return any(is_env_key(part) for part in path[:-1])
