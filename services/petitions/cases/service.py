"""Raising a petition, and the one place an action is checked against who and the state table.

The transition, its timeline entry and its event are written in the caller's transaction;
the API commits once, so a refused or failed action leaves nothing behind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.petitions import PetitionSubmitted
from kit.auth import Principal
from kit.errors import Forbidden
from kit.states import TransitionRefused, transition
from services.petitions.cases import access, timeline
from services.petitions.cases.access import Viewer
from services.petitions.cases.models import Petition
from services.petitions.cases.publishing import announce
from services.petitions.cases.rules import FLOW, WHO, Action, accept_due, allowed_for
from services.petitions.categories.models import Category

NOT_YOURS = "无权执行该操作"


@dataclass(frozen=True)
class Draft:
    community_id: uuid.UUID
    community_path: str
    category: Category
    title: str
    content: str
    lat: Decimal | None
    long: Decimal | None
    address: str | None
    visibility: str
    anonymous_on_board: bool
    attributes: dict[str, Any]


async def submit(
    *,
    session: AsyncSession,
    draft: Draft,
    author_id: uuid.UUID,
    author_name: str,
    now: datetime,
    source: str = "app",
    partner_id: str | None = None,
) -> Petition:
    """A new petition (status submitted), its first timeline entry and the submitted event."""
    petition = Petition(
        id=uuid.uuid4(),
        community_id=draft.community_id,
        community_path=draft.community_path,
        category_id=draft.category.id,
        author_id=author_id,
        author_name=author_name,
        title=draft.title,
        content=draft.content,
        lat=draft.lat,
        long=draft.long,
        address=draft.address,
        visibility=draft.visibility,
        anonymous_on_board=draft.anonymous_on_board,
        attributes=draft.attributes,
        status="submitted",
        accept_due_at=accept_due(now, draft.category.accept_within_hours),
        source=source,
        partner_id=partner_id,
        reopen_count=0,
        supports_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(petition)
    await session.flush()
    await timeline.add_entry(
        session,
        petition,
        at=now,
        kind="status",
        public=True,
        actor_role="author" if source == "app" else "partner",
        actor_id=str(author_id) if source == "app" else partner_id,
        action="submit",
        to_status="submitted",
    )
    await announce(
        session,
        PetitionSubmitted,
        petition,
        at=now,
        category_id=str(petition.category_id),
        visibility=petition.visibility,
    )
    return petition


@dataclass
class Act:
    """One action under way: the locked petition, the caller as it sees them, the time."""

    session: AsyncSession
    petition: Petition
    viewer: Viewer
    action: Action
    now: datetime

    @property
    def actor_role(self) -> str:
        return "author" if WHO[self.action] == {"author"} else "staff"

    @property
    def actor_id(self) -> str:
        return self.viewer.principal.sub

    def check(self, action: Action | None = None) -> str:
        """The state after `action` (default: this one); 409 unless the table allows it now,
        naming the actions this caller may take instead."""
        try:
            return transition(FLOW, self.petition.status, action or self.action)
        except TransitionRefused as refused:
            refused.extra["allowed_actions"] = self.allowed()
            raise

    def allowed(self) -> list[str]:
        petition = self.petition
        return allowed_for(petition.status, self.viewer.actors, reopens=petition.reopen_count)

    async def move(
        self, action: Action | None = None, *, public: bool = True, body: str | None = None
    ) -> str:
        """Apply `action` (default: this one) by the state table, with its timeline entry."""
        done = action or self.action
        before = self.petition.status
        after = self.check(done)
        self.petition.status = after
        self.petition.updated_at = self.now
        await timeline.add_entry(
            self.session,
            self.petition,
            at=self.now,
            kind="status",
            public=public,
            actor_role=self.actor_role,
            actor_id=self.actor_id,
            action=done,
            from_status=before,
            to_status=after,
            body=body,
        )
        return after

    async def entry(self, kind: str, *, public: bool, **values: Any) -> None:
        self.petition.updated_at = self.now
        await timeline.add_entry(
            self.session,
            self.petition,
            at=self.now,
            kind=kind,
            public=public,
            actor_role=self.actor_role,
            actor_id=self.actor_id,
            action=self.action,
            **values,
        )


async def begin(
    *,
    session: AsyncSession,
    principal: Principal,
    petition_id: uuid.UUID,
    action: Action,
    now: datetime,
) -> Act:
    """Lock the petition and check the caller may take `action` on it at all (403 if they
    can see it but not act; 404 if they cannot see it). The state is checked by `move`."""
    petition, viewer = await access.load(session, principal, petition_id, lock=True)
    if not (WHO[action] & viewer.actors):
        raise Forbidden(NOT_YOURS, field="action")
    return Act(session=session, petition=petition, viewer=viewer, action=action, now=now)
