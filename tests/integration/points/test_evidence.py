"""Evidence photos of claims over HTTP: uploaded, cited by URL, read only by those who may."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.integration.points.conftest import PointsHarness
from tests.integration.points.test_claims import Scene, make_scene


@pytest.fixture
async def scene(points: PointsHarness) -> Scene:
    return await make_scene(points)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def upload(scene: Scene, headers: dict[str, str], data: bytes | None = None) -> str:
    answer = await scene.client.post(
        "/api/points/evidence",
        files={"file": ("photo.png", data or png(), "image/png")},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["content_type"] == "image/png"
    return str(answer.json()["url"])


async def status(scene: Scene, url: str, headers: dict[str, str] | None = None) -> int:
    return (await scene.client.get(url, headers=headers or {})).status_code


async def test_a_photo_is_seen_by_its_claimant_and_staff_and_by_neighbours_only_in_publicity(
    scene: Scene,
):
    url = await upload(scene, scene.as_claimant)
    assert url.startswith("/api/points/evidence/")
    assert await status(scene, url, scene.as_claimant) == 200
    claim = await scene.submitted(evidence=[url])
    assert claim["evidence"] == [url]
    assert await status(scene, url, scene.as_neighbour) == 404
    assert await status(scene, url, scene.staff_b) == 404
    assert await status(scene, url) == 404
    assert await status(scene, url, scene.staff_a) == 200
    approved = await scene.review(claim["id"], "approve")
    assert approved.status_code == 200, approved.text
    shown = await scene.client.get(url, headers=scene.as_neighbour)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert shown.content == png()


async def test_a_claim_may_not_cite_someone_elses_photo(scene: Scene):
    theirs = await upload(scene, scene.as_neighbour)
    answer = await scene.submit(evidence=[theirs])
    assert answer.status_code == 422
    assert answer.json()["field"] == "evidence.0"


async def test_what_is_not_an_image_is_refused(scene: Scene):
    answer = await scene.client.post(
        "/api/points/evidence",
        files={"file": ("photo.png", b"not an image at all", "image/png")},
        headers=scene.as_claimant,
    )
    assert answer.status_code == 415
