"""Petition images over HTTP: sniffed types, limits, who may add them and who may see them."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from tests.integration.petitions.attach_harness import AttachHarness, attach, attach_module
from tests.integration.petitions.conftest import PetitionsHarness
from tests.unit.kit.images import jpeg, padded_png, png, webp

__all__ = ["attach", "attach_module"]

PROBLEM = "application/problem+json"
MB = 1024 * 1024


async def rows(attach: AttachHarness, petition_id: uuid.UUID) -> object:
    return await attach.db_val(
        "SELECT count(*) FROM attachments WHERE petition_id = $1", petition_id
    )


def files_under(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def stored_files(attach: AttachHarness) -> list[str]:
    return files_under(attach.storage_dir)


async def test_author_adds_a_jpeg_and_reads_it_back_with_safe_headers(attach: AttachHarness):
    community = await attach.community()
    author = await attach.resident(community)
    pid = await attach.petition(author, community)
    data = jpeg()

    answer = await attach.upload(author, pid, data, filename="../../etc/passwd.jpg")

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["petition_id"] == str(pid) and body["content_type"] == "image/jpeg"
    assert body["size_bytes"] == len(data)
    assert body["url"] == f"/api/petitions/attachments/{body['id']}"
    sha = await attach.db_val("SELECT sha256 FROM attachments WHERE id = $1", uuid.UUID(body["id"]))
    assert sha == hashlib.sha256(data).hexdigest()
    # Stored under a key the server made, inside the storage dir, never under the client's name.
    files = stored_files(attach)
    assert (
        len(files) == 1
        and "passwd" not in files[0]
        and files[0].startswith(str(attach.storage_dir))
    )

    image = await attach.read(body["id"], author)
    assert image.status_code == 200 and image.content == data
    assert image.headers["content-type"] == "image/jpeg"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["content-disposition"].startswith("inline")
    assert image.headers["cache-control"].startswith("private, max-age=")
    again = await attach.read(body["id"], author)
    assert again.headers["etag"] == image.headers["etag"]
    cached = await attach.client.get(
        body["url"], headers={**author.headers, "If-None-Match": image.headers["etag"]}
    )
    assert cached.status_code == 304 and cached.content == b""


async def test_type_comes_from_the_bytes_not_the_name(attach: AttachHarness):
    community = await attach.community()
    author = await attach.resident(community)
    pid = await attach.petition(author, community)

    as_png = await attach.upload(author, pid, png(), filename="notes.txt", declared="text/plain")
    as_webp = await attach.upload(author, pid, webp(), filename="a.jpg")
    text = await attach.upload(
        author, pid, "这是一段文字，不是照片".encode() * 20, filename="x.jpg"
    )
    broken = await attach.upload(author, pid, b"\x89PNG\r\n\x1a\n" + b"\0" * 200, filename="b.png")

    assert as_png.status_code == 201 and as_png.json()["content_type"] == "image/png"
    assert as_webp.status_code == 201 and as_webp.json()["content_type"] == "image/webp"
    assert text.status_code == 415 and text.headers["content-type"] == PROBLEM
    assert text.json()["field"] == "file"
    assert broken.status_code == 422 and broken.json()["field"] == "file"
    assert await rows(attach, pid) == 2 and len(stored_files(attach)) == 2


async def test_an_image_over_five_megabytes_is_413_and_nothing_is_kept(attach: AttachHarness):
    community = await attach.community()
    author = await attach.resident(community)
    pid = await attach.petition(author, community)

    just_over = await attach.upload(author, pid, padded_png(5 * MB + 1), filename="a.png")
    far_over = await attach.upload(author, pid, padded_png(12 * MB), filename="b.png")
    exactly = await attach.upload(author, pid, padded_png(5 * MB), filename="c.png")

    for refused in (just_over, far_over):
        assert refused.status_code == 413 and refused.headers["content-type"] == PROBLEM
        assert refused.json()["field"] == "file"
    assert exactly.status_code == 201 and exactly.json()["size_bytes"] == 5 * MB
    assert await rows(attach, pid) == 1 and len(stored_files(attach)) == 1


async def test_the_authors_tenth_image_is_refused_but_staff_photos_still_go(attach: AttachHarness):
    community = await attach.community()
    author = await attach.resident(community)
    manager = await attach.staff(community)
    pid = await attach.petition(author, community, status="accepted")
    for n in range(9):
        assert (await attach.upload(author, pid, png((n + 1, 1)))).status_code == 201

    tenth = await attach.upload(author, pid, png())
    staff_photo = await attach.upload(manager, pid, jpeg())

    assert tenth.status_code == 409 and tenth.json()["field"] == "file"
    assert staff_photo.status_code == 201
    assert await rows(attach, pid) == 10


async def test_staff_may_hold_nine_unused_photos_and_more_once_they_are_shown(
    attach: AttachHarness,
):
    community = await attach.community()
    author = await attach.resident(community)
    manager = await attach.staff(community)
    pid = await attach.petition(author, community, status="in_progress")
    ids = [(await attach.upload(manager, pid, png((n + 1, 2)))).json()["id"] for n in range(9)]

    assert (await attach.upload(manager, pid, png())).status_code == 409
    await attach.entry(pid, ids, public=True)
    assert (await attach.upload(manager, pid, png())).status_code == 201
    staff_flags = await attach.db_val(
        "SELECT bool_and(uploaded_by_staff) FROM attachments WHERE petition_id = $1", pid
    )
    assert staff_flags is True


async def test_who_may_add_images(attach: AttachHarness):
    community, elsewhere = await attach.community(), await attach.community("fuxing")
    author = await attach.resident(community)
    neighbour = await attach.resident(community, "李四")
    grid = await attach.staff(community, "grid_worker")
    other_staff = await attach.staff(elsewhere)
    town_staff = await attach.staff(
        await attach.community(), "community_staff"
    )  # another community of the same town: no cover
    pid = await attach.petition(author, community, status="assigned", assignee=grid)

    assert (await attach.upload(grid, pid, png())).status_code == 201  # the assignee
    for stranger in (neighbour, other_staff, town_staff):
        refused = await attach.upload(stranger, pid, png())
        assert refused.status_code == 404 and refused.headers["content-type"] == PROBLEM
    unknown = await attach.upload(author, uuid.uuid4(), png())
    assert unknown.status_code == 404
    no_token = await attach.client.post(
        f"/api/petitions/{pid}/attachments", files={"file": ("a.png", png(), "image/png")}
    )
    assert no_token.status_code == 401

    await attach.set_status(pid, "closed")
    closed = await attach.upload(author, pid, png())
    assert closed.status_code == 409 and closed.json()["field"] == "file"
    assert await rows(attach, pid) == 1


async def test_private_petition_images_go_only_to_its_author_and_staff(attach: AttachHarness):
    community, elsewhere = await attach.community(), await attach.community("fuxing")
    author = await attach.resident(community)
    neighbour = await attach.resident(community, "李四")
    outsider = await attach.resident(elsewhere, "王五")
    manager = await attach.staff(community)
    other_staff = await attach.staff(elsewhere)
    pid = await attach.petition(author, community, status="accepted", visibility="private")
    image = (await attach.upload(author, pid, jpeg())).json()["id"]

    assert (await attach.read(image, author)).status_code == 200
    assert (await attach.read(image, manager)).status_code == 200
    missing = await attach.read(str(uuid.uuid4()), author)
    for who in (neighbour, outsider, other_staff, None):
        refused = await attach.read(image, who)
        assert refused.status_code == 404
        # Nothing tells a hidden image from one that does not exist.
        assert refused.json() == missing.json()


async def test_board_shows_anyone_the_authors_images_and_photos_of_public_entries(
    attach: AttachHarness,
):
    community, elsewhere = await attach.community(), await attach.community("fuxing")
    author = await attach.resident(community)
    neighbour = await attach.resident(community, "李四")
    outsider = await attach.resident(elsewhere, "王五")
    manager = await attach.staff(community)
    pid = await attach.petition(author, community, status="in_progress")
    original = (await attach.upload(author, pid, jpeg())).json()["id"]
    shown = (await attach.upload(manager, pid, png())).json()["id"]
    in_note = (await attach.upload(manager, pid, png((2, 2)))).json()["id"]
    unused = (await attach.upload(manager, pid, png((3, 3)))).json()["id"]
    await attach.entry(pid, [shown], public=True)
    await attach.entry(pid, [in_note], public=False)

    for reader in (None, neighbour, outsider):
        assert (await attach.read(original, reader)).status_code == 200
        assert (await attach.read(shown, reader)).status_code == 200
        assert (await attach.read(in_note, reader)).status_code == 404
        assert (await attach.read(unused, reader)).status_code == 404
    for image in (original, shown, in_note, unused):
        assert (await attach.read(image, manager)).status_code == 200
    # The author sees their own and what staff published, not a photo staff have not shown.
    assert (await attach.read(original, author)).status_code == 200
    assert (await attach.read(shown, author)).status_code == 200
    assert (await attach.read(in_note, author)).status_code == 404
    assert (await attach.read(unused, author)).status_code == 404


async def test_a_public_petition_not_yet_accepted_shows_nothing_to_others(attach: AttachHarness):
    community = await attach.community()
    author = await attach.resident(community)
    neighbour = await attach.resident(community, "李四")
    pid = await attach.petition(author, community, status="submitted")
    image = (await attach.upload(author, pid, jpeg())).json()["id"]

    assert (await attach.read(image, None)).status_code == 404
    assert (await attach.read(image, neighbour)).status_code == 404
    await attach.set_status(pid, "accepted")
    assert (await attach.read(image, None)).status_code == 200
    await attach.set_status(pid, "rejected")
    assert (await attach.read(image, None)).status_code == 404


async def test_a_bad_token_is_401_even_where_anonymous_readers_are_served(attach: AttachHarness):
    community = await attach.community()
    author = await attach.resident(community)
    pid = await attach.petition(author, community, status="accepted")
    image = (await attach.upload(author, pid, jpeg())).json()["id"]

    answer = await attach.client.get(
        f"/api/petitions/attachments/{image}", headers={"Authorization": "Bearer not-a-token"}
    )
    assert answer.status_code == 401 and answer.headers["content-type"] == PROBLEM


@pytest.fixture
def uploads_in_tmp(petitions: PetitionsHarness) -> Path:
    """Where the harness keeps this test's uploads (a temporary directory of its own, out of
    the repository's .data)."""
    return petitions.storage_dir


async def test_photos_of_a_real_progress_update_show_on_the_public_board(
    uploads_in_tmp: Path, petitions: PetitionsHarness
):
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community, "李四光")
    category = await petitions.category(community, staff)
    pid = (await petitions.submit(author, community, category))["id"]
    upload = {"file": ("a.jpg", jpeg(), "image/jpeg")}
    path = f"/api/petitions/{pid}/attachments"
    original = (await petitions.client.post(path, files=upload, headers=author.headers)).json()
    accepted = await petitions.act(staff, pid, "accept", {"assignee_id": str(staff.id)})
    assert accepted.status_code == 200, accepted.text
    assert (await petitions.act(staff, pid, "start")).status_code == 200
    photo = (await petitions.client.post(path, files=upload, headers=staff.headers)).json()
    spare = (await petitions.client.post(path, files=upload, headers=staff.headers)).json()

    progressed = await petitions.act(
        staff, pid, "progress", {"text": "已更换灯泡", "progress": 60, "photo_ids": [photo["id"]]}
    )

    assert progressed.status_code == 200, progressed.text
    board = (await petitions.client.get(f"/api/petitions/public/{pid}")).json()
    assert {a["id"] for a in board["attachments"]} == {original["id"], photo["id"]}
    for shown in board["attachments"]:
        assert (await petitions.client.get(shown["url"])).status_code == 200
    assert (await petitions.client.get(spare["url"])).status_code == 404
    # An unpublished staff photo stays with staff, even from the author.
    assert (await petitions.client.get(spare["url"], headers=author.headers)).status_code == 404
    assert (await petitions.client.get(spare["url"], headers=staff.headers)).status_code == 200
    assert files_under(uploads_in_tmp)  # the files went where the settings said
