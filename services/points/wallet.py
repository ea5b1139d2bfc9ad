"""Pure wallet arithmetic: debts paid first, the wallet never below zero, score periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


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


def capped_amount(amount: int, used: int, cap: int | None) -> int:
    """How much of `amount` still fits under `cap` when `used` is already counted."""
    if cap is None:
        return amount
    return max(0, min(amount, cap - used))
