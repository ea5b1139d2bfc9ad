"""Start-up work: the root district, the first district administrator, a signing key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.phone import normalise_phone
from services.identity.auth import keys
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.org import service as org
from services.identity.people import service as people
from services.identity.roles import service as roles


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
        admin = await people.ensure_person(
            session=session,
            phone=normalise_phone(settings.first_admin_phone, field="FIRST_ADMIN_PHONE"),
            phone_key=settings.phone_hash_key.get_secret_value(),
            name="区管理员",
            password=settings.first_admin_password.get_secret_value(),
        )
        await roles.ensure_first_admin(session=session, person=admin, root=root, now=now)
