"""Stage 2, read: bytes to a decoded Document with lazily built parsed views."""
