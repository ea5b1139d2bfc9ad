"""A notice's receipts as a workbook staff print to follow up: the counts, the households
nobody in which acknowledged, and every resident with their read and acknowledgement times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from kit.spreadsheets import cell_text
from services.notices.board.schemas import ReceiptPerson, ReceiptsOut
from services.notices.board.sheet import format_cells, saved

SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_GRID = "未选网格"


def beijing(at: datetime | None) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at is not None else ""


def summary_rows(title: str, counts: ReceiptsOut) -> list[list[object]]:
    table: list[list[object]] = [[cell_text(title)], ["", "居民", "已读", "已确认"]]
    table.append(["合计", counts.residents, counts.read, counts.acked])
    table.append([])
    table.append(["网格", "居民", "已读", "已确认"])
    for group in counts.by_grid:
        table.append(
            [str(group.id) if group.id else NO_GRID, group.residents, group.read, group.acked]
        )
    return table


def follow_up_rows(counts: ReceiptsOut) -> list[list[object]]:
    table: list[list[object]] = [["序号", "家庭户编号", "家庭成员"]]
    for number, household in enumerate(counts.households_not_acknowledged, start=1):
        members = "、".join(cell_text(m) for m in household.members)
        table.append([number, str(household.household_id), members])
    return table


def people_rows(people: list[ReceiptPerson]) -> list[list[object]]:
    table: list[list[object]] = [["姓名", "家庭户编号", "网格", "已读时间", "确认时间", "状态"]]
    for p in people:
        state = "已确认" if p.acked_at else "已读未确认" if p.read_at else "未读"
        table.append(
            [
                cell_text(p.name),
                str(p.household_id) if p.household_id else "",
                str(p.grid_id) if p.grid_id else NO_GRID,
                beijing(p.read_at),
                beijing(p.acked_at),
                state,
            ]
        )
    return table


def to_xlsx(title: str, counts: ReceiptsOut, people: list[ReceiptPerson]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook always has its first sheet
    sheets = (
        (first, "回执汇总", summary_rows(title, counts), (40, 10, 10, 10)),
        (book.create_sheet(), "待跟进", follow_up_rows(counts), (8, 38, 40)),
        (book.create_sheet(), "居民名单", people_rows(people), (14, 38, 38, 18, 18, 12)),
    )
    for ws, name, rows, widths in sheets:
        ws.title = name
        for row in rows:
            ws.append(row)
        format_cells(ws, widths)
    return saved(book)
