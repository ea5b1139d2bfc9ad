"""The events of a petition's life, built from the petition and written to the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.petitions import PetitionAdopted, PetitionEvent
from services.petitions.cases.models import Petition
from services.petitions.events import publish


async def announce(
    session: AsyncSession,
    model: type[PetitionEvent],
    petition: Petition,
    *,
    at: datetime,
    **extra: Any,
) -> None:
    """Publish `model` for the petition in its current state (keyed by petition id)."""
    data = model(
        petition_id=str(petition.id),
        author_id=str(petition.author_id),
        community_id=str(petition.community_id),
        title=petition.title,
        status=petition.status,
        occurred_at=at,
        **extra,
    )
    await publish(session, data, subject=str(petition.id))


async def announce_adopted(session: AsyncSession, petition: Petition, *, at: datetime) -> None:
    data = PetitionAdopted(
        petition_id=str(petition.id),
        resident_id=str(petition.author_id),
        community_id=str(petition.community_id),
        adopted_at=at,
    )
    await publish(session, data, subject=str(petition.id))
