"""Counter redemption on real databases, points' own code answering: by member code (once
each), by phone + ID tail, across communities refused, points slow (202, fulfilled later by
id or by replaying the key), points refusing (201 failed with the reason), bad input."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.integration.mall.conftest import MallHarness
from tests.integration.mall.desk import (
    LAST4,
    member_code,
    pumped,
    redeem,
    slow_points,
    with_counter_check,
)


@pytest.fixture
async def desk(mall: MallHarness) -> MallHarness:
    """The harness; the mall checks member codes against identity's real JWKS (conftest)."""
    return mall


USES = "SELECT count(*) FROM member_code_uses WHERE resident_id = $1"


async def setup(mall: MallHarness, *, points: int = 100, stock: int = 5) -> Any:
    community = await mall.community()
    shelf = await mall.shelf(community, price=30, stock=stock)
    who = await mall.resident(community, points=points)
    operator = await mall.staff(community, "counter_operator")
    return community, shelf, who, operator


async def test_member_code_redemption_is_fulfilled_at_once(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    code = await member_code(desk, who)

    answer = await pumped(desk, redeem(desk, operator, shelf, 2, member_code=code))

    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert (order["status"], order["outcome"], order["channel"]) == (
        "fulfilled",
        "fulfilled",
        "counter",
    )
    assert order["total_points"] == 60 and order["pickup_code"] is None
    assert order["message"] == "兑换成功，请将商品交给居民"
    assert answer.headers["location"] == f"/api/mall/orders/{order['id']}"
    assert await desk.stock(shelf) == 3
    assert await desk.wallet(who) == (40, 0)  # held, then settled by the write-off
    used = await desk.db_val("SELECT order_id FROM member_code_uses")
    assert str(used) == order["id"]
    placed_by = await desk.db_val(
        "SELECT placed_by FROM orders WHERE id = $1", uuid.UUID(order["id"])
    )
    assert placed_by == operator.id


async def test_a_member_code_redeems_once(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    code = await member_code(desk, who)
    first = await pumped(desk, redeem(desk, operator, shelf, member_code=code))
    assert first.status_code == 201, first.text

    again = await redeem(desk, operator, shelf, member_code=code)

    assert again.status_code == 409, again.text
    assert again.json()["field"] == "member_code"
    assert await desk.stock(shelf) == 4
    assert await desk.db_val("SELECT count(*) FROM orders WHERE item_id = $1", shelf.item_id) == 1


async def test_an_access_token_is_not_a_member_code(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    token = who.headers["Authorization"].removeprefix("Bearer ")

    answer = await redeem(desk, operator, shelf, member_code=token)

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "member_code"
    assert await desk.stock(shelf) == 5
    assert await desk.db_val(USES, who.id) == 0


async def test_phone_and_id_tail_find_the_resident(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    await with_counter_check(desk, who)

    answer = await pumped(
        desk, redeem(desk, operator, shelf, phone=who.phone, id_last4=LAST4.lower())
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "fulfilled"
    assert answer.json()["resident_name"] == "李*爷"  # masked, for the operator to check
    assert await desk.wallet(who) == (70, 0)


async def test_wrong_id_tail_is_404_without_saying_which_half(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    await with_counter_check(desk, who)

    wrong_tail = await redeem(desk, operator, shelf, phone=who.phone, id_last4="1234")
    unknown_phone = await redeem(desk, operator, shelf, phone="13311112222", id_last4=LAST4)

    assert (wrong_tail.status_code, wrong_tail.json()["field"]) == (404, "phone")
    assert wrong_tail.json()["detail"] == unknown_phone.json()["detail"]
    assert await desk.stock(shelf) == 5


async def test_a_resident_of_another_community_is_refused(desk: MallHarness):
    _, shelf, _, operator = await setup(desk)
    elsewhere = await desk.community()
    stranger = await desk.resident(elsewhere, points=100)
    await with_counter_check(desk, stranger)

    by_code = await redeem(desk, operator, shelf, member_code=await member_code(desk, stranger))
    by_phone = await redeem(desk, operator, shelf, phone=stranger.phone, id_last4=LAST4)

    assert (by_code.status_code, by_code.json()["field"]) == (403, "member_code")
    assert (by_phone.status_code, by_phone.json()["field"]) == (404, "phone")
    assert await desk.stock(shelf) == 5
    assert await desk.db_val(USES, stranger.id) == 0


async def test_staff_of_another_community_cannot_use_the_counter(desk: MallHarness):
    _, shelf, who, _ = await setup(desk)
    outsider = await desk.staff(await desk.community(), "counter_operator")

    answer = await redeem(desk, outsider, shelf, member_code=await member_code(desk, who))
    as_resident = await redeem(desk, who, shelf, member_code=await member_code(desk, who))

    assert (answer.status_code, answer.json()["field"]) == (404, "counter_id")
    assert as_resident.status_code == 403
    assert await desk.stock(shelf) == 5


async def test_without_an_answer_from_points_it_is_202_then_fulfilled_by_id(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    slow_points(desk)

    answer = await redeem(desk, operator, shelf, member_code=await member_code(desk, who))

    assert answer.status_code == 202, answer.text
    order = answer.json()
    assert (order["status"], order["outcome"]) == ("pending_points", "pending")
    assert answer.headers["location"] == f"/api/mall/orders/{order['id']}"
    await desk.pump()
    polled = await desk.client.get(answer.headers["location"], headers=operator.headers)
    assert polled.json()["status"] == "confirmed" and polled.json()["pickup_code"] is None
    assert polled.json()["allowed_actions"] == ["cancel", "fulfil"]

    fulfil = f"/api/mall/orders/{order['id']}/fulfil"
    done = await desk.client.post(fulfil, headers=operator.headers)
    twice = await desk.client.post(fulfil, headers=operator.headers)

    assert done.status_code == 200 and done.json()["status"] == "fulfilled"
    assert (twice.status_code, twice.json()["detail"]) == (409, "订单已核销")
    await desk.pump()
    assert await desk.wallet(who) == (70, 0)


async def test_replaying_the_key_after_202_resumes_the_same_order(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    slow_points(desk)
    code = await member_code(desk, who)

    first = await redeem(desk, operator, shelf, member_code=code, key="desk-1")
    assert first.status_code == 202, first.text
    await desk.pump()
    again = await redeem(desk, operator, shelf, member_code=code, key="desk-1")

    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["status"] == "fulfilled"
    assert await desk.stock(shelf) == 4
    moves = "SELECT count(*) FROM stock_moves WHERE reason = 'order' AND item_id = $1"
    assert await desk.db_val(moves, shelf.item_id) == 1


async def test_app_orders_are_not_fulfilled_by_id(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    placed = await desk.order(who, shelf)
    await desk.pump()

    answer = await desk.client.post(
        f"/api/mall/orders/{placed.json()['id']}/fulfil", headers=operator.headers
    )

    assert answer.status_code == 409, answer.text
    assert (await desk.get(who, placed.json()["id"]))["status"] == "confirmed"


async def test_without_enough_points_the_answer_says_why(desk: MallHarness):
    _, shelf, who, operator = await setup(desk, points=20)

    answer = await pumped(
        desk, redeem(desk, operator, shelf, member_code=await member_code(desk, who))
    )

    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert (order["status"], order["outcome"], order["failure_reason"]) == (
        "failed",
        "failed",
        "insufficient",
    )
    assert order["message"] == "积分不足，兑换未成功"
    assert await desk.stock(shelf) == 5
    assert await desk.wallet(who) == (20, 0)


@pytest.mark.parametrize(
    ("way", "field"),
    [
        ({}, "member_code"),
        ({"member_code": "x", "phone": "13800138000"}, "phone"),
        ({"phone": "13800138000"}, "id_last4"),
        ({"id_last4": "002X"}, "phone"),
        ({"phone": "12345", "id_last4": "002X"}, "phone"),
        ({"phone": "13800138000", "id_last4": "00X2"}, "id_last4"),
        ({"member_code": "x", "quantity": 0}, "quantity"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    desk: MallHarness, way: dict[str, Any], field: str
):
    _, shelf, _, operator = await setup(desk)
    quantity = way.pop("quantity", 1)

    answer = await redeem(desk, operator, shelf, quantity, key="bad-1", **way)

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert await desk.stock(shelf) == 5
    keys = "SELECT count(*) FROM idempotency_keys WHERE scope = $1"
    assert await desk.db_val(keys, f"counter:{operator.id}") == 0


async def test_one_member_code_shown_twice_at_once_redeems_once(desk: MallHarness):
    _, shelf, who, operator = await setup(desk)
    slow_points(desk)
    code = await member_code(desk, who)

    answers = await asyncio.gather(
        *(redeem(desk, operator, shelf, member_code=code) for _ in range(2))
    )

    assert sorted(a.status_code for a in answers) == [202, 409]
    assert await desk.stock(shelf) == 4
    assert await desk.db_val("SELECT count(*) FROM orders WHERE item_id = $1", shelf.item_id) == 1
