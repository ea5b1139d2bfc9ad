"""Which score aggregate a red list of a period reads."""

from datetime import UTC, datetime

from services.points.boards.rules import period_key

NOW = datetime(2026, 12, 31, 17, tzinfo=UTC)  # 2027-01-01 01:00 in Shanghai


def test_month_board_reads_the_local_month():
    assert period_key("month", NOW) == "m2027-01"


def test_year_board_reads_the_local_year():
    assert period_key("year", NOW) == "y2027"


def test_all_time_board_reads_everything():
    assert period_key("all", NOW) == "all"
