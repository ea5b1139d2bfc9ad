"""The in-memory ledger of a batch: each award planned against the wallet and the caps as the
awards before it left them (no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.points.awards.batch_plan import Ledger, Resolved, WalletState
from services.points.listing.rules import Item

AT = datetime(2026, 6, 15, 4, tzinfo=UTC)  # noon in Shanghai
ISSUING = uuid.uuid4()
ENV = Item.model_validate(
    {"code": "ENV", "name": "环境整治", "category": "志愿", "points": 2, "caps": {"day": 5}}
)
BAD = Item.model_validate({"code": "BAD", "name": "违规", "category": "扣分", "points": -4})


def wallet(*, balance: int = 0, debt: int = 0, household: bool = False) -> WalletState:
    return WalletState(
        id=uuid.uuid4(),
        resident_id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        household_id=uuid.uuid4() if household else None,
        balance=balance,
        held=0,
        debt=debt,
    )


def award(w: WalletState, item: Item, amount: int, n: int, at: datetime = AT) -> Resolved:
    return Resolved(w, item, amount, "volunteer", f"e{n}", "volunteer-platform", "清扫", at)


def test_the_day_cap_is_crossed_inside_the_batch() -> None:
    w = wallet()
    ledger = Ledger(earned={(w.resident_id, "ENV", AT.replace(hour=16) - timedelta(days=1)): 1})
    for n in range(4):
        ledger.post(award(w, ENV, 2, n), issuing=ISSUING)
    # 1 earned before the batch, cap 5: 2, 2, then 0 (capped 2), then 0 (capped 2).
    assert ledger.postings["score_delta"] == [2, 2, 0, 0]
    assert ledger.postings["capped"] == [0, 0, 2, 2]
    assert w.balance == 4
    assert len(ledger.entries) == 4, "no legs for a posting that credited nothing"


def test_a_penalty_takes_what_the_wallet_holds_then_awards_pay_the_debt_first() -> None:
    w = wallet(balance=3)
    ledger = Ledger(earned={})
    ledger.post(award(w, BAD, -4, 1), issuing=ISSUING)
    assert (w.balance, w.debt) == (0, 1)
    ledger.post(award(w, ENV, 2, 2), issuing=ISSUING)
    assert (w.balance, w.debt) == (1, 0)
    assert ledger.postings["kind"] == ["deduction", "award"]
    assert ledger.postings["debt_delta"] == [1, -1]
    assert ledger.wallets[w.id] == (0, 2), "debt back to where it was; 2 earned"
    events = [type(staged[0]).__name__ for staged in ledger.events]
    assert events == ["PointsDeducted", "PointsAwarded"]


def test_scores_count_for_the_resident_and_the_household_in_each_period() -> None:
    w = wallet(household=True)
    ledger = Ledger(earned={})
    ledger.post(award(w, ENV, 2, 1), issuing=ISSUING)
    ledger.post(award(w, ENV, 2, 2), issuing=ISSUING)
    assert sorted(ledger.scores.values()) == [4] * 6  # 2 subjects × month, year, all
    assert {key[1] for key in ledger.scores} == {"resident", "household"}


def test_only_capped_items_ask_for_windows() -> None:
    w = wallet()
    windows = Ledger.windows([award(w, ENV, 2, 1), award(w, BAD, -4, 2)])
    assert windows == {(w.resident_id, "ENV", AT.replace(hour=16) - timedelta(days=1))}
