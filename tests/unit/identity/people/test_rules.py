"""Identity's pure rules: ID numbers (GB 11643), masking, phone numbers and their keyed hash."""

from datetime import date, timedelta

import pytest

from kit.errors import Invalid
from kit.phone import normalise_phone, phone_hash
from services.identity.people.rules import (
    id_check_char,
    mask_id_number,
    mask_phone,
    normalise_id_number,
)

# The worked example of GB 11643-1999, whose check character is X.
STANDARD_EXAMPLE = "11010519491231002X"


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


VALID = with_check("51170219800101003")


def test_valid_id_number_is_accepted_as_is():
    assert normalise_id_number(VALID) == VALID


def test_check_character_x_is_accepted_in_either_case_and_returned_upper():
    assert normalise_id_number(STANDARD_EXAMPLE) == STANDARD_EXAMPLE
    assert normalise_id_number(f"  {STANDARD_EXAMPLE.lower()} ") == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    "raw",
    [
        VALID[:17],  # 17 characters
        VALID + "0",  # 19 characters
        "511702800101003",  # the old 15-digit format
        "5117021980010100X3",  # X only allowed last
        "",
    ],
)
def test_id_number_of_wrong_length_or_shape_is_refused(raw):
    with pytest.raises(Invalid) as refused:
        normalise_id_number(raw)
    assert refused.value.field == "id_number"
    assert refused.value.status == 422


def test_id_number_with_a_wrong_check_character_is_refused():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    with pytest.raises(Invalid, match="校验位") as refused:
        normalise_id_number(wrong)
    assert refused.value.field == "id_number"


@pytest.mark.parametrize("born", ["19800230", "19801301", "19800000", "18991231"])
def test_id_number_with_an_impossible_birth_date_is_refused(born):
    with pytest.raises(Invalid, match="出生日期") as refused:
        normalise_id_number(with_check(f"511702{born}003"))
    assert refused.value.field == "id_number"


def test_id_number_born_in_the_future_is_refused():
    tomorrow = (date.today() + timedelta(days=1)).strftime("%Y%m%d")
    with pytest.raises(Invalid, match="出生日期") as refused:
        normalise_id_number(with_check(f"511702{tomorrow}003"))
    assert refused.value.field == "id_number"


def test_refusal_names_the_field_the_caller_asks_for():
    with pytest.raises(Invalid) as refused:
        normalise_id_number("nonsense", field="members[0].id_number")
    assert refused.value.field == "members[0].id_number"


def test_masked_id_number_keeps_region_prefix_and_last_four():
    assert mask_id_number("510703199001011234") == "510***********1234"
    assert len(mask_id_number(VALID)) == 18


def test_masked_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138-1234-5678",
        " 13812345678 ",
    ],
)
def test_phone_is_normalised_to_eleven_digits(raw):
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw",
    ["12812345678", "1381234567", "138123456789", "23812345678", "1381234567a", "", "+85213812345"],
)
def test_phone_outside_the_mainland_mobile_format_is_refused(raw):
    with pytest.raises(Invalid) as refused:
        normalise_phone(raw)
    assert refused.value.status == 422
    assert refused.value.field == "phone"


def test_phone_hash_is_the_same_for_every_spelling_of_a_number():
    assert phone_hash("key", "13812345678") == phone_hash("key", "+86 138-1234-5678")
    assert len(phone_hash("key", "13812345678")) == 64


def test_phone_hash_depends_on_the_key_and_the_number():
    assert phone_hash("key-a", "13812345678") != phone_hash("key-b", "13812345678")
    assert phone_hash("key-a", "13812345678") != phone_hash("key-a", "13812345679")
