"""Pure rules of the catalog: opening hours, limit with period, sale window, stock changes."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from kit.errors import Invalid
from services.mall.catalog import rules
from services.mall.catalog.schemas import CounterCreate, ItemUpdate, StockChange

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_closing_before_opening_is_refused():
    assert rules.check_hours("18:00", "09:00") is not None
    assert rules.check_hours("09:00", "09:00") is not None
    assert rules.check_hours("09:00", "17:30") is None


def test_limit_needs_its_period_and_names_the_missing_one():
    assert rules.check_limit(2, None) == ("limit_period", rules.LIMIT_WITH_PERIOD)
    assert rules.check_limit(None, "week") == ("per_person_limit", rules.LIMIT_WITH_PERIOD)
    assert rules.check_limit(2, "week") is None
    assert rules.check_limit(None, None) is None


def test_window_must_end_after_it_starts():
    assert rules.check_window(T0, T0) == rules.WINDOW_ORDER
    assert rules.check_window(T0, T0 + timedelta(seconds=1)) is None
    assert rules.check_window(None, T0) is None


def test_patch_is_checked_against_the_stored_fields():
    stored = {"available_from": T0, "available_until": None, "per_person_limit": None}
    with pytest.raises(Invalid) as refused:
        rules.merged_item(stored, {"available_until": T0 - timedelta(days=1)})
    assert refused.value.field == "available_until"
    with pytest.raises(Invalid) as moved:
        rules.merged_item(
            {**stored, "available_until": T0 + timedelta(days=1)},
            {"available_from": T0 + timedelta(days=2)},
        )
    assert moved.value.field == "available_from"


def test_patch_setting_a_limit_without_a_stored_period_names_the_limit():
    stored = {"per_person_limit": None, "limit_period": None}
    with pytest.raises(Invalid) as refused:
        rules.merged_item(stored, {"per_person_limit": 3})
    assert refused.value.field == "per_person_limit"
    assert (
        rules.merged_item(stored, {"per_person_limit": 3, "limit_period": "day"})["limit_period"]
        == "day"
    )


def test_restock_must_add():
    assert rules.check_stock_change(-1, "restock") == rules.RESTOCK_POSITIVE
    assert rules.check_stock_change(5, "restock") is None
    assert rules.check_stock_change(-5, "adjustment") is None


def _field(error: ValidationError) -> str:
    return ".".join(str(p) for p in error.errors()[0]["loc"])


def test_opening_hours_are_checked_line_by_line():
    base = {"community_id": "7b1c7e54-8a43-4a52-9a3e-0d8f1b8f4c11", "name": "点", "address": "楼"}
    with pytest.raises(ValidationError) as bad:
        CounterCreate.model_validate(
            {**base, "opening_hours": [{"days": "周一", "open": "25:00", "close": "26:00"}]}
        )
    assert _field(bad.value) == "opening_hours.0.open"


def test_stock_change_refuses_zero_and_more_than_ten_thousand():
    counter = "7b1c7e54-8a43-4a52-9a3e-0d8f1b8f4c11"
    for delta in (0, 10_001, -10_001):
        with pytest.raises(ValidationError) as bad:
            StockChange.model_validate({"counter_id": counter, "delta": delta, "reason": "restock"})
        assert _field(bad.value) == "delta"


def test_item_patch_refuses_null_for_required_fields_but_clears_nullable_ones():
    with pytest.raises(ValidationError) as bad:
        ItemUpdate.model_validate({"name": None})
    assert _field(bad.value) == "name"
    cleared = ItemUpdate.model_validate({"sponsor": None})
    assert cleared.model_dump(exclude_unset=True) == {"sponsor": None}
