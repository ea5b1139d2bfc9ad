"""A counter's reconciliation after real orders through the saga (points' own code holding,
settling and releasing): JSON, CSV and XLSX agree, and points settled match points' ledger."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from tests.integration.mall.catalog_support import counter, item, restock
from tests.integration.mall.conftest import MallHarness, Person, Shelf, Unit

LOCAL = ZoneInfo("Asia/Shanghai")
URL = "/api/mall/reports/reconciliation"
SETTLED_IN_POINTS = "SELECT sum(amount) FROM holds WHERE status='settled' AND order_id = ANY($1)"


@dataclass
class Day:
    """A counter's day of business: who ordered what and how each order ended."""

    community: Unit
    manager: Person
    operator: Person
    counter_id: str
    vinegar: Shelf
    noodles: Shelf
    order_ids: list[str]


async def _order(mall: MallHarness, who: Person, shelf: Shelf, quantity: int = 1) -> str:
    placed = await mall.order(who, shelf, quantity)
    assert placed.status_code == 201, placed.text
    await mall.pump()
    return str(placed.json()["id"])


async def business_day(mall: MallHarness) -> Day:
    """Vinegar (30): 2 picked up, 1 failed for want of points, 1 waiting; noodles (50):
    1 cancelled, 1 written down at a count."""
    community = await mall.community()
    manager = await mall.staff(community)
    operator = await mall.staff(community, "counter_operator")
    place = await counter(mall, manager, community)
    made = [
        await item(mall, manager, community, name="老陈醋", price=30),
        await item(mall, manager, community, name="挂面", price=50),
    ]
    for one in made:
        await restock(mall, manager, one["id"], place["id"], 10)
    vinegar, noodles = (Shelf(community, place["id"], one["id"], one["price"]) for one in made)
    rich = await mall.resident(community, points=200)
    picked = await _order(mall, rich, vinegar, 2)
    code = (await mall.get(rich, picked))["pickup_code"]
    written = await mall.client.post(
        "/api/mall/pickups",
        json={"code": code, "counter_id": place["id"]},
        headers=operator.headers,
    )
    assert written.status_code == 200, written.text
    await mall.pump()
    cancelled = await _order(mall, rich, noodles)
    gone = await mall.client.post(f"/api/mall/orders/{cancelled}/cancel", headers=rich.headers)
    assert gone.status_code == 200, gone.text
    await mall.pump()
    poor = await mall.resident(community, points=10)
    failed = await _order(mall, poor, vinegar)
    waiting = await _order(mall, await mall.resident(community, points=40), vinegar)
    assert (await mall.get(rich, picked))["status"] == "fulfilled"
    count = {"counter_id": place["id"], "delta": -1, "reason": "adjustment", "note": "破损"}
    adjusted = await mall.client.post(
        f"/api/mall/items/{noodles.item_id}/stock", json=count, headers=manager.headers
    )
    assert adjusted.status_code == 200, adjusted.text
    ids = [picked, cancelled, failed, waiting]
    return Day(community, manager, operator, place["id"], vinegar, noodles, ids)


def _today(mall: MallHarness) -> str:
    return mall.clock.now.astimezone(LOCAL).date().isoformat()


async def _report(mall: MallHarness, who: Person, day: Day, **params: str) -> Any:
    today = _today(mall)
    query = {"counter_id": day.counter_id, "from": today, "to": today, **params}
    return await mall.client.get(URL, params=query, headers=who.headers)


async def test_reconciliation_counts_orders_points_and_stock_of_the_day(mall: MallHarness):
    day = await business_day(mall)
    answer = await _report(mall, day.operator, day)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["from"], report["to"]) == (_today(mall), _today(mall))
    orders = {k: (v["count"], v["points"]) for k, v in report["orders"].items() if v["count"]}
    assert orders == {
        "fulfilled": (1, 60),
        "cancelled": (1, 50),
        "failed": (1, 30),
        "confirmed": (1, 30),
    }
    assert report["points_settled"] == 60
    assert report["open_holds"] == {"count": 1, "points": 30}
    moves = {k: (v["count"], v["quantity"]) for k, v in report["stock_moves"].items()}
    assert moves == {
        "restock": (2, 20),
        "adjustment": (1, -1),
        "order": (4, -5),
        "return": (2, 2),
    }
    rows = {r["item_name"]: r for r in report["items"]}
    vinegar = {k: v for k, v in rows["老陈醋"].items() if k not in ("item_id", "item_name")}
    assert vinegar == {
        "price": 30,
        "orders_placed": 3,
        "fulfilled_quantity": 2,
        "points_settled": 60,
        "restocked": 10,
        "adjusted": 0,
        "ordered_out": 4,
        "returned": 1,
        "stock_now": 7,
    }
    assert (rows["挂面"]["adjusted"], rows["挂面"]["returned"], rows["挂面"]["stock_now"]) == (
        -1,
        1,
        9,
    )
    assert (
        report["totals"]["stock_now"] == 16 == await mall.db_val("SELECT sum(quantity) FROM stock")
    )


async def test_points_settled_equals_the_holds_points_settled_for_those_orders(
    mall: MallHarness,
):
    day = await business_day(mall)
    report = (await _report(mall, day.manager, day)).json()
    in_points = await mall.points.fetchval(SETTLED_IN_POINTS, day.order_ids)
    assert report["points_settled"] == in_points == 60


async def test_csv_and_xlsx_carry_the_item_rows_and_totals(mall: MallHarness):
    day = await business_day(mall)
    as_csv = await _report(mall, day.manager, day, format="csv")
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="reconciliation-' in as_csv.headers["content-disposition"]
    assert as_csv.headers["content-disposition"].endswith('.csv"')
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    header = lines.index(next(line for line in lines if line and line[0] == "商品编号"))
    table = lines[header:]
    assert table[0][:3] == ["商品编号", "商品名称", "单价（积分）"]
    by_name = {line[1]: line for line in table[1:]}
    assert by_name["老陈醋"][5] == "60"  # 结算积分
    assert by_name["合计"][5] == "60" and by_name["合计"][10] == "16"

    as_xlsx = await _report(mall, day.manager, day, format="xlsx")
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(as_xlsx.content))
    rows = [row for row in book["对账明细"].iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "商品编号")
    named = {row[1]: row for row in rows[start + 1 :]}
    assert named["老陈醋"][3:11] == (3, 2, 60, 10, 0, 4, 1, 7)
    assert named["合计"][5] == 60 and named["合计"][10] == 16
    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["已取货"] == (1, 60)


async def test_a_period_without_business_shows_zeros_but_todays_stock(mall: MallHarness):
    day = await business_day(mall)
    yesterday = (mall.clock.now.astimezone(LOCAL) - timedelta(days=1)).date().isoformat()
    report = (await _report(mall, day.manager, day, **{"from": yesterday, "to": yesterday})).json()
    assert report["points_settled"] == 0
    assert all(v["count"] == 0 for v in report["orders"].values())
    assert report["totals"]["stock_now"] == 16
    assert report["open_holds"] == {"count": 1, "points": 30}


async def test_bad_periods_are_422_naming_to(mall: MallHarness):
    community = await mall.community()
    manager = await mall.staff(community)
    place = await counter(mall, manager, community)
    for first, last in [("2025-01-01", "2026-01-02"), ("2026-03-02", "2026-03-01")]:
        query = {"counter_id": place["id"], "from": first, "to": last}
        answer = await mall.client.get(URL, params=query, headers=manager.headers)
        assert (answer.status_code, answer.json()["field"]) == (422, "to"), answer.text
    whole_year = {"counter_id": place["id"], "from": "2024-01-01", "to": "2024-12-31"}
    assert (
        await mall.client.get(URL, params=whole_year, headers=manager.headers)
    ).status_code == 200
    bad_date = {"counter_id": place["id"], "from": "2026-02-30"}
    answer = await mall.client.get(URL, params=bad_date, headers=manager.headers)
    assert (answer.status_code, answer.json()["field"]) == (422, "from")
    wrong = {"counter_id": place["id"], "format": "pdf"}
    answer = await mall.client.get(URL, params=wrong, headers=manager.headers)
    assert (answer.status_code, answer.json()["field"]) == (422, "format")


async def test_staff_of_another_community_and_residents_cannot_read_the_report(
    mall: MallHarness,
):
    community, other = await mall.community(), await mall.community()
    manager = await mall.staff(community)
    place = await counter(mall, manager, community)
    query = {"counter_id": place["id"]}
    for role in ("community_staff", "counter_operator"):
        stranger = await mall.staff(other, role)
        answer = await mall.client.get(URL, params=query, headers=stranger.headers)
        assert answer.status_code == 404, answer.text
    resident = await mall.resident(community)
    assert (await mall.client.get(URL, params=query, headers=resident.headers)).status_code == 403
    district = await mall.staff(mall.district, "district_admin")
    assert (await mall.client.get(URL, params=query, headers=district.headers)).status_code == 200


async def test_names_with_control_characters_still_export_as_xlsx(mall: MallHarness):
    """Found by schemathesis: a control character typed into a name made openpyxl refuse
    the workbook (500). The export drops it; the name stays as typed in the catalog."""
    community = await mall.community()
    manager = await mall.staff(community)
    place = await counter(mall, manager, community, name="兑换点\x01")
    made = await item(mall, manager, community, name="=老陈醋\x1f")
    await restock(mall, manager, made["id"], place["id"], 3)
    answer = await mall.client.get(
        URL, params={"counter_id": place["id"], "format": "xlsx"}, headers=manager.headers
    )
    assert answer.status_code == 200, answer.text
    rows = list(load_workbook(io.BytesIO(answer.content))["对账明细"].iter_rows(values_only=True))
    assert (rows[1][0], rows[1][1]) == ("兑换点", "兑换点")
    assert any(row[1] == "'=老陈醋" for row in rows)
