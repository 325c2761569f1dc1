"""China–Russia bilateral goods trade from UN Comtrade's public preview API → tidy frame."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pandas as pd

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers.errors import BadResponse, EmptyResult
from fetchers.http import Fetched, Http
from fetchers.tidy import IndicatorMeta, SourceResult, make_frame

SOURCE = "trade"
ORGANIZATION = "United Nations Statistics Division, UN Comtrade"
# UN M49 codes as Comtrade uses them; 0 is the world.
M49 = {"CHN": 156, "RUS": 643, "USA": 842, "WLD": 0}
ISO3 = {code: iso3 for iso3, code in M49.items()}
FLOWS = {"X": "CMT.TOTAL.X", "M": "CMT.TOTAL.M"}
MIRROR_FLOW = {"X": "M", "M": "X"}
FIRST_YEAR = 1992
YEARS_PER_CALL = 12
UNIT = "current US$"


def fetch(settings: Settings, catalogue: Catalogue, http: Http) -> SourceResult:
    """Annual goods exports and imports of each focus country with the other and the world."""
    # Load inputs.
    pair = catalogue.focus
    bodies: list[Fetched] = []
    records: list[dict] = []
    last_year = datetime.now(UTC).year - 1
    for reporter in pair:
        partner = next(c for c in pair if c != reporter)
        for years in _chunks(range(FIRST_YEAR, last_year + 1), YEARS_PER_CALL):
            params = {
                "reporterCode": M49[reporter],
                "partnerCode": f"{M49['WLD']},{M49[partner]}",
                "flowCode": "X,M",
                "cmdCode": "TOTAL",
                "period": ",".join(str(y) for y in years),
                "includeDesc": "false",
            }
            fetched = http.get(SOURCE, f"{settings.trade_api_url}/preview/C/A/HS", params)
            bodies.append(fetched)
            records.extend(parse_records(fetched))

    # Process data.
    frame = with_mirror(make_frame(records), pair)
    if frame.empty or not (frame["country"] == pair[0]).any():
        raise EmptyResult(SOURCE, bodies[0].url, f"no trade reported by {pair[0]}")

    # Save outputs.
    meta = tuple(
        IndicatorMeta(
            indicator,
            f"Goods {'exports' if flow == 'X' else 'imports'}, all commodities (cmdCode TOTAL)",
            "Annual merchandise trade as reported by the reporter country to UN Comtrade "
            "(HS, final data). Rows flagged 'mirror' are the partner's report of the opposite "
            "flow, used where the reporter has not reported.",
            ORGANIZATION,
            UNIT,
            bodies[0].url,
        )
        for flow, indicator in FLOWS.items()
    )
    return SourceResult(
        source=SOURCE,
        frame=frame,
        meta=meta,
        urls=tuple(b.url for b in bodies),
        sha256=hashlib.sha256(b"".join(b.content for b in bodies)).hexdigest(),
        release=_release(records),
    )


def parse_records(fetched: Fetched) -> list[dict]:
    """Check a preview response ({"count", "data", "error"}) and turn its totals into rows."""
    try:
        payload = json.loads(fetched.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = fetched.content[:80].decode("utf-8", "replace").strip()
        raise BadResponse(SOURCE, fetched.url, f"body is not JSON ({exc}): {start!r}") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("data", []), list | None):
        raise BadResponse(SOURCE, fetched.url, "body lacks the 'data' list of a preview response")
    if payload.get("error"):
        raise BadResponse(SOURCE, fetched.url, f"API error: {payload['error']}")
    if "data" not in payload:
        raise BadResponse(SOURCE, fetched.url, "body lacks the 'data' list of a preview response")
    out = []
    for n, row in enumerate(payload["data"] or []):
        try:
            reporter, partner = (
                ISO3.get(int(row["reporterCode"])),
                ISO3.get(int(row["partnerCode"])),
            )
            flow = str(row["flowCode"])
            year = int(row.get("refYear") or row["period"])
            value = row["primaryValue"]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse(SOURCE, fetched.url, f"record {n} is malformed ({exc!r})") from exc
        if not _is_total(row) or flow not in FLOWS or reporter is None or partner is None:
            continue
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise BadResponse(SOURCE, fetched.url, f"record {n}: non-numeric value {value!r}")
        out.append(
            {
                "source": SOURCE,
                "indicator": FLOWS[flow],
                "country": reporter,
                "partner": partner,
                "year": year,
                "value": None if value is None else float(value),
                "unit": UNIT,
                "flag": "missing" if value is None else "",
                "_updated": str(row.get("lastUpdated") or ""),
            }
        )
    return out


def with_mirror(frame: pd.DataFrame, pair: tuple[str, ...]) -> pd.DataFrame:
    """Fill a focus country's unreported bilateral flows from its partner's report, flagged."""
    reported = set(
        zip(frame["indicator"], frame["country"], frame["partner"], frame["year"], strict=True)
    )
    mirrored = []
    for row in frame.to_dict("records"):
        if row["partner"] not in pair or pd.isna(row["value"]):
            continue
        flow = next(f for f, i in FLOWS.items() if i == row["indicator"])
        key = (FLOWS[MIRROR_FLOW[flow]], row["partner"], row["country"], row["year"])
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


def _chunks(years: range, size: int) -> Iterator[list[int]]:
    """Consecutive runs of at most `size` years."""
    items = list(years)
    for start in range(0, len(items), size):
        yield items[start : start + size]
