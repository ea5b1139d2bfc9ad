"""The public allowlist, dot segments and bearer tokens: what reaches a service without a token."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from gateway.edge import bearer_token, has_dot_segment, public, public_route


@pytest.mark.parametrize(
    ("method", "path", "throttle"),
    [
        ("POST", "/api/identity/residents", "standard"),
        ("POST", "/api/identity/auth/login", "login"),
        ("POST", "/api/identity/auth/sms-code", "login"),
        ("POST", "/api/identity/auth/sms-login", "login"),
        ("POST", "/api/identity/auth/wechat", "login"),
        ("POST", "/api/identity/auth/refresh", "standard"),
        ("POST", "/api/identity/auth/logout", "standard"),
        ("GET", "/api/identity/.well-known/jwks.json", "standard"),
        ("GET", "/api/identity/org-units", "standard"),
        ("HEAD", "/api/identity/org-units", "standard"),
        ("GET", "/api/points/communities/510703101001/rules", "standard"),
        ("GET", "/api/points/communities/c-1/leaderboard", "standard"),
        ("GET", "/api/points/communities/c-1/publicity", "standard"),
        ("GET", "/api/points/communities/c-1/settings", "standard"),
        ("GET", "/api/notices/public/notices/42", "standard"),
        ("GET", "/api/petitions/public/board", "standard"),
        ("GET", "/api/petitions/public", "standard"),  # a community's board
        ("GET", "/api/petitions/open311/v2/requests.json", "standard"),
        ("GET", "/open311/v2/discovery.json", "standard"),
        ("GET", "/open311/v2/services/light.xml", "standard"),
        ("POST", "/open311/v2/requests.json", "open311"),
        ("GET", "/api/mall/docs", "standard"),
        ("GET", "/api/points/openapi.json", "standard"),
        ("GET", "/docs", "standard"),
        ("GET", "/openapi.json", "standard"),
        ("GET", "/healthz", "none"),
        ("GET", "/readyz", "none"),
        ("POST", "/webhooks/volunteer", "none"),
    ],
)
def test_allowlisted_route_is_public_with_its_throttle(method, path, throttle):
    route = public_route(method, path)
    assert route is not None and route.throttle == throttle


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/identity/residents"),  # listing residents is staff work
        ("GET", "/api/identity/me"),
        ("GET", "/api/identity/org-units/u-1"),
        ("POST", "/api/identity/org-units"),
        ("GET", "/api/identity/org-units/"),
        ("PUT", "/api/points/communities/c-1/settings"),  # reading is public, changing is not
        ("POST", "/api/points/communities/c-1/rules"),
        ("GET", "/api/points/communities/c-1/unmatched"),
        ("GET", "/api/points/communities//rules"),
        ("GET", "/api/points/communities/a/b/rules"),
        ("GET", "/api/points/accounts/me"),
        ("POST", "/api/petitions/open311/v2/requests.json"),  # Open311 reads only
        ("GET", "/api/petitions"),  # one's own petitions and the staff queue
        ("POST", "/api/petitions/public"),
        ("PUT", "/open311/v2/requests.json"),  # Open311 has GET and a form POST only
        ("DELETE", "/open311/v2/requests/1.json"),
        ("GET", "/open311/v2"),
        ("GET", "/api/notices/public"),
        ("GET", "/api/notices/inbox/stream"),
        ("GET", "/api/me/home"),
        ("GET", "/webhooks/volunteer"),
        ("POST", "/api/identity/auth/login/extra"),
        ("GET", "/api/points/docs/../accounts/me"),
    ],
)
def test_route_off_the_allowlist_needs_a_token(method, path):
    assert public_route(method, path) is None


def test_template_segments_match_one_segment_and_double_star_anything_below():
    one = public("GET", "/a/{x}/b")
    below = public("GET", "/p/**")
    assert one.matches("GET", "/a/1/b") and not one.matches("GET", "/a/1/2/b")
    assert below.matches("HEAD", "/p/x/y") and not below.matches("GET", "/p")
    assert not below.matches("POST", "/p/x")


def test_template_literals_are_not_regular_expressions():
    assert not public("GET", "/api/identity/.well-known/jwks.json").matches(
        "GET", "/api/identity/x-well-known/jwksxjson"
    )


@pytest.mark.parametrize(
    ("path", "dotted"),
    [("/api/points/../identity/me", True), ("/api/./x", True), ("/api/a.b/..c", False)],
)
def test_dot_segments_are_spotted(path, dotted):
    assert has_dot_segment(path) is dotted


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer  abc", "abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer ", None),
        (None, None),
    ],
)
def test_bearer_token_is_read_only_from_the_bearer_scheme(value, token):
    headers = Headers(headers={"authorization": value} if value is not None else {})
    assert bearer_token(headers) == token
