"""Tables of the ledger: accounts, postings and their entries, and the score aggregates.

The ledger's invariants live in the database (migrations 0002 and 0004): entries of a posting
sum to zero (deferred constraint trigger), entries move their accounts' balances (a
statement-level trigger), entries and postings are never updated or deleted, and a resident's
balance - held never goes below zero (CHECK).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.points.base import Base, one_of

ACCOUNT_KINDS = ("resident", "issuing", "mall_clearing", "expiry")
POSTING_KINDS = (
    "award",
    "deduction",
    "claim",
    "adjustment",
    "hold",
    "settle",
    "release",
    "expiry",
    "reversal",
)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(one_of("kind", ACCOUNT_KINDS), name="kind"),
        CheckConstraint(
            "kind <> 'resident' OR (held >= 0 AND debt >= 0 AND balance - held >= 0)",
            name="resident_wallet",
        ),
        Index(
            "uq_accounts_issuing",
            "community_id",
            unique=True,
            postgresql_where=text("kind = 'issuing'"),
        ),
        Index(
            "uq_accounts_system",
            "kind",
            unique=True,
            postgresql_where=text("kind IN ('mall_clearing', 'expiry')"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(32))
    verified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    community_path: Mapped[str | None] = mapped_column(Text)
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    balance: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    held: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    debt: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    lifetime_earned: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint(one_of("kind", POSTING_KINDS), name="kind"),
        # The same fact can never post twice.
        UniqueConstraint("kind", "source_type", "source_id", name="uq_postings_source"),
        Index("ix_postings_resident_item", "resident_id", "item_code", "occurred_at"),
        Index("ix_postings_resident_created", "resident_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    item_code: Mapped[str | None] = mapped_column(String(32))
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # Gross effect on the resident's score (a deduction's full penalty, even when the wallet
    # could only take part of it); the entries carry what actually moved.
    score_delta: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    capped: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    # Change in the resident's debt, so a reversal can undo exactly what this posting did.
    debt_delta: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("postings.id"), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="nonzero"),
        # A wallet's movements (the expiry job) come from the index alone.
        Index("ix_entries_account", "account_id", postgresql_include=["posting_id", "amount"]),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    posting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postings.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)


class Score(Base):
    """Net score per community, subject (resident or household) and period: the red lists."""

    __tablename__ = "scores"
    __table_args__ = (
        Index("ix_scores_board", "community_id", "subject_kind", "period", text("score DESC")),
        # A household's all-time score by its id alone (the wallet screen).
        Index(
            "ix_scores_subject_all",
            "subject_id",
            "subject_kind",
            postgresql_where=text("period = 'all'"),
        ),
    )

    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)  # m2026-11 | y2026 | all
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    score: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
