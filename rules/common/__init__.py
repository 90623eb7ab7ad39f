"""Credential knowledge shared by rules of several folders."""
