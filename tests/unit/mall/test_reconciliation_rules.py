"""Pure rules of the reconciliation: Beijing calendar days, item rows and their totals."""

import uuid
from datetime import UTC, date, datetime

import pytest

from kit.errors import Invalid
from services.mall.reports import rules

NOW = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # already 1 April in Beijing


def test_period_is_beijing_days_as_utc_bounds_with_the_last_day_included():
    span = rules.period(date(2026, 3, 1), date(2026, 3, 31), now=NOW)
    assert span.start == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
    assert span.end == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)


def test_period_defaults_to_this_beijing_month_so_far():
    span = rules.period(None, None, now=NOW)
    assert (span.first, span.last) == (date(2026, 4, 1), date(2026, 4, 1))


def test_period_of_366_days_is_allowed_and_367_refused_naming_to():
    assert rules.period(date(2024, 1, 1), date(2024, 12, 31), now=NOW).last.year == 2024
    with pytest.raises(Invalid) as refused:
        rules.period(date(2024, 1, 1), date(2025, 1, 1), now=NOW)
    assert refused.value.field == "to"


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(9999, 12, 31), date(9999, 12, 31), "from"),  # its end would not exist
        (date(1, 1, 1), date(1, 1, 2), "from"),  # nor would its UTC start
        (date(2099, 12, 1), date(2100, 1, 1), "to"),
    ],
)
def test_days_off_the_calendar_of_business_are_refused_naming_the_field(first, last, field):
    with pytest.raises(Invalid) as refused:
        rules.period(first, last, now=NOW)
    assert refused.value.field == field


def test_period_ending_before_it_starts_is_refused():
    with pytest.raises(Invalid) as refused:
        rules.period(date(2026, 3, 2), date(2026, 3, 1), now=NOW)
    assert refused.value.field == "to"


def test_moves_land_in_their_columns_with_orders_shown_positive():
    row = rules.ItemRow(uuid.uuid4(), "醋", 30)
    for reason, quantity in [("restock", 10), ("order", -4), ("return", 1), ("adjustment", -2)]:
        rules.add_moves(row, reason, quantity)
    assert (row.restocked, row.ordered_out, row.returned, row.adjusted) == (10, 4, 1, -2)


def test_table_has_chinese_headers_rows_and_a_totals_line():
    rows = [
        rules.ItemRow(uuid.uuid4(), "=HYPERLINK()", 30, orders_placed=2, stock_now=5),
        rules.ItemRow(uuid.uuid4(), "面", 50, orders_placed=1, stock_now=3),
    ]
    lines = rules.table(rows)
    assert lines[0][:2] == ("商品编号", "商品名称") and len(lines[0]) == len(lines[1])
    assert lines[1][1] == "'=HYPERLINK()"
    assert lines[-1][1] == "合计"
    assert (lines[-1][3], lines[-1][-1]) == (3, 8)
