"""Autofix: applying the safe edits that findings carry."""
