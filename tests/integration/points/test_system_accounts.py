"""System account ids are remembered per process only once the transaction that found them
commits, so a rolled-back first use cannot poison every later posting."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from services.points.ledger import wallets as accounts
from services.points.ledger.models import Account
from tests.integration import support


async def _exists(db: support.Db, account_id: uuid.UUID) -> bool:
    async with db.factory() as session:
        found = await session.scalar(select(Account.id).where(Account.id == account_id))
    return found == account_id


async def test_an_account_opened_by_a_rolled_back_transaction_is_not_remembered():
    async with support.scratch_database("points") as db:
        async with db.factory() as session:
            await session.begin()
            opened = await accounts.system_account(session, "expiry")
            await session.rollback()
        assert not await _exists(db, opened)

        async with db.factory() as session, session.begin():
            again = await accounts.system_account(session, "expiry")

        assert again != opened
        assert await _exists(db, again)


async def test_a_committed_account_is_remembered_and_reused():
    community = uuid.uuid4()
    async with support.scratch_database("points") as db:
        async with db.factory() as session, session.begin():
            first = await accounts.system_account(session, "issuing", community)
        async with db.factory() as session, session.begin():
            second = await accounts.system_account(session, "issuing", community)
        assert first == second
        assert await _exists(db, first)
