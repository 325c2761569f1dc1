"""World Bank Indicators API v2 client: release first, batched data and metadata → tidy frame."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence

import pandas as pd

from config.catalogue import Catalogue, Indicator
from config.settings import Settings
from config.vocabulary import KEPT
from fetchers.sources.http import Fetched, Http
from fetchers.sources.worldbank_parse import (
    SOURCE,
    envelope,
    missing_countries,
    parse_header,
    parse_indicator_meta,
    parse_records,
    parse_source_release,
    to_frame,
)
from fetchers.store.errors import APIError, BadResponse, HTTPStatusError
from fetchers.store.tidy import IndicatorMeta, Previous, SourceResult, make_frame

log = logging.getLogger(__name__)
WDI_SOURCE_ID = "2"
# The API's documented limits: 60 indicators per source=2 call, a path segment of ~1,500
# characters and a URL of ~4,000; QUERY_ROOM keeps space for the query string.
MAX_PER_CALL = 60
MAX_SEGMENT = 1500
MAX_URL = 4000
QUERY_ROOM = 80


def fetch(settings: Settings, catalogue: Catalogue, http: Http, previous: Previous) -> SourceResult:
    """Every catalogued indicator for every catalogued country, unless the release is unchanged."""
    # Load inputs.
    indicators = catalogue.for_source(SOURCE)
    countries = catalogue.iso3
    base = settings.worldbank_api_url
    bodies: list[Fetched] = []
    release = _source_release(http, base, bodies)
    if release and release == previous.release and not previous.full:
        return _result(make_frame([]), (), bodies, release, unchanged=True)
    records: list[dict] = []
    refused: list[str] = []
    prefix = f"{base}/country/{';'.join(countries)}/indicator/"
    size = min(settings.worldbank_batch_size, MAX_PER_CALL)
    for batch in _batches(indicators, size, len(prefix)):
        pages, bad = _read_batch(http, prefix, batch, settings.worldbank_per_page)
        refused += bad
        for fetched, header, rows in pages:
            bodies.append(fetched)
            release = release or str(header.get("lastupdated") or "")
            records.extend(parse_records(rows, fetched.url))
    # An indicator absent from a good answer was dropped by the API (archived or renamed).
    got = {r["indicator"] for r in records}
    refused += [i.id for i in indicators if i.id not in got and i.id not in refused]
    kept = [i for i in indicators if i.id not in refused]
    meta = _metadata(http, base, kept, bodies)

    # Process data.
    frame = to_frame(records, kept, countries, bodies[-1].url)
    # A country the answer left out of an indicator: the rest is stored, its values kept as they
    # were (the indicator counts as refused, so no stored value reads as removed), and named.
    gaps = missing_countries(frame, kept, countries)
    refused += list(gaps)
    notes = tuple(f"no values for {', '.join(c)} in {i}; {KEPT}" for i, c in gaps.items())
    if refused:
        log.warning("%s: refused or incomplete, %s: %s", SOURCE, KEPT, ", ".join(refused))

    # Save outputs (the job stores them).
    return _result(frame, meta, bodies, release, refused=tuple(refused), notes=notes)


def _result(
    frame: pd.DataFrame,
    meta: Sequence[IndicatorMeta],
    bodies: list[Fetched],
    release: str,
    refused: tuple[str, ...] = (),
    unchanged: bool = False,
    notes: tuple[str, ...] = (),
) -> SourceResult:
    """The SourceResult of a refresh, with the sha256 of every body read."""
    return SourceResult(
        source=SOURCE,
        frame=frame,
        meta=tuple(meta),
        urls=tuple(b.url for b in bodies),
        sha256=hashlib.sha256(b"".join(b.content for b in bodies)).hexdigest(),
        release=release,
        refused=refused,
        unchanged=unchanged,
        notes=notes,
    )


def _source_release(http: Http, base: str, bodies: list[Fetched]) -> str:
    """The source's `lastupdated` ("" on a mirror without the sources endpoint)."""
    url = f"{base}/sources/{WDI_SOURCE_ID}"
    try:
        fetched, (_, rows) = http.get_json(SOURCE, url, {"format": "json"}, envelope)
    except HTTPStatusError as exc:
        if exc.status != 404:
            raise
        log.warning("no sources endpoint; the data header's lastupdated stands in: %s", exc)
        return ""
    bodies.append(fetched)
    return parse_source_release(rows, fetched.url)


def _batches(items: Sequence[Indicator], size: int, prefix: int) -> Iterator[list[Indicator]]:
    """Consecutive batches within the call limits: `size` ids, the segment and the URL length."""
    batch: list[Indicator] = []
    for item in items:
        segment = len(";".join(i.id for i in [*batch, item]))
        too_long = segment > MAX_SEGMENT or prefix + segment + QUERY_ROOM > MAX_URL
        if batch and (len(batch) >= size or too_long):
            yield batch
            batch = []
        batch.append(item)
    if batch:
        yield batch


def _read_batch(
    http: Http, prefix: str, batch: Sequence[Indicator], per_page: int
) -> tuple[list[tuple[Fetched, dict, list]], list[str]]:
    """Pages of one batch, and the ids the API refused; a refused batch is read one at a time."""
    try:
        return _read_all_pages(http, prefix, batch, per_page), []
    except APIError as exc:
        if len(batch) == 1:
            return [], [batch[0].id]
        first = exc
    log.warning("%s: batch refused (%s); reading its indicators one at a time", SOURCE, first)
    pages, refused = [], []
    for indicator in batch:
        try:
            pages.extend(_read_all_pages(http, prefix, [indicator], per_page))
        except APIError:
            refused.append(indicator.id)
    if not pages:
        raise first  # nothing came back at all: the service's own message says why
    return pages, refused


def _read_all_pages(
    http: Http, prefix: str, batch: Sequence[Indicator], per_page: int
) -> list[tuple[Fetched, dict, list]]:
    """Every page of one data call, checked for a consistent page count and total."""
    url = prefix + ";".join(i.id for i in batch)
    params: dict[str, str | int] = {"format": "json", "per_page": per_page, "source": WDI_SOURCE_ID}
    first, (header, rows) = http.get_json(SOURCE, url, {**params, "page": 1}, envelope)
    numbers = parse_header(header, first.url)
    pages = [(first, header, rows or [])]
    for page in range(2, numbers["pages"] + 1):
        fetched, (head, more) = http.get_json(SOURCE, url, {**params, "page": page}, envelope)
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


def _metadata(
    http: Http, base: str, indicators: Sequence[Indicator], bodies: list[Fetched]
) -> list[IndicatorMeta]:
    """Metadata in batches (`indicator/A;B;…`); one at a time where a batch is refused or short."""
    meta: list[IndicatorMeta] = []
    prefix = f"{base}/indicator/"
    for batch in _batches(indicators, MAX_PER_CALL, len(prefix)):
        got = _metadata_call(http, prefix, batch, bodies)
        found = {m.indicator: m for m in got or []}
        for indicator in batch:
            if indicator.id in found:
                meta.append(found[indicator.id])
            elif len(batch) > 1:
                alone = _metadata_call(http, prefix, [indicator], bodies)
                meta.append(alone[0] if alone else IndicatorMeta(indicator.id, indicator.title))
            else:
                meta.append(IndicatorMeta(indicator.id, indicator.title))
    return meta


def _metadata_call(
    http: Http, prefix: str, batch: Sequence[Indicator], bodies: list[Fetched]
) -> list[IndicatorMeta] | None:
    """One metadata call; None when the API refuses it (the catalogue title then stands in)."""
    url = prefix + ";".join(i.id for i in batch)
    try:
        fetched, (_, rows) = http.get_json(
            SOURCE, url, {"format": "json", "per_page": MAX_PER_CALL}, envelope
        )
    except (APIError, HTTPStatusError) as exc:
        if isinstance(exc, HTTPStatusError) and exc.status != 404:
            raise
        log.warning("%s: no metadata for %s: %s", SOURCE, url, exc)
        return None
    bodies.append(fetched)
    wanted = {i.id for i in batch}
    return [m for m in parse_indicator_meta(rows, fetched.url) if m.indicator in wanted]
