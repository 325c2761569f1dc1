"""World Bank API v2 answers checked and parsed: the envelope, paging header, records, metadata."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from config.catalogue import Indicator
from fetchers.sources.http import Fetched, decode_json
from fetchers.store.errors import BadResponse, EmptyResult
from fetchers.store.tidy import IndicatorMeta, make_frame

SOURCE = "worldbank"
HEADER_FIELDS = ("page", "pages", "per_page", "total")


def envelope(payload: object) -> str | None:
    """The v2 envelope: `[header, records]`, or `[{"message": [...]}]` for an error."""
    if not isinstance(payload, list) or not payload or not isinstance(payload[0], dict):
        raise ValueError("not the API's [header, records] list")
    if "message" in payload[0]:
        messages = payload[0]["message"] or []
        texts = [
            f"{m.get('key', '')}: {m.get('value', '')}".strip(": ")
            for m in messages
            if isinstance(m, dict)
        ]
        return "; ".join(dict.fromkeys(texts)) or repr(messages)
    if len(payload) != 2:
        raise ValueError(f"expected [header, records], got {len(payload)} parts")
    return None


def decode(fetched: Fetched) -> list:
    """Decode a v2 JSON body (BOM or not) and check its envelope."""
    return decode_json(SOURCE, fetched, envelope)  # type: ignore[return-value]


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
    """Tidy frame in catalogue units; raise if nothing came back, or records not asked for."""
    if not records:
        raise EmptyResult(SOURCE, url, "no observations returned")
    frame = make_frame(records)
    units = {i.id: i.unit for i in indicators}
    frame["unit"] = [
        u or units.get(i, "") for u, i in zip(frame["unit"], frame["indicator"], strict=True)
    ]
    extra = sorted(set(frame["indicator"]) - set(units))
    if extra:
        raise BadResponse(SOURCE, url, f"records for indicators not asked for: {extra}")
    return frame


def missing_countries(
    frame: pd.DataFrame, indicators: Sequence[Indicator], countries: Sequence[str]
) -> dict[str, list[str]]:
    """Per indicator with records, the asked-for countries the answer holds no record for."""
    got = set(zip(frame["indicator"], frame["country"], strict=False))
    present = set(frame["indicator"])
    gaps = {i.id: [c for c in countries if (i.id, c) not in got] for i in indicators}
    return {i: c for i, c in gaps.items() if c and i in present}


def parse_indicator_meta(rows: list, url: str) -> list[IndicatorMeta]:
    """Name, source note and organisation from the records of an `indicator/A;B` response."""
    out = []
    for row in rows or []:
        if not isinstance(row, dict) or "id" not in row:
            raise BadResponse(SOURCE, url, f"indicator metadata record without an id: {row!r}")
        out.append(
            IndicatorMeta(
                indicator=str(row["id"]),
                name=str(row.get("name") or ""),
                source_note=str(row.get("sourceNote") or ""),
                source_organization=str(row.get("sourceOrganization") or ""),
                unit=str(row.get("unit") or ""),
                url=url,
            )
        )
    return out


def parse_source_release(rows: list, url: str) -> str:
    """The `lastupdated` date of a `sources/ID` response's records."""
    if not rows or not isinstance(rows[0], dict):
        raise BadResponse(SOURCE, url, "source metadata has no record")
    return str(rows[0].get("lastupdated") or "")
