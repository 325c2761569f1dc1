"""Offline import: a SIPRI workbook, a World Bank CSV (WDICSV or API download) or API JSON."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from config.catalogue import Catalogue
from fetchers.sources import sipri_workbook, worldbank_parse
from fetchers.sources.http import Fetched
from fetchers.store.errors import BadResponse, EmptyResult, Kind, SourceUnavailable
from fetchers.store.tidy import IndicatorMeta, SourceResult, make_frame

WDI_HEADER = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")


def read_file(path: Path, catalogue: Catalogue) -> SourceResult:
    """Detect the file's format from its content and parse it into a SourceResult."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise SourceUnavailable(
            "import", str(path), f"cannot read file: {exc.strerror}", kind=Kind.FILE
        ) from exc
    url = path.resolve().as_uri()
    if content.startswith(b"PK\x03\x04"):
        return sipri_workbook.parse_workbook(content, url, catalogue)
    text = content.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("["):
        return _worldbank_json(content, url, catalogue)
    if WDI_HEADER[0] in text[:4000] and WDI_HEADER[3] in text[:4000]:
        return _worldbank_csv(content, url, catalogue)
    raise BadResponse(
        "import",
        url,
        "unrecognised file: expected a SIPRI .xlsx workbook, a World Bank CSV (WDICSV.csv or an "
        "API CSV download) or a JSON file saved from the World Bank API",
    )


def _worldbank_json(content: bytes, url: str, catalogue: Catalogue) -> SourceResult:
    """A saved World Bank API v2 data response (one page or a whole download)."""
    fetched = Fetched(url, content)
    header, rows = worldbank_parse.decode(fetched)
    records = _keep(worldbank_parse.parse_records(rows or [], url), catalogue)
    names = {r["indicator"]["id"]: r["indicator"].get("value", "") for r in rows or []}
    for record in records:
        record["name"] = names.get(record["indicator"], "")
    release = str(header.get("lastupdated") or "")
    return _result(records, content, url, release, catalogue)


def _worldbank_csv(content: bytes, url: str, catalogue: Catalogue) -> SourceResult:
    """WDICSV.csv (bulk) or API_<id>_DS2_… .csv: one row per country and indicator, years across."""
    lines = content.decode("utf-8-sig").splitlines()
    release = ""
    for line in lines[:6]:
        found = re.match(r'"?Last Updated Date"?,"?([0-9-]+)', line)
        if found:
            release = found.group(1)
    start = next(
        (n for n, line in enumerate(lines) if line.lstrip('"').startswith("Country Name")), None
    )
    if start is None:
        raise BadResponse("worldbank", url, "CSV has no 'Country Name' header row")
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    missing = [c for c in WDI_HEADER if c not in (reader.fieldnames or [])]
    if missing:
        raise BadResponse("worldbank", url, f"CSV header lacks {', '.join(missing)}")
    years = [f for f in reader.fieldnames or [] if f.strip().isdigit()]
    if not years:
        raise BadResponse("worldbank", url, "CSV header has no year columns")
    records = []
    for n, row in enumerate(reader, start + 2):
        for year in years:
            raw = (row.get(year) or "").strip()
            try:
                value = float(raw) if raw else None
            except ValueError as exc:
                raise BadResponse(
                    "worldbank", url, f"line {n}, {year}: not a number {raw!r}"
                ) from exc
            records.append(
                {
                    "source": "worldbank",
                    "indicator": row["Indicator Code"],
                    "country": row["Country Code"],
                    "partner": "",
                    "year": int(year),
                    "value": value,
                    "unit": "",
                    "flag": "missing" if value is None else "",
                    "name": row["Indicator Name"],
                }
            )
    return _result(_keep(records, catalogue), content, url, release, catalogue)


def _keep(records: list[dict], catalogue: Catalogue) -> list[dict]:
    """Only the catalogued indicators and countries."""
    indicators = {i.id for i in catalogue.for_source("worldbank")}
    countries = set(catalogue.iso3)
    return [r for r in records if r["indicator"] in indicators and r["country"] in countries]


def _result(
    records: list[dict], content: bytes, url: str, release: str, catalogue: Catalogue
) -> SourceResult:
    """A World Bank SourceResult in catalogue units."""
    if not records:
        raise EmptyResult("worldbank", url, "no catalogued indicator for a catalogued country")
    frame = make_frame(records)
    units = {i.id: i.unit for i in catalogue.for_source("worldbank")}
    frame["unit"] = [units[i] for i in frame["indicator"]]
    # Every stored indicator gets a metadata row, so its run's release and sha256 reach the UI.
    titles = {i.id: i.title for i in catalogue.for_source("worldbank")}
    names = {r["indicator"]: r.get("name") or titles[r["indicator"]] for r in records}
    meta = tuple(IndicatorMeta(i, n, url=url) for i, n in names.items())
    return SourceResult(
        "worldbank", frame, meta, (url,), hashlib.sha256(content).hexdigest(), release
    )
