"""The Python analysis the RC2xx rules share: name resolution, values, scopes, fixes."""
