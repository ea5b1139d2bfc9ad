"""Every move the state table does not list is refused with 409, naming what is allowed, and
changes nothing; every move it lists is reachable."""

from __future__ import annotations

from typing import Any

from services.petitions.cases.models import STATES
from services.petitions.cases.rules import ADOPTABLE_STATES, FLOW, OPEN_STATES, WHO
from tests.integration.petitions.conftest import PetitionsHarness


def _allowed(state: str, action: str) -> bool:
    if action == "note":
        return state in OPEN_STATES
    if action == "adopt":
        return state in ADOPTABLE_STATES
    return (state, action) in FLOW


async def test_every_forbidden_transition_is_refused(petitions: PetitionsHarness) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community)
    cat = await petitions.category(community, staff, kind="suggestion")
    pid = (await petitions.submit(author, community, cat))["id"]
    bodies: dict[str, dict[str, Any]] = {
        "accept": {},
        "reject": {"reason": "理由"},
        "cancel": {"reason": "理由"},
        "assign": {"assignee_id": str(staff.id)},
        "start": {},
        "progress": {"text": "进展"},
        "resolve": {"reply": "答复"},
        "rate": {"rating": 4},
        "reopen": {"rating": 1},
        "close": {},
        "adopt": {},
        "note": {"text": "备注"},
    }
    refused = 0
    for state in STATES:
        await petitions.db_val(
            "UPDATE petitions SET status = $2, resolved_at = now() WHERE id = $1::uuid",
            pid,
            state,
        )
        for action, body in bodies.items():
            if _allowed(state, action):
                continue
            who = author if WHO[action] == {"author"} else staff  # type: ignore[index]
            answer = await petitions.act(who, pid, action, body)
            assert answer.status_code == 409, (state, action, answer.text)
            problem = answer.json()
            assert problem["current"] == state and problem["action"] == action
            assert action not in problem["allowed_actions"]
            assert (
                await petitions.db_val("SELECT status FROM petitions WHERE id = $1::uuid", pid)
                == state
            )
            refused += 1
    assert refused > 60
    assert await petitions.db_val("SELECT count(*) FROM outbox WHERE aggregateid = $1", pid) == 1
