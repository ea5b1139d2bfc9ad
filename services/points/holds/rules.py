"""Pure rules of holds: why a hold is refused, and what a saga step did."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from services.points.ledger.rules import Wallet

Refusal = Literal["insufficient", "unverified", "unknown_resident"]


@dataclass(frozen=True)
class HoldOutcome:
    status: str  # placed | rejected | settled | released | unchanged
    resident_id: uuid.UUID | None
    community_id: uuid.UUID | None
    amount: int
    reason: Refusal | None = None


UNCHANGED = HoldOutcome("unchanged", None, None, 0)


def refusal(wallet: Wallet | None, amount: int, verified_only: bool) -> Refusal | None:
    """Why a hold cannot be placed, or None when it can."""
    if wallet is None:
        return "unknown_resident"
    if verified_only and not wallet.verified:
        return "unverified"
    if wallet.available < amount:
        return "insufficient"
    return None
