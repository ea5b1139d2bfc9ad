"""Response models of residents' accounts: the wallet, its household, its postings."""

from __future__ import annotations

import uuid
from datetime import date

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


class WalletPostingOut(PostingOut):
    """A posting as its resident sees it: `amount` is what it moved in their wallet (a mall
    pickup moves points but no score; a hold moves neither, it only holds)."""

    amount: int = 0


class PostingPage(Page[WalletPostingOut]):
    """A resident's postings, newest first (a named page keeps the OpenAPI schema name)."""


class ExpiringOut(BaseModel):
    expires_on: date  # the last local day (Beijing) these points count
    points: int


class ExpiryOut(BaseModel):
    """What of the wallet will expire when; `expiry_years` None: this community's points
    never expire (and `items` is empty)."""

    expiry_years: int | None
    warning_days: int
    items: list[ExpiringOut]
