"""Exports never hand a spreadsheet a live formula: OWASP's CSV-injection rule, CSV and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard import exports

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx"]
FRAME = pd.DataFrame(
    {
        "indicator": HOSTILE,
        "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0],
        "unit": ["current US$"] * 6,
    }
)


def test_csv_cells_that_start_a_formula_are_quoted_and_numbers_stay_numbers():
    text = exports.to_csv_bytes(FRAME).decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # (A bare CR inside a cell is not quoted by CSV writers; it is neutralised all the same.)
    assert [r["indicator"] for r in rows[:5]] == [f"'{h}" for h in HOSTILE[:5]]
    assert "\n'\rx," in text
    assert [float(r["value"]) for r in rows[:5]] == [-1.5, 2.0, -3.0, 4.0, 5.0]
    assert rows[0]["unit"] == "current US$"


def test_xlsx_holds_text_never_formulas():
    body = exports.to_xlsx_bytes({"Data": FRAME, "=evil": FRAME.rename(columns={"unit": "=u"})})
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    data = book["Data"]
    assert data["A2"].value == "'" + HOSTILE[0]
    assert data["B2"].value == -1.5 and data["B2"].data_type == "n"


@pytest.mark.parametrize("text", ["GDP", "% of GDP", "", "2014-03-18"])
def test_ordinary_text_is_unchanged(text):
    frame = pd.DataFrame({"t": [text]})
    assert exports.neutralise(frame)["t"][0] == text
