"""Python code that hands static credentials to an SDK (RC2xx)."""
