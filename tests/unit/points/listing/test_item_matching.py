"""The points list's pure rules: which item a fact earns, and how many points."""

from typing import Any

import pytest
from pydantic import ValidationError

from services.points.listing.rules import Item, PointsList, find_item, matches, points_for


def item(code: str = "ENV", **overrides: Any) -> Item:
    fields: dict[str, Any] = {"code": code, "name": "环境整治", "category": "志愿", "points": 5}
    return Item.model_validate({**fields, **overrides})


def volunteer(activity_type: str | None = None) -> list[dict[str, str]]:
    trigger = {"source": "volunteer"}
    return [{**trigger, "activity_type": activity_type}] if activity_type else [trigger]


def test_trigger_with_a_type_matches_only_that_type():
    env = item(triggers=volunteer("环境整治"))
    assert matches(env, "volunteer", "环境整治")
    assert not matches(env, "volunteer", "助老服务")


def test_trigger_without_a_type_matches_any_type_of_its_source():
    anything = item(triggers=volunteer())
    assert matches(anything, "volunteer", "助老服务")
    assert not matches(anything, "activity", "助老服务")


def test_exact_type_wins_over_a_catch_all_listed_first():
    catch_all = item("ANY", triggers=volunteer())
    exact = item("ELDER", triggers=volunteer("助老服务"))
    assert find_item([catch_all, exact], "volunteer", "助老服务") == exact


def test_catch_all_earns_a_type_no_item_names():
    catch_all = item("ANY", triggers=volunteer())
    exact = item("ELDER", triggers=volunteer("助老服务"))
    assert find_item([exact, catch_all], "volunteer", "河道清理") == catch_all


def test_no_matching_trigger_earns_nothing():
    assert find_item([item(triggers=volunteer("助老服务"))], "petition_adopted", None) is None


def test_item_without_triggers_is_never_found():
    assert find_item([item()], "volunteer", "环境整治") is None


def test_per_time_item_earns_its_points_whatever_the_hours():
    assert points_for(item(points=5), hours=3.0) == 5


def test_per_hour_item_multiplies_by_hours():
    assert points_for(item(points=2, unit="per_hour"), hours=3.0) == 6


def test_per_hour_points_round_half_up():
    assert points_for(item(points=3, unit="per_hour"), hours=1.5) == 5  # 4.5 → 5
    assert points_for(item(points=3, unit="per_hour"), hours=1.4) == 4  # 4.2 → 4


def test_per_hour_penalty_rounds_away_from_zero_like_an_award():
    assert points_for(item(points=-3, unit="per_hour"), hours=1.5) == -5


def test_per_hour_item_without_hours_earns_its_points_once():
    assert points_for(item(points=2, unit="per_hour"), hours=None) == 2


def test_item_of_zero_points_is_refused():
    with pytest.raises(ValidationError):
        item(points=0)


def test_list_with_a_repeated_code_is_refused():
    with pytest.raises(ValidationError):
        PointsList(items=[item("A"), item("A")])


def test_caps_must_be_positive():
    with pytest.raises(ValidationError):
        item(caps={"day": 0})
