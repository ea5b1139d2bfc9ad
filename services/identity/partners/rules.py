"""Pure rules of partner platforms: ids, secrets and API keys minted, the internal token."""

from __future__ import annotations

import hashlib
import secrets


def new_partner_id() -> str:
    return f"ptn_{secrets.token_hex(8)}"


def new_secret() -> str:
    return f"pss_{secrets.token_urlsafe(32)}"


def internal_token_matches(presented: str, expected: str) -> bool:
    """Constant-time: a service-to-service caller proves itself with the shared token."""
    return secrets.compare_digest(presented.encode(), expected.encode())


def new_api_key() -> str:
    """An Open311 API key: 32 random bytes, prefixed so a leaked one is recognisable."""
    return f"o311_{secrets.token_urlsafe(32)}"


def api_key_digest(key: str) -> str:
    """What is stored and published instead of the key (high entropy: SHA-256 suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()
