"""Petition images at the gateway: uploads get the file's body limit, board images are public."""

from __future__ import annotations

import pytest

from gateway.edge import public_route
from gateway.proxy import body_limit

DEFAULT = 2 * 1024 * 1024
FIVE_MB = 5 * 1024 * 1024


def test_image_upload_may_carry_five_megabytes_and_its_multipart_framing():
    limit = body_limit("POST", "/api/petitions/3f0c/attachments", DEFAULT)
    assert FIVE_MB < limit <= FIVE_MB + 128 * 1024


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/petitions"),
        ("POST", "/api/petitions/3f0c/actions/progress"),
        ("PUT", "/api/petitions/3f0c/attachments"),
        ("POST", "/api/petitions/a/b/attachments"),
        ("POST", "/api/points/3f0c/attachments"),
        ("POST", "/api/petitions/3f0c/attachments/extra"),
    ],
)
def test_every_other_route_keeps_the_default_limit(method, path):
    assert body_limit(method, path, DEFAULT) == DEFAULT


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reading_an_attachment_reaches_the_service_without_a_token(method):
    route = public_route(method, "/api/petitions/attachments/0b7e6a52")
    assert route is not None and route.throttle == "standard"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/petitions/3f0c/attachments"),  # adding needs a token
        ("GET", "/api/petitions/attachments"),
        ("GET", "/api/petitions/attachments/a/b"),
        ("DELETE", "/api/petitions/attachments/0b7e6a52"),
    ],
)
def test_anything_else_about_attachments_needs_a_token(method, path):
    assert public_route(method, path) is None
