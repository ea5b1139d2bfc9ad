"""Disabling and enabling a person's account: staff of their unit, never themselves."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import Conflict, Forbidden, NotFound
from services.identity.access.facts import publish_access_changed
from services.identity.access.rules import covers_person, may_disable
from services.identity.auth.tokens import revoke_other_families
from services.identity.org.models import OrgUnit
from services.identity.people.models import Person
from services.identity.roles.models import StaffRole

NOT_FOUND = "人员不存在"


async def disable(
    *, session: AsyncSession, principal: Principal, person_id: uuid.UUID, reason: str, now: datetime
) -> Person:
    """No login from now; every refresh token ends now, access tokens within seconds."""
    person = await _in_scope(session, principal, person_id)
    if person.disabled_at is not None:
        raise Conflict("该账号已停用")
    person.disabled_at, person.disabled_by, person.disabled_reason = (
        now,
        uuid.UUID(principal.sub),
        reason,
    )
    await revoke_other_families(session=session, person_id=person.id, keep=None, now=now)
    await publish_access_changed(session=session, person_id=person.id, now=now)
    await session.commit()
    return person


async def enable(
    *, session: AsyncSession, principal: Principal, person_id: uuid.UUID, now: datetime
) -> Person:
    """The person may log in again; the refresh tokens the disabling ended stay ended."""
    person = await _in_scope(session, principal, person_id)
    if person.disabled_at is None:
        raise Conflict("该账号未停用")
    person.disabled_at = person.disabled_by = person.disabled_reason = None
    await publish_access_changed(session=session, person_id=person.id, now=now)
    await session.commit()
    return person


async def _in_scope(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Person:
    """The person, locked, if the caller administers them; 404 alike for unknown and foreign."""
    person = await session.get(Person, person_id, with_for_update=True)
    home = (
        await session.get(OrgUnit, person.community_id) if person and person.community_id else None
    )
    if person is None or not covers_person(principal, home.path if home else None):
        raise NotFound(NOT_FOUND)
    if str(person.id) == principal.sub:
        raise Forbidden("不能停用或启用自己的账号")
    if not may_disable(principal, await _grants(session, person.id)):
        raise Forbidden("该人员持有您无权撤销的角色，不能停用或启用其账号")
    return person


async def _grants(session: AsyncSession, person_id: uuid.UUID) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(StaffRole.role, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == StaffRole.unit_id)
        .where(StaffRole.person_id == person_id, StaffRole.revoked_at.is_(None))
    )
    return [(role, path) for role, path in rows]
