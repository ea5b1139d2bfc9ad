"""The cadre dashboard over HTTP on the real PostgreSQL: its figures checked against a known
set of petitions, who may read it (404 beyond one's grant), and the period's checks (422)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from services.petitions.categories.models import Category
from services.petitions.stats.rules import LOCAL
from tests.integration.petitions.conftest import PetitionsHarness, Unit
from tests.integration.petitions.stats_harness import insert_category, insert_petition


@dataclass
class Scene:
    h: PetitionsHarness
    town: Unit
    a: Unit
    b: Unit
    quiet: Unit  # a community of the town with nothing in the period
    other: Unit  # a community of another town
    start: datetime
    end: datetime

    def query(self, unit: Unit) -> str:
        span = {"unit_id": unit.id, "from": self.start.isoformat(), "to": self.end.isoformat()}
        return f"/api/petitions/stats?{urlencode(span)}"


async def _handled(
    h: PetitionsHarness,
    community: Unit,
    category: Category,
    at: datetime,
    *,
    status: str,
    accept_h: float | None = None,
    resolve_h: float | None = None,
    **values: Any,
) -> None:
    """A petition raised at `at`, accepted and resolved so many hours after."""
    accepted = at + timedelta(hours=accept_h) if accept_h is not None else None
    resolved = at + timedelta(hours=resolve_h) if resolve_h is not None else None
    due = accepted + timedelta(days=category.resolve_within_days) if accepted else None
    await insert_petition(
        h,
        community,
        category,
        at=at,
        status=status,
        accepted_at=accepted,
        resolved_at=resolved,
        resolve_due_at=due,
        **values,
    )


@pytest.fixture
async def scene(petitions: PetitionsHarness) -> Scene:
    h = petitions
    a, b, quiet = [await h.community("t1") for _ in range(3)]
    other = await h.community("t2")
    now = h.clock()
    start, end = now - timedelta(days=20), now
    t = start + timedelta(days=1)
    a_env, a_road = await insert_category(h, a, "环境卫生"), await insert_category(h, a, "道路交通")
    b_env = await insert_category(h, b, "环境卫生")
    other_env = await insert_category(h, other, "环境卫生")
    # Community A: 5 in the period.
    await _handled(h, a, a_env, t, status="closed", accept_h=2, resolve_h=26, rating=5)
    await _handled(
        h, a, a_env, t, status="closed", accept_h=4, resolve_h=50, rating=3, reopen_count=1
    )
    # In progress past its resolve deadline (accepted 6 h in, due 3 days after): overdue.
    await _handled(h, a, a_env, t, status="in_progress", accept_h=6)
    await _handled(h, a, a_road, t, status="submitted")  # 19 days unaccepted: overdue
    await _handled(h, a, a_road, t, status="resolved", accept_h=1, resolve_h=10)
    # Before the period: not counted, but still overdue now.
    await _handled(h, a, a_road, start - timedelta(days=40), status="submitted")
    # Community B: 2 in the period.
    await _handled(h, b, b_env, t, status="closed", accept_h=3, resolve_h=30, rating=4)
    await _handled(h, b, b_env, t, status="rejected")
    # At the very end of the period: `to` is exclusive.
    await _handled(h, b, b_env, end, status="submitted")
    # Another town's community: never in t1's figures.
    await _handled(h, other, other_env, t, status="closed", accept_h=1, resolve_h=2, rating=1)
    return Scene(h, await h.town("t1"), a, b, quiet, other, start, end)


def _statuses(**counts: int) -> dict[str, int]:
    states = "submitted accepted rejected cancelled assigned in_progress resolved reopened closed"
    return {s: counts.get(s, 0) for s in states.split()}


async def test_town_dashboard_shows_each_community_and_true_totals(scene: Scene) -> None:
    staff = await scene.h.staff(scene.town, "district_admin")
    answer = await scene.h.client.get(scene.query(scene.town), headers=staff.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["unit_id"] == str(scene.town.id)
    by_id = {c["community_id"]: c for c in body["communities"]}
    assert set(by_id) == {str(scene.a.id), str(scene.b.id), str(scene.quiet.id)}
    a = by_id[str(scene.a.id)]
    assert a["total"] == 5
    assert a["by_status"] == _statuses(closed=2, in_progress=1, submitted=1, resolved=1)
    assert [(c["name"], c["count"]) for c in a["by_category"]] == [("环境卫生", 3), ("道路交通", 2)]
    assert a["overdue_now"] == 3
    assert (a["median_hours_to_accept"], a["median_hours_to_resolve"]) == (3.0, 26.0)
    assert (a["ratings"], a["satisfaction"], a["average_rating"]) == (2, 0.5, 4.0)
    assert a["reopen_rate"] == 0.3333
    b = by_id[str(scene.b.id)]
    assert (b["total"], b["by_status"]) == (2, _statuses(closed=1, rejected=1))
    assert (b["overdue_now"], b["median_hours_to_accept"], b["median_hours_to_resolve"]) == (
        0,
        3.0,
        30.0,
    )
    assert (b["ratings"], b["satisfaction"], b["average_rating"], b["reopen_rate"]) == (
        1,
        1.0,
        4.0,
        0.0,
    )
    quiet = by_id[str(scene.quiet.id)]
    assert (quiet["total"], quiet["by_category"], quiet["overdue_now"]) == (0, [], 0)
    assert quiet["median_hours_to_accept"] is None and quiet["satisfaction"] is None
    totals = body["totals"]
    assert totals["total"] == 7 and totals["overdue_now"] == 3
    assert totals["by_status"] == _statuses(
        closed=3, in_progress=1, submitted=1, resolved=1, rejected=1
    )
    assert [(c["name"], c["count"]) for c in totals["by_category"]] == [
        ("环境卫生", 5),
        ("道路交通", 2),
    ]
    # True medians over the town, not medians of medians: accept 1,2,3,4,6; resolve 10,26,30,50.
    assert (totals["median_hours_to_accept"], totals["median_hours_to_resolve"]) == (3.0, 28.0)
    assert (totals["ratings"], totals["satisfaction"], totals["average_rating"]) == (3, 0.6667, 4.0)
    assert totals["reopen_rate"] == 0.25


async def test_community_staff_see_their_community_only(scene: Scene) -> None:
    staff = await scene.h.staff(scene.a, "community_staff")
    mine = await scene.h.client.get(scene.query(scene.a), headers=staff.headers)
    assert mine.status_code == 200, mine.text
    assert [c["community_id"] for c in mine.json()["communities"]] == [str(scene.a.id)]
    assert mine.json()["totals"]["total"] == 5
    for unit in (scene.town, scene.b):  # the town above, a neighbour beside
        answer = await scene.h.client.get(scene.query(unit), headers=staff.headers)
        assert answer.status_code == 404, answer.text


async def test_staff_of_another_town_get_404_as_for_an_unknown_unit(scene: Scene) -> None:
    staff = await scene.h.staff(await scene.h.town("t2"), "district_admin")
    answer = await scene.h.client.get(scene.query(scene.town), headers=staff.headers)
    assert answer.status_code == 404
    unknown = await scene.h.client.get(
        f"/api/petitions/stats?unit_id={uuid.uuid4()}", headers=staff.headers
    )
    assert unknown.status_code == 404
    assert answer.json()["detail"] == unknown.json()["detail"]


async def test_residents_may_not_read_the_dashboard(scene: Scene) -> None:
    resident = await scene.h.resident(scene.a)
    answer = await scene.h.client.get(scene.query(scene.a), headers=resident.headers)
    assert answer.status_code == 403


BAD_PERIODS = [
    ("from=2026-06-10&to=2026-06-01", "from"),
    ("from=2026-06-01T10:00:00Z&to=2026-06-01T10:00:00Z", "from"),
    ("from=2025-01-01&to=2026-01-02", "to"),
    ("from=next-week", "from"),
    ("to=2026-02-30", "to"),
]


async def test_bad_periods_are_422_naming_the_field(petitions: PetitionsHarness) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    for span, field in BAD_PERIODS:
        answer = await petitions.client.get(
            f"/api/petitions/stats?unit_id={community.id}&{span}", headers=staff.headers
        )
        assert answer.status_code == 422, (span, answer.text)
        assert answer.json()["field"] == field, span


async def test_plain_dates_are_whole_shanghai_days(scene: Scene) -> None:
    """Everything of the known set was raised on one day; asking for that day finds it."""
    staff = await scene.h.staff(scene.town, "district_admin")
    day = (scene.start + timedelta(days=1)).astimezone(LOCAL).date().isoformat()
    answer = await scene.h.client.get(
        f"/api/petitions/stats?unit_id={scene.town.id}&from={day}&to={day}", headers=staff.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["totals"]["total"] == 7
