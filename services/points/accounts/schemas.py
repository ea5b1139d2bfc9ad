"""Response models of residents' accounts: the wallet, its household, its postings."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from kit.pagination import Page
from services.points.ledger.schemas import PostingOut


class HouseholdOut(BaseModel):
    id: uuid.UUID
    balance: int
    score: int


class AccountOut(BaseModel):
    resident_id: uuid.UUID
    community_id: uuid.UUID | None
    balance: int
    held: int
    available: int
    debt: int
    lifetime_earned: int
    household: HouseholdOut | None


class PostingPage(Page[PostingOut]):
    """A resident's postings, newest first (a named page keeps the OpenAPI schema name)."""
