"""The XLSX export as a report can use it: a cover sheet, headers in words, frozen header rows,
column widths, number formats per unit, values kept as numbers and text kept as text."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from config.about import APP_NAME
from config.clock import for_people
from dashboard.exports.formats import header
from dashboard.model.metrics import catalogue
from dashboard.model.numbers import YEAR_NAME, Unit, unit_for

MAX_WIDTH = 60  # characters: longer text wraps


def number_format(info: Unit | None, mode: str = "absolute") -> str:
    """An Excel number format for a value: money and counts with separators, a stored fraction
    as a percentage, a percentage as it is; a ratio or an index in general."""
    if mode == "share":
        return "0.00"
    if info is None or mode != "absolute":
        return "General"
    if info.percent:
        return "0.00%" if info.factor == 100 else "0.00"
    return "#,##0.##" if info.kind in ("money", "count") else "General"


def _value_formats(frame: pd.DataFrame) -> list[str] | None:
    """Each row's number format for its value, from its indicator's catalogue entry."""
    if "indicator" not in frame or "value" not in frame:
        return None
    known = {i.id: i for i in (*catalogue().indicators, *catalogue().derived)}
    units = frame["unit"].astype(str) if "unit" in frame else [""] * len(frame)
    modes = frame["mode"] if "mode" in frame else ["absolute"] * len(frame)
    return [
        number_format(unit_for(known[i], u) if i in known else None, m)
        for i, u, m in zip(frame["indicator"], units, modes, strict=True)
    ]


def build(sheets: Mapping[str, pd.DataFrame], cover: Mapping[str, str] | None = None) -> bytes:
    """The workbook: a cover sheet first, then each frame on its own formatted sheet."""
    book = Workbook()
    _cover(book.active, sheets, cover or {})
    for name, frame in sheets.items():
        _sheet(book.create_sheet(_sheet_name(name)), frame)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cover(sheet, sheets: Mapping[str, pd.DataFrame], cover: Mapping[str, str]) -> None:
    """Title, view, permalink, citation and licences, then what each sheet holds."""
    sheet.title = "About"
    rows = [("Title", cover.get("Title", f"{APP_NAME} — China and Russia"))]
    rows += [(k, v) for k, v in cover.items() if k != "Title"]
    if "Exported" not in cover:
        rows.append(("Exported", for_people(datetime.now(UTC))))
    meta = sheets.get("Metadata")
    if "Licences" not in cover and meta is not None and "licence" in meta:
        licences = sorted({str(v) for v in meta["licence"] if str(v).strip()})
        rows.append(("Licences", "; ".join(licences) or "not stated"))
    rows.append(("Sheets", ", ".join(_sheet_name(n) for n in sheets)))
    for key, value in rows:
        sheet.append([key, str(value)])
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet["B1"].font = Font(bold=True, size=14)
    _text_cells(sheet)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(sheet, frame: pd.DataFrame) -> None:
    """Headers in words, frozen; numbers as numbers with a format per unit; widths that fit."""
    columns = list(frame.columns)
    sheet.append([header(c) for c in columns])
    formats = _value_formats(frame)
    for record in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append([_cell(v) for v in record])
    _text_cells(sheet)
    for n, column in enumerate(columns, 1):
        letter = get_column_letter(n)
        year = bool(YEAR_NAME.search(str(column)))
        for r, cell in enumerate(sheet[letter][1:]):
            if cell.data_type != "n" or cell.value is None:
                continue
            if year and float(cell.value).is_integer():
                cell.number_format = "0"  # a year never takes a thousands separator
            elif column == "value" and formats is not None:
                cell.number_format = formats[r]
        sheet.column_dimensions[letter].width = _width(header(column), frame[column])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"  # the header row stays in view
    sheet.auto_filter.ref = sheet.dimensions


def _cell(value: object) -> object:
    """A cell's value: numbers stay numbers, everything else text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _text_cells(sheet) -> None:
    """Every text cell stored as text: openpyxl takes text starting with '=' for a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _width(title: str, values: pd.Series) -> float:
    """A column as wide as its longest entry (header included), at most MAX_WIDTH."""
    longest = max([len(title), *(len(str(v)) for v in values.head(500) if v is not None)])
    return min(MAX_WIDTH, max(8, longest + 2))


def _sheet_name(name: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\ ."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(name))[:31] or "Sheet"
