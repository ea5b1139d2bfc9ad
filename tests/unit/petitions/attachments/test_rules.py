"""Attachment limits and what the public board shows."""

from __future__ import annotations

import uuid

import pytest

from services.petitions.attachments import rules
from services.petitions.attachments.rules import Counts, shown_on_board, upload_refusal

AUTHOR, STAFF = uuid.uuid4(), uuid.uuid4()


def counts(author: int = 0, staff: int = 0, pending: int = 0) -> Counts:
    return Counts(by_author=author, by_staff=staff, pending_of_uploader=pending)


def test_limits_are_five_megabytes_and_nine_images():
    assert rules.MAX_BYTES == 5 * 1024 * 1024
    assert rules.MAX_AUTHOR_FILES == rules.MAX_STAFF_PENDING == 9
    assert rules.MAX_BODY_BYTES > rules.MAX_BYTES
    allowed = rules.ALLOWED_TYPES
    assert allowed == {"image/jpeg", "image/png", "image/webp"}


@pytest.mark.parametrize("held", [0, 8])
def test_author_may_add_up_to_the_ninth_image(held):
    assert upload_refusal(by_staff=False, counts=counts(author=held)) is None


def test_author_is_refused_a_tenth_image_whatever_staff_added():
    assert "9" in (upload_refusal(by_staff=False, counts=counts(author=9)) or "")
    assert upload_refusal(by_staff=False, counts=counts(author=3, staff=90, pending=9)) is None


def test_staff_photos_do_not_count_against_the_author():
    assert upload_refusal(by_staff=True, counts=counts(author=9, staff=0)) is None


def test_staff_member_may_hold_nine_photos_not_yet_used_in_an_update():
    assert upload_refusal(by_staff=True, counts=counts(staff=8, pending=8)) is None
    assert "尚未发布" in (upload_refusal(by_staff=True, counts=counts(staff=9, pending=9)) or "")


def test_petition_takes_at_most_ninety_staff_photos():
    assert upload_refusal(by_staff=True, counts=counts(staff=89, pending=0)) is None
    assert "上限" in (upload_refusal(by_staff=True, counts=counts(staff=90, pending=0)) or "")


def test_board_shows_the_authors_images_and_photos_of_public_entries_only():
    assert shown_on_board(uploader_id=AUTHOR, author_id=AUTHOR, in_public_entry=False)
    assert shown_on_board(uploader_id=STAFF, author_id=AUTHOR, in_public_entry=True)
    assert not shown_on_board(uploader_id=STAFF, author_id=AUTHOR, in_public_entry=False)
