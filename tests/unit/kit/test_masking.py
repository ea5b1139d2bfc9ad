"""Names on public boards are masked: first and last character kept."""

import pytest

from kit.masking import mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张伟三", "张*三"), ("欧阳娜娜", "欧**娜"), ("李四", "李*"), ("王", "王"), ("", "")],
)
def test_a_name_keeps_only_its_first_and_last_character(name: str, masked: str):
    assert mask_name(name) == masked
