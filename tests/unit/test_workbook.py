"""The XLSX export on tiny SYNTHETIC frames: cover sheet, headers in words, frozen header, formats."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from dashboard.exports import formats, report

DATA = pd.DataFrame(
    {
        "indicator": ["NY.GDP.MKTP.CD", "SIPRI.MILEX.SHARE_GDP"],
        "country": ["CHN", "RUS"],
        "year": [2014, 2024],
        "value": [1.04e13, 0.071],
        "unit": ["current US$", "fraction of GDP"],
    }
)
META = pd.DataFrame({"indicator": ["NY.GDP.MKTP.CD"], "licence": ["CC BY 4.0"]})


def workbook(cover=None):
    body = formats.to_xlsx_bytes({"Data": DATA, "Metadata": META}, cover)
    return openpyxl.load_workbook(io.BytesIO(body))


def test_the_cover_sheet_comes_first_with_title_view_permalink_citation_and_licences():
    book = workbook({"View": "GDP, 1990–2025", "Permalink": "https://x.example/?i=a",
                     "Citation": "Asymmetry Monitor, 2026"})  # fmt: skip
    assert book.sheetnames == ["About", "Data", "Metadata"]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["View"] == "GDP, 1990–2025" and about["Permalink"] == "https://x.example/?i=a"
    assert about["Citation"] == "Asymmetry Monitor, 2026"
    assert about["Licences"] == "CC BY 4.0"
    assert about["Title"].startswith("Asymmetry Monitor")


def test_sheets_have_headers_in_words_frozen_widths_and_formats_per_unit():
    data = workbook()["Data"]
    assert [c.value for c in data[1]] == ["Indicator id", "Country", "Year", "Value", "Unit"]
    assert data.freeze_panes == "A2"
    assert data["C2"].value == 2014 and data["C2"].number_format == "0"  # no separator
    assert data["D2"].value == 1.04e13 and data["D2"].number_format == "#,##0.##"
    assert data["D3"].value == 0.071 and data["D3"].number_format == "0.00%"
    assert data.column_dimensions["A"].width >= len("SIPRI.MILEX.SHARE_GDP")


def test_value_formats_follow_the_catalogue_and_the_chart_mode():
    drawn = pd.DataFrame(
        {
            "indicator": ["MS.MIL.XPND.GD.ZS", "SP.POP.TOTL", "NY.GDP.MKTP.CD", "NY.GDP.MKTP.CD"],
            "mode": ["absolute", "absolute", "ratio", "share"],
            "value": [1.7, 1.4e9, 7.6, 88.0],
            "unit": ["% of GDP", "people", "times (China ÷ Russia)", "% of the pair's total"],
        }
    )
    body = formats.to_xlsx_bytes({"Data": drawn}, {})
    data = openpyxl.load_workbook(io.BytesIO(body))["Data"]
    assert [data[f"C{n}"].number_format for n in range(2, 6)] == [
        "0.00", "#,##0.##", "General", "0.00",
    ]  # fmt: skip


def test_report_tables_print_years_bare_and_headers_in_words():
    section = report.table("Data", DATA)
    assert section["columns"] == ["Indicator id", "Country", "Year", "Value", "Unit"]
    assert [row[2]["text"] for row in section["rows"]] == ["2014", "2024"]
    analysis = report.table("Windows", pd.DataFrame({"first_basis": [1.5], "window_from": [2010]}))
    assert analysis["columns"] == ["First basis", "Window from"]
    assert analysis["rows"][0][1]["text"] == "2010"
