"""kit.phone's counter check: the mall's keyed lookup by phone + the ID number's last four."""

import pytest

from kit.errors import Invalid
from kit.phone import counter_check, keyed_hash, phone_hash

KEY = "platform-phone-key"


def test_counter_check_is_the_keyed_hash_of_phone_colon_id_tail():
    assert counter_check(KEY, "13800138000", "002X") == keyed_hash(KEY, "13800138000:002X")


def test_counter_check_normalises_the_phone():
    expected = counter_check(KEY, "13800138000", "1234")
    assert counter_check(KEY, "+86 138-0013-8000", "1234") == expected
    assert counter_check(KEY, "0086 13800138000", " 1234 ") == expected


def test_lowercase_x_in_the_id_tail_equals_uppercase():
    assert counter_check(KEY, "13800138000", "002x") == counter_check(KEY, "13800138000", "002X")


def test_counter_check_differs_by_tail_by_key_and_from_the_phone_hash():
    check = counter_check(KEY, "13800138000", "1234")
    assert check != counter_check(KEY, "13800138000", "1235")
    assert check != counter_check("another-key", "13800138000", "1234")
    assert check != phone_hash(KEY, "13800138000")


@pytest.mark.parametrize("tail", ["123", "12345", "12X4", "abcd", "X234", "１２３４", ""])
def test_an_id_tail_that_is_not_three_digits_and_a_check_character_is_refused(tail):
    with pytest.raises(Invalid) as refused:
        counter_check(KEY, "13800138000", tail)
    assert refused.value.field == "id_last4"


def test_a_bad_phone_is_refused_naming_the_phone():
    with pytest.raises(Invalid) as refused:
        counter_check(KEY, "12345", "1234")
    assert refused.value.field == "phone"
