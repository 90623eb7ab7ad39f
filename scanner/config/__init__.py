"""Configuration: pyproject/rolecall.toml loading, validation and the options it resolves to."""
