"""Counter redemption rules: one way of identifying, the answer per state, the poll's sleeps."""

from __future__ import annotations

import pytest

from kit.errors import Invalid
from services.mall.counter import rules
from services.mall.counter.rules import ByMemberCode, ByPhone


def test_a_member_code_alone_identifies():
    assert rules.identification(member_code=" abc ", phone=None, id_last4="") == ByMemberCode("abc")


def test_phone_with_id_tail_identifies():
    way = rules.identification(member_code="", phone="13800138000", id_last4="002x")
    assert way == ByPhone("13800138000", "002x")


@pytest.mark.parametrize(
    ("member_code", "phone", "id_last4", "field"),
    [
        (None, None, None, "member_code"),
        ("  ", " ", "", "member_code"),
        ("abc", "13800138000", None, "phone"),
        ("abc", None, "002X", "id_last4"),
        (None, "13800138000", None, "id_last4"),
        (None, None, "002X", "phone"),
    ],
)
def test_anything_but_exactly_one_way_names_the_field(
    member_code: str | None, phone: str | None, id_last4: str | None, field: str
):
    with pytest.raises(Invalid) as refused:
        rules.identification(member_code=member_code, phone=phone, id_last4=id_last4)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("status", "code", "outcome"),
    [
        ("fulfilled", 201, "fulfilled"),
        ("failed", 201, "failed"),
        ("pending_points", 202, "pending"),
        ("confirmed", 202, "pending"),
        ("cancelled", 201, "closed"),
        ("expired", 201, "closed"),
    ],
)
def test_the_answer_follows_the_order_state(status: str, code: int, outcome: str):
    assert (rules.status_code(status), rules.outcome(status)) == (code, outcome)


def test_a_failure_says_why_in_chinese():
    assert rules.message("failed", "insufficient") == "积分不足，兑换未成功"
    assert rules.message("failed", "unverified") == "居民尚未完成实名认证，兑换未成功"
    assert rules.message("failed", "something new") == "兑换未成功"


def test_poll_sleeps_add_up_to_the_wait_and_back_off_to_the_cap():
    delays = list(rules.poll_delays(1.0, first=0.02, cap=0.25))
    assert sum(delays) == pytest.approx(1.0)
    assert delays[:4] == pytest.approx([0.02, 0.04, 0.08, 0.16])
    assert max(delays) == 0.25


def test_no_wait_means_no_sleep():
    assert list(rules.poll_delays(0)) == []
