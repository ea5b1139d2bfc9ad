"""State machines as data: the next state, or a 409 naming the actions allowed from here."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from kit.errors import Conflict
from kit.states import TransitionRefused, allowed_actions, transition
from kit.web import create_web_app

FLOW = {
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
}


def test_a_listed_move_gives_the_next_state():
    assert transition(FLOW, "submitted", "approve") == "approved"


def test_an_unlisted_move_is_a_conflict_naming_state_action_and_allowed_actions():
    with pytest.raises(TransitionRefused) as refused:
        transition(FLOW, "submitted", "submit")
    assert isinstance(refused.value, Conflict) and refused.value.status == 409
    assert refused.value.field == "status"
    assert refused.value.extra == {
        "current": "submitted",
        "action": "submit",
        "allowed_actions": ["approve", "reject"],
    }


def test_a_final_state_allows_no_action():
    assert allowed_actions(FLOW, "approved") == []


def test_the_field_and_detail_of_a_refusal_can_be_named():
    with pytest.raises(TransitionRefused) as refused:
        transition(FLOW, "approved", "reject", field="verification_status", detail="已审核")
    assert refused.value.field == "verification_status" and refused.value.detail == "已审核"


router = APIRouter()


@router.post("/things/approve")
async def approve() -> None:
    transition(FLOW, "draft", "approve")


def test_a_refused_move_answers_409_problem_json_with_the_allowed_actions():
    client = TestClient(create_web_app(service="demo", title="demo", routers=[router]))
    answer = client.post("/api/demo/things/approve")
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["field"] == "status" and body["current"] == "draft"
    assert body["allowed_actions"] == ["submit"]
