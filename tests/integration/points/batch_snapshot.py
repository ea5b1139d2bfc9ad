"""Everything a stream of awards leaves behind in a points database and its dead-letter topic,
without the ids and clocks that differ between two runs: for comparing two runs."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from tests.integration import support
from tests.integration.support import Db

POSTINGS = """
SELECT kind, item_code, source_type, source_id, actor, reason, resident_id, community_id,
       score_delta, debt_delta, capped, occurred_at
FROM postings ORDER BY source_type, source_id, kind
"""
ENTRIES = """
SELECT p.source_id, p.kind, a.kind AS account, a.resident_id, e.amount
FROM entries e JOIN postings p ON p.id = e.posting_id JOIN accounts a ON a.id = e.account_id
ORDER BY 1, 2, 3, 4, 5
"""
WALLETS = (
    "SELECT resident_id, balance, debt, held, lifetime_earned FROM accounts WHERE kind = 'resident'"
)
SCORES = "SELECT * FROM scores ORDER BY community_id, subject_kind, period, subject_id"
PENDING = (
    "SELECT event_id, phone_hash, envelope, received_at, expires_at FROM pending_awards ORDER BY 1"
)
UNMATCHED = """
SELECT event_id, community_id, activity_type, envelope, status FROM unmatched_activities
ORDER BY 1
"""
INBOX = "SELECT event_source, event_id, event_type, outcome FROM inbox ORDER BY 1, 2"
OUTBOX = "SELECT type, aggregateid, topic, payload -> 'data' AS data FROM outbox"


async def snapshot(db: Db, kafka: str, topic: str) -> dict[str, Any]:
    conn = await asyncpg.connect(db.dsn)
    try:
        rows = {
            sql: [dict(r) for r in await conn.fetch(sql)]
            for sql in (POSTINGS, ENTRIES, SCORES, PENDING, UNMATCHED, INBOX, OUTBOX)
        }
        wallets = {r["resident_id"]: (r["balance"], r["debt"]) for r in await conn.fetch(WALLETS)}
        earned = sorted(tuple(r.values()) for r in map(dict, await conn.fetch(WALLETS)))
    finally:
        await conn.close()
    letters = await support.read_topic(
        kafka, f"{topic}.dlq", until=lambda r: len(r) >= 2, timeout=10
    )
    return {
        "postings": rows[POSTINGS],
        "entries": rows[ENTRIES],
        "scores": rows[SCORES],
        "pending": rows[PENDING],
        "unmatched": rows[UNMATCHED],
        "parked": (len(rows[PENDING]), len(rows[UNMATCHED])),
        "inbox": rows[INBOX],
        "outbox": sorted(_published(r) for r in rows[OUTBOX]),
        "wallets": wallets,
        "accounts": earned,
        "dead_letters": sorted((r.value, dict(r.headers)["dlq.reason"]) for r in letters),
    }


def _published(row: dict[str, Any]) -> str:
    """A published event without the posting's random id."""
    data = json.loads(row["data"]) if isinstance(row["data"], str) else dict(row["data"])
    data.pop("posting_id", None)
    return json.dumps([row["type"], row["aggregateid"], row["topic"], data], sort_keys=True)


__all__ = ["snapshot", "uuid"]
