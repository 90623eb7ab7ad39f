"""Other providers' tokens and keys (RC1xx outside AWS)."""
