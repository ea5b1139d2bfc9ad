"""The catalog over HTTP on a real database: counters, items, stock and its moves, pictures,
what residents see, and staff of another community refused everywhere."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.integration.mall.catalog_support import HOURS, count, counter, item, png, restock
from tests.integration.mall.conftest import MallHarness


async def test_staff_open_a_counter_change_it_and_residents_list_the_active_ones(
    mall: MallHarness,
):
    community = await mall.community()
    staff = await mall.staff(community)
    who = await mall.resident(community)
    made = await counter(mall, staff, community, opening_hours=HOURS)
    assert made["opening_hours"] == HOURS and made["active"] is True
    assert made["community_id"] == str(community.id)
    closed = await counter(mall, staff, community, name="二组兑换点")
    changed = await mall.client.patch(
        f"/api/mall/counters/{closed['id']}",
        json={"active": False, "name": "二组（暂停）"},
        headers=staff.headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["active"], changed.json()["name"]) == (False, "二组（暂停）")

    query = f"/api/mall/counters?community_id={community.id}"
    seen = await mall.client.get(query, headers=who.headers)
    assert [c["id"] for c in seen.json()["items"]] == [made["id"]]
    by_staff = await mall.client.get(query, headers=staff.headers)
    assert {c["id"] for c in by_staff.json()["items"]} == {made["id"], closed["id"]}
    own = await mall.client.get("/api/mall/counters", headers=who.headers)
    assert [c["id"] for c in own.json()["items"]] == [made["id"]]


async def test_bad_counter_input_is_422_naming_the_field_and_writes_nothing(mall: MallHarness):
    community = await mall.community()
    staff = await mall.staff(community)
    base = {"community_id": str(community.id), "name": "兑换点", "address": "一楼"}
    cases = [
        ({**base, "name": ""}, "name"),
        (
            {**base, "opening_hours": [{"days": "周一", "open": "18:00", "close": "09:00"}]},
            "opening_hours.0.close",
        ),
        (
            {**base, "opening_hours": [{"days": "周一", "open": "9:00", "close": "17:00"}]},
            "opening_hours.0.open",
        ),
        ({**base, "opening_hours": HOURS * 8}, "opening_hours"),
        ({**base, "colour": "red"}, "colour"),
        ({**base, "address": "一楼\x00"}, "address"),
    ]
    for body, field in cases:
        answer = await mall.client.post("/api/mall/counters", json=body, headers=staff.headers)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["field"] == field, answer.json()
    assert await count(mall, "counters") == 0


async def test_items_created_changed_and_validated_with_the_field_named(mall: MallHarness):
    community = await mall.community()
    staff = await mall.staff(community, "community_admin")
    start = mall.clock.now
    made = await item(
        mall,
        staff,
        community,
        description="山西老陈醋 500ml",
        per_person_limit=2,
        limit_period="week",
        sponsor="供销社",
        available_from=start.isoformat(),
        available_until=(start + timedelta(days=30)).isoformat(),
    )
    assert (made["price"], made["per_person_limit"], made["limit_period"]) == (30, 2, "week")
    assert (made["on_shelf"], made["stock"], made["image_url"]) == (True, [], None)

    base = {"community_id": str(community.id), "name": "米", "category": "粮油", "price": 10}
    bad = [
        ({**base, "price": 0}, "price"),
        ({**base, "per_person_limit": 2}, "limit_period"),
        ({**base, "limit_period": "week"}, "per_person_limit"),
        ({**base, "limit_period": "decade", "per_person_limit": 1}, "limit_period"),
        (
            {
                **base,
                "available_from": start.isoformat(),
                "available_until": (start - timedelta(hours=1)).isoformat(),
            },
            "available_until",
        ),
        ({**base, "available_from": "2026-01-01T00:00:00"}, "available_from"),
    ]
    for body, field in bad:
        answer = await mall.client.post("/api/mall/items", json=body, headers=staff.headers)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["field"] == field, answer.json()
    assert await count(mall, "items") == 1

    url = f"/api/mall/items/{made['id']}"
    early = {"available_until": (start - timedelta(days=1)).isoformat()}
    refused = await mall.client.patch(url, json=early, headers=staff.headers)
    assert (refused.status_code, refused.json()["field"]) == (422, "available_until")
    nulled = await mall.client.patch(url, json={"price": None}, headers=staff.headers)
    assert (nulled.status_code, nulled.json()["field"]) == (422, "price")
    moved = await mall.client.patch(
        url, json={"community_id": str(uuid.uuid4())}, headers=staff.headers
    )
    assert (moved.status_code, moved.json()["field"]) == (422, "community_id")
    changed = await mall.client.patch(
        url,
        json={"price": 25, "per_person_limit": None, "limit_period": None, "on_shelf": False},
        headers=staff.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["price"], body["per_person_limit"], body["on_shelf"]) == (25, None, False)
    assert body["description"] == "山西老陈醋 500ml"


async def test_restock_and_adjust_record_moves_and_below_zero_is_409(mall: MallHarness):
    community = await mall.community()
    staff = await mall.staff(community)
    made = await item(mall, staff, community)
    place = await counter(mall, staff, community)
    after = await restock(mall, staff, made["id"], place["id"], 10)
    assert after == {"item_id": made["id"], "counter_id": place["id"], "quantity": 10}
    url = f"/api/mall/items/{made['id']}/stock"
    counted = {"counter_id": place["id"], "delta": -3, "reason": "adjustment", "note": "盘点少3"}
    adjusted = await mall.client.post(url, json=counted, headers=staff.headers)
    assert adjusted.json()["quantity"] == 7

    too_many = {"counter_id": place["id"], "delta": -8, "reason": "adjustment"}
    refused = await mall.client.post(url, json=too_many, headers=staff.headers)
    assert (refused.status_code, refused.json()["field"]) == (409, "delta")
    for body, field in [
        ({"counter_id": place["id"], "delta": -1, "reason": "restock"}, "delta"),
        ({"counter_id": place["id"], "delta": 0, "reason": "adjustment"}, "delta"),
        ({"counter_id": place["id"], "delta": 10001, "reason": "restock"}, "delta"),
        ({"counter_id": place["id"], "delta": 1, "reason": "order"}, "reason"),
        ({"counter_id": str(uuid.uuid4()), "delta": 1, "reason": "restock"}, "counter_id"),
    ]:
        answer = await mall.client.post(url, json=body, headers=staff.headers)
        assert (answer.status_code, answer.json()["field"]) == (422, field), answer.text
    other = await mall.community()
    elsewhere = await counter(mall, await mall.staff(other), other)
    wrong = {"counter_id": elsewhere["id"], "delta": 1, "reason": "restock"}
    answer = await mall.client.post(url, json=wrong, headers=staff.headers)
    assert (answer.status_code, answer.json()["field"]) == (422, "counter_id")

    moves = await mall.client.get(
        f"/api/mall/items/{made['id']}/stock-moves", headers=staff.headers
    )
    rows = moves.json()["items"]
    assert [(m["delta"], m["reason"], m["note"]) for m in rows] == [
        (-3, "adjustment", "盘点少3"),
        (10, "restock", None),
    ]
    assert rows[0]["actor"] == str(staff.id) and rows[0]["order_id"] is None
    first = await mall.client.get(
        f"/api/mall/items/{made['id']}/stock-moves?limit=1", headers=staff.headers
    )
    rest = await mall.client.get(
        f"/api/mall/items/{made['id']}/stock-moves?limit=1&cursor={first.json()['next_cursor']}",
        headers=staff.headers,
    )
    assert [m["delta"] for m in rest.json()["items"]] == [10]
    shown = await mall.client.get(f"/api/mall/items/{made['id']}", headers=staff.headers)
    assert shown.json()["stock"] == [
        {"counter_id": place["id"], "counter_name": "村委会兑换点", "quantity": 7}
    ]


async def test_picture_is_checked_by_its_bytes_and_served(mall: MallHarness):
    community = await mall.community()
    staff = await mall.staff(community)
    made = await item(mall, staff, community)
    url = f"/api/mall/items/{made['id']}/image"
    fake = await mall.client.put(
        url, files={"file": ("vinegar.png", b"just some text", "image/png")}, headers=staff.headers
    )
    assert (fake.status_code, fake.json()["field"]) == (415, "file")
    broken = png()[:40]
    cut = await mall.client.put(
        url, files={"file": ("vinegar.png", broken, "image/png")}, headers=staff.headers
    )
    assert (cut.status_code, cut.json()["field"]) == (422, "file")
    assert (await mall.client.get(url)).status_code == 404

    picture = png()
    put = await mall.client.put(
        url, files={"file": ("x.bin", picture, "application/octet-stream")}, headers=staff.headers
    )
    assert put.status_code == 200, put.text
    assert put.json()["image_url"] == url
    served = await mall.client.get(url)
    assert served.status_code == 200
    assert (served.content, served.headers["content-type"]) == (picture, "image/png")

    await mall.client.patch(
        f"/api/mall/items/{made['id']}", json={"on_shelf": False}, headers=staff.headers
    )
    assert (await mall.client.get(url)).status_code == 404
    assert (await mall.client.get(url, headers=staff.headers)).status_code == 200


async def test_resident_sees_only_items_on_sale_in_their_own_community(mall: MallHarness):
    community, other = await mall.community(), await mall.community()
    staff, other_staff = await mall.staff(community), await mall.staff(other)
    who = await mall.resident(community)
    now = mall.clock.now
    selling = await item(mall, staff, community, name="挂面")
    await item(mall, staff, community, name="下架", on_shelf=False)
    await item(
        mall, staff, community, name="未开始", available_from=(now + timedelta(days=1)).isoformat()
    )
    ended = await item(
        mall,
        staff,
        community,
        name="已结束",
        available_from=(now - timedelta(days=2)).isoformat(),
        available_until=(now - timedelta(days=1)).isoformat(),
    )
    theirs = await item(mall, other_staff, other, name="别村的")

    seen = await mall.client.get(
        f"/api/mall/items?community_id={community.id}", headers=who.headers
    )
    assert [i["name"] for i in seen.json()["items"]] == ["挂面"]
    mine = await mall.client.get("/api/mall/items", headers=who.headers)
    assert [i["name"] for i in mine.json()["items"]] == ["挂面"]
    assert (
        await mall.client.get(f"/api/mall/items/{selling['id']}", headers=who.headers)
    ).status_code == 200
    for hidden in (ended["id"], theirs["id"]):
        answer = await mall.client.get(f"/api/mall/items/{hidden}", headers=who.headers)
        assert answer.status_code == 404
    elsewhere = await mall.client.get(
        f"/api/mall/items?community_id={other.id}", headers=who.headers
    )
    assert elsewhere.status_code == 404

    everything = await mall.client.get(
        f"/api/mall/items?community_id={community.id}", headers=staff.headers
    )
    assert len(everything.json()["items"]) == 4
    not_selling = await mall.client.get("/api/mall/items?on_sale=false", headers=staff.headers)
    assert {i["name"] for i in not_selling.json()["items"]} == {"下架", "未开始", "已结束"}
    page = await mall.client.get("/api/mall/items?limit=3", headers=staff.headers)
    more = await mall.client.get(
        f"/api/mall/items?limit=3&cursor={page.json()['next_cursor']}", headers=staff.headers
    )
    assert len(page.json()["items"]) + len(more.json()["items"]) == 4


async def test_staff_of_another_community_are_refused_everywhere(mall: MallHarness):
    community, other = await mall.community(), await mall.community()
    staff, stranger = await mall.staff(community), await mall.staff(other)
    operator = await mall.staff(other, "counter_operator")
    made = await item(mall, staff, community, on_shelf=False)
    place = await counter(mall, staff, community)
    await restock(mall, staff, made["id"], place["id"], 5)
    i, c = made["id"], place["id"]

    writes = [
        (
            "POST",
            "/api/mall/counters",
            {"community_id": str(community.id), "name": "x", "address": "y"},
        ),
        ("PATCH", f"/api/mall/counters/{c}", {"name": "抢"}),
        (
            "POST",
            "/api/mall/items",
            {"community_id": str(community.id), "name": "x", "category": "y", "price": 1},
        ),
        ("PATCH", f"/api/mall/items/{i}", {"price": 1}),
        ("POST", f"/api/mall/items/{i}/stock", {"counter_id": c, "delta": 1, "reason": "restock"}),
    ]
    for method, url, body in writes:
        answer = await mall.client.request(method, url, json=body, headers=stranger.headers)
        assert answer.status_code == 404, (url, answer.text)
        by_operator = await mall.client.request(method, url, json=body, headers=operator.headers)
        assert by_operator.status_code in (403, 404), (url, by_operator.text)
    image = await mall.client.put(
        f"/api/mall/items/{i}/image",
        files={"file": ("a.png", png(), "image/png")},
        headers=stranger.headers,
    )
    assert image.status_code == 404
    for url in (
        f"/api/mall/items/{i}",
        f"/api/mall/items/{i}/stock-moves",
        f"/api/mall/items/{i}/image",
    ):
        assert (await mall.client.get(url, headers=stranger.headers)).status_code == 404, url
    listed = await mall.client.get("/api/mall/items", headers=stranger.headers)
    assert listed.json()["items"] == []
    counters = await mall.client.get(
        f"/api/mall/counters?community_id={community.id}", headers=stranger.headers
    )
    assert counters.status_code == 404
    # Nothing changed.
    assert await mall.db_val("SELECT sum(quantity) FROM stock") == 5
    assert await count(mall, "counters") == 1 and await count(mall, "items") == 1
