"""Configuration, CI and infrastructure files that configure static credentials (RC3xx)."""
