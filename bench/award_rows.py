"""The rows a batch of volunteer awards writes, built by hand for the bare-SQL ceilings of
bench.points_awards (bench.award_ceiling writes them).

Per award, as the points service writes it today (found by diffing table row counts around a
small backlog and reading the ledger code): the consumer's inbox row; the posting (kind
'award', source 'volunteer', unique on its source); two entries, issuing -n and wallet +n (the
entries trigger moves the resident's balance; the deferred trigger checks at commit that each
posting balances); the account's debt / lifetime_earned update; the red-list aggregates
(resident and household × month, year, all); a points.awarded CloudEvent in the outbox; and one
NOTIFY per transaction. Here the rows are column arrays for one statement per table per batch,
the aggregates summed within the batch first.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import ConsumerRecord

from contracts.points import PointsAwarded
from kit.events import new_event, to_json

LOCAL = ZoneInfo("Asia/Shanghai")  # list dates and red-list periods follow the local calendar
SOURCE = "/services/points"
ACTOR = "volunteer-platform"


@dataclass(frozen=True)
class Push:
    """What an award needs of one ActivityCompleted push (read with json.loads, no models)."""

    id: str
    source: str
    type: str
    phone_hash: str
    community_id: str
    activity_type: str
    title: str
    completed_at: datetime

    @classmethod
    def of(cls, record: ConsumerRecord) -> Push:
        envelope = json.loads(record.value)
        data = envelope["data"]
        return cls(
            id=envelope["id"],
            source=envelope["source"],
            type=envelope["type"],
            phone_hash=data["volunteer"]["phone_hash"],
            community_id=data["community_id"],
            activity_type=data["activity"]["type"],
            title=data["activity"]["title"],
            completed_at=datetime.fromisoformat(data["completed_at"]),
        )

    @property
    def list_key(self) -> tuple[str, date]:
        return self.community_id, self.completed_at.astimezone(LOCAL).date()


@dataclass
class Wallet:
    id: uuid.UUID
    resident_id: uuid.UUID
    community_id: uuid.UUID
    household_id: uuid.UUID | None
    debt: int


WALLETS = """
SELECT phone_hash, id, resident_id, community_id, household_id, debt FROM accounts
WHERE kind = 'resident' AND phone_hash = ANY($1::text[])
"""
LIST_IN_FORCE = """
SELECT items FROM rule_versions
WHERE community_id = $1::uuid AND status = 'published' AND effective_from <= $2
ORDER BY effective_from DESC, version DESC LIMIT 1
"""


async def load_wallets(
    conn: asyncpg.Connection, pushes: list[Push], *, lock: bool = False
) -> dict[str, Wallet]:
    """The pushes' wallets by phone hash, in one query (locked when `lock`)."""
    sql = WALLETS + (" ORDER BY id FOR UPDATE" if lock else "")
    rows = await conn.fetch(sql, sorted({p.phone_hash for p in pushes}))
    return {r["phone_hash"]: Wallet(*list(r.values())[1:]) for r in rows}


async def load_lists(conn: asyncpg.Connection, pushes: list[Push]) -> dict[tuple[str, date], Any]:
    """The list in force for each (community, local date) of the pushes, one query each."""
    lists = {}
    for key in sorted({p.list_key for p in pushes}):
        items = await conn.fetchval(LIST_IN_FORCE, *key)
        lists[key] = json.loads(items) if items else []
    return lists


async def load_issuing(conn: asyncpg.Connection) -> dict[uuid.UUID, uuid.UUID]:
    """Each community's issuing account (the service remembers these per process)."""
    rows = await conn.fetch("SELECT community_id, id FROM accounts WHERE kind = 'issuing'")
    return {r["community_id"]: r["id"] for r in rows}


def item_for(items: list[dict[str, Any]], push: Push) -> tuple[str, int]:
    """The listed item the push's activity type triggers exactly: (code, points per time)."""
    exact = ("volunteer", push.activity_type)
    for item in items:
        for trigger in item.get("triggers", []):
            if (trigger.get("source"), trigger.get("activity_type")) == exact:
                if item.get("unit", "per_time") != "per_time":
                    raise RuntimeError("the bench's list has per-time items only")
                return item["code"], int(item["points"])
    raise RuntimeError(f"no item for activity type {push.activity_type!r}")


def periods(at: datetime) -> tuple[str, str, str]:
    local = at.astimezone(LOCAL)
    return f"m{local:%Y-%m}", f"y{local:%Y}", "all"


def _columns(n: int) -> list[list[Any]]:
    return [[] for _ in range(n)]


@dataclass
class Rows:
    """Column arrays for each statement of one batch (the order of bench.award_ceiling's SQL)."""

    inbox: list[list[Any]] = field(default_factory=lambda: _columns(4))
    postings: list[list[Any]] = field(default_factory=lambda: _columns(13))
    entries: list[list[Any]] = field(default_factory=lambda: _columns(3))
    scores: list[list[Any]] = field(default_factory=lambda: _columns(5))
    accounts: list[list[Any]] = field(default_factory=lambda: _columns(3))
    outbox: list[list[Any]] = field(default_factory=lambda: _columns(6))

    @property
    def awards(self) -> int:
        return len(self.postings[0])


def _add(table: list[list[Any]], *values: Any) -> None:
    for column, value in zip(table, values, strict=True):
        column.append(value)


@dataclass
class Context:
    """What building a batch's rows reads: wallets, lists in force, issuing accounts."""

    consumer: str
    wallets: dict[str, Wallet]
    lists: dict[tuple[str, date], Any]
    issuing: dict[uuid.UUID, uuid.UUID]


def build_rows(context: Context, pushes: list[Push]) -> Rows:
    """The rows of one batch of awards, in the batch's order. Debt is paid first (the wallet
    objects' debt goes down as the batch pays it)."""
    rows = Rows()
    scores: dict[tuple[uuid.UUID, str, str, uuid.UUID], int] = defaultdict(int)
    accounts: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0])
    for push in pushes:
        wallet = context.wallets[push.phone_hash]
        code, points = item_for(context.lists[push.list_key], push)
        paid = min(points, wallet.debt)
        wallet.debt -= paid
        posting, source_id = uuid.uuid4(), f"{push.id}:{wallet.resident_id}"
        _add(rows.inbox, context.consumer, push.source, push.id, push.type)
        _add(
            rows.postings,
            *(posting, "award", code, "volunteer", source_id, ACTOR, push.title),
            *(wallet.resident_id, wallet.community_id, points, 0, -paid, push.completed_at),
        )
        issuing = context.issuing[wallet.community_id]
        for account, amount in ((issuing, paid - points), (wallet.id, points - paid)):
            if amount:
                _add(rows.entries, posting, account, amount)
        subjects = [("resident", wallet.resident_id)]
        if wallet.household_id is not None:
            subjects.append(("household", wallet.household_id))
        for kind, subject in subjects:
            for period in periods(push.completed_at):
                scores[(wallet.community_id, kind, period, subject)] += points
        accounts[wallet.id][0] -= paid
        accounts[wallet.id][1] += points
        _add(rows.outbox, *_awarded(wallet, posting, code, source_id, points, push.completed_at))
    for key, score in scores.items():
        _add(rows.scores, *key, score)
    for account_id, (debt, earned) in accounts.items():
        _add(rows.accounts, account_id, debt, earned)
    return rows


def _awarded(
    wallet: Wallet, posting: uuid.UUID, code: str, source_id: str, points: int, at: datetime
) -> tuple[Any, ...]:
    """The outbox row of the points.awarded event, a real CloudEvent as the service builds."""
    event = new_event(
        PointsAwarded(
            resident_id=str(wallet.resident_id),
            community_id=str(wallet.community_id),
            posting_id=str(posting),
            item_code=code,
            source_type="volunteer",
            source_id=source_id,
            posted_at=at,
            points=points,
            capped=0,
            kind="award",
        ),
        source=SOURCE,
        subject=str(wallet.resident_id),
    )
    payload = json.dumps(to_json(event), ensure_ascii=False)
    aggregate = PointsAwarded.aggregate_type
    return uuid.UUID(event.id), aggregate, event.subject, event.type, payload, PointsAwarded.topic
