"""Finance sheets (财务公开): totals and closing balance computed and checked, XLSX and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kit.errors import Invalid
from kit.spreadsheets import cell_text

HEADER = ("日期", "摘要", "收入（元）", "支出（元）", "凭证号", "备注")


@dataclass(frozen=True)
class Totals:
    income_fen: int
    expense_fen: int
    closing_balance_fen: int


def totals(opening_balance_fen: int, lines: list[dict[str, Any]]) -> Totals:
    income = sum(int(line["income_fen"]) for line in lines)
    expense = sum(int(line["expense_fen"]) for line in lines)
    return Totals(income, expense, opening_balance_fen + income - expense)


def checked(sheet: dict[str, Any]) -> dict[str, Any]:
    """The sheet with our totals; a total the client sent must equal ours (422 naming it)."""
    ours = totals(sheet["opening_balance_fen"], sheet["lines"])
    computed = {
        "total_income_fen": ours.income_fen,
        "total_expense_fen": ours.expense_fen,
        "closing_balance_fen": ours.closing_balance_fen,
    }
    for name, value in computed.items():
        sent = sheet.get(name)
        if sent is not None and sent != value:
            raise Invalid(f"合计与明细不符：应为 {yuan(value)} 元", field=f"sheet.{name}")
    return {**sheet, **computed}


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _text(value: str) -> str:
    """A user's text as inert text in a spreadsheet (kit.spreadsheets)."""
    return cell_text(value)


def rows(sheet: dict[str, Any]) -> list[tuple[object, ...]]:
    """The table as residents read it: opening balance, the lines, totals, closing balance."""
    table: list[tuple[object, ...]] = [HEADER]
    table.append(("", "期初余额", yuan(sheet["opening_balance_fen"]), "", "", ""))
    for line in sheet["lines"]:
        table.append(
            (
                date.fromisoformat(str(line["date"])),
                line["item"],
                yuan(line["income_fen"]),
                yuan(line["expense_fen"]),
                line.get("voucher_no", ""),
                line.get("note", ""),
            )
        )
    table.append(
        ("", "本期合计", yuan(sheet["total_income_fen"]), yuan(sheet["total_expense_fen"]), "", "")
    )
    table.append(("", "期末余额", yuan(sheet["closing_balance_fen"]), "", "", ""))
    return table


def to_csv(title: str, sheet: dict[str, Any]) -> bytes:
    """UTF-8 with a BOM, so Excel on a village office PC shows the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_text(title)])
    writer.writerow(["期间", _text(sheet["period"])])
    for row in rows(sheet):
        writer.writerow([_text(v) if isinstance(v, str) else str(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(title: str, sheet: dict[str, Any]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = "财务公开"
    ws.append([title])
    ws.append(["期间", sheet["period"]])
    for row in rows(sheet):
        ws.append(list(row))
    format_cells(ws, (12, 30, 14, 14, 12, 30))
    return saved(book)


def format_cells(ws: Worksheet, widths: tuple[int, ...]) -> None:
    """Texts stay text, amounts in yuan and dates formatted, columns widened."""
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                # openpyxl takes a string starting with "=" as a formula; ours are text.
                cell.data_type = "s"
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
