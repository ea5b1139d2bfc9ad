"""The access overlay: which token a newer fact governs, what it changes, what it forgets."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kit.access import (
    ISSUE_SLACK_SECONDS,
    AccessFacts,
    AccessOverlay,
    AccountDisabled,
    facts_from_event,
    principal_of,
)
from kit.auth import RoleGrant
from kit.deps import install_auth
from kit.web import create_web_app
from tests.unit.kit.test_deps import COMMUNITY_A, bearer, grant, router
from tests.unit.kit.test_jwks import FakeIdentity

T0 = 1_790_000_000  # an issue time, whole seconds as in `iat`
WINDOW = 1020


def facts(changed_at: float, **overrides: Any) -> AccessFacts:
    values: dict[str, Any] = {
        "verified": True,
        "disabled": False,
        "community_id": "c-1",
        "roles": (),
        "changed_at": changed_at,
    }
    return AccessFacts(**{**values, **overrides})


def token(iat: float, **overrides: Any) -> dict[str, Any]:
    return {"sub": "person-1", "iat": iat, "verified": False, "roles": [], **overrides}


def overlay_at(now: float) -> AccessOverlay:
    return AccessOverlay(window_seconds=WINDOW, clock=lambda: now)


def test_an_approval_after_the_token_was_issued_unlocks_it():
    access = overlay_at(T0 + 5)
    access.record("person-1", facts(T0 + 3.5))
    assert access.principal(token(T0)).verified is True


def test_a_revoked_role_is_gone_from_a_token_issued_before_the_revocation():
    access = overlay_at(T0 + 5)
    access.record("person-1", facts(T0 + 1, roles=()))
    held = token(T0, roles=[grant("community_admin", COMMUNITY_A)])
    assert access.principal(held).roles == ()


def test_a_granted_role_and_a_new_community_apply_to_an_older_token():
    access = overlay_at(T0 + 5)
    role = RoleGrant("community_staff", "c-2", "/d/t/c-2")
    access.record("person-1", facts(T0 + 1, roles=(role,), community_id="c-2"))
    principal = access.principal(token(T0, community_id="c-1"))
    assert principal.roles == (role,) and principal.community_id == "c-2"


def test_a_disabled_account_is_refused_as_a_401_with_its_reason():
    access = overlay_at(T0 + 5)
    access.record("person-1", facts(T0 + 1, disabled=True))
    with pytest.raises(AccountDisabled) as refused:
        access.principal(token(T0))
    assert refused.value.status == 401 and refused.value.detail.startswith("账号已停用")


def test_a_change_in_the_same_second_as_the_token_governs_it():
    # iat is rounded down: a change at T0 + 0.9 may have come before or after the token.
    assert facts(T0 + 0.9).governs(T0)
    assert facts(T0).governs(T0)


def test_a_change_up_to_the_slack_before_the_token_still_governs_it():
    # Its transaction may have committed after the token read the person's state.
    assert facts(T0 - ISSUE_SLACK_SECONDS).governs(T0)
    assert not facts(T0 - ISSUE_SLACK_SECONDS - 0.001).governs(T0)


def test_a_token_issued_well_after_the_last_change_keeps_its_own_claims():
    # e.g. disabled, enabled, logged in: a feed still behind on the enabling must not refuse it.
    access = overlay_at(T0 + 60)
    access.record("person-1", facts(T0, disabled=True))
    principal = access.principal(token(T0 + 30, verified=True))
    assert principal.verified is True


def test_the_last_fact_read_wins_but_governs_from_the_latest_change_time():
    # Two overlapping changes may commit in another order than they began.
    access = overlay_at(T0 + 10)
    access.record("person-1", facts(T0 + 4, verified=True))
    access.record("person-1", facts(T0 + 3, verified=False))
    kept = access.facts_for("person-1")
    assert kept is not None and kept.verified is False and kept.changed_at == T0 + 4


def test_facts_older_than_the_window_are_forgotten():
    now = T0 + 2000
    access = overlay_at(now)
    access.record("old", facts(now - WINDOW - 1))
    access.record("recent", facts(now - WINDOW + 1))
    assert access.facts_for("old") is None  # not even kept
    access._clock = lambda: now + 2
    assert access.prune() == 1
    assert len(access) == 0


def test_an_out_of_window_fact_supersedes_an_older_one_kept_for_the_person():
    now = T0 + 2000
    access = overlay_at(now)
    access._facts["person-1"] = facts(now - WINDOW - 50, disabled=True)
    access.record("person-1", facts(now - WINDOW - 10))
    assert access.facts_for("person-1") is None


def test_no_fact_for_the_person_leaves_the_token_as_it_is():
    access = overlay_at(T0)
    access.record("someone-else", facts(T0, disabled=True))
    assert access.principal(token(T0, verified=True)).verified is True


def test_event_data_becomes_facts_and_unknown_roles_grant_nothing():
    data = {
        "person_id": "person-1",
        "verified": True,
        "disabled": False,
        "community_id": None,
        "roles": [
            {"role": "community_staff", "unit_id": "u", "unit_path": "/d/u"},
            {"role": "mayor", "unit_id": "u", "unit_path": "/d/u"},
        ],
        "changed_at": datetime.fromtimestamp(T0, UTC).isoformat(),
    }
    person, parsed = facts_from_event(data)
    assert person == "person-1" and parsed.changed_at == T0
    assert [g.role for g in parsed.roles] == ["community_staff"]


def test_an_app_without_an_overlay_reads_the_token_alone():
    class State:
        pass

    assert principal_of(State(), token(T0, verified=True)).verified is True


@pytest.fixture
def identity() -> FakeIdentity:
    fake = FakeIdentity()
    fake.add_key("ed-1")
    return fake


def test_the_dependencies_apply_the_overlay_to_every_request(identity: FakeIdentity):
    app = create_web_app(service="demo", title="demo", routers=[router])
    install_auth(app, identity.verifier())
    access = AccessOverlay(window_seconds=WINDOW)
    app.state.access_overlay = access
    client = TestClient(app, raise_server_exceptions=False)
    headers = bearer(identity, verified=False)
    assert client.post("/api/demo/petitions", headers=headers).status_code == 403
    access.record("person-1", facts(time.time()))
    assert client.post("/api/demo/petitions", headers=headers).status_code == 200
    access.record("person-1", facts(time.time(), disabled=True))
    refused = client.post("/api/demo/petitions", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "账号已停用"
