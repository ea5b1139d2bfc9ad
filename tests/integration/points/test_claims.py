"""Claims over HTTP on the real PostgreSQL and Kafka: 申报 → 审核 → 公示 → vested, clock moved."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from kit.db import unit_of_work
from kit.tables import outbox
from services.points.base import LOCAL
from services.points.claims.models import Claim
from services.points.claims.vesting import vest_due_claims
from services.points.ledger.models import Posting
from tests.integration import support
from tests.integration.points.conftest import Community, PointsHarness

ITEMS: list[dict[str, Any]] = [
    {
        "code": "CLEAN",
        "name": "环境整治",
        "category": "环境",
        "points": 5,
        "requires_claim": True,
        "evidence_required": True,
    },
    {"code": "ELDER", "name": "关爱老人", "category": "互助", "points": 3, "requires_claim": True},
    {
        "code": "VOL",
        "name": "志愿服务",
        "category": "志愿",
        "points": 2,
        "triggers": [{"source": "volunteer"}],
    },
]
PHOTO = "https://img.example.cn/clean/1.jpg"


@dataclass
class Scene:
    """Xiaobeijie (A) and Fuxing (B) with their lists, two residents of A and staff of each."""

    points: PointsHarness
    a: Community
    b: Community
    claimant: uuid.UUID
    neighbour: uuid.UUID
    as_claimant: dict[str, str]
    as_neighbour: dict[str, str]
    staff_a: dict[str, str]
    staff_b: dict[str, str]

    @property
    def client(self) -> httpx.AsyncClient:
        return self.points.client

    def today(self) -> date:
        return self.points.clock().astimezone(LOCAL).date()

    async def submit(self, **overrides: Any) -> httpx.Response:
        body = {
            "item_code": "CLEAN",
            "occurred_on": str(self.today() - timedelta(days=1)),
            "description": "清理了小区门口的垃圾堆",
            "evidence": [PHOTO],
            **overrides,
        }
        return await self.client.post("/api/points/claims", json=body, headers=self.as_claimant)

    async def submitted(self, **overrides: Any) -> dict[str, Any]:
        answer = await self.submit(**overrides)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    async def review(
        self, claim_id: str, decision: str, reason: str | None = None, headers: Any = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/points/claims/{claim_id}/review",
            json={"decision": decision, "reason": reason},
            headers=headers or self.staff_a,
        )

    async def in_publicity(self) -> dict[str, Any]:
        claim = await self.submitted()
        answer = await self.review(claim["id"], "approve")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def object(self, claim_id: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(
            f"/api/points/claims/{claim_id}/objections",
            json={"reason": "那天我在场，垃圾是环卫工人清理的"},
            headers=headers or self.as_neighbour,
        )

    async def resolve(
        self, objection_id: str, decision: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/points/objections/{objection_id}/resolve",
            json={"decision": decision, "reason": "已核实"},
            headers=headers or self.staff_a,
        )

    async def board(self, community: Community | None = None) -> list[dict[str, Any]]:
        answer = await self.client.get(
            f"/api/points/communities/{(community or self.a).id}/publicity"
        )
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    async def vest(self) -> int:
        return await vest_due_claims(
            session_factory=self.points.session_factory, now=self.points.clock()
        )

    async def status_of(self, claim_id: str) -> str | None:
        async with unit_of_work(self.points.session_factory) as session:
            claim = await session.get(Claim, uuid.UUID(claim_id))
            return claim.status if claim else None

    async def count(self, stmt: Any) -> int:
        async with unit_of_work(self.points.session_factory) as session:
            return int(await session.scalar(stmt) or 0)


@pytest.fixture
async def scene(points: PointsHarness) -> Scene:
    return await make_scene(points)


@pytest.fixture
async def scene_alone(points_alone: PointsHarness) -> Scene:
    """A scene on a stack of its own, for a test that counts what the vesting job does over
    the whole database (other tests' claims in publicity would vest in the same run)."""
    return await make_scene(points_alone)


async def make_scene(points: PointsHarness) -> Scene:
    a = await points.community()
    b = await points.community(town="fuxing")
    since = points.clock().astimezone(LOCAL).date() - timedelta(days=120)
    for community in (a, b):
        await points.publish_list(community, ITEMS, effective_from=since)
    claimant = await points.open_resident(a, name="张小三")
    neighbour = await points.open_resident(a, name="李四")
    return Scene(
        points=points,
        a=a,
        b=b,
        claimant=claimant,
        neighbour=neighbour,
        as_claimant=await points.token(claimant),
        as_neighbour=await points.token(neighbour),
        staff_a=await points.staff(a),
        staff_b=await points.staff(b),
    )


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_approved_claim_is_shown_masked_survives_a_dismissed_objection_and_vests_once(
    scene_alone: Scene,
):
    scene = scene_alone  # counts the vesting job's whole work
    claim = await scene.submitted()
    assert claim["status"] == "submitted"

    approved = await scene.review(claim["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "publicity"
    ends = at(approved.json()["publicity_ends_at"])
    assert ends == scene.points.clock() + timedelta(days=3)

    board = await scene.client.get(f"/api/points/communities/{scene.a.id}/publicity")
    assert [(n["name"], n["item_name"], n["points"]) for n in board.json()] == [
        ("张*三", "环境整治", 5)
    ]
    assert str(scene.claimant) not in board.text and "resident" not in board.text

    objection = await scene.object(claim["id"])
    assert objection.status_code == 201, objection.text
    dismissed = await scene.resolve(objection.json()["id"], "dismiss")
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "publicity"

    assert await scene.vest() == 0  # the period has not ended
    scene.points.clock.advance(days=3, seconds=1)
    assert sum(await asyncio.gather(scene.vest(), scene.vest())) == 1
    assert await scene.vest() == 0

    assert await scene.points.balance(scene.claimant) == 5
    claim_postings = select(func.count()).where(Posting.source_id == claim["id"])
    assert await scene.count(claim_postings) == 1
    mine = (await scene.client.get("/api/points/claims", headers=scene.as_claimant)).json()
    assert mine["items"][0]["status"] == "vested" and mine["items"][0]["posting_id"]
    assert await scene.board() == []
    await events_reach_kafka(
        scene,
        {
            "org.shanzhi.points.claim_reviewed.v1",
            "org.shanzhi.points.awarded.v1",
            "org.shanzhi.points.claim_vested.v1",
        },
    )


async def events_reach_kafka(scene: Scene, types: set[str]) -> None:
    """The events are in the outbox and the relay has delivered every one of them."""
    async with unit_of_work(scene.points.session_factory) as session:
        written = set((await session.scalars(select(outbox.c.type))).all())
    assert types <= written

    async def all_sent() -> bool:
        unsent = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        return await scene.count(unsent) == 0

    assert await support.eventually(all_sent, timeout=30)


async def test_open_objection_at_the_end_of_publicity_holds_vesting_until_dismissed(
    scene_alone: Scene,
):
    scene = scene_alone  # counts the vesting job's whole work
    claim = await scene.in_publicity()
    objection = (await scene.object(claim["id"])).json()
    scene.points.clock.advance(days=4)

    assert await scene.vest() == 0
    assert await scene.points.balance(scene.claimant) == 0
    assert (await scene.resolve(objection["id"], "dismiss")).status_code == 200
    assert await scene.vest() == 1
    assert await scene.points.balance(scene.claimant) == 5


async def test_upheld_objection_rejects_the_claim_and_nothing_posts(scene_alone: Scene):
    scene = scene_alone  # counts the vesting job's whole work
    claim = await scene.in_publicity()
    objection = (await scene.object(claim["id"])).json()

    upheld = await scene.resolve(objection["id"], "uphold")
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["status"] == "rejected"
    assert upheld.json()["review_reason"] == objection["reason"]
    assert [o["status"] for o in upheld.json()["objections"]] == ["upheld"]

    scene.points.clock.advance(days=4)
    assert await scene.vest() == 0
    assert await scene.points.balance(scene.claimant) == 0
    assert await scene.count(select(func.count()).select_from(Posting)) == 0
    assert await scene.board() == []
    again = await scene.resolve(objection["id"], "dismiss")
    assert again.status_code == 409


async def test_staff_of_another_community_cannot_list_review_or_resolve_claims(scene: Scene):
    claim = await scene.in_publicity()
    objection = (await scene.object(claim["id"])).json()
    other = await scene.submitted(item_code="ELDER", evidence=[])

    listing = await scene.client.get(
        "/api/points/claims", params={"community_id": str(scene.a.id)}, headers=scene.staff_b
    )
    assert listing.status_code == 404
    assert (await scene.review(other["id"], "approve", headers=scene.staff_b)).status_code == 404
    assert (await scene.resolve(objection["id"], "uphold", scene.staff_b)).status_code == 404
    own = await scene.client.get(
        "/api/points/claims", params={"community_id": str(scene.b.id)}, headers=scene.staff_b
    )
    assert own.status_code == 200 and own.json()["items"] == []

    mine = await scene.client.get(
        "/api/points/claims",
        params={"community_id": str(scene.a.id), "status": "submitted"},
        headers=scene.staff_a,
    )
    assert [c["id"] for c in mine.json()["items"]] == [other["id"]]
    assert await scene.status_of(other["id"]) == "submitted"


async def test_a_resident_cannot_review_and_lists_only_their_own_claims(scene: Scene):
    claim = await scene.submitted()
    as_neighbour = await scene.client.post(
        "/api/points/claims",
        json={"item_code": "ELDER", "occurred_on": str(scene.today()), "description": "陪护"},
        headers=scene.as_neighbour,
    )
    assert as_neighbour.status_code == 201, as_neighbour.text

    refused = await scene.review(claim["id"], "approve", headers=scene.as_neighbour)
    assert refused.status_code == 403
    listing = await scene.client.get(
        "/api/points/claims", params={"community_id": str(scene.a.id)}, headers=scene.as_claimant
    )
    assert [c["id"] for c in listing.json()["items"]] == [claim["id"]]
    assert listing.json()["items"][0]["status"] == "submitted"


async def test_bad_claims_are_422_naming_the_field_and_store_nothing(scene: Scene):
    today = scene.today()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"item_code": "NOPE"}, "item_code"),
        ({"item_code": "VOL"}, "item_code"),
        ({"occurred_on": str(today + timedelta(days=1))}, "occurred_on"),
        ({"occurred_on": str(today - timedelta(days=91))}, "occurred_on"),
        ({"evidence": []}, "evidence"),
        ({"evidence": ["ftp://files.example.cn/a.jpg"]}, "evidence.0"),
        ({"evidence": [PHOTO] * 10}, "evidence"),
        ({"description": "  "}, "description"),
    ]
    for overrides, field in cases:
        answer = await scene.submit(**overrides)
        assert answer.status_code == 422, (overrides, answer.text)
        assert answer.json()["field"] == field, (overrides, answer.json())
    # None of the claimant's (the stack is shared by the module).
    mine = select(func.count()).select_from(Claim).where(Claim.resident_id == scene.claimant)
    assert await scene.count(mine) == 0


async def test_rejecting_needs_a_reason_and_a_claim_is_reviewed_only_once(scene: Scene):
    claim = await scene.submitted()

    no_reason = await scene.review(claim["id"], "reject")
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    assert await scene.status_of(claim["id"]) == "submitted"

    rejected = await scene.review(claim["id"], "reject", "照片不能说明情况")
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert (await scene.review(claim["id"], "approve")).status_code == 409
    assert await scene.board() == []


async def test_objections_are_taken_only_from_neighbours_during_publicity(scene: Scene):
    submitted = await scene.submitted(item_code="ELDER", evidence=[])
    assert (await scene.object(submitted["id"])).status_code == 409

    claim = await scene.in_publicity()
    assert (await scene.object(claim["id"], scene.as_claimant)).status_code == 403
    unverified = await scene.points.token(scene.neighbour, verified=False)
    assert (await scene.object(claim["id"], unverified)).status_code == 403
    outsider = await scene.points.open_resident(scene.b, name="赵六")
    as_outsider = await scene.points.token(outsider)
    assert (await scene.object(claim["id"], as_outsider)).status_code == 403
    assert (await scene.object(f"{uuid.uuid4()}")).status_code == 404

    assert (await scene.object(claim["id"])).status_code == 201
    assert (await scene.object(claim["id"])).status_code == 409  # one open objection each
    scene.points.clock.advance(days=3)
    late = await scene.points.open_resident(scene.a, name="孙七")
    as_late = await scene.points.token(late)
    assert (await scene.object(claim["id"], as_late)).status_code == 409


async def test_only_verified_residents_with_an_account_may_claim(scene: Scene):
    unverified = await scene.points.token(scene.claimant, verified=False)
    body = {"item_code": "ELDER", "occurred_on": str(scene.today()), "description": "陪护"}
    answer = await scene.client.post("/api/points/claims", json=body, headers=unverified)
    assert answer.status_code == 403
    stranger = await scene.points.token(await scene.points.person(scene.a), verified=True)
    answer = await scene.client.post("/api/points/claims", json=body, headers=stranger)
    assert answer.status_code == 409
    assert (await scene.client.post("/api/points/claims", json=body)).status_code == 401


async def test_claims_are_listed_newest_first_a_page_at_a_time(scene: Scene):
    ids = []
    for _ in range(3):
        ids.append((await scene.submitted())["id"])
        scene.points.clock.advance(minutes=1)

    first = (await scene.client.get("/api/points/claims?limit=2", headers=scene.as_claimant)).json()
    assert [c["id"] for c in first["items"]] == ids[:0:-1]
    rest = await scene.client.get(
        "/api/points/claims",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=scene.as_claimant,
    )
    assert [c["id"] for c in rest.json()["items"]] == ids[:1]
    assert rest.json()["next_cursor"] is None


async def test_publicity_board_shows_each_claim_with_its_own_item_and_only_its_community(
    scene: Scene,
):
    await scene.in_publicity()
    day = str(scene.today() - timedelta(days=1))
    body = {"item_code": "ELDER", "occurred_on": day, "description": "陪王奶奶去医院"}
    theirs = await scene.client.post("/api/points/claims", json=body, headers=scene.as_neighbour)
    assert (await scene.review(theirs.json()["id"], "approve")).status_code == 200

    board = await scene.board()
    assert sorted((n["name"], n["item_code"], n["item_name"], n["points"]) for n in board) == [
        ("张*三", "CLEAN", "环境整治", 5),
        ("李*", "ELDER", "关爱老人", 3),
    ]
    assert all(n["occurred_on"] == day and n["publicity_ends_at"] for n in board)
    assert await scene.board(scene.b) == []
