"""Exports never hand a spreadsheet a live formula: OWASP's CSV-injection rule, CSV and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import formats

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx"]
FRAME = pd.DataFrame(
    {
        "indicator": HOSTILE,
        "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0],
        "unit": ["current US$"] * 6,
    }
)


def test_csv_cells_that_start_a_formula_are_quoted_and_numbers_stay_numbers():
    text = formats.to_csv_bytes(FRAME).decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # (A bare CR inside a cell is not quoted by CSV writers; it is neutralised all the same.)
    assert [r["indicator"] for r in rows[:5]] == [f"'{h}" for h in HOSTILE[:5]]
    assert "\n'\rx," in text
    assert [float(r["value"]) for r in rows[:5]] == [-1.5, 2.0, -3.0, 4.0, 5.0]
    assert rows[0]["unit"] == "current US$"


def test_xlsx_holds_text_never_formulas():
    body = formats.to_xlsx_bytes({"Data": FRAME, "=evil": FRAME.rename(columns={"unit": "=u"})})
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    data = book["Data"]
    # Text is stored as text (type 's'): no apostrophe that a reader would then see.
    assert data["A2"].value == HOSTILE[0] and data["A2"].data_type == "s"
    assert data["B2"].value == -1.5 and data["B2"].data_type == "n"


LOOK_ALIKES = [
    " =1+1",
    "\u00a0=1+1",
    "\uff1d1+1",
    "\n=1+1",
    "\r\n+1",
    " \uff20SUM(A1)",
    "\uff0d2+3",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_formula_look_alikes_are_neutralised_in_csv(text):
    frame = pd.DataFrame({"t": [text], "n": [1.0]})
    rows = list(csv.DictReader(io.StringIO(formats.to_csv_bytes(frame).decode(), newline="")))
    assert rows[0]["t"] == "'" + text
    assert rows[0]["n"] == "1.0"


def test_formula_look_alikes_stay_text_in_xlsx():
    frame = pd.DataFrame({"t": LOOK_ALIKES})
    book = openpyxl.load_workbook(io.BytesIO(formats.to_xlsx_bytes({"Data": frame})))
    cells = [row[0] for row in book["Data"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" and not c.value.startswith("'") for c in cells)
    assert [c.value.strip() for c in cells] == [t.strip() for t in LOOK_ALIKES]


def test_two_titles_that_slug_alike_get_names_of_their_own():
    assert formats.unique_names(["GDP", "GDP!", "gdp", "Trade"]) == [
        "gdp",
        "gdp-2",
        "gdp-3",
        "trade",
    ]


@pytest.mark.parametrize("text", ["GDP", "% of GDP", "", "2014-03-18", "\u22123.2%", "a = b"])
def test_ordinary_text_is_unchanged(text):
    frame = pd.DataFrame({"t": [text]})
    assert formats.neutralise(frame)["t"][0] == text
