"""Disabling accounts: /api/identity/people/{person_id}/disable and /enable (staff only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from kit.deps import StaffScope, staff
from kit.schemas import EmptyIn
from services.identity.access import service
from services.identity.access.rules import DISABLERS
from services.identity.access.schemas import DisableIn
from services.identity.deps import Now, Session
from services.identity.people.schemas import PersonOut, person_out

router = APIRouter(tags=["residents"])
Administrator = Annotated[StaffScope, Depends(staff(*DISABLERS))]


@router.post("/people/{person_id}/disable")
async def disable(
    person_id: uuid.UUID, body: DisableIn, scope: Administrator, session: Session, now: Now
) -> PersonOut:
    """Disable a resident's or staff member's account, with a reason: no login, every refresh
    token ends now and access tokens are refused everywhere within seconds. Administrators of
    the person's community or above, who could also revoke every role the person holds."""
    person = await service.disable(
        session=session, principal=scope.principal, person_id=person_id, reason=body.reason, now=now
    )
    return person_out(person)


@router.post("/people/{person_id}/enable")
async def enable(
    person_id: uuid.UUID,
    scope: Administrator,
    session: Session,
    now: Now,
    body: EmptyIn | None = None,
) -> PersonOut:
    """Enable a disabled account again: the person may log in anew."""
    person = await service.enable(
        session=session, principal=scope.principal, person_id=person_id, now=now
    )
    return person_out(person)
