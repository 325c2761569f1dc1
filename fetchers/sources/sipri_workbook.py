"""SIPRI Military Expenditure workbook → tidy frame, with SIPRI's estimate/uncertain flags kept."""

from __future__ import annotations

import fnmatch
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.worksheet.worksheet import Worksheet

from config.catalogue import Catalogue, Indicator
from fetchers.sources.bounded import TooLarge
from fetchers.store.errors import BadResponse, EmptyResult, LayoutChanged
from fetchers.store.tidy import IndicatorMeta, SourceResult, make_frame

SOURCE = "sipri"


# A real edition unpacks to about 15 MB at a ratio under 10; openpyxl holds every cell in memory
# (tens of times the XML's size), so a workbook past either bound is refused before it is opened.
MAX_UNPACKED = 60 * 1024 * 1024
MAX_RATIO = 100
MISSING_MARKERS = {"...", ". .", "..", ""}
NOT_EXISTING = "xxx"


def parse_workbook(content: bytes, url: str, catalogue: Catalogue) -> SourceResult:
    """Parse a SIPRI Milex workbook's bytes into a SourceResult for the catalogue's countries."""
    # Load inputs.
    check_unpacked(content, url)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise BadResponse(SOURCE, url, f"not an xlsx workbook ({exc})") from exc
    # One sheet per catalogued series, its title and unit the catalogue's.
    measures = [i for i in catalogue.for_source(SOURCE) if i.sheet]
    # SIPRI's row names → ISO3, from the catalogue, so a renamed row fails loudly.
    countries = {c.sipri_name: c.iso3 for c in catalogue.countries if c.sipri_name}
    organisation = catalogue.source(SOURCE).organisation

    # Process data.
    records: list[dict] = []
    meta: list[IndicatorMeta] = []
    last_years: list[int] = []
    for measure in measures:
        sheet = _sheet(book, measure, url)
        rows, unit, years = parse_sheet(sheet, measure, countries, url)
        records.extend(rows)
        last_years.append(max(years))
        meta.append(
            IndicatorMeta(measure.id, measure.title, _notes(sheet), organisation, unit, url)
        )
    if not records:
        raise EmptyResult(SOURCE, url, "no catalogued country found in the workbook")

    # Save outputs.
    edition = max(last_years) + 1  # SIPRI publishes year Y's data in April of Y+1
    return SourceResult(
        source=SOURCE,
        frame=make_frame(records),
        meta=tuple(meta),
        urls=(url,),
        sha256=hashlib.sha256(content).hexdigest(),
        release=f"{edition} edition (data to {max(last_years)})",
    )


def check_unpacked(content: bytes, url: str) -> None:
    """Refuse an xlsx (a zip) that would unpack to an absurd size, from its directory alone.

    zipfile stops each member at its declared size, so the declared sizes bound what is unpacked.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadResponse(SOURCE, url, f"not an xlsx workbook ({exc})") from exc
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(content), 1):
        raise TooLarge(SOURCE, url, min(MAX_UNPACKED, MAX_RATIO * len(content)),
                       what="unpacked workbook")  # fmt: skip


def parse_sheet(
    sheet: Worksheet, measure: Indicator, countries: Mapping[str, str], url: str
) -> tuple[list[dict], str, list[int]]:
    """One sheet's rows for `countries` (SIPRI name → ISO3), its unit, and its year columns.

    The unit is the catalogue's; a constant-price sheet's adds the edition's base year, which
    only the sheet's name says ('Constant (2023) US$' → 'US$ m, constant 2023 prices').
    """
    header_row, year_columns = _header(sheet, url)
    base = _base_year(sheet.title)
    unit = measure.stored_unit(base) if measure.basis == "constant prices" else measure.unit
    found: set[str] = set()
    records = []
    for row in sheet.iter_rows(min_row=header_row + 1):
        name = row[0].value
        iso3 = countries.get(str(name).strip()) if name is not None else None
        if iso3 is None:
            continue
        found.add(iso3)
        for column, year in year_columns:
            cell = row[column] if column < len(row) else None
            value, flag = parse_cell(cell, iso3, year)
            records.append(
                {
                    "source": SOURCE,
                    "indicator": measure.id,
                    "country": iso3,
                    "partner": "",
                    "year": year,
                    "value": value,
                    "unit": unit,
                    "flag": flag,
                }
            )
    if set(countries.values()) - found:
        missing = ", ".join(sorted(set(countries.values()) - found))
        raise LayoutChanged(
            SOURCE, url, f"workbook layout changed: sheet {sheet.title!r} has no row for {missing}"
        )
    return records, unit, [y for _, y in year_columns]


def parse_cell(cell: Cell | None, iso3: str, year: int) -> tuple[float | None, str]:
    """A cell's value and flag: text markers are missing, colours mark estimates."""
    raw = None if cell is None else cell.value
    if raw is None or (isinstance(raw, str) and raw.strip() in MISSING_MARKERS):
        return None, "missing"
    if isinstance(raw, str) and raw.strip().lower() == NOT_EXISTING:
        return None, "not_existing"
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise BadResponse(SOURCE, "", f"cell {cell.coordinate}: unexpected text {raw!r}")
    # Known quirk: some Russian cells before 1993 hold 0 where SIPRI has no figure.
    if raw == 0 and iso3 == "RUS" and year < 1993:
        return None, "missing"
    return float(raw), _colour_flag(cell)


def _colour_flag(cell: Cell) -> str:
    """SIPRI marks estimates in blue and highly uncertain figures in red."""
    color = cell.font.color if cell.font is not None else None
    rgb = None
    if color is not None and color.type == "indexed" and color.indexed < len(COLOR_INDEX):
        rgb = COLOR_INDEX[color.indexed]
    elif color is not None and color.type == "rgb" and isinstance(color.rgb, str):
        rgb = color.rgb
    if not rgb or len(rgb) < 6:
        return ""
    red, green, blue = (int(rgb[-6:][i : i + 2], 16) for i in (0, 2, 4))
    if blue >= 0x80 and red < 0x80 and green < 0x80:
        return "estimate"
    if red >= 0x80 and green < 0x80 and blue < 0x80:
        return "uncertain"
    return ""


def _sheet(book: openpyxl.Workbook, measure: Indicator, url: str) -> Worksheet:
    """The sheet of a catalogued series (its `sheet`: renamed each edition for constant prices,
    "Constant (2023) US$", so '?' stands for any character), or an error naming what is wanted."""
    for name in book.sheetnames:
        if fnmatch.fnmatchcase(name.strip(), measure.sheet):
            return book[name]
    raise LayoutChanged(
        SOURCE,
        url,
        f"workbook layout changed: no sheet for {measure.title!r} "
        f"(named {measure.sheet!r}; sheets: {', '.join(book.sheetnames)})",
    )


def _header(sheet: Worksheet, url: str) -> tuple[int, list[tuple[int, int]]]:
    """Find the header row by content: 'Country' in column A and year numbers to its right."""
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 30)):
        if str(row[0].value or "").strip() != "Country":
            continue
        years = [
            (n, int(c.value))
            for n, c in enumerate(row)
            if isinstance(c.value, int | float) and not isinstance(c.value, bool)
        ]
        if len(years) < 2 or any(not 1900 <= y <= 2100 for _, y in years):
            raise LayoutChanged(
                SOURCE,
                url,
                f"workbook layout changed: sheet {sheet.title!r}, header row {row[0].row} "
                "has no year numbers",
            )
        return row[0].row, years
    raise LayoutChanged(
        SOURCE,
        url,
        f"workbook layout changed: sheet {sheet.title!r} has no header row ('Country' in column A)",
    )


def _base_year(title: str) -> str:
    """The price base year in a sheet name like 'Constant (2023) US$'."""
    found = re.search(r"\((\d{4})\)", title)
    return found.group(1) if found else ""


def _notes(sheet: Worksheet) -> str:
    """The sheet's notes lines above the header, as SIPRI wrote them."""
    lines = []
    for row in sheet.iter_rows(min_row=1, max_row=6, max_col=1):
        text = row[0].value
        if isinstance(text, str) and text.strip() and text.strip() != "Country":
            lines.append(text.strip())
    return " ".join(lines)
