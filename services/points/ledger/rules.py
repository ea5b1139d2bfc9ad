"""Pure ledger rules: wallet arithmetic (debts paid first, never below zero), score periods,
and the plan that undoes a posting. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from kit.errors import Conflict
from services.points.base import LOCAL

# Postings a reversal may undo: what changed a score. Holds, expiry and reversals are not.
REVERSIBLE = ("award", "deduction", "claim", "adjustment")


@dataclass(frozen=True)
class Wallet:
    """A resident account as read under its row lock."""

    id: uuid.UUID
    resident_id: uuid.UUID
    community_id: uuid.UUID
    household_id: uuid.UUID | None
    verified: bool
    balance: int
    held: int
    debt: int

    @property
    def available(self) -> int:
        return self.balance - self.held


@dataclass(frozen=True)
class Credit:
    credited: int  # into the wallet
    debt_paid: int  # straight off an earlier deduction's debt


@dataclass(frozen=True)
class Debit:
    taken: int  # out of the wallet
    new_debt: int  # what the wallet could not cover


def split_award(amount: int, debt: int) -> Credit:
    """An award pays the resident's debt first; the rest reaches the wallet."""
    paid = min(amount, debt)
    return Credit(credited=amount - paid, debt_paid=paid)


def split_deduction(penalty: int, available: int) -> Debit:
    """A penalty takes what is available; the rest becomes debt. The wallet never goes negative."""
    taken = min(penalty, max(available, 0))
    return Debit(taken=taken, new_debt=penalty - taken)


def periods(at: datetime) -> tuple[str, str, str]:
    """The red-list periods a fact counts in, by the local (Asia/Shanghai) calendar."""
    local = at.astimezone(LOCAL)
    return f"m{local:%Y-%m}", f"y{local:%Y}", "all"


@dataclass(frozen=True)
class ReversalPlan:
    """What a reversal moves: the wallet leg, the change in debt and in lifetime earnings."""

    wallet_leg: int
    debt_change: int
    earned_change: int


def check_reversible(kind: str) -> None:
    if kind not in REVERSIBLE:
        raise Conflict(f"{kind} 记录不能冲正", field="posting_id")


def plan_reversal(*, own: int, score_delta: int, debt_delta: int, wallet: Wallet) -> ReversalPlan:
    """Undo a posting that moved `own` on the wallet, `score_delta` on the score and
    `debt_delta` on the debt. Points already spent cannot leave the wallet: what the wallet
    cannot give back becomes debt; debt the original paid off comes back only as far as the
    wallet still owes nothing below zero."""
    if own <= 0:
        back, shortfall = -own, 0  # a deduction's taken points go back
    else:
        taken = min(own, wallet.available)
        back, shortfall = -taken, own - taken
    debt_change = max(-wallet.debt, -debt_delta) + shortfall
    earned_change = -score_delta if score_delta > 0 else 0
    return ReversalPlan(wallet_leg=back, debt_change=debt_change, earned_change=earned_change)
