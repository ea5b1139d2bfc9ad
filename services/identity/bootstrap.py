"""Start-up work: the root district, the first district administrator, a signing key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.phone import normalise_phone, phone_hash
from services.identity import keys, org, people, roles
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.models import Person
from services.identity.passwords import hash_password


async def bootstrap(
    *, session: AsyncSession, settings: Settings, vault: Vault, now: datetime
) -> None:
    """Idempotent, and safe when replicas start together (one advisory lock)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.bootstrap'))"))
    root = await org.ensure_root(
        session=session, code=settings.root_district_code, name=settings.root_district_name
    )
    await keys.signing_key(session=session, vault=vault, now=now)
    if settings.first_admin_phone and settings.first_admin_password:
        admin = await _first_admin(session, settings)
        await roles.ensure_first_admin(session=session, person=admin, root=root)


async def _first_admin(session: AsyncSession, settings: Settings) -> Person:
    phone = normalise_phone(settings.first_admin_phone or "", field="FIRST_ADMIN_PHONE")
    person = await people.find_by_phone(session=session, phone=phone)
    if person is not None:
        return person
    assert settings.first_admin_password is not None
    person = Person(
        phone=phone,
        phone_hash=phone_hash(settings.phone_hash_key.get_secret_value(), phone),
        name="区管理员",
        password_hash=hash_password(settings.first_admin_password.get_secret_value()),
    )
    session.add(person)
    await session.flush()
    return person
