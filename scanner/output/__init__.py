"""Stage 5, report: the report and its formats (text, JSON, SARIF, GitHub annotations)."""
