"""Exactly once, checked: the state a backlog of volunteer awards leaves in a points database.

`ledger_state` reads totals (compared with what the backlog should give) and digests of the
rows' content without their generated ids (compared between the pipeline's database and each
ceiling's, so a ceiling that wrote different rows refuses to print, as an incomplete run does).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from bench.common import require
from contracts.volunteer import ActivityCompleted

# (name, SQL returning one row of named values). Digests order by the posting's source id:
# the same events give the same source ids on every side.
QUERIES: list[tuple[str, str]] = [
    (
        "postings",
        """SELECT count(*) AS n, count(DISTINCT source_id) AS sources,
                  coalesce(sum(score_delta), 0) AS points,
                  md5(string_agg(concat_ws('|', kind, item_code, source_type, source_id, actor,
                      reason, resident_id, community_id, score_delta, capped, debt_delta,
                      reverses_id, occurred_at), ',' ORDER BY source_id)) AS digest
           FROM postings WHERE source_type = 'volunteer'""",
    ),
    (
        "entries",
        """SELECT count(*) AS n, coalesce(sum(e.amount), 0) AS total,
                  md5(string_agg(concat_ws('|', p.source_id, e.account_id, e.amount), ','
                      ORDER BY p.source_id, e.account_id)) AS digest
           FROM entries e JOIN postings p ON p.id = e.posting_id""",
    ),
    (
        "accounts",
        """SELECT coalesce(sum(balance) FILTER (WHERE kind = 'resident'), 0) AS balances,
                  coalesce(sum(lifetime_earned), 0) AS earned,
                  md5(string_agg(concat_ws('|', id, kind, balance, held, debt, lifetime_earned,
                      household_id), ',' ORDER BY id)) AS digest
           FROM accounts""",
    ),
    (
        "scores",
        """SELECT coalesce(sum(score) FILTER (WHERE subject_kind = 'resident'
                      AND period = 'all'), 0) AS residents,
                  coalesce(sum(score) FILTER (WHERE subject_kind = 'household'
                      AND period = 'all'), 0) AS households,
                  md5(string_agg(concat_ws('|', community_id, subject_kind, period, subject_id,
                      score), ',' ORDER BY community_id, subject_kind, period, subject_id))
                      AS digest
           FROM scores""",
    ),
    (
        "outbox",
        """SELECT count(*) AS n, count(p.id) AS posting_found,
                  md5(string_agg(concat_ws('|', o.type, o.aggregatetype, o.aggregateid, o.topic,
                      o.payload->>'source', o.payload->>'type', o.payload->>'subject',
                      (o.payload->'data') - 'posting_id'), ','
                      ORDER BY o.payload->'data'->>'source_id')) AS digest
           FROM outbox o LEFT JOIN postings p ON p.id::text = o.payload->'data'->>'posting_id'
           WHERE o.type = 'org.shanzhi.points.awarded.v1'""",
    ),
    (
        "inbox",
        f"""SELECT count(*) AS n, count(*) FILTER (WHERE outcome = 'applied') AS applied,
                   md5(string_agg(concat_ws('|', event_source, event_id, event_type, outcome),
                       ',' ORDER BY event_source, event_id)) AS digest
            FROM inbox WHERE event_type = '{ActivityCompleted.event_type}'""",
    ),
]


async def ledger_state(dsn: str) -> dict[str, dict[str, Any]]:
    conn = await asyncpg.connect(dsn)
    try:
        return {name: dict(await conn.fetchrow(sql)) for name, sql in QUERIES}
    finally:
        await conn.close()


def check_exactly_once(
    state: dict[str, dict[str, Any]], events: int, points: int, side: str
) -> None:
    """Every push applied once: `events` postings of `points` each, balanced, on every total."""
    total = events * points
    expected = {
        ("postings", "n"): events,
        ("postings", "sources"): events,
        ("postings", "points"): total,
        ("entries", "n"): 2 * events,
        ("entries", "total"): 0,
        ("accounts", "balances"): total,
        ("accounts", "earned"): total,
        ("scores", "residents"): total,
        ("scores", "households"): total,
        ("outbox", "n"): events,
        ("outbox", "posting_found"): events,
        ("inbox", "n"): events,
        ("inbox", "applied"): events,
    }
    wrong = {
        f"{table}.{column}": f"{state[table][column]} (expected {value})"
        for (table, column), value in expected.items()
        if state[table][column] != value
    }
    require(not wrong, f"{side}: not exactly once: {wrong}")


def check_same_rows(
    pipeline: dict[str, dict[str, Any]], ceiling: dict[str, dict[str, Any]], side: str
) -> None:
    """The ceiling wrote the rows the pipeline wrote (all but generated ids and times)."""
    differ = [name for name in pipeline if pipeline[name]["digest"] != ceiling[name]["digest"]]
    require(not differ, f"{side} wrote other rows than the pipeline in {differ}")
