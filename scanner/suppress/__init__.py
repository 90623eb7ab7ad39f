"""Stage 4, suppress: every per-finding filter (inline comments, baseline)."""
