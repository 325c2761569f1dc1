"""SIPRI Military Expenditure workbook → tidy frame, with SIPRI's estimate/uncertain flags kept."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.worksheet.worksheet import Worksheet

from config.catalogue import Catalogue
from fetchers.sources.bounded import TooLarge
from fetchers.store.errors import BadResponse, EmptyResult, LayoutChanged
from fetchers.store.tidy import IndicatorMeta, SourceResult, make_frame

SOURCE = "sipri"


@dataclass(frozen=True)
class Measure:
    """One SIPRI sheet: how to find it and what its values are."""

    indicator: str
    title: str
    matches: Callable[[str], bool]
    unit: str


MEASURES = (
    Measure(
        "SIPRI.MILEX.CONSTANT_USD",
        "Military expenditure, constant US$",
        # The sheet is renamed each edition: "Constant (2023) US$", "Constant (2024) US$", …
        lambda name: re.fullmatch(r"Constant \(\d{4}\) US\$", name.strip()) is not None,
        "US$ m, constant {base} prices",
    ),
    Measure(
        "SIPRI.MILEX.CURRENT_USD",
        "Military expenditure, current US$",
        lambda name: name.strip() == "Current US$",
        "US$ m, current prices",
    ),
    Measure(
        "SIPRI.MILEX.SHARE_GDP",
        "Military expenditure, share of GDP",
        lambda name: name.strip() == "Share of GDP",
        "fraction of GDP",
    ),
    Measure(
        "SIPRI.MILEX.PER_CAPITA",
        "Military expenditure per capita",
        lambda name: name.strip() == "Per capita",
        "current US$ per person",
    ),
    Measure(
        "SIPRI.MILEX.SHARE_GOVT",
        "Military expenditure, share of government spending",
        lambda name: name.strip() == "Share of Govt. spending",
        "fraction of general government expenditure",
    ),
)

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
    wanted = {i.id for i in catalogue.for_source(SOURCE)}
    measures = [m for m in MEASURES if m.indicator in wanted]
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
            IndicatorMeta(measure.indicator, measure.title, _notes(sheet), organisation, unit, url)
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
    sheet: Worksheet, measure: Measure, countries: Mapping[str, str], url: str
) -> tuple[list[dict], str, list[int]]:
    """One sheet's rows for `countries` (SIPRI name → ISO3), its unit, and its year columns."""
    header_row, year_columns = _header(sheet, url)
    unit = measure.unit.format(base=_base_year(sheet.title))
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
                    "indicator": measure.indicator,
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


def _sheet(book: openpyxl.Workbook, measure: Measure, url: str) -> Worksheet:
    """The sheet for a measure, or a clear error naming what was expected."""
    for name in book.sheetnames:
        if measure.matches(name):
            return book[name]
    raise LayoutChanged(
        SOURCE,
        url,
        f"workbook layout changed: no sheet for {measure.title!r} "
        f"(sheets: {', '.join(book.sheetnames)})",
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
