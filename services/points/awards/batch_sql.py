"""The statements of batched awards: each takes the whole batch as arrays (asyncpg binds them
natively), so a batch of any size costs the same handful of round trips. Callers commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.points.listing.rules import Item

_LOCK_WALLETS = text(
    """
    SELECT id, resident_id, community_id, household_id, verified, balance, held, debt,
           phone_hash
    FROM accounts
    WHERE kind = 'resident'
      AND (resident_id = ANY(CAST(:residents AS uuid[]))
           OR phone_hash = ANY(CAST(:hashes AS text[])))
    ORDER BY id
    FOR UPDATE
    """
)


async def lock_wallets(
    session: AsyncSession, residents: Iterable[uuid.UUID], hashes: Iterable[str]
) -> list[Mapping[str, Any]]:
    """Lock every wallet of the batch, in id order (two batches never wait on each other in a
    circle)."""
    params = {"residents": list(set(residents)), "hashes": list(set(hashes))}
    if not params["residents"] and not params["hashes"]:
        return []
    return [dict(row) for row in (await session.execute(_LOCK_WALLETS, params)).mappings()]


_IN_FORCE = text(
    """
    SELECT q.community_id, q.day, v.id
    FROM unnest(CAST(:communities AS uuid[]), CAST(:days AS date[])) AS q(community_id, day)
    CROSS JOIN LATERAL (
        SELECT id FROM rule_versions
        WHERE community_id = q.community_id AND status = 'published'
          AND effective_from <= q.day
        ORDER BY effective_from DESC, version DESC
        LIMIT 1
    ) AS v
    """
)
_ITEMS = text("SELECT id, items FROM rule_versions WHERE id = ANY(CAST(:ids AS uuid[]))")

# A published version's items never change: parsed once per process.
_ITEMS_CACHE: dict[uuid.UUID, list[Item]] = {}
_ITEMS_CACHE_MAX = 10_000


async def lists_in_force(
    session: AsyncSession, keys: set[tuple[uuid.UUID, date]]
) -> dict[tuple[uuid.UUID, date], list[Item]]:
    """The items of the list in force for each (community, local date); absent: no list."""
    if not keys:
        return {}
    pairs = sorted(keys)
    params = {"communities": [c for c, _ in pairs], "days": [d for _, d in pairs]}
    found = {(r[0], r[1]): r[2] for r in await session.execute(_IN_FORCE, params)}
    missing = [v for v in set(found.values()) if v not in _ITEMS_CACHE]
    if missing:
        if len(_ITEMS_CACHE) > _ITEMS_CACHE_MAX:
            _ITEMS_CACHE.clear()
        for version_id, items in await session.execute(_ITEMS, {"ids": missing}):
            _ITEMS_CACHE[version_id] = [Item.model_validate(i) for i in items]
    return {key: _ITEMS_CACHE[version] for key, version in found.items()}


# What counts towards an item's caps (awards/service.py COUNTED): the same sum, for many windows.
_EARNED = text(
    """
    SELECT q.n, coalesce(sum(p.score_delta), 0)
    FROM unnest(CAST(:residents AS uuid[]), CAST(:codes AS text[]),
                CAST(:starts AS timestamptz[])) WITH ORDINALITY AS q(resident_id, code, start, n)
    LEFT JOIN postings p
      ON p.resident_id = q.resident_id AND p.item_code = q.code
     AND p.kind IN ('award', 'claim', 'reversal') AND p.occurred_at >= q.start
    GROUP BY q.n
    """
)

Window = tuple[uuid.UUID, str, datetime]  # (resident, item code, window start)


async def earned_since(session: AsyncSession, windows: set[Window]) -> dict[Window, int]:
    """What each resident already earned from each item since each window's start."""
    if not windows:
        return {}
    ordered = sorted(windows)
    params = {
        "residents": [w[0] for w in ordered],
        "codes": [w[1] for w in ordered],
        "starts": [w[2] for w in ordered],
    }
    rows = await session.execute(_EARNED, params)
    return {ordered[n - 1]: int(total) for n, total in rows}


_POSTINGS = text(
    """
    INSERT INTO postings (id, kind, item_code, source_type, source_id, actor, reason,
                          resident_id, community_id, score_delta, debt_delta, capped, occurred_at)
    SELECT * FROM unnest(
        CAST(:id AS uuid[]), CAST(:kind AS text[]), CAST(:item_code AS text[]),
        CAST(:source_type AS text[]), CAST(:source_id AS text[]), CAST(:actor AS text[]),
        CAST(:reason AS text[]), CAST(:resident_id AS uuid[]), CAST(:community_id AS uuid[]),
        CAST(:score_delta AS bigint[]), CAST(:debt_delta AS bigint[]), CAST(:capped AS bigint[]),
        CAST(:occurred_at AS timestamptz[]))
    ON CONFLICT ON CONSTRAINT uq_postings_source DO NOTHING
    RETURNING id
    """
)
POSTING_COLUMNS = (
    *("id", "kind", "item_code", "source_type", "source_id", "actor", "reason"),
    *("resident_id", "community_id", "score_delta", "debt_delta", "capped", "occurred_at"),
)


async def insert_postings(session: AsyncSession, columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert the postings; how many were new (a fact already posted is skipped)."""
    return len((await session.execute(_POSTINGS, dict(columns))).all())


_ENTRIES = text(
    """
    INSERT INTO entries (posting_id, account_id, amount)
    SELECT * FROM unnest(CAST(:posting AS uuid[]), CAST(:account AS uuid[]),
                         CAST(:amount AS bigint[]))
    """
)


async def insert_entries(
    session: AsyncSession, entries: Sequence[tuple[uuid.UUID, uuid.UUID, int]]
) -> None:
    """The postings' legs; the ledger's triggers move the balances and check each balances."""
    if entries:
        posting, account, amount = (list(c) for c in zip(*entries, strict=True))
        await session.execute(_ENTRIES, {"posting": posting, "account": account, "amount": amount})


_SCORES = text(
    """
    INSERT INTO scores (community_id, subject_kind, period, subject_id, score)
    SELECT * FROM unnest(CAST(:community AS uuid[]), CAST(:kind AS text[]),
                         CAST(:period AS text[]), CAST(:subject AS uuid[]),
                         CAST(:score AS bigint[]))
    ON CONFLICT (community_id, subject_kind, period, subject_id)
    DO UPDATE SET score = scores.score + excluded.score
    """
)

ScoreKey = tuple[uuid.UUID, str, str, uuid.UUID]  # (community, subject kind, period, subject)


async def add_scores(session: AsyncSession, deltas: Mapping[ScoreKey, int]) -> None:
    """The red-list aggregates, summed per row first (one upsert may touch a row only once)."""
    if deltas:
        keys = sorted(deltas)
        await session.execute(
            _SCORES,
            {
                "community": [k[0] for k in keys],
                "kind": [k[1] for k in keys],
                "period": [k[2] for k in keys],
                "subject": [k[3] for k in keys],
                "score": [deltas[k] for k in keys],
            },
        )


_WALLETS = text(
    """
    UPDATE accounts a SET debt = a.debt + d.debt, lifetime_earned = a.lifetime_earned + d.earned
    FROM unnest(CAST(:id AS uuid[]), CAST(:debt AS bigint[]), CAST(:earned AS bigint[]))
         AS d(id, debt, earned)
    WHERE a.id = d.id
    """
)


async def change_wallets(
    session: AsyncSession, deltas: Mapping[uuid.UUID, tuple[int, int]]
) -> None:
    """Debt and lifetime earnings per wallet, summed over the batch (balances: the entries)."""
    changed = sorted(k for k, (debt, earned) in deltas.items() if debt or earned)
    if changed:
        params = {
            "id": changed,
            "debt": [deltas[k][0] for k in changed],
            "earned": [deltas[k][1] for k in changed],
        }
        await session.execute(_WALLETS, params)


_PENDING = text(
    """
    INSERT INTO pending_awards (event_id, phone_hash, envelope, received_at, expires_at)
    SELECT e, h, CAST(j AS jsonb), r, x
    FROM unnest(CAST(:event AS text[]), CAST(:key AS text[]), CAST(:envelope AS text[]),
                CAST(:received AS timestamptz[]), CAST(:expires AS timestamptz[]))
         AS q(e, h, j, r, x)
    ON CONFLICT DO NOTHING
    """
)
_UNMATCHED = text(
    """
    INSERT INTO unmatched_activities (id, event_id, community_id, activity_type, envelope)
    SELECT i, e, c, t, CAST(j AS jsonb)
    FROM unnest(CAST(:id AS uuid[]), CAST(:event AS text[]), CAST(:community AS uuid[]),
                CAST(:type AS text[]), CAST(:envelope AS text[])) AS q(i, e, c, t, j)
    ON CONFLICT (event_id) DO NOTHING
    """
)


async def park_pending(session: AsyncSession, rows: Mapping[str, Sequence[Any]]) -> None:
    if rows["event"]:
        await session.execute(_PENDING, dict(rows))


async def park_unmatched(session: AsyncSession, rows: Mapping[str, Sequence[Any]]) -> None:
    if rows["event"]:
        await session.execute(_UNMATCHED, dict(rows))
