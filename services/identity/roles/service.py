"""Staff role grants: grant, revoke, the first administrator, and the roles a person holds."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import StaffRoleGranted, StaffRoleRevoked
from kit.auth import Principal
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.identity.access.facts import publish_access_changed
from services.identity.events import publish
from services.identity.org.models import OrgUnit
from services.identity.people.models import Person
from services.identity.roles.models import StaffRole
from services.identity.roles.rules import may_appoint, may_grant, may_hold

NOT_APPOINTABLE = "人员不存在或不属于该单位"


async def grant(
    *,
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    role: str,
    unit_id: uuid.UUID,
    now: datetime,
) -> StaffRole:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise Invalid("组织单位不存在", field="unit_id")
    if not may_grant(principal, role, unit.path):
        raise Forbidden("无权授予该角色")
    if not may_hold(role, unit.kind):
        raise Invalid(f"{role} 不能授予在 {unit.kind} 上", field="unit_id")
    await _ensure_appointable(session, principal, person_id, unit)
    existing = await session.scalar(
        select(StaffRole).where(
            StaffRole.person_id == person_id,
            StaffRole.role == role,
            StaffRole.unit_id == unit_id,
            StaffRole.revoked_at.is_(None),
        )
    )
    if existing is not None:
        raise Conflict("该角色已授予", field="role")
    row = StaffRole(
        id=uuid.uuid4(),
        person_id=person_id,
        role=role,
        unit_id=unit_id,
        granted_by=uuid.UUID(principal.sub),
    )
    session.add(row)
    await session.flush()
    event = StaffRoleGranted(
        person_id=str(person_id),
        role=role,
        unit_id=str(unit_id),
        unit_path=unit.path,
    )
    await publish(session, event, subject=str(person_id))
    await publish_access_changed(session=session, person_id=person_id, now=now)
    await session.commit()
    return row


async def _ensure_appointable(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, unit: OrgUnit
) -> None:
    """Unknown and foreign people get the same 422: a grant must not reveal who exists."""
    person = await session.get(Person, person_id)
    home = (
        await session.get(OrgUnit, person.community_id) if person and person.community_id else None
    )
    if person is None or not may_appoint(principal, unit.path, home.path if home else None):
        raise Invalid(NOT_APPOINTABLE, field="person_id")


async def revoke(
    *, session: AsyncSession, principal: Principal, grant_id: uuid.UUID, now: datetime
) -> None:
    row = await session.get(StaffRole, grant_id, with_for_update=True)
    unit = await session.get(OrgUnit, row.unit_id) if row else None
    if row is None or unit is None or row.revoked_at is not None:
        raise NotFound("角色授权不存在")
    if not may_grant(principal, row.role, unit.path):
        raise Forbidden("无权撤销该角色")
    row.revoked_at = now
    event = StaffRoleRevoked(
        person_id=str(row.person_id),
        role=row.role,
        unit_id=str(row.unit_id),
    )
    await publish(session, event, subject=str(row.person_id))
    await publish_access_changed(session=session, person_id=row.person_id, now=now)
    await session.commit()


async def ensure_first_admin(
    *, session: AsyncSession, person: Person, root: OrgUnit, now: datetime
) -> None:
    """Idempotent: the configured first administrator holds district_admin on the root."""
    held = await session.scalar(
        select(StaffRole).where(
            StaffRole.person_id == person.id,
            StaffRole.role == "district_admin",
            StaffRole.unit_id == root.id,
            StaffRole.revoked_at.is_(None),
        )
    )
    if held is None:
        session.add(
            StaffRole(id=uuid.uuid4(), person_id=person.id, role="district_admin", unit_id=root.id)
        )
        await session.flush()
        granted = StaffRoleGranted(
            person_id=str(person.id),
            role="district_admin",
            unit_id=str(root.id),
            unit_path=root.path,
        )
        await publish(session, granted, subject=str(person.id))
        await publish_access_changed(session=session, person_id=person.id, now=now)
