"""World Bank Indicators API v2 client: batched, paged, envelope-checked → tidy frame."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Sequence

import pandas as pd

from config.catalogue import Catalogue, Indicator
from config.settings import Settings
from fetchers.errors import BadResponse, EmptyResult
from fetchers.http import Fetched, Http
from fetchers.tidy import IndicatorMeta, SourceResult, make_frame

SOURCE = "worldbank"
log = logging.getLogger(__name__)
WDI_SOURCE_ID = "2"
HEADER_FIELDS = ("page", "pages", "per_page", "total")


def fetch(settings: Settings, catalogue: Catalogue, http: Http) -> SourceResult:
    """Fetch every catalogued World Bank indicator for every catalogued country."""
    # Load inputs.
    indicators = catalogue.for_source(SOURCE)
    countries = catalogue.iso3
    base = settings.worldbank_api_url
    bodies: list[Fetched] = []
    records: list[dict] = []
    header_release = ""
    for batch in _batches(indicators, settings.worldbank_batch_size):
        pages = _read_batch(http, base, countries, batch, settings.worldbank_per_page)
        for fetched, header, rows in pages:
            bodies.append(fetched)
            header_release = header_release or str(header.get("lastupdated") or "")
            records.extend(parse_records(rows, fetched.url))
    meta = []
    for indicator in indicators:
        try:
            fetched = http.get(SOURCE, f"{base}/indicator/{indicator.id}", {"format": "json"})
        except BadResponse as exc:
            if "HTTP 404" not in exc.detail:
                raise
            # A mirror without the metadata endpoint: the data still stand, titled from the catalogue.
            log.warning("no metadata for %s: %s", indicator.id, exc)
            meta.append(IndicatorMeta(indicator.id, indicator.title, url=exc.url))
            continue
        bodies.append(fetched)
        meta.append(parse_indicator_meta(fetched))
    release = _source_release(http, base, header_release, bodies)

    # Process data.
    frame = to_frame(records, indicators, countries, bodies[0].url)

    # Save outputs (the job stores them).
    digest = hashlib.sha256(b"".join(b.content for b in bodies)).hexdigest()
    return SourceResult(
        source=SOURCE,
        frame=frame,
        meta=tuple(meta),
        urls=tuple(b.url for b in bodies),
        sha256=digest,
        release=release,
    )


def decode(fetched: Fetched) -> list:
    """Decode a v2 JSON body and check the envelope; raise BadResponse on an error message."""
    try:
        payload = json.loads(fetched.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = fetched.content[:80].decode("utf-8", "replace").strip()
        raise BadResponse(SOURCE, fetched.url, f"body is not JSON ({exc}): {start!r}") from exc
    if not isinstance(payload, list) or not payload or not isinstance(payload[0], dict):
        raise BadResponse(SOURCE, fetched.url, "body is not the API's [header, records] list")
    if "message" in payload[0]:
        messages = payload[0]["message"] or []
        texts = [
            f"{m.get('key', '')}: {m.get('value', '')}".strip(": ")
            for m in messages
            if isinstance(m, dict)
        ]
        text = "; ".join(dict.fromkeys(texts)) or repr(messages)
        raise BadResponse(SOURCE, fetched.url, f"API error: {text}")
    if len(payload) != 2:
        raise BadResponse(
            SOURCE, fetched.url, f"expected [header, records], got {len(payload)} parts"
        )
    return payload


def parse_header(header: dict, url: str) -> dict[str, int]:
    """The paging numbers of a header (the API sends them as numbers or strings)."""
    try:
        return {k: int(header[k]) for k in HEADER_FIELDS}
    except (KeyError, TypeError, ValueError) as exc:
        raise BadResponse(SOURCE, url, f"header lacks a numeric {exc}: {header!r}") from exc


def parse_records(rows: list, url: str) -> list[dict]:
    """Data records → tidy row dicts; every record is checked."""
    out = []
    for n, row in enumerate(rows):
        try:
            indicator = row["indicator"]["id"]
            country = row["countryiso3code"] or row["country"]["id"]
            year = int(row["date"])
            value = row["value"]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(SOURCE, url, f"record {n} is malformed ({exc!r}): {row!r}") from exc
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise BadResponse(SOURCE, url, f"record {n} has a non-numeric value {value!r}")
        out.append(
            {
                "source": SOURCE,
                "indicator": indicator,
                "country": country,
                "partner": "",
                "year": year,
                "value": None if value is None else float(value),
                "unit": str(row.get("unit") or ""),
                "flag": "missing" if value is None else "",
            }
        )
    return out


def to_frame(
    records: list[dict], indicators: Sequence[Indicator], countries: Sequence[str], url: str
) -> pd.DataFrame:
    """Tidy frame in catalogue units; raise if any asked-for series came back absent."""
    if not records:
        raise EmptyResult(SOURCE, url, "no observations returned")
    frame = make_frame(records)
    units = {i.id: i.unit for i in indicators}
    frame["unit"] = [
        u or units.get(i, "") for u, i in zip(frame["unit"], frame["indicator"], strict=True)
    ]
    got = set(zip(frame["indicator"], frame["country"], strict=False))
    absent = [f"{i.id}/{c}" for i in indicators for c in countries if (i.id, c) not in got]
    if absent:
        raise BadResponse(SOURCE, url, f"no records for {', '.join(absent)}")
    extra = sorted(set(frame["indicator"]) - set(units))
    if extra:
        raise BadResponse(SOURCE, url, f"records for indicators not asked for: {extra}")
    return frame


def parse_indicator_meta(fetched: Fetched) -> IndicatorMeta:
    """Name, source note and organisation from an `indicator/ID` response."""
    _, rows = decode(fetched)
    if not rows or not isinstance(rows[0], dict) or "id" not in rows[0]:
        raise BadResponse(SOURCE, fetched.url, "indicator metadata has no record")
    row = rows[0]
    return IndicatorMeta(
        indicator=str(row["id"]),
        name=str(row.get("name") or ""),
        source_note=str(row.get("sourceNote") or ""),
        source_organization=str(row.get("sourceOrganization") or ""),
        unit=str(row.get("unit") or ""),
        url=fetched.url,
    )


def parse_source_release(fetched: Fetched) -> str:
    """The `lastupdated` date of a `sources/ID` response."""
    _, rows = decode(fetched)
    if not rows or not isinstance(rows[0], dict):
        raise BadResponse(SOURCE, fetched.url, "source metadata has no record")
    return str(rows[0].get("lastupdated") or "")


def _batches(items: Sequence[Indicator], size: int) -> Iterator[Sequence[Indicator]]:
    """Consecutive slices of at most `size` indicators."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _source_release(http: Http, base: str, header_release: str, bodies: list[Fetched]) -> str:
    """The source's `lastupdated`, or the data header's when the sources endpoint is missing."""
    try:
        fetched = http.get(SOURCE, f"{base}/sources/{WDI_SOURCE_ID}", {"format": "json"})
    except BadResponse:
        if header_release:
            return header_release
        raise
    bodies.append(fetched)
    return parse_source_release(fetched) or header_release


def _read_batch(
    http: Http, base: str, countries: Sequence[str], batch: Sequence[Indicator], per_page: int
) -> list[tuple[Fetched, dict, list]]:
    """Pages of one batch; if the API refuses the batch, each indicator is read alone."""
    try:
        return _read_all_pages(http, base, countries, batch, per_page)
    except BadResponse as exc:
        if len(batch) == 1 or "API error" not in exc.detail:
            raise
        refused = exc
    # One call per indicator keeps within the request budget and names the refused ones.
    pages, bad = [], []
    for indicator in batch:
        try:
            pages.extend(_read_all_pages(http, base, countries, [indicator], per_page))
        except BadResponse as exc:
            if "API error" not in exc.detail:
                raise
            bad.append(indicator.id)
    if bad:
        raise BadResponse(
            SOURCE, refused.url, f"{refused.detail}; refused indicator(s): {', '.join(bad)}"
        ) from refused
    return pages


def _read_all_pages(
    http: Http, base: str, countries: Sequence[str], batch: Sequence[Indicator], per_page: int
) -> list[tuple[Fetched, dict, list]]:
    """Every page of one data call, checked for a consistent page count and total."""
    url = f"{base}/country/{';'.join(countries)}/indicator/{';'.join(i.id for i in batch)}"
    params: dict[str, str | int] = {"format": "json", "per_page": per_page, "source": WDI_SOURCE_ID}
    first = http.get(SOURCE, url, {**params, "page": 1})
    header, rows = decode(first)
    numbers = parse_header(header, first.url)
    pages = [(first, header, rows or [])]
    for page in range(2, numbers["pages"] + 1):
        fetched = http.get(SOURCE, url, {**params, "page": page})
        head, more = decode(fetched)
        if parse_header(head, fetched.url)["pages"] != numbers["pages"]:
            raise BadResponse(SOURCE, fetched.url, "page count changed while paging")
        if not more:
            raise BadResponse(SOURCE, fetched.url, f"page {page} of {numbers['pages']} is empty")
        pages.append((fetched, head, more))
    count = sum(len(p[2]) for p in pages)
    if count != numbers["total"]:
        raise BadResponse(
            SOURCE, first.url, f"read {count} records, header total is {numbers['total']}"
        )
    return pages
