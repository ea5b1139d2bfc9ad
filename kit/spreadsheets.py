"""People's text made safe for the spreadsheets staff export (CSV and XLSX).

A cell that starts like a formula runs as one when the file is opened (CSV/formula
injection); a control character makes openpyxl refuse the whole workbook. Both come from
text residents and staff typed, so every exported text cell goes through `cell_text`.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """`value` as inert text a workbook accepts: control characters dropped, a leading
    formula character quoted."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + clean if clean.startswith(FORMULA_START) else clean
