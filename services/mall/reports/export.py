"""The reconciliation as files: CSV (UTF-8 with a BOM, for Excel) and an XLSX workbook."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from services.mall.reports import rules
from services.mall.reports.schemas import Reconciliation

STATUS_NAMES = {
    "pending_points": "待积分确认",
    "confirmed": "待取货",
    "failed": "失败",
    "fulfilled": "已取货",
    "cancelled": "已取消",
    "expired": "已过期",
}
REASON_NAMES = {
    "restock": "补货",
    "adjustment": "盘点调整",
    "order": "下单出库",
    "return": "退回入库",
}
WIDTHS = (38, 24, 12, 10, 10, 10, 10, 10, 10, 10, 10)


def _item_rows(report: Reconciliation) -> list[rules.ItemRow]:
    return [rules.ItemRow(**line.model_dump()) for line in report.items]


def _heading(report: Reconciliation, counter_name: str) -> list[tuple[object, ...]]:
    return [
        ("积分超市对账单",),
        ("兑换点", rules.inert(counter_name), str(report.counter_id)),
        ("期间", f"{report.from_.isoformat()} 至 {report.to.isoformat()}（北京时间）"),
        ("结算积分", report.points_settled),
        ("冻结中订单", report.open_holds.count, "冻结积分", report.open_holds.points),
        (),
    ]


def to_csv(report: Reconciliation, counter_name: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_heading(report, counter_name))
    writer.writerows(rules.table(_item_rows(report)))
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(report: Reconciliation, counter_name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "对账明细"
    for line in [*_heading(report, counter_name), *rules.table(_item_rows(report))]:
        sheet.append(list(line))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    summary = book.create_sheet("汇总")
    summary.append(["订单状态", "笔数", "积分"])
    for status, tally in report.orders.items():
        summary.append([STATUS_NAMES.get(status, status), tally.count, tally.points])
    summary.append([])
    summary.append(["库存变动", "次数", "数量"])
    for reason, moves in report.stock_moves.items():
        summary.append([REASON_NAMES.get(reason, reason), moves.count, moves.quantity])
    for ws in (sheet, summary):
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
