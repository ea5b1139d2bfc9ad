"""The in-memory ledger of a batch of awards: each award planned in turn exactly as
double_entry.credit / debit would post it against the wallet as it stands after the awards
before it, then all written at once (batch_sql)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventData
from contracts.points import PointsAwarded, PointsDeducted
from kit.outbox import Staged, add_data
from services.points.awards import batch_sql as sql
from services.points.awards.rules import active_caps, allowed_under_caps, cap_windows
from services.points.events import SOURCE
from services.points.ledger.rules import periods, split_award, split_deduction
from services.points.listing.rules import Item


@dataclass
class WalletState:
    """A locked wallet; balance and debt follow the batch's postings as they are planned."""

    id: uuid.UUID
    resident_id: uuid.UUID
    community_id: uuid.UUID
    household_id: uuid.UUID | None
    balance: int
    held: int
    debt: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> WalletState:
        return cls(
            id=row["id"],
            resident_id=row["resident_id"],
            community_id=row["community_id"],
            household_id=row["household_id"],
            balance=row["balance"],
            held=row["held"],
            debt=row["debt"],
        )

    @property
    def available(self) -> int:
        return self.balance - self.held


@dataclass(frozen=True)
class Resolved:
    """An award with its wallet, item and points (negative: a penalty) decided."""

    wallet: WalletState
    item: Item
    amount: int
    source_type: str
    source_id: str
    actor: str
    reason: str
    at: datetime
    trace: str | None = None  # the traceparent its events continue (kit.tracing)


class FactAlreadyPosted(Exception):
    """A fact of the batch has a posting already: the careful path decides it alone."""


@dataclass
class Ledger:
    """Postings planned in order; `earned` holds what caps counted before the batch."""

    earned: Mapping[sql.Window, int]
    postings: dict[str, list[Any]] = field(
        default_factory=lambda: {c: [] for c in sql.POSTING_COLUMNS}
    )
    entries: list[tuple[uuid.UUID, uuid.UUID, int]] = field(default_factory=list)
    scores: dict[sql.ScoreKey, int] = field(default_factory=lambda: defaultdict(int))
    wallets: dict[uuid.UUID, tuple[int, int]] = field(default_factory=dict)
    events: list[Staged] = field(default_factory=list)
    # This batch's own awards per (resident, item): (when, points), for the caps that follow.
    counted: dict[tuple[uuid.UUID, str], list[tuple[datetime, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @staticmethod
    def windows(resolved: list[Resolved]) -> set[sql.Window]:
        """The cap windows the batch's awards are judged in."""
        found: set[sql.Window] = set()
        for r in resolved:
            capped = active_caps(r.item.caps)
            if r.amount > 0 and capped:
                starts = cap_windows(r.at)
                for period in capped:
                    found.add((r.wallet.resident_id, r.item.code, starts[period]))
        return found

    def used(self, r: Resolved) -> dict[str, int]:
        if not active_caps(r.item.caps):
            return {}
        starts = cap_windows(r.at)
        mine = self.counted[(r.wallet.resident_id, r.item.code)]
        return {
            period: self.earned.get((r.wallet.resident_id, r.item.code, starts[period]), 0)
            + sum(points for at, points in mine if at >= starts[period])
            for period in active_caps(r.item.caps)
        }

    def post(self, r: Resolved, *, issuing: uuid.UUID) -> None:
        if r.amount < 0:
            self._debit(r, issuing, -r.amount)
        else:
            self._credit(r, issuing)

    def _credit(self, r: Resolved, issuing: uuid.UUID) -> None:
        w = r.wallet
        allowed = allowed_under_caps(r.amount, r.item.caps, self.used(r))  # type: ignore[arg-type]
        split = split_award(allowed, w.debt)
        posting = self._posting(
            r, "award", score=allowed, debt=-split.debt_paid, capped=r.amount - allowed
        )
        self._legs(posting, (issuing, -split.credited), (w.id, split.credited))
        w.balance += split.credited
        w.debt -= split.debt_paid
        self._wallet(w.id, -split.debt_paid, allowed)
        self.counted[(w.resident_id, r.item.code)].append((r.at, allowed))
        self._score(w, allowed, r.at)
        self._event(
            r,
            PointsAwarded(
                **self._posted(r, posting), points=allowed, capped=r.amount - allowed, kind="award"
            ),
        )

    def _debit(self, r: Resolved, issuing: uuid.UUID, penalty: int) -> None:
        w = r.wallet
        split = split_deduction(penalty, w.available)
        posting = self._posting(r, "deduction", score=-penalty, debt=split.new_debt, capped=0)
        self._legs(posting, (w.id, -split.taken), (issuing, split.taken))
        w.balance -= split.taken
        w.debt += split.new_debt
        self._wallet(w.id, split.new_debt, 0)
        self._score(w, -penalty, r.at)
        self._event(
            r, PointsDeducted(**self._posted(r, posting), points=penalty, debt=split.new_debt)
        )

    def _posting(self, r: Resolved, kind: str, *, score: int, debt: int, capped: int) -> uuid.UUID:
        posting = uuid.uuid4()
        values = (
            posting,
            kind,
            r.item.code,
            r.source_type,
            r.source_id,
            r.actor,
            r.reason,
            r.wallet.resident_id,
            r.wallet.community_id,
            score,
            debt,
            capped,
            r.at,
        )
        for column, value in zip(sql.POSTING_COLUMNS, values, strict=True):
            self.postings[column].append(value)
        return posting

    def _legs(self, posting: uuid.UUID, *legs: tuple[uuid.UUID, int]) -> None:
        self.entries.extend((posting, account, amount) for account, amount in legs if amount)

    def _wallet(self, account: uuid.UUID, debt: int, earned: int) -> None:
        old_debt, old_earned = self.wallets.get(account, (0, 0))
        self.wallets[account] = (old_debt + debt, old_earned + earned)

    def _score(self, w: WalletState, delta: int, at: datetime) -> None:
        if not delta:
            return
        subjects = [("resident", w.resident_id)]
        if w.household_id is not None:
            subjects.append(("household", w.household_id))
        for kind, subject in subjects:
            for period in periods(at):
                self.scores[(w.community_id, kind, period, subject)] += delta

    @staticmethod
    def _posted(r: Resolved, posting: uuid.UUID) -> dict[str, Any]:
        return {
            "resident_id": str(r.wallet.resident_id),
            "community_id": str(r.wallet.community_id),
            "posting_id": str(posting),
            "item_code": r.item.code,
            "source_type": r.source_type,
            "source_id": r.source_id,
            "posted_at": r.at,
        }

    def _event(self, r: Resolved, data: EventData) -> None:
        self.events.append((data, str(r.wallet.resident_id), r.trace))

    async def write(self, session: AsyncSession) -> None:
        planned = len(self.postings["id"])
        if not planned:
            return
        if await sql.insert_postings(session, self.postings) != planned:
            raise FactAlreadyPosted(f"a fact of the batch was posted before ({planned} planned)")
        await sql.insert_entries(session, self.entries)
        await sql.add_scores(session, self.scores)
        await sql.change_wallets(session, self.wallets)
        await add_data(session, self.events, source=SOURCE)
