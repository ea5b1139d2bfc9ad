"""Pure rules of evidence photos: their URLs and who may see one."""

import uuid

from services.points.evidence.rules import (
    MAX_PER_DAY,
    Citation,
    id_of,
    readable,
    upload_refusal,
    url_of,
)

UPLOADER = uuid.uuid4()
NEIGHBOUR = uuid.uuid4()


def test_a_url_of_ours_names_its_photo_and_other_links_name_none():
    photo = uuid.uuid4()
    assert id_of(url_of(photo)) == photo
    assert id_of("https://img.example.cn/1.jpg") is None
    assert id_of(f"/api/points/evidence/{photo}/../x") is None


def test_the_uploader_sees_their_photo_cited_or_not():
    assert readable(reader=UPLOADER, uploader=UPLOADER, citations=[])


def test_nobody_else_sees_an_uncited_photo():
    assert not readable(reader=NEIGHBOUR, uploader=UPLOADER, citations=[])
    assert not readable(reader=None, uploader=UPLOADER, citations=[])


def test_staff_of_the_citing_claims_community_see_it_under_review():
    under_review = Citation(status="submitted", reader_is_staff=True)
    assert readable(reader=NEIGHBOUR, uploader=UPLOADER, citations=[under_review])


def test_anyone_sees_it_while_a_citing_claim_is_under_public_notice_and_not_after():
    publicity = Citation(status="publicity", reader_is_staff=False)
    vested = Citation(status="vested", reader_is_staff=False)
    assert readable(reader=None, uploader=UPLOADER, citations=[publicity])
    assert not readable(reader=NEIGHBOUR, uploader=UPLOADER, citations=[vested])


def test_uploads_stop_at_the_daily_limit():
    assert upload_refusal(MAX_PER_DAY - 1) is None
    assert upload_refusal(MAX_PER_DAY) is not None
