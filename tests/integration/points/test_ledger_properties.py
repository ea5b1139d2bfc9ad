"""Property test of the ledger on the real PostgreSQL: random sequences keep every invariant."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import asyncpg
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kit.db import asyncpg_dsn, make_engine, make_session_factory, unit_of_work
from kit.errors import DomainError
from kit.migrate import upgrade_head
from services.points.holds import service as holds
from services.points.ledger import double_entry as ledger
from services.points.ledger import reversal
from services.points.ledger import wallets as accounts
from tests.integration import support

RESIDENTS = 3
AT = datetime(2026, 11, 28, 8, tzinfo=UTC)

award = st.tuples(st.just("award"), st.integers(0, RESIDENTS - 1), st.integers(1, 80))
# Awards drawn twice as often as the rest, so wallets have points to hold, spend and expire.
operation = st.one_of(
    award,
    award,
    st.tuples(st.just("deduct"), st.integers(0, RESIDENTS - 1), st.integers(1, 20)),
    st.tuples(st.just("hold"), st.integers(0, RESIDENTS - 1), st.integers(1, 30)),
    st.tuples(st.just("settle"), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("release"), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("reverse"), st.integers(0, 40), st.just(0)),
    st.tuples(st.just("expire"), st.integers(0, RESIDENTS - 1), st.integers(1, 40)),
)

# One sequence in which every kind of operation is carried out, run before the random ones.
EVERY_KIND = [
    ("award", 0, 80),
    ("award", 0, 50),
    ("reverse", 1, 0),
    ("hold", 0, 10),
    ("settle", 0, 0),
    ("hold", 0, 10),
    ("release", 1, 0),
    ("deduct", 0, 5),
    ("expire", 0, 5),
]


@pytest.fixture(scope="module")
def ledger_db() -> Iterator[str]:
    name = support.unique("ledger")
    url = asyncio.run(support.create_database(name))
    upgrade_head("points", url)
    yield url
    asyncio.run(support.drop_database(name))


class Run:
    """One example: a fresh community with its own residents, on the shared database."""

    def __init__(self, factory) -> None:
        self.factory = factory
        self.community = uuid.uuid4()
        self.residents = [uuid.uuid4() for _ in range(RESIDENTS)]
        self.orders: list[str] = []
        self.postings: list[uuid.UUID] = []

    async def setup(self) -> None:
        async with unit_of_work(self.factory) as session:
            for rid in self.residents:
                await accounts.open_resident(
                    session,
                    resident_id=rid,
                    community_id=self.community,
                    community_path=f"/{self.community}",
                    name="测试",
                    phone_hash=None,
                )
            await session.commit()

    async def apply(self, op: str, a: int, b: int) -> bool:
        """True when the operation was carried out and committed."""
        async with unit_of_work(self.factory) as session:
            try:
                done = await self._apply(session, op, a, b)
                await session.commit()
            except DomainError:
                return False  # refused (e.g. reversing twice): nothing may have changed
            return done

    async def _apply(self, session, op: str, a: int, b: int) -> bool:
        fact = ledger.Fact("test", uuid.uuid4().hex, "tester", "property", AT, "ITEM")
        if op in ("award", "deduct", "expire"):
            wallet = await accounts.lock_wallet(session, self.residents[a])
            assert wallet is not None
            issuing = await accounts.system_account(session, "issuing", self.community)
            if op == "award":
                posted = await ledger.credit(
                    session, kind="award", fact=fact, wallet=wallet, issuing=issuing, amount=b
                )
            elif op == "deduct":
                posted = await ledger.debit(
                    session, fact=fact, wallet=wallet, issuing=issuing, penalty=b
                )
            else:
                posted = await reversal.expire(
                    session, wallet=wallet, amount=b, source_id=fact.source_id, at=AT
                )
            if posted and op != "expire":
                self.postings.append(posted)
            return posted is not None
        if op == "hold":
            order = uuid.uuid4().hex
            placed = await holds.place(
                session,
                order_id=order,
                resident_id=self.residents[a],
                amount=b,
                verified_only=False,
                at=AT,
            )
            if placed.status == "placed":  # settle and release aim at orders that hold points
                self.orders.append(order)
            return placed.status == "placed"
        if op in ("settle", "release") and self.orders:
            order = self.orders[a % len(self.orders)]
            step = holds.settle if op == "settle" else holds.release
            return (await step(session, order_id=order, at=AT)).status != "unchanged"
        if op == "reverse" and self.postings:
            target = self.postings[a % len(self.postings)]
            await reversal.reverse(session, posting_id=target, actor="tester", reason="r", at=AT)
            return True
        return False  # nothing to settle, release or reverse yet


async def check_invariants(dsn: str, run: Run) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        unbalanced = await conn.fetch(
            "SELECT posting_id FROM entries GROUP BY posting_id HAVING sum(amount) <> 0"
        )
        assert unbalanced == []
        assert await conn.fetchval("SELECT coalesce(sum(amount), 0) FROM entries") == 0
        rows = await conn.fetch(
            """SELECT a.balance, a.held, a.debt,
                      (SELECT coalesce(sum(e.amount), 0) FROM entries e WHERE e.account_id = a.id)
                        AS entries_sum,
                      (SELECT coalesce(sum(h.amount), 0) FROM holds h
                        WHERE h.resident_id = a.resident_id AND h.status = 'placed') AS placed
               FROM accounts a WHERE a.resident_id = ANY($1::uuid[])""",
            run.residents,
        )
        for r in rows:
            assert r["balance"] - r["held"] >= 0
            assert r["held"] >= 0 and r["debt"] >= 0
            assert r["balance"] == r["entries_sum"]
            assert r["held"] == r["placed"]
    finally:
        await conn.close()


def test_random_sequences_keep_the_ledger_balanced_and_wallets_non_negative(ledger_db):
    accepted: Counter[str] = Counter()
    tried: Counter[str] = Counter()

    @settings(max_examples=40, deadline=None, database=None)
    @given(ops=st.lists(operation, min_size=8, max_size=25))
    @example(ops=EVERY_KIND)
    def examples(ops):
        async def scenario() -> None:
            engine = make_engine(ledger_db, pool_size=2)
            try:
                run = Run(make_session_factory(engine))
                await run.setup()
                for op in ops:
                    tried[op[0]] += 1
                    accepted[op[0]] += await run.apply(*op)
                    await check_invariants(asyncpg_dsn(ledger_db), run)
            finally:
                await engine.dispose()

        asyncio.run(scenario())

    examples()
    # Invariants that held only because everything was refused would prove nothing.
    assert sum(accepted.values()) >= 100, (accepted, tried)
    assert all(accepted[kind] > 0 for kind in KINDS), (accepted, tried)
    rows = asyncio.run(row_counts(asyncpg_dsn(ledger_db)))
    assert rows["postings"] >= 50 and rows["entries"] >= 100 and rows["holds"] >= 10, rows


KINDS = ("award", "deduct", "hold", "settle", "release", "reverse", "expire")


async def row_counts(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in TABLES}
    finally:
        await conn.close()


TABLES = ("postings", "entries", "holds")
