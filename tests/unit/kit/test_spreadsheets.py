"""Text cells of staff exports: inert, and nothing a workbook refuses."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from kit.spreadsheets import cell_text


@pytest.mark.parametrize("raw", ["=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_starts_like_a_formula_is_quoted(raw: str) -> None:
    assert cell_text(raw) == "'" + raw


def test_control_characters_are_dropped_so_the_workbook_saves() -> None:
    typed = "老陈醋\x01\x0b\x1f 500ml"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([cell_text(typed)])
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert read is not None
    assert read["A1"].value == "老陈醋 500ml"


def test_a_formula_hidden_behind_a_control_character_is_still_quoted() -> None:
    assert cell_text("\x01=HYPERLINK(1)") == "'=HYPERLINK(1)"


def test_plain_text_is_unchanged() -> None:
    assert cell_text("大米 5kg（东北）") == "大米 5kg（东北）"
