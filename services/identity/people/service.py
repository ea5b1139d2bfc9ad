"""Residents' service functions: registration, profile, real-name verification and its review."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import (
    ResidentGridChosen,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
)
from kit.auth import Principal
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from kit.phone import counter_check, normalise_phone, phone_hash
from services.identity.access.facts import publish_access_changed
from services.identity.auth.passwords import hash_password
from services.identity.auth.throttle import Throttle
from services.identity.crypto import Vault
from services.identity.events import publish
from services.identity.org import service as org
from services.identity.org.models import OrgUnit
from services.identity.people.models import Person
from services.identity.people.rules import (
    REVIEWERS,
    mask_id_number,
    may_rename_self,
    next_status,
    normalise_id_number,
    status_after_move,
)

ID_NUMBER_TAKEN = "该身份证号已被其他账号认证，不能通过"


async def register(
    *,
    session: AsyncSession,
    phone: str,
    password: str | None,
    name: str,
    community_id: uuid.UUID,
    phone_key: str,
    now: datetime,
) -> Person:
    phone = normalise_phone(phone)
    community = await org.get_community(session=session, unit_id=community_id, field="community_id")
    person = Person(
        id=uuid.uuid4(),
        phone=phone,
        phone_hash=phone_hash(phone_key, phone),
        name=name,
        password_hash=await hash_password(password) if password else None,
        community_id=community.id,
    )
    session.add(person)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict("该手机号已注册", field="phone") from None
    await publish(session, _registered(person, community, now), subject=str(person.id))
    await session.commit()
    return person


def _registered(person: Person, community: OrgUnit, now: datetime) -> ResidentRegistered:
    return ResidentRegistered(
        resident_id=str(person.id),
        community_id=str(community.id),
        community_path=community.path,
        name=person.name,
        phone_hash=person.phone_hash,
        registered_at=now,
    )


async def get_person(*, session: AsyncSession, person_id: uuid.UUID) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound("居民不存在")
    return person


async def update_profile(
    *,
    session: AsyncSession,
    person: Person,
    name: str | None,
    community_id: uuid.UUID | None,
    grid_id: uuid.UUID | None,
    now: datetime,
) -> None:
    """A resident's own changes; each field left None stays as it is (password: auth)."""
    if name is not None and may_rename_self(person.verification_status):
        person.name = name
    if community_id is not None:
        await change_community(session=session, person=person, community_id=community_id, now=now)
    if grid_id is not None:
        await choose_grid(session=session, person=person, grid_id=grid_id, now=now)
    await session.commit()


async def change_community(
    *, session: AsyncSession, person: Person, community_id: uuid.UUID, now: datetime
) -> None:
    """Moving to another community; a household member moves out of the household first."""
    if person.community_id == community_id:
        return
    if person.household_id is not None:
        raise Conflict("请先退出所在的户，再变更社区", field="community_id")
    target = await org.get_community(session=session, unit_id=community_id, field="community_id")
    previous, person.community_id, person.grid_id = person.community_id, target.id, None
    was_verified = _drop_verification(person)
    # The token's community and, when it held one, its verification: both changed.
    await publish_access_changed(session=session, person_id=person.id, now=now)
    if previous is None:
        return
    moved = ResidentMoved(
        resident_id=str(person.id),
        from_community_id=str(previous),
        to_community_id=str(target.id),
        to_community_path=target.path,
        moved_at=now,
    )
    await publish(session, moved, subject=str(person.id))
    if was_verified:
        revoked = ResidentVerificationRevoked(
            resident_id=str(person.id),
            community_id=str(target.id),
            community_path=target.path,
            reason="moved",
            revoked_at=now,
        )
        await publish(session, revoked, subject=str(person.id))


def _drop_verification(person: Person) -> bool:
    """Back to unverified after a self-service move; whether the person had been verified."""
    was_verified = person.verification_status == "verified"
    person.verification_status = status_after_move(person.verification_status)
    person.verified_at = person.verified_by = person.rejection_reason = None
    return was_verified


async def choose_grid(
    *, session: AsyncSession, person: Person, grid_id: uuid.UUID, now: datetime
) -> None:
    grid = await session.get(OrgUnit, grid_id)
    if grid is None or grid.kind != "grid" or grid.parent_id != person.community_id:
        raise Invalid("网格不存在或不属于所在社区", field="grid_id")
    if person.grid_id == grid.id:
        return
    person.grid_id = grid.id
    chosen = ResidentGridChosen(
        resident_id=str(person.id),
        community_id=str(grid.parent_id),
        grid_id=str(grid.id),
        grid_path=grid.path,
        chosen_at=now,
    )
    await publish(session, chosen, subject=str(person.id))


async def submit_verification(
    *,
    session: AsyncSession,
    person: Person,
    real_name: str,
    id_number: str,
    vault: Vault,
    throttle: Throttle,
    limits: str,
) -> None:
    """Pending until staff review, even for a number another account holds (staff see that)."""
    throttle.ensure_allowed(limits, f"verification:{person.id}")
    throttle.hit(limits, f"verification:{person.id}")
    value = normalise_id_number(id_number)
    person.verification_status = next_status(person.verification_status, "submit")
    person.real_name = real_name
    person.id_number_enc = vault.encrypt(value)
    person.id_number_hash = vault.fingerprint(value)
    person.id_number_masked = mask_id_number(value)
    person.rejection_reason = None
    await session.commit()


async def review_scope(*, session: AsyncSession, principal: Principal, person: Person) -> OrgUnit:
    """The resident's community, if the principal reviews there; else looks like not found."""
    community = await session.get(OrgUnit, person.community_id) if person.community_id else None
    if community is None or not principal.can_act_on(community.path, *REVIEWERS):
        # 404, not 403: staff of another community learn nothing about this person.
        raise NotFound("居民不存在")
    if person.id == uuid.UUID(principal.sub):
        raise Forbidden("不能审核自己的实名认证")
    return community


async def decide_verification(
    *,
    session: AsyncSession,
    principal: Principal,
    person: Person,
    approve: bool,
    reason: str | None,
    phone_key: str,
    now: datetime,
) -> None:
    community = await review_scope(session=session, principal=principal, person=person)
    person.verification_status = next_status(
        person.verification_status, "approve" if approve else "reject"
    )
    person.verified_by = uuid.UUID(principal.sub)
    if not approve:
        person.rejection_reason = reason
        await session.commit()
        return
    person.verified_at = now
    person.name = person.real_name or person.name
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # Told to staff only: the resident's submission was answered like any other.
        raise Conflict(ID_NUMBER_TAKEN, field="id_number") from None
    verified = ResidentVerified(
        resident_id=str(person.id),
        community_id=str(community.id),
        community_path=community.path,
        name=person.name,
        verified_at=now,
        counter_check=_counter_check(person, phone_key),
    )
    await publish(session, verified, subject=str(person.id))
    await publish_access_changed(session=session, person_id=person.id, now=now)
    await session.commit()


def _counter_check(person: Person, phone_key: str) -> str | None:
    """The mall's counter lookup hash; the masked ID number keeps the last four in the clear."""
    if not person.id_number_masked:
        return None
    return counter_check(phone_key, person.phone, person.id_number_masked[-4:])


async def find_by_phone(*, session: AsyncSession, phone: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.phone == phone))


async def ensure_person(
    *, session: AsyncSession, phone: str, phone_key: str, name: str, password: str
) -> Person:
    """The person with this (normalised) phone; created with this name and password if none."""
    person = await find_by_phone(session=session, phone=phone)
    if person is not None:
        return person
    person = Person(
        phone=phone,
        phone_hash=phone_hash(phone_key, phone),
        name=name,
        password_hash=await hash_password(password),
    )
    session.add(person)
    await session.flush()
    return person
