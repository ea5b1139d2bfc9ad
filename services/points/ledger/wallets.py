"""Wallets: account lookups and row locks, opening accounts, the system accounts (Core SQL:
the ledger controls statement order itself)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, event, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.points.ledger.models import Account
from services.points.ledger.rules import Wallet


async def lock_wallet(session: AsyncSession, resident_id: uuid.UUID) -> Wallet | None:
    """Lock the resident's account row for this transaction (concurrent postings queue here)."""
    return await _lock(session, Account.resident_id == resident_id)


async def lock_wallet_by_phone_hash(session: AsyncSession, phone_hash: str) -> Wallet | None:
    """The same, found by the keyed phone hash a volunteer push carries."""
    return await _lock(session, Account.phone_hash == phone_hash)


async def _lock(session: AsyncSession, condition: ColumnElement[bool]) -> Wallet | None:
    row = (
        await session.execute(
            select(
                Account.id,
                Account.resident_id,
                Account.community_id,
                Account.household_id,
                Account.verified,
                Account.balance,
                Account.held,
                Account.debt,
            )
            .where(condition, Account.kind == "resident")
            .with_for_update()
        )
    ).first()
    if row is None:
        return None
    return Wallet(**row._asdict())


async def open_resident(
    session: AsyncSession,
    *,
    resident_id: uuid.UUID,
    community_id: uuid.UUID,
    community_path: str,
    name: str,
    phone_hash: str | None,
) -> bool:
    """Open the account once; False when it already existed."""
    stmt = (
        pg_insert(Account)
        .values(
            id=uuid.uuid4(),
            kind="resident",
            resident_id=resident_id,
            community_id=community_id,
            community_path=community_path,
            name=name,
            phone_hash=phone_hash,
        )
        .on_conflict_do_nothing(index_elements=[Account.resident_id])
        .returning(Account.id)
    )
    return (await session.execute(stmt)).first() is not None


# Issuing and system account ids never change once created: remembered per database.
_SYSTEM_IDS: dict[tuple[str, str, uuid.UUID | None], uuid.UUID] = {}


async def system_account(
    session: AsyncSession, kind: str, community_id: uuid.UUID | None = None
) -> uuid.UUID:
    """The issuing account of a community, or the platform's mall-clearing / expiry account."""
    key = (str(session.get_bind().engine.url), kind, community_id)
    known = _SYSTEM_IDS.get(key)
    if known is not None:
        return known
    account_id = await _find_or_open(session, kind, community_id)
    # Remembered only once this transaction commits: an id opened by a transaction that then
    # rolls back (or has not committed yet while another task asks) names no row, and every
    # later posting of this process would fail its foreign key.
    event.listen(
        session.sync_session,
        "after_commit",
        lambda _session: _SYSTEM_IDS.setdefault(key, account_id),
        once=True,
    )
    return account_id


async def _find_or_open(
    session: AsyncSession, kind: str, community_id: uuid.UUID | None
) -> uuid.UUID:
    where = (Account.kind == kind) & (
        (Account.community_id == community_id) if kind == "issuing" else Account.kind.isnot(None)
    )
    found = await session.scalar(select(Account.id).where(where))
    if found is not None:
        return found
    values = {"id": uuid.uuid4(), "kind": kind, "community_id": community_id}
    await session.execute(pg_insert(Account).values(**values).on_conflict_do_nothing())
    account_id = await session.scalar(select(Account.id).where(where))
    assert account_id is not None
    return account_id


async def change_wallet(
    session: AsyncSession, account_id: uuid.UUID, *, held: int = 0, debt: int = 0, earned: int = 0
) -> None:
    if held or debt or earned:
        await session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(
                held=Account.held + held,
                debt=Account.debt + debt,
                lifetime_earned=Account.lifetime_earned + earned,
            )
        )
