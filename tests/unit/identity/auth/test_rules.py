"""Authentication without I/O: the client's address, refresh token verdicts, access claims,
member-code claims."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kit.member_code import MEMBER_AUDIENCE, member_code_of
from services.identity.auth.rules import (
    RefreshVerdict,
    access_claims,
    client_ip,
    member_code_claims,
    member_code_refresh_in,
    refresh_verdict,
    session_of,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
GATEWAY = ("127.0.0.1", "::1")

# --- client address behind the gateway -------------------------------------------------


def test_an_untrusted_peer_is_the_client_whatever_it_forwards():
    assert client_ip("203.0.113.9", "198.51.100.1", GATEWAY) == "203.0.113.9"


def test_behind_the_gateway_the_client_is_the_nearest_untrusted_hop():
    forwarded = "198.51.100.1, 203.0.113.7, 127.0.0.1"
    assert client_ip("127.0.0.1", forwarded, GATEWAY) == "203.0.113.7"


def test_a_forged_leftmost_hop_does_not_hide_the_real_client():
    assert client_ip("127.0.0.1", "10.9.9.9, 203.0.113.7", GATEWAY) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", ["", " , ", "127.0.0.1", "::1, 127.0.0.1"])
def test_without_an_untrusted_hop_the_peer_is_the_client(forwarded):
    assert client_ip("127.0.0.1", forwarded, GATEWAY) == "127.0.0.1"


def test_a_trusted_network_covers_every_gateway_pod_in_it():
    pods = ("10.244.0.0/16",)
    assert client_ip("10.244.3.17", "203.0.113.7, 10.244.1.2", pods) == "203.0.113.7"
    assert client_ip("10.245.0.1", "203.0.113.7", pods) == "10.245.0.1"


def test_a_hop_that_is_not_an_address_is_never_taken_for_a_proxy():
    assert client_ip("10.244.3.17", "unknown", ("10.244.0.0/16",)) == "unknown"


# --- refresh tokens ---------------------------------------------------------------------


def verdict(
    *,
    revoked: datetime | None = None,
    expires: datetime = NOW + timedelta(days=1),
    used: datetime | None = None,
) -> RefreshVerdict:
    return refresh_verdict(revoked_at=revoked, expires_at=expires, used_at=used, now=NOW)


def test_a_live_unspent_refresh_token_rotates():
    assert verdict() == "rotate"


def test_a_spent_refresh_token_presented_again_is_reuse():
    assert verdict(used=NOW - timedelta(minutes=1)) == "reuse"


def test_a_revoked_or_expired_refresh_token_is_refused():
    assert verdict(revoked=NOW - timedelta(hours=1)) == "refuse"
    assert verdict(expires=NOW) == "refuse"
    assert verdict(expires=NOW - timedelta(seconds=1)) == "refuse"


def test_a_revoked_spent_token_is_refused_not_counted_as_reuse_again():
    assert verdict(revoked=NOW, used=NOW) == "refuse"


# --- access token claims ----------------------------------------------------------------


def claims(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "issuer": "shanzhi-identity",
        "audience": "shanzhi",
        "minutes": 15,
        "person_id": uuid.UUID(int=1),
        "name": "王小明",
        "community_id": uuid.UUID(int=2),
        "household_id": None,
        "verified": True,
        "roles": [{"role": "grid_worker", "unit_id": "u", "unit_path": "/d/u"}],
        "now": NOW,
        "jti": "j1",
    }
    return access_claims(**(values | overrides))


def test_access_token_expires_the_configured_minutes_after_issue():
    issued = claims(minutes=15)
    assert issued["iat"] == int(NOW.timestamp())
    assert issued["exp"] - issued["iat"] == 15 * 60


def test_access_token_names_the_person_and_their_community_as_strings():
    issued = claims()
    assert issued["sub"] == str(uuid.UUID(int=1))
    assert issued["community_id"] == str(uuid.UUID(int=2))
    assert issued["household_id"] is None
    assert (issued["iss"], issued["aud"], issued["jti"]) == ("shanzhi-identity", "shanzhi", "j1")


def test_access_token_carries_verification_and_roles_as_given():
    issued = claims(verified=False, roles=[])
    assert issued["verified"] is False
    assert issued["roles"] == []


def test_access_token_names_its_login_session_and_the_session_reads_back():
    family = uuid.UUID(int=7)
    issued = claims(session_id=family)
    assert issued["sid"] == str(family)
    assert session_of(issued) == family
    assert session_of(claims()) is None
    assert session_of({"sid": "not-a-uuid"}) is None


# --- member codes ----------------------------------------------------------------------


def test_member_code_claims_live_a_minute_under_the_member_audience_and_name_no_more():
    person, community = uuid.uuid4(), uuid.uuid4()
    claims = member_code_claims(
        issuer="shanzhi-identity", person_id=person, community_id=community, now=NOW, jti="j"
    )
    assert claims["aud"] == MEMBER_AUDIENCE and claims["exp"] - claims["iat"] == 60
    assert set(claims) == {"iss", "aud", "sub", "iat", "exp", "jti", "community_id"}
    code = member_code_of(claims)  # what identity issues is what kit accepts
    assert (code.resident_id, code.community_id, code.jti) == (person, str(community), "j")
    assert code.expires_at == NOW + timedelta(seconds=60)


def test_the_screen_refreshes_a_member_code_fifteen_seconds_before_it_expires():
    assert member_code_refresh_in(NOW + timedelta(seconds=60), NOW) == 45
    assert member_code_refresh_in(NOW + timedelta(seconds=5), NOW) == 1
