"""Many residents of one community, fast: for race tests, where registering and logging in
200 people through identity (two password hashes each) would take most of a minute.

What the races test is the mall and points, not registration, so each resident is made the
way those services learn of them: a row in the mall's directory (identity's event), a points
wallet with an award (points' own code), and an access token signed by identity's own key
with identity's own claims rule; the mall verifies it against identity's real JWKS."""

from __future__ import annotations

import asyncio
import uuid

from kit.db import unit_of_work
from services.identity.auth import keys
from services.identity.auth.rules import access_claims
from services.identity.crypto import Vault
from services.mall.directory.models import Resident
from tests.integration.mall.conftest import MallHarness, Person, Unit

BATCH = 20


async def crowd(mall: MallHarness, community: Unit, n: int, *, points: int) -> list[Person]:
    """`n` verified residents of `community`, each holding `points`."""
    ids = [uuid.uuid4() for _ in range(n)]
    async with unit_of_work(mall.session_factory) as session:
        rows = [
            {"id": rid, "community_id": community.id, "name": "居民", "verified": True}
            for rid in ids
        ]
        await session.execute(Resident.__table__.insert(), rows)  # type: ignore[attr-defined]
        await session.commit()
    # The first wallet opens the community's issuing account; the rest may then go together.
    await mall.open_wallet(ids[0], community, points=points, verified=True)
    for start in range(1, n, BATCH):
        await asyncio.gather(
            *(
                mall.open_wallet(rid, community, points=points, verified=True)
                for rid in ids[start : start + BATCH]
            )
        )
    tokens = await access_tokens(mall, community, ids)
    return [
        Person(rid, {"Authorization": f"Bearer {t}"}) for rid, t in zip(ids, tokens, strict=True)
    ]


async def access_tokens(mall: MallHarness, community: Unit, ids: list[uuid.UUID]) -> list[str]:
    """Identity's access tokens for verified residents of `community`, as its login issues."""
    idn = mall.identity
    now = idn.clock()
    factory = idn.app.state.runtime.session_factory
    async with unit_of_work(factory) as session:
        vault = Vault(idn.settings.data_key.get_secret_value())
        kid, key = await keys.signing_key(session=session, vault=vault, now=now)
        await session.commit()
    return [
        keys.sign(
            access_claims(
                issuer=idn.settings.token_issuer,
                audience=idn.settings.token_audience,
                minutes=idn.settings.access_token_minutes,
                person_id=rid,
                name="居民",
                community_id=community.id,
                household_id=None,
                verified=True,
                roles=[],
                now=now,
                jti=uuid.uuid4().hex,
            ),
            kid,
            key,
        )
        for rid in ids
    ]
