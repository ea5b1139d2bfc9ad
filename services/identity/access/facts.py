"""A person's access facts as they stand, published in the transaction that changed them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import AccessGrant, PersonAccessChanged
from services.identity.events import publish
from services.identity.people.models import Person
from services.identity.roles.claims import role_claims


async def publish_access_changed(
    *, session: AsyncSession, person_id: uuid.UUID, now: datetime
) -> None:
    """Publish the person's complete access facts as this transaction sees them.

    Call it after the change (it flushes). The person's row is locked first, FOR NO KEY UPDATE
    (which does not wait on the key-share locks that inserting a staff_roles row takes on it),
    so two transactions changing one person take turns: the second reads the first's committed
    change, and its event is written, and so published, after the first's. The last event of a
    person is then always their current state.
    """
    await session.flush()
    person = await session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    if person is None:
        return
    roles = await role_claims(session=session, person_id=person_id)
    facts = PersonAccessChanged(
        person_id=str(person.id),
        verified=person.verification_status == "verified",
        disabled=person.disabled_at is not None,
        community_id=None if person.community_id is None else str(person.community_id),
        roles=[AccessGrant.model_validate(r) for r in roles],
        changed_at=now,
    )
    await publish(session, facts, subject=str(person.id))
