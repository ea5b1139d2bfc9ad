"""Finance sheet rules: our totals, a client's wrong total refused, spreadsheet text inert."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kit.errors import Invalid
from services.notices.board import sheet

LINES = [
    {"date": "2026-10-01", "item": "拨款", "income_fen": 100_00, "expense_fen": 0},
    {"date": "2026-10-02", "item": "-1+1", "income_fen": 0, "expense_fen": 30_01},
]


def test_totals_and_closing_balance_are_computed_in_fen() -> None:
    assert sheet.totals(5_00, LINES) == sheet.Totals(100_00, 30_01, 74_99)


def test_a_sent_total_that_matches_is_accepted_and_ours_filled_in() -> None:
    result = sheet.checked(
        {"period": "十月", "opening_balance_fen": 5_00, "lines": LINES, "total_income_fen": 100_00}
    )
    assert result["closing_balance_fen"] == 74_99


@pytest.mark.parametrize("name", ["total_income_fen", "total_expense_fen", "closing_balance_fen"])
def test_a_sent_total_that_does_not_add_up_is_refused_naming_it(name: str) -> None:
    with pytest.raises(Invalid) as refused:
        sheet.checked({"period": "十月", "opening_balance_fen": 5_00, "lines": LINES, name: 1})
    assert refused.value.field == f"sheet.{name}"


def test_user_text_starting_like_a_formula_stays_text() -> None:
    data = sheet.checked({"period": "=1+1", "opening_balance_fen": 0, "lines": LINES})
    ws = load_workbook(io.BytesIO(sheet.to_xlsx("+标题", data))).active
    assert ws is not None
    assert ws.cell(1, 1).value == "+标题" and ws.cell(1, 1).data_type == "s"
    assert ws.cell(2, 2).value == "=1+1" and ws.cell(2, 2).data_type == "s"
    text = sheet.to_csv("@x", data).decode("utf-8-sig")
    assert text.startswith("'@x") and "'=1+1" in text and "'-1+1" in text
