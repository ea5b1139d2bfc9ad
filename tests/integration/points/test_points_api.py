"""The points API: accounts, staff adjustments and reversals, the list, red lists, scoping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import update

from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from kit.db import unit_of_work
from kit.events import new_event
from services.points.awards.models import UnmatchedActivity
from services.points.base import LOCAL
from services.points.ledger.models import Account
from tests.integration.points.conftest import PointsHarness

ITEMS = [
    {
        "code": "VOL",
        "name": "志愿服务",
        "category": "志愿",
        "points": 5,
        "triggers": [{"source": "volunteer", "activity_type": "环境整治"}],
    },
    {"code": "BAD", "name": "违反村规民约", "category": "扣分", "points": -10},
    {"code": "HELP", "name": "邻里互助", "category": "参与", "points": 3},
]


async def adjust(
    points: PointsHarness,
    staff: dict[str, str],
    resident: uuid.UUID,
    amount: int,
    code: str = "HELP",
) -> dict[str, object]:
    answer = await points.client.post(
        "/api/points/adjustments",
        json={"resident_id": str(resident), "amount": amount, "item_code": code, "reason": "测试"},
        headers=staff,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_account_and_postings_pages_newest_first(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    resident = await points.open_resident(community)
    staff = await points.staff(community)
    for amount in (3, 4, 5):
        await adjust(points, staff, resident, amount)
    me = await points.token(resident)
    account = (await points.client.get("/api/points/accounts/me", headers=me)).json()
    assert account["balance"] == account["available"] == 12 and account["held"] == 0
    assert account["lifetime_earned"] == 12 and account["household"] is None
    first = (await points.client.get("/api/points/accounts/me/postings?limit=2", headers=me)).json()
    assert [p["score_delta"] for p in first["items"]] == [5, 4]
    assert [p["amount"] for p in first["items"]] == [5, 4]
    rest = await points.client.get(
        f"/api/points/accounts/me/postings?limit=2&cursor={first['next_cursor']}", headers=me
    )
    assert [p["score_delta"] for p in rest.json()["items"]] == [3]
    assert rest.json()["next_cursor"] is None


async def test_deduction_takes_what_is_there_and_later_awards_pay_the_debt(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    resident = await points.open_resident(community)
    staff = await points.staff(community)
    await adjust(points, staff, resident, 4)
    await adjust(points, staff, resident, -10, "BAD")
    me = await points.token(resident)
    account = (await points.client.get("/api/points/accounts/me", headers=me)).json()
    assert (account["balance"], account["debt"]) == (0, 6)
    postings = (await points.client.get("/api/points/accounts/me/postings", headers=me)).json()
    # The deduction's score is the full penalty; the wallet gave what it had.
    assert [(p["score_delta"], p["amount"]) for p in postings["items"]] == [(-10, -4), (4, 4)]
    await adjust(points, staff, resident, 9)
    account = (await points.client.get("/api/points/accounts/me", headers=me)).json()
    assert (account["balance"], account["debt"]) == (3, 0)


async def test_reversal_corrects_a_posting_once(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    resident = await points.open_resident(community)
    staff = await points.staff(community)
    posting = await adjust(points, staff, resident, 5)
    path = f"/api/points/postings/{posting['id']}/reversal"
    first = await points.client.post(path, json={"reason": "录入错误"}, headers=staff)
    assert first.status_code == 201 and first.json()["kind"] == "reversal"
    assert await points.balance(resident) == 0
    again = await points.client.post(path, json={"reason": "录入错误"}, headers=staff)
    assert again.status_code == 409
    assert await points.balance(resident) == 0


async def test_unknown_item_code_is_422_and_posts_nothing(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    resident = await points.open_resident(community)
    answer = await points.client.post(
        "/api/points/adjustments",
        json={"resident_id": str(resident), "amount": 5, "item_code": "NOPE", "reason": "x"},
        headers=await points.staff(community),
    )
    assert answer.status_code == 422 and answer.json()["field"] == "item_code"
    zero = await points.client.post(
        "/api/points/adjustments",
        json={"resident_id": str(resident), "amount": 0, "item_code": "HELP", "reason": "x"},
        headers=await points.staff(community),
    )
    assert zero.status_code == 422 and zero.json()["field"] == "amount"
    assert await points.balance(resident) == 0


async def test_staff_of_another_community_can_neither_read_nor_adjust(points: PointsHarness):
    home, other = await points.community("xicheng"), await points.community("fuxing")
    await points.publish_list(home, ITEMS)
    resident = await points.open_resident(home, name="李四")
    outsider = await points.staff(other)
    account = await points.client.get(f"/api/points/accounts/{resident}", headers=outsider)
    assert account.status_code == 404 and "李四" not in account.text
    adjusted = await points.client.post(
        "/api/points/adjustments",
        json={"resident_id": str(resident), "amount": 5, "item_code": "HELP", "reason": "x"},
        headers=outsider,
    )
    assert adjusted.status_code == 404
    draft = await points.client.post(
        f"/api/points/communities/{home.id}/rules", json={"items": ITEMS}, headers=outsider
    )
    assert draft.status_code == 404
    unmatched = await points.client.get(
        f"/api/points/communities/{home.id}/unmatched", headers=outsider
    )
    assert unmatched.status_code == 404
    admin = await points.staff(points.district, "district_admin")
    assert (
        await points.client.get(f"/api/points/accounts/{resident}", headers=admin)
    ).status_code == 200
    resident_token = await points.token(resident)
    forbidden = await points.client.get(f"/api/points/accounts/{resident}", headers=resident_token)
    assert forbidden.status_code == 403


async def test_staff_draft_and_publish_a_list_that_residents_can_read(points: PointsHarness):
    community = await points.community()
    public = f"/api/points/communities/{community.id}/rules"
    assert (await points.client.get(public)).status_code == 404
    staff = await points.staff(community, "community_admin")
    bad = await points.client.post(
        public, json={"items": [{**ITEMS[0], "unit": "weekly"}]}, headers=staff
    )
    assert bad.status_code == 422
    draft = await points.client.post(public, json={"items": ITEMS}, headers=staff)
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert (await points.client.get(public)).status_code == 404  # a draft is not in force
    published = await points.client.post(
        f"/api/points/rules/{draft.json()['id']}/publish", json={}, headers=staff
    )
    assert published.status_code == 200
    shown = (await points.client.get(public)).json()
    assert [i["code"] for i in shown["items"]] == ["VOL", "BAD", "HELP"]
    resident = await points.token(await points.person(community))
    assert (
        await points.client.post(public, json={"items": ITEMS}, headers=resident)
    ).status_code == 403


async def test_red_list_ranks_by_net_score_with_masked_names(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    staff = await points.staff(community)
    household = uuid.uuid4()
    names = {"张小三": 9, "李四": 3, "王五": 6}
    ids = {}
    for name, amount in names.items():
        ids[name] = await points.open_resident(community, name=name)
        await adjust(points, staff, ids[name], amount)
    await adjust(points, staff, ids["张小三"], -10, "BAD")  # net -1: last
    async with unit_of_work(points.session_factory) as session:
        await session.execute(
            update(Account).where(Account.resident_id == ids["王五"]).values(household_id=household)
        )
        await session.commit()
    await adjust(points, staff, ids["王五"], 2)  # counts for the household from now on
    board = (
        await points.client.get(
            f"/api/points/communities/{community.id}/leaderboard?by=resident&period=month"
        )
    ).json()
    assert [(r["rank"], r["name"], r["score"]) for r in board] == [
        (1, "王*", 8),
        (2, "李*", 3),
        (3, "张*三", -1),
    ]
    households = (
        await points.client.get(
            f"/api/points/communities/{community.id}/leaderboard?by=household&period=all"
        )
    ).json()
    assert households == [{"rank": 1, "subject_id": str(household), "name": "王*家", "score": 2}]
    mine = await points.client.get(
        "/api/points/accounts/me/rank", headers=await points.token(ids["李四"])
    )
    assert mine.json() == {"period": "month", "rank": 2, "score": 3}


async def test_staff_map_an_unmatched_activity_to_an_item(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    resident = await points.open_resident(community)
    data = ActivityCompleted(
        volunteer=VolunteerRef(resident_id=str(resident)),
        activity=Activity(id="a1", type="文艺演出", title="重阳节演出"),
        community_id=str(community.id),
        hours=2,
        completed_at=datetime.now(UTC),
    )
    envelope = new_event(data, source="/partners/volunteer", subject=str(resident))
    row_id = uuid.uuid4()
    async with unit_of_work(points.session_factory) as session:
        session.add(
            UnmatchedActivity(
                id=row_id,
                event_id=envelope.id,
                community_id=community.id,
                activity_type="文艺演出",
                envelope=envelope.model_dump(mode="json"),
            )
        )
        await session.commit()
    staff = await points.staff(community)
    listed = (
        await points.client.get(f"/api/points/communities/{community.id}/unmatched", headers=staff)
    ).json()
    assert [(u["activity_type"], u["title"]) for u in listed] == [("文艺演出", "重阳节演出")]
    resolve = f"/api/points/unmatched/{row_id}/resolve"
    no_reason = await points.client.post(resolve, json={"action": "dismiss"}, headers=staff)
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    mapped = await points.client.post(
        resolve, json={"action": "map", "item_code": "HELP"}, headers=staff
    )
    assert mapped.status_code == 200 and mapped.json()["status"] == "mapped"
    assert await points.balance(resident) == 3
    again = await points.client.post(
        resolve, json={"action": "map", "item_code": "HELP"}, headers=staff
    )
    assert again.status_code == 409 and await points.balance(resident) == 3


async def test_community_admins_set_the_points_policy(points: PointsHarness):
    community = await points.community()
    path = f"/api/points/communities/{community.id}/settings"
    assert (await points.client.get(path)).json()["publicity_days"] == 3
    staff = await points.staff(community, "community_staff")
    body = {"publicity_days": 5, "verified_only_spend": False, "expiry_years": 2}
    assert (await points.client.put(path, json=body, headers=staff)).status_code == 403
    admin = await points.staff(community, "community_admin")
    saved = await points.client.put(path, json=body, headers=admin)
    assert saved.status_code == 200 and saved.json()["expiry_years"] == 2
    bad = await points.client.put(path, json={**body, "publicity_days": 0}, headers=admin)
    assert bad.status_code == 422 and bad.json()["field"] == "publicity_days"
    assert (await points.client.get(path)).json()["publicity_days"] == 5


async def test_residents_see_what_of_their_points_expires_when(points: PointsHarness):
    community = await points.community()
    await points.publish_list(community, ITEMS)
    resident = await points.open_resident(community)
    staff = await points.staff(community)
    await adjust(points, staff, resident, 5)
    me = await points.token(resident)
    never = (await points.client.get("/api/points/accounts/me/expiry", headers=me)).json()
    assert never == {"expiry_years": None, "warning_days": 30, "items": []}
    admin = await points.staff(community, "community_admin")
    policy = {"publicity_days": 3, "verified_only_spend": True, "expiry_years": 2}
    path = f"/api/points/communities/{community.id}/settings"
    assert (await points.client.put(path, json=policy, headers=admin)).status_code == 200
    answer = await points.client.get("/api/points/accounts/me/expiry", headers=me)
    year = points.clock().astimezone(LOCAL).year
    assert answer.json()["items"] == [{"expires_on": f"{year + 2}-12-31", "points": 5}]
    assert answer.json()["expiry_years"] == 2
