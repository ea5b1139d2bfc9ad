"""Pure rules of the reconciliation: the period as Beijing calendar days, the per-item rows,
their totals, and the table the CSV and XLSX exports show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kit.errors import Invalid
from kit.spreadsheets import cell_text

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 366
# Days a reconciliation may name: the platform's business, with room either side (and far
# from the ends of the calendar, where a day's UTC bounds no longer exist).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class Period:
    """Calendar days `first`..`last` (inclusive) in Beijing time, as UTC bounds [start, end)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), LOCAL).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), LOCAL).astimezone(UTC)


def period(first: date | None, last: date | None, *, now: datetime) -> Period:
    """The asked period; without dates, this month so far. Invalid naming `to` if it ends
    before it starts or spans more than 366 days."""
    today = now.astimezone(LOCAL).date()
    last = last or today
    first = first or last.replace(day=1)
    for field, day in (("from", first), ("to", last)):
        if not EARLIEST <= day <= LATEST:
            raise Invalid(f"日期须在 {EARLIEST} 至 {LATEST} 之间", field=field)
    if last < first:
        raise Invalid("结束日期不能早于开始日期", field="to")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(f"对账期间不能超过 {MAX_DAYS} 天", field="to")
    return Period(first, last)


@dataclass
class ItemRow:
    """One item's figures at the counter over the period."""

    item_id: uuid.UUID
    item_name: str
    price: int
    orders_placed: int = 0
    fulfilled_quantity: int = 0
    points_settled: int = 0
    restocked: int = 0
    adjusted: int = 0
    ordered_out: int = 0
    returned: int = 0
    stock_now: int = 0


HEADERS = (
    "商品编号",
    "商品名称",
    "单价（积分）",
    "下单笔数",
    "取货件数",
    "结算积分",
    "补货数量",
    "盘点调整",
    "下单出库",
    "退回入库",
    "当前库存",
)
SUMMED = tuple(f.name for f in fields(ItemRow))[3:]
# Stock move reasons and how each lands in a row (orders take stock out: shown positive).
MOVE_COLUMNS = {"restock": "restocked", "adjustment": "adjusted", "return": "returned"}


def add_moves(row: ItemRow, reason: str, quantity: int) -> None:
    if reason == "order":
        row.ordered_out += -quantity
    else:
        column = MOVE_COLUMNS[reason]
        setattr(row, column, getattr(row, column) + quantity)


def totals(rows: list[ItemRow]) -> dict[str, int]:
    return {name: sum(getattr(r, name) for r in rows) for name in SUMMED}


def inert(value: str) -> str:
    """A staff member's text as text in a spreadsheet: never a formula, nothing a workbook
    refuses (kit.spreadsheets)."""
    return cell_text(value)


def table(rows: list[ItemRow]) -> list[tuple[object, ...]]:
    """Header, one line per item, and the totals line."""
    lines: list[tuple[object, ...]] = [HEADERS]
    for row in rows:
        values = [getattr(row, name) for name in SUMMED]
        lines.append((str(row.item_id), inert(row.item_name), row.price, *values))
    summed = totals(rows)
    lines.append(("", "合计", "", *(summed[name] for name in SUMMED)))
    return lines
