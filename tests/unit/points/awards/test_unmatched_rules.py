"""An unmatched volunteer activity's life: open → mapped | dismissed, once, with what each needs."""

import pytest

from kit.errors import Invalid
from kit.states import TransitionRefused, transition
from services.points.awards.rules import (
    UNMATCHED_DONE,
    UNMATCHED_FLOW,
    activity_title,
    check_resolution,
)


def test_open_activity_can_be_mapped_or_dismissed():
    assert transition(UNMATCHED_FLOW, "open", "map") == "mapped"
    assert transition(UNMATCHED_FLOW, "open", "dismiss") == "dismissed"


@pytest.mark.parametrize("done", ["mapped", "dismissed"])
@pytest.mark.parametrize("action", ["map", "dismiss"])
def test_a_resolved_activity_cannot_be_resolved_again(done: str, action: str):
    with pytest.raises(TransitionRefused) as refused:
        transition(UNMATCHED_FLOW, done, action, detail=UNMATCHED_DONE)
    assert refused.value.detail == UNMATCHED_DONE
    assert refused.value.extra["allowed_actions"] == []


def test_dismissing_needs_a_reason():
    with pytest.raises(Invalid) as refused:
        check_resolution("dismiss", item_code=None, reason=None)
    assert refused.value.field == "reason"


def test_mapping_needs_an_item():
    with pytest.raises(Invalid) as refused:
        check_resolution("map", item_code=None, reason="任意")
    assert refused.value.field == "item_code"


def test_complete_resolutions_pass():
    check_resolution("dismiss", item_code=None, reason="非本社区活动")
    check_resolution("map", item_code="ENV", reason=None)


def test_title_is_read_from_the_parked_push():
    envelope = {"data": {"activity": {"type": "河道清理", "title": "小北街河道清理"}}}
    assert activity_title(envelope) == "小北街河道清理"


def test_push_without_an_activity_has_an_empty_title():
    assert activity_title({"data": {}}) == ""
