"""Staff role grants: who may grant what, on which unit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import StaffRoleGranted, StaffRoleRevoked
from kit.auth import Principal
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.identity.events import publish
from services.identity.models import OrgUnit, Person, StaffRole

# role → unit kinds it can be held on
ROLE_UNIT_KINDS = {
    "district_admin": ("district", "town"),
    "community_admin": ("community",),
    "community_staff": ("community",),
    "grid_worker": ("community", "grid"),
    "counter_operator": ("community",),
}
COMMUNITY_ADMIN_GRANTS = ("community_staff", "grid_worker", "counter_operator")


def may_grant(principal: Principal, role: str, unit_path: str) -> bool:
    if principal.can_act_on(unit_path, "district_admin"):
        return True
    return role in COMMUNITY_ADMIN_GRANTS and principal.can_act_on(unit_path, "community_admin")


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
    if unit.kind not in ROLE_UNIT_KINDS[role]:
        raise Invalid(f"{role} 不能授予在 {unit.kind} 上", field="unit_id")
    if await session.get(Person, person_id) is None:
        raise Invalid("人员不存在", field="person_id")
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
    return row


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


async def ensure_first_admin(*, session: AsyncSession, person: Person, root: OrgUnit) -> None:
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
