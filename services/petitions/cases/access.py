"""Who may see a petition, and as whom (the one place visibility is decided).

- its author sees it (and its public timeline);
- managers (district/community admin, community staff) whose grant covers its community see
  everything of it, notes included; a town's staff thereby see all below and all escalated;
- a grid worker sees what is assigned to them or to their grid, notes included;
- a resident of the community sees a public petition once accepted (the board's view);
- anyone else: 404, the same answer as for an id that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import NotFound
from services.petitions.cases.models import Petition
from services.petitions.cases.rules import BOARD_STATES, Actor
from services.petitions.deps import MANAGERS

NOT_FOUND = "诉求不存在或无权查看"


@dataclass(frozen=True)
class Viewer:
    """The caller as this petition sees them."""

    principal: Principal
    actors: frozenset[Actor]
    board_only: bool  # a neighbour reading the public board view

    @property
    def staff_view(self) -> bool:
        return bool(self.actors & {"manager", "assignee"})


def is_manager(principal: Principal, petition: Petition) -> bool:
    return principal.can_act_on(petition.community_path, *MANAGERS)


def is_assignee(principal: Principal, petition: Petition) -> bool:
    if petition.assignee_id is not None and str(petition.assignee_id) == principal.sub:
        return True
    units = {g.unit_id for g in principal.roles}
    return petition.assignee_unit_id is not None and str(petition.assignee_unit_id) in units


def viewer_of(principal: Principal, petition: Petition) -> Viewer | None:
    actors: set[Actor] = set()
    if str(petition.author_id) == principal.sub:
        actors.add("author")
    if is_manager(principal, petition):
        actors.add("manager")
    if is_assignee(principal, petition):
        actors.add("assignee")
    if actors:
        return Viewer(principal, frozenset(actors), board_only=False)
    if on_board(petition) and principal.community_id == str(petition.community_id):
        return Viewer(principal, frozenset(), board_only=True)
    return None


def on_board(petition: Petition) -> bool:
    return petition.visibility == "public" and petition.status in BOARD_STATES


async def load(
    session: AsyncSession, principal: Principal, petition_id: uuid.UUID, *, lock: bool = False
) -> tuple[Petition, Viewer]:
    """The petition and the caller's view of it; 404 if they may not see it."""
    petition = await session.get(Petition, petition_id, with_for_update=lock)
    viewer = viewer_of(principal, petition) if petition is not None else None
    if petition is None or viewer is None:
        raise NotFound(NOT_FOUND)
    return petition, viewer
