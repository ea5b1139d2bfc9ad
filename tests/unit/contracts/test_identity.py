"""Identity's published events: resident.verified's optional counter check."""

import pytest
from pydantic import ValidationError

from contracts.identity import ResidentVerified

BEFORE_COUNTER_CHECK = {
    "resident_id": "r1",
    "community_id": "c1",
    "community_path": "/0a/0b",
    "name": "王小明",
    "verified_at": "2026-11-28T08:00:00+08:00",
}


def test_resident_verified_without_counter_check_still_parses():
    assert ResidentVerified.model_validate(BEFORE_COUNTER_CHECK).counter_check is None


def test_resident_verified_carries_a_hex_counter_check():
    check = "ab" * 32
    event = ResidentVerified.model_validate({**BEFORE_COUNTER_CHECK, "counter_check": check})
    assert event.counter_check == check


@pytest.mark.parametrize("bad", ["13800138000:002X", "AB" * 32, "ab" * 31])
def test_a_counter_check_that_is_not_64_lowercase_hex_is_refused(bad):
    with pytest.raises(ValidationError):
        ResidentVerified.model_validate({**BEFORE_COUNTER_CHECK, "counter_check": bad})
