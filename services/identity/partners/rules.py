"""Pure rules of partner platforms: ids and secrets minted, and the internal caller's token."""

from __future__ import annotations

import secrets


def new_partner_id() -> str:
    return f"ptn_{secrets.token_hex(8)}"


def new_secret() -> str:
    return f"pss_{secrets.token_urlsafe(32)}"


def internal_token_matches(presented: str, expected: str) -> bool:
    """Constant-time: a service-to-service caller proves itself with the shared token."""
    return secrets.compare_digest(presented.encode(), expected.encode())
