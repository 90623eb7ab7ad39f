"""AWS credential material: access key ids, secret keys, session tokens, in any text."""
