"""Encryption at rest and keyed hashes, both keyed from settings."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet

from kit.phone import keyed_hash


class Vault:
    """Fernet (AES-128-CBC + HMAC) under a key derived from the configured data key."""

    def __init__(self, data_key: str) -> None:
        digest = hashlib.sha256(b"shanzhi-identity-vault:" + data_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))
        self._hash_key = hashlib.sha256(b"shanzhi-identity-hash:" + data_key.encode()).hexdigest()

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def fingerprint(self, value: str) -> str:
        """Keyed hash for uniqueness checks without storing the value in the clear."""
        return keyed_hash(self._hash_key, value)
