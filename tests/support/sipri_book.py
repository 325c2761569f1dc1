"""Build small SIPRI-layout workbooks for tests, with SYNTHETIC values (not SIPRI's data)."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Font
from openpyxl.styles.colors import Color

YEARS = list(range(2010, 2025))
BLUE = Font(color=Color(indexed=12))
RED = Font(color=Color(rgb="FFFF0000"))
# Sheet name → (header row, blank column before Notes?, extra text columns after Notes)
SHEETS = {
    "Constant (2031) US$": (6, True, 0),
    "Current US$": (6, False, 0),
    "Share of GDP": (6, False, 0),
    "Per capita": (7, False, 0),
    "Share of Govt. spending": (8, False, 1),
}
COUNTRIES = {
    "China": 3.0,
    "Russia": 1.0,
    "United States of America": 9.0,
    "India": 1.5,
    "Germany": 1.2,
    "Japan": 2.0,
    "Ukraine": 0.5,  # not catalogued: skipped
}


def synthetic(sheet: str, country: str, year: int) -> float:
    """The SYNTHETIC value written for one cell."""
    scale = 0.001 if sheet.startswith("Share") else 100.0
    return round(COUNTRIES[country] * (year - 2000) * scale, 6)


def build(drop_sheet: str | None = None, move_header: bool = False) -> bytes:
    """A workbook in SIPRI's layout: notes, regions, markers ('...', 'xxx'), blue and red cells."""
    book = openpyxl.Workbook()
    book.active.title = "Front page"
    for name, (header, blank, extra) in SHEETS.items():
        if name == drop_sheet:
            continue
        sheet = book.create_sheet(name)
        sheet.cell(1, 1, f"Military expenditure by country, {name} (synthetic test workbook)")
        sheet.cell(
            2,
            1,
            "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data.",
        )
        sheet.cell(3, 1, '". ." = data unavailable. "xxx" = country did not exist.')
        row = header + (4 if move_header else 0)
        if move_header:
            sheet.cell(header, 1, "Data below")
        first = 2 + (1 if blank else 0) + 1 + extra
        sheet.cell(row, 1, "Country" if not move_header else "Land")
        sheet.cell(row, first - extra - 1, "Notes")
        for n, year in enumerate(YEARS):
            sheet.cell(row, first + n, year)
        row += 2
        for region in ("Americas", "North America"):
            sheet.cell(row, 1, region)
            row += 1
        for country in COUNTRIES:
            sheet.cell(row, 1, country)
            sheet.cell(row, first - extra - 1, "7")
            for n, year in enumerate(YEARS):
                cell = sheet.cell(row, first + n)
                if country == "Russia" and year == 2010:
                    cell.value = "..."
                elif country == "Russia" and year == 2011:
                    cell.value = "xxx"
                else:
                    cell.value = synthetic(name, country, year)
                if country == "China":
                    cell.font = BLUE
                if country == "Russia" and year == 2024:
                    cell.font = RED
            row += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def database_page(*links: str) -> str:
    """SIPRI's database page in miniature: the workbook links among other links, as SIPRI writes them."""
    items = "\n".join(f'<li><a href="{link}">Download</a></li>' for link in links)
    return (
        "<!DOCTYPE html><html><head><title>SIPRI Military Expenditure Database</title></head>"
        "<body><a href=\"/about\">About</a><a href='/sites/default/files/milex-sources.pdf'>"
        f"Sources</a><ul>{items}</ul></body></html>"
    )
