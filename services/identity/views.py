"""Mapping identity's rows to API answers (personal data masked here, in one place)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.identity import households, tokens
from services.identity.models import Household, Person
from services.identity.models_auth import Partner
from services.identity.rules import mask_phone
from services.identity.schemas import (
    HouseholdOut,
    MemberOut,
    MeOut,
    PartnerOut,
    PersonOut,
    RoleOut,
)


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.id,
        name=person.name,
        phone=mask_phone(person.phone),
        community_id=person.community_id,
        grid_id=person.grid_id,
        household_id=person.household_id,
        verification_status=person.verification_status,
        rejection_reason=person.rejection_reason,
        id_number=person.id_number_masked,
    )


async def me_out(session: AsyncSession, person: Person) -> MeOut:
    roles = await tokens.role_claims(session=session, person_id=person.id)
    return MeOut(**person_out(person).model_dump(), roles=[RoleOut(**r) for r in roles])


async def household_out(session: AsyncSession, household: Household) -> HouseholdOut:
    people = await households.members(session=session, household=household)
    return HouseholdOut(
        id=household.id,
        community_id=household.community_id,
        head_id=household.head_id,
        address=household.address,
        members=[MemberOut(id=p.id, name=p.name) for p in people],
    )


def partner_out(partner: Partner) -> PartnerOut:
    return PartnerOut(
        partner_id=partner.id,
        name=partner.name,
        enabled=partner.disabled_at is None,
        created_at=partner.created_at,
    )
