"""Stage 4, suppress: every per-finding filter. Per file (``findings``): duplicates, the
allowlist, severity overrides and inline comments (``inline``); per scan: the baseline
(``baseline``), which the scan request carries."""
