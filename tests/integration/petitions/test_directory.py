"""What petitions learns from identity's events, applied through its subscription table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from contracts import EventData
from contracts.identity import (
    ResidentMoved,
    ResidentRegistered,
    ResidentVerified,
    StaffRoleGranted,
    StaffRoleRevoked,
)
from kit.db import unit_of_work
from kit.events import ParsedEvent, new_event
from services.petitions.consumers import HANDLERS
from services.petitions.directory import service as directory
from services.petitions.directory.models import Resident, StaffGrant, Unit
from tests.integration.petitions.conftest import PetitionsHarness

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # event times are data here; no clock reads them


async def _apply(petitions: PetitionsHarness, data: EventData) -> None:
    envelope = new_event(data, source="/services/identity", subject="x")
    async with unit_of_work(petitions.session_factory) as session:
        await HANDLERS[envelope.type](session, ParsedEvent(envelope=envelope, data=data))
        await session.commit()


async def test_units_residents_and_grants_follow_identity(petitions: PetitionsHarness) -> None:
    d, t, c, c2, g = (uuid.uuid4() for _ in range(5))
    path, path2 = f"/{d}/{t}/{c}", f"/{d}/{t}/{c2}"
    rid, sid = uuid.uuid4(), uuid.uuid4()
    hash_ = "a" * 64
    await _apply(
        petitions,
        ResidentRegistered(
            resident_id=str(rid),
            community_id=str(c),
            community_path=path,
            name="张三丰",
            phone_hash=hash_,
            registered_at=NOW,
        ),
    )
    await _apply(
        petitions,
        ResidentVerified(
            resident_id=str(rid),
            community_id=str(c),
            community_path=path,
            name="张三丰",
            verified_at=NOW,
        ),
    )
    await _apply(
        petitions,
        ResidentMoved(
            resident_id=str(rid),
            from_community_id=str(c),
            to_community_id=str(c2),
            to_community_path=path2,
            moved_at=NOW,
        ),
    )
    grant = {"person_id": str(sid), "role": "grid_worker", "unit_id": str(g)}
    await _apply(petitions, StaffRoleGranted(**grant, unit_path=f"{path}/{g}"))
    # Redelivery of the grant changes nothing.
    await _apply(petitions, StaffRoleGranted(**grant, unit_path=f"{path}/{g}"))

    async with unit_of_work(petitions.session_factory) as session:
        resident = await session.get(Resident, rid)
        assert resident is not None
        assert (resident.community_id, resident.verified) == (c2, True)
        town = await session.get(Unit, t)
        community = await session.get(Unit, c)
        assert town is not None and town.path == f"/{d}/{t}" and not town.is_community
        assert community is not None and community.is_community
        assert await directory.is_staff_of(session, sid, path)
        assert not await directory.is_staff_of(session, sid, path2)
        assert await directory.unit_in(session, g, path)

    await _apply(petitions, StaffRoleRevoked(**grant))
    async with unit_of_work(petitions.session_factory) as session:
        assert await session.get(StaffGrant, (sid, "grid_worker", g)) is None
