"""Finance sheets over HTTP: totals checked, XLSX read back with openpyxl, CSV; bodies
rendered to sanitised HTML."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from tests.integration.notices.board_harness import BoardHarness, board, board_module

__all__ = ["board", "board_module"]


def sheet(**overrides: Any) -> dict[str, Any]:
    return {
        "period": "2026年10月",
        "opening_balance_fen": 1_000_00,
        "lines": [
            {
                "date": "2026-10-03",
                "item": "上级拨付村道维修款",
                "income_fen": 5_000_00,
                "voucher_no": "记-001",
            },
            {
                "date": "2026-10-12",
                "item": '=HYPERLINK("http://evil")',
                "expense_fen": 1_234_56,
                "note": "水泥",
            },
        ],
        **overrides,
    }


async def test_totals_that_do_not_add_up_are_refused_naming_the_field(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    for name, wrong in (
        ("total_income_fen", 4_999_99),
        ("total_expense_fen", 1),
        ("closing_balance_fen", 4_765_45),
    ):
        answer = await board.create(
            manager, community, category="finance", sheet=sheet(**{name: wrong})
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == f"sheet.{name}"
    not_finance = await board.create(manager, community, sheet=sheet())
    assert not_finance.status_code == 422 and not_finance.json()["field"] == "sheet"
    both = sheet(lines=[{"date": "2026-10-03", "item": "x", "income_fen": 1, "expense_fen": 1}])
    answer = await board.create(manager, community, category="finance", sheet=both)
    assert answer.status_code == 422 and answer.json()["field"].startswith("sheet.lines.0")
    # None in the community (the stack is shared by the module).
    assert await board.db_val("SELECT count(*) FROM notices WHERE unit_id = $1", community.id) == 0
    right = sheet(
        total_income_fen=5_000_00, total_expense_fen=1_234_56, closing_balance_fen=4_765_44
    )
    ok = await board.create(manager, community, category="finance", sheet=right)
    assert ok.status_code == 201, ok.text
    assert ok.json()["sheet"]["closing_balance_fen"] == 4_765_44


async def test_resident_downloads_the_sheet_as_xlsx_and_csv(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    notice = await board.published(
        manager, community, category="finance", title="十月财务公开", sheet=sheet()
    )
    seen = (await board.client.get(f"/api/notices/{notice['id']}", headers=resident.headers)).json()
    assert seen["sheet"]["total_income_fen"] == 5_000_00
    assert seen["sheet"]["closing_balance_fen"] == 4_765_44

    answer = await board.client.get(
        f"/api/notices/{notice['id']}/sheet.xlsx", headers=resident.headers
    )
    assert answer.status_code == 200
    ws = load_workbook(io.BytesIO(answer.content)).active
    assert ws is not None
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "十月财务公开"
    assert rows[1][:2] == ["期间", "2026年10月"]
    assert rows[2] == ["日期", "摘要", "收入（元）", "支出（元）", "凭证号", "备注"]
    assert rows[3][1:3] == ["期初余额", 1000]
    assert rows[4][1:5] == ["上级拨付村道维修款", 5000, 0, "记-001"]
    assert rows[4][0] == datetime(2026, 10, 3)
    assert rows[5][1] == '=HYPERLINK("http://evil")'
    assert ws.cell(6, 2).data_type == "s"
    assert rows[5][3] == 1234.56
    assert rows[6][1:4] == ["本期合计", 5000, 1234.56]
    assert rows[7][1:3] == ["期末余额", 4765.44]

    csv_answer = await board.client.get(
        f"/api/notices/{notice['id']}/sheet.csv", headers=resident.headers
    )
    assert csv_answer.status_code == 200
    assert csv_answer.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert table[5][1] == '\'=HYPERLINK("http://evil")'
    assert table[7] == ["", "期末余额", "4765.44", "", "", ""]

    plain = await board.published(manager, community)
    none = await board.client.get(f"/api/notices/{plain['id']}/sheet.csv", headers=resident.headers)
    assert none.status_code == 404


async def test_script_in_a_body_is_neutralised_when_stored(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    body = "<script>alert(1)</script>\n\n[点我](javascript:alert(1)) <img src=x onerror=alert(1)>"
    notice = await board.published(manager, community, body=body)
    html = notice["body_html"].lower()
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html
