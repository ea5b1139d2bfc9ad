"""Tables every service database has: the outbox (Debezium-compatible columns) and the inbox."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from kit.db import new_metadata

KIT_METADATA = new_metadata()

outbox = Table(
    "outbox",
    KIT_METADATA,
    Column("id", Uuid, primary_key=True),
    # Commit order is not id order; this sequence gives the relay a total order to publish in.
    Column("seq", BigInteger, Identity(always=True), nullable=False, unique=True),
    Column("aggregatetype", Text, nullable=False),
    Column("aggregateid", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("topic", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_unsent", "seq", postgresql_where=text("sent_at IS NULL")),
    Index("ix_outbox_sent_at", "sent_at", postgresql_where=text("sent_at IS NOT NULL")),
)

inbox = Table(
    "inbox",
    KIT_METADATA,
    Column("consumer", Text, nullable=False),
    Column("event_source", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    # applied | dead_lettered: a parked event is remembered so redelivery does not park it again.
    Column("outcome", Text, nullable=False, server_default=text("'applied'")),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("consumer", "event_source", "event_id"),
)
