"""The demo notices fit the notices service: every category once per community, valid bodies,
one pinned notice to acknowledge, and a finance sheet whose lines add up in last month."""

from datetime import date
from typing import Any

import pytest

from deploy import seed_notices as plan
from services.notices.board import sheet
from services.notices.board.rules import MAX_PINNED
from services.notices.board.schemas import NoticeCreate, SheetIn

UNIT = "00000000-0000-0000-0000-000000000001"


def test_each_category_once_per_community():
    categories = [d.category for d in plan.COMMUNITY_NOTICES]
    assert sorted(categories) == sorted(
        ["party_affairs", "village_affairs", "finance", "government", "general"]
    )
    assert len({d.title for d in plan.COMMUNITY_NOTICES}) == len(plan.COMMUNITY_NOTICES)
    assert plan.DISTRICT_NOTICE.category == "general"
    assert plan.DISTRICT_NOTICE.title not in {d.title for d in plan.COMMUNITY_NOTICES}


def test_one_pinned_notice_to_acknowledge():
    pinned = [d for d in plan.COMMUNITY_NOTICES if d.pinned]
    assert [d.title for d in pinned] == [plan.PINNED]
    assert pinned[0].require_ack and len(pinned) <= MAX_PINNED


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 3, 31), date(2024, 3, 15)])
def test_every_draft_is_a_valid_notice(today):
    for draft in (*plan.COMMUNITY_NOTICES, plan.DISTRICT_NOTICE):
        body: dict[str, Any] = {"unit_id": UNIT, "category": draft.category}
        body["title"] = draft.title
        body |= {"body": draft.body, "require_ack": draft.require_ack}
        if draft.finance:
            body["sheet"] = plan.finance_sheet(today)
        assert (NoticeCreate.model_validate(body).sheet is not None) is draft.finance


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 3, 31), date(2024, 3, 15)])
def test_the_finance_sheet_adds_up_within_last_month(today):
    drawn = plan.finance_sheet(today)
    checked = sheet.checked(SheetIn.model_validate(drawn).model_dump(mode="json"))
    assert checked["total_income_fen"] == 11_600_000
    assert checked["total_expense_fen"] == 2_909_700
    assert checked["closing_balance_fen"] == 12_856_000 + 11_600_000 - 2_909_700
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    assert drawn["period"] == f"{last.year}年{last.month}月"
    for line in drawn["lines"]:
        assert date.fromisoformat(line["date"]).replace(day=1) == last
        assert (line["income_fen"] > 0) != (line["expense_fen"] > 0)
