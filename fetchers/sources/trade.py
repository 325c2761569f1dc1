"""China–Russia bilateral goods trade from UN Comtrade's public preview API → tidy frame."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers.sources.http import Fetched, Http
from fetchers.store.errors import BadResponse, EmptyResult
from fetchers.store.tidy import IndicatorMeta, Previous, SourceResult, make_frame

SOURCE = "trade"
log = logging.getLogger(__name__)
MIRROR_FLOW = {"X": "M", "M": "X"}
FIRST_YEAR = 1992
RECORD_CAP = 500  # the keyless preview silently cuts an answer at 500 records


def fetch(settings: Settings, catalogue: Catalogue, http: Http, previous: Previous) -> SourceResult:
    """Annual goods exports and imports of each focus country with the other and the world."""
    # Load inputs.
    pair, world = catalogue.focus, catalogue.aggregate  # the world: M49 0 in Comtrade
    flows = catalogue.flows(SOURCE)
    unit = catalogue.indicator(next(iter(flows.values()))).unit  # both flows: current US$
    m49 = {c: catalogue.country(c).m49 for c in pair}
    iso3 = {code: country for country, code in m49.items()} | {world.m49: world.iso3}
    last_year = datetime.now(UTC).year - 1
    years = years_to_ask(previous, last_year, settings.trade_recent_years)
    bodies: list[Fetched] = []
    records: list[dict] = []
    notes: list[str] = []
    url = f"{settings.trade_api_url}/preview/C/A/HS"
    for n, year in enumerate(years, 1):
        log.info("%s: %s (%d of %d)", SOURCE, year, n, len(years))
        for reporter in pair:
            partner = next(c for c in pair if c != reporter)
            params = {
                "reporterCode": m49[reporter],
                "partnerCode": f"{world.m49},{m49[partner]}",
                "flowCode": "X,M",
                "cmdCode": "TOTAL",
                "period": year,  # the keyless preview takes one period per call
                "includeDesc": "false",
            }
            fetched, payload = http.get_json(SOURCE, url, params, envelope)
            bodies.append(fetched)
            rows = payload["data"] or []  # type: ignore[index]
            if len(rows) >= RECORD_CAP:
                notes.append(f"{year}: {len(rows)} records, the preview's cap: possibly cut")
            records.extend(parse_records(rows, fetched.url, iso3, flows, unit))

    # Process data.
    frame = with_mirror(make_frame(records), pair, flows)
    if frame.empty:
        raise EmptyResult(SOURCE, bodies[0].url, f"no trade reported for {_span(years)}")

    # Save outputs.
    organisation = catalogue.source(SOURCE).organisation
    meta = tuple(
        IndicatorMeta(
            indicator,
            f"Goods {'exports' if flow == 'X' else 'imports'}, all commodities (cmdCode TOTAL)",
            "Annual merchandise trade as reported by the reporter country to UN Comtrade "
            "(HS, final data). Rows flagged 'mirror' are the partner's report of the opposite "
            "flow, used where the reporter has not reported.",
            organisation,
            unit,
            bodies[0].url,
        )
        for flow, indicator in flows.items()
    )
    asked = set(years) | _parse_span(previous.validators.get("years_asked", ""))
    return SourceResult(
        source=SOURCE,
        frame=frame,
        meta=meta,
        urls=tuple(b.url for b in bodies),
        sha256=hashlib.sha256(b"".join(b.content for b in bodies)).hexdigest(),
        release=_release(records) or previous.release,
        validators={"years_asked": _span(asked)},
        notes=tuple(notes),
    )


def years_to_ask(previous: Previous, last_year: int, recent: int) -> list[int]:
    """All years on a first or full run; else the recent ones and those never stored or asked."""
    every = range(FIRST_YEAR, last_year + 1)
    if previous.full or not previous.years:
        return list(every)
    known = previous.years | _parse_span(previous.validators.get("years_asked", ""))
    return [y for y in every if y > last_year - recent or y not in known]


def envelope(payload: object) -> str | None:
    """A preview answer `{count, data, error}`, or the gateway's `{statusCode, message}`."""
    if not isinstance(payload, dict):
        raise ValueError("not a JSON object")
    if payload.get("error"):
        return str(payload["error"])
    if "statusCode" in payload and "data" not in payload:
        return str(payload.get("message") or f"status {payload['statusCode']}")
    if "data" not in payload or not isinstance(payload["data"], list | None):
        raise ValueError("lacks the 'data' list of a preview response")
    return None


def parse_records(
    rows: list, url: str, iso3: dict[int, str], flows: dict[str, str], unit: str
) -> list[dict]:
    """The plain totals among a preview answer's records as tidy rows (with their lastUpdated);
    `flows` maps Comtrade's flow code to the catalogue's indicator id."""
    out = []
    for n, row in enumerate(rows):
        try:
            reporter, partner = (
                iso3.get(int(row["reporterCode"])),
                iso3.get(int(row["partnerCode"])),
            )
            flow = str(row["flowCode"])
            year = int(row.get("refYear") or row["period"])
            value = row["primaryValue"]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(SOURCE, url, f"record {n} is malformed ({exc!r})") from exc
        if not _is_total(row) or flow not in flows or reporter is None or partner is None:
            continue
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise BadResponse(SOURCE, url, f"record {n}: non-numeric value {value!r}")
        out.append(
            {
                "source": SOURCE,
                "indicator": flows[flow],
                "country": reporter,
                "partner": partner,
                "year": year,
                "value": None if value is None else float(value),
                "unit": unit,
                "flag": "missing" if value is None else "",
                "_updated": str(row.get("lastUpdated") or ""),
            }
        )
    return out


def with_mirror(frame: pd.DataFrame, pair: tuple[str, ...], flows: dict[str, str]) -> pd.DataFrame:
    """Fill a focus country's unreported bilateral flows from its partner's report, flagged."""
    reported = set(
        zip(frame["indicator"], frame["country"], frame["partner"], frame["year"], strict=True)
    )
    mirrored = []
    for row in frame.to_dict("records"):
        if row["partner"] not in pair or pd.isna(row["value"]):
            continue
        flow = next(f for f, i in flows.items() if i == row["indicator"])
        key = (flows[MIRROR_FLOW[flow]], row["partner"], row["country"], row["year"])
        if key not in reported:
            mirrored.append(
                {**row, "indicator": key[0], "country": key[1], "partner": key[2], "flag": "mirror"}
            )
    if not mirrored:
        return frame
    return make_frame(frame.to_dict("records") + mirrored)


def _is_total(row: dict) -> bool:
    """Keep the plain totals: no second partner, mode of transport or customs breakdown."""
    return (
        row.get("partner2Code") in (None, 0, "0")
        and row.get("motCode") in (None, 0, "0")
        and row.get("customsCode") in (None, "", "C00")
        and str(row.get("cmdCode", "TOTAL")) == "TOTAL"
    )


def _release(records: list[dict]) -> str:
    """The newest 'lastUpdated' date among the records, if the API gave one."""
    dates = sorted(r["_updated"][:10] for r in records if r.get("_updated"))
    return dates[-1] if dates else ""


def _span(years: Iterable[int]) -> str:
    """Years as compact ranges: {1992, 1993, 1994, 2001} → '1992-1994,2001'."""
    ordered, parts = sorted(set(years)), []
    for year in ordered:
        if parts and parts[-1][1] == year - 1:
            parts[-1][1] = year
        else:
            parts.append([year, year])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in parts)


def _parse_span(text: str) -> set[int]:
    """The years of a `_span` text ('' → none; anything unreadable → none)."""
    years: set[int] = set()
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        if not (low.isdigit() and (high or low).isdigit()):
            return set()
        years.update(range(int(low), int(high or low) + 1))
    return years
