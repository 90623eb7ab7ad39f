from cryptography.fernet import Fernet

# Rotated quarterly; current key lives in Secrets Manager (crypto/fernet).
def cipher(key: bytes) -> Fernet:
    return Fernet(key)


LEGACY = Fernet(b"{{FERNET_KEY}}")
NEW_KEY = Fernet.generate_key()
