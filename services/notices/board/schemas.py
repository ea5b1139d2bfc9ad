"""Request and response models of notices, finance sheets and receipts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, model_validator

from kit.schemas import In
from services.notices.board.rules import Category

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
# One hundred million yuan in fen: far above any village account, below integer trouble.
Fen = Annotated[int, Field(ge=0, le=10_000_000_000)]
Balance = Annotated[int, Field(ge=-10_000_000_000, le=10_000_000_000)]


class SheetLineIn(In):
    date: date
    item: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    income_fen: Fen = 0
    expense_fen: Fen = 0
    voucher_no: Short = ""
    note: Note = ""

    @model_validator(mode="after")
    def _one_amount(self) -> SheetLineIn:
        if (self.income_fen > 0) == (self.expense_fen > 0):
            raise ValueError("每行须填写收入或支出其中一项（以分为单位）")
        return self


class SheetIn(In):
    """Totals and closing balance are computed by us; if sent, they must match (else 422)."""

    period: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    opening_balance_fen: Balance
    lines: Annotated[list[SheetLineIn], Field(min_length=1, max_length=500)]
    total_income_fen: int | None = None
    total_expense_fen: int | None = None
    closing_balance_fen: int | None = None


class NoticeCreate(In):
    unit_id: uuid.UUID
    category: Category
    title: Title
    body: Body
    require_ack: bool = False
    publish_at: AwareDatetime | None = None
    expires_at: AwareDatetime | None = None
    sheet: SheetIn | None = None


class NoticeUpdate(In):
    """Fields left out stay as they are; `publish_at`, `expires_at` and `sheet` clear with null."""

    title: Title | None = None
    body: Body | None = None
    require_ack: bool | None = None
    publish_at: AwareDatetime | None = None
    expires_at: AwareDatetime | None = None
    sheet: SheetIn | None = None


class WithdrawIn(In):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class SheetLineOut(BaseModel):
    date: date
    item: str
    income_fen: int
    expense_fen: int
    voucher_no: str
    note: str


class SheetOut(BaseModel):
    period: str
    opening_balance_fen: int
    lines: list[SheetLineOut]
    total_income_fen: int
    total_expense_fen: int
    closing_balance_fen: int


class AttachmentOut(BaseModel):
    id: uuid.UUID
    content_type: str
    size_bytes: int
    url: str


class VersionOut(BaseModel):
    version: int
    title: str
    body: str
    body_html: str
    require_ack: bool
    sheet: SheetOut | None
    replaced_at: datetime


class NoticeOut(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    category: str
    title: str
    body: str
    body_html: str
    require_ack: bool
    status: str
    version: int
    publish_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    pinned: bool
    sheet: SheetOut | None
    attachments: list[AttachmentOut] = []
    # The reader's own receipt (residents); None for staff views.
    read_at: datetime | None = None
    acked_at: datetime | None = None
    # Staff only: why and when it was withdrawn, and the texts it replaced.
    withdrawn_at: datetime | None = None
    withdraw_reason: str | None = None
    versions: list[VersionOut] | None = None


class NoticeItem(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    category: str
    title: str
    status: str
    require_ack: bool
    pinned: bool
    published_at: datetime | None
    expires_at: datetime | None
    unread: bool
    acked: bool


class NoticePage(BaseModel):
    items: list[NoticeItem]
    next_cursor: str | None


class ReceiptGroup(BaseModel):
    id: uuid.UUID | None
    residents: int
    read: int
    acked: int


class HouseholdToVisit(BaseModel):
    household_id: uuid.UUID
    members: list[str]


class ReceiptPerson(BaseModel):
    """One resident a notice reaches and their receipt (times null: not yet)."""

    resident_id: uuid.UUID
    name: str
    household_id: uuid.UUID | None
    grid_id: uuid.UUID | None
    read_at: datetime | None
    acked_at: datetime | None


class ReceiptPersonPage(BaseModel):
    items: list[ReceiptPerson]
    next_cursor: str | None


class ReceiptsOut(BaseModel):
    """Counts over the residents the notice reaches, by community, grid (`id` null: residents
    who chose no grid) and household; the households where nobody acknowledged."""

    notice_id: uuid.UUID
    residents: int
    read: int
    acked: int
    by_community: list[ReceiptGroup]
    by_grid: list[ReceiptGroup]
    by_household: list[ReceiptGroup]
    households_not_acknowledged: list[HouseholdToVisit]


def sheet_dict(sheet: SheetIn) -> dict[str, Any]:
    return sheet.model_dump(mode="json")
