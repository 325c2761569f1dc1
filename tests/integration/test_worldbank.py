"""World Bank client over real HTTP against the local emulator and its documented limits."""

from __future__ import annotations

import dataclasses
import math

import pytest

from config.catalogue import Catalogue, Indicator
from fetchers.jobs.refresh import refresh
from fetchers.sources import worldbank, worldbank_parse
from fetchers.sources.http import Http
from fetchers.store.errors import APIError
from fetchers.store.tidy import Previous
from tests.support.wbfake import LASTUPDATED, MAX_INDICATORS, MAX_URL

FIRST = Previous()


def fetch(settings, catalogue, previous=FIRST):
    return worldbank.fetch(settings, catalogue, Http(settings), previous)


def test_fetches_every_indicator_and_country_across_pages(settings, catalogue, wb):
    settings = dataclasses.replace(settings, worldbank_per_page=500)
    result = fetch(settings, catalogue)
    frame = result.frame
    wanted = {(i.id, c) for i in catalogue.for_source("worldbank") for c in catalogue.iso3}
    assert set(zip(frame["indicator"], frame["country"], strict=False)) == wanted
    assert len(frame) == len(wanted) * len(wb.years)
    row = frame[
        (frame.indicator == "NY.GDP.MKTP.CD") & (frame.country == "CHN") & (frame.year == 2014)
    ]
    assert row["value"].item() == wb.value("NY.GDP.MKTP.CD", "CHN", 2014)
    assert row["unit"].item() == "current US$"
    assert result.release == LASTUPDATED
    assert len(result.sha256) == 64
    data_calls = [r for r in wb.requests if "/country/" in r]
    assert len(data_calls) > 1  # several pages were read


def test_nulls_stay_missing_never_zero(settings, catalogue, wb):
    frame = fetch(settings, catalogue).frame
    early = frame[(frame.country == "RUS") & (frame.year == 1970)]
    assert not early.empty
    assert early["value"].map(math.isnan).all()
    assert set(early["flag"]) == {"missing"}


def test_full_refresh_is_at_most_four_requests(settings, catalogue, wb):
    result = fetch(settings, catalogue)
    assert len(catalogue.for_source("worldbank")) <= 60  # one call holds them all
    # sources/2, one data call (two pages of 5,000 for seven countries), one metadata call
    assert len(wb.requests) == 4, wb.requests
    assert sum("/indicator/" in r and "/country/" not in r for r in wb.requests) == 1
    meta = {m.indicator: m for m in result.meta}
    assert set(meta) == {i.id for i in catalogue.for_source("worldbank")}
    assert meta["SP.POP.TOTL"].source_note == "Synthetic note for SP.POP.TOTL."
    assert meta["SP.POP.TOTL"].source_organization == "Synthetic organisation"


def test_unchanged_release_is_one_request_and_stores_nothing(settings, catalogue, store, wb):
    first = refresh("worldbank", settings, catalogue, store)
    assert first.status == "ok", first.error
    wb.requests.clear()
    wb.overrides[("NY.GDP.MKTP.CD", "RUS", 2020)] = 1.0  # not seen: the release says unchanged
    again = refresh("worldbank", settings, catalogue, store)
    assert again.status == "unchanged" and again.ok
    assert len(wb.requests) == 1 <= 2 and "/sources/2" in wb.requests[0]
    assert "unchanged" in again.line()
    runs = store.last_runs().set_index("source")
    assert runs.loc["worldbank", "status"] == "unchanged"
    assert runs.loc["worldbank", "release"] == LASTUPDATED
    assert store.history().empty
    wb.release = "2099-02-01"
    revised = refresh("worldbank", settings, catalogue, store)
    assert (revised.status, revised.changed, revised.release) == ("ok", 1, "2099-02-01")
    wb.requests.clear()
    full = refresh("worldbank", settings, catalogue, store, full=True)
    # --full reads even an unchanged release: sources/2, two data pages, metadata
    assert full.status == "ok" and len(wb.requests) == 4


def test_byte_order_mark_is_read(settings, catalogue, wb):
    wb.bom = True
    result = fetch(settings, catalogue)
    assert result.release == LASTUPDATED
    assert set(result.frame["indicator"]) == {i.id for i in catalogue.for_source("worldbank")}


def test_archived_indicator_is_refused_and_the_rest_stored(settings, catalogue, store, wb):
    wb.unknown.add("MS.MIL.XPND.CD")
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.status == "partial" and summary.ok
    assert summary.refused == ("MS.MIL.XPND.CD",)
    assert "MS.MIL.XPND.CD" in summary.line()
    stored = set(store.observations(sources=["worldbank"])["indicator"])
    assert stored == {i.id for i in catalogue.for_source("worldbank")} - {"MS.MIL.XPND.CD"}
    run = store.last_runs().set_index("source").loc["worldbank"]
    assert run["status"] == "partial"
    assert "MS.MIL.XPND.CD" in run["error"]
    # the refused batch, one call per indicator, sources/2 and one metadata batch
    assert len(wb.requests) == 1 + len(catalogue.for_source("worldbank")) + 2


def test_everything_refused_fails_with_the_services_message(settings, catalogue, store, wb):
    wb.unknown.update(i.id for i in catalogue.for_source("worldbank"))
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.status == "failed"
    # The emulator is on localhost, an internal host that visitors are not shown.
    assert summary.error == (
        "the source refused the request: Invalid format: The indicator was not found. "
        "It may have been deleted or archived."
    )


def test_a_mirror_refusing_batches_is_read_one_indicator_at_a_time(settings, catalogue, wb):
    real = wb._data

    def no_batches(countries, indicators, args):
        if len(indicators) > 1:
            return [{"message": [{"id": "120", "key": "Invalid value", "value": "batch"}]}]
        return real(countries, indicators, args)

    wb._data = no_batches
    result = fetch(settings, catalogue)
    n = len(catalogue.for_source("worldbank"))
    assert set(result.frame["indicator"]) == {i.id for i in catalogue.for_source("worldbank")}
    assert not result.refused
    data_calls = [r for r in wb.requests if "/country/" in r]
    assert len(data_calls) == n + 1  # the refused batch, then one call per indicator


def test_metadata_refused_in_batch_is_read_one_at_a_time(settings, catalogue, wb):
    real = wb._indicator_meta
    wb._indicator_meta = lambda ids: real(ids) if len(ids) == 1 else [{"message": []}]
    result = fetch(settings, catalogue)
    assert {m.name for m in result.meta} == {
        f"Synthetic {i.id}" for i in catalogue.for_source("worldbank")
    }


def test_a_large_catalogue_keeps_within_the_documented_limits(settings, catalogue, wb):
    many = tuple(
        Indicator(f"XX.SYNTHETIC.LONG.INDICATOR.CODE.{n:03d}", "worldbank", f"S{n}", "u", "b",
                  "economy", "CC BY 4.0")
        for n in range(150)
    )  # fmt: skip
    big = Catalogue(catalogue.sources, catalogue.countries, many)
    wb.years = [2020]
    result = fetch(dataclasses.replace(settings, worldbank_per_page=30000), big)
    assert set(result.frame["indicator"]) == {i.id for i in many}
    for path in wb.requests:
        ids = path.split("?")[0].rsplit("/", 1)[-1].split(";")
        assert len(ids) <= MAX_INDICATORS
        assert len(settings.worldbank_api_url) + len(path) < MAX_URL
    data_calls = [r for r in wb.requests if "/country/" in r]
    assert len(data_calls) >= 3  # 150 ids of ~38 characters need several calls


def test_error_envelope_in_isolation_is_an_api_error(settings, wb):
    http = Http(settings)
    wb.unknown.add("XX")
    with pytest.raises(APIError) as info:
        http.get_json(
            "worldbank",
            f"{settings.worldbank_api_url}/country/CHN/indicator/XX",
            {"format": "json"},
            worldbank_parse.envelope,
        )
    assert info.value.message.endswith("deleted or archived.")


def test_a_country_missing_from_the_answer_stores_the_rest_as_partial(
    settings, catalogue, store, wb
):
    assert refresh("worldbank", settings, catalogue, store).status == "ok"
    before = store.observations(sources=["worldbank"])
    wb.absent.add("RUS")
    wb.release = "2099-02-01"
    wb.overrides[("NY.GDP.MKTP.CD", "CHN", 2020)] = 123.0
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.status == "partial" and summary.ok
    assert "no values for RUS in NY.GDP.MKTP.CD; kept as before" in summary.line()
    after = store.observations(sources=["worldbank"])
    # The rest is stored (a revised value arrives) and Russia's values stand as they were.
    gdp = after[(after.indicator == "NY.GDP.MKTP.CD") & (after.country == "CHN")]
    assert gdp.set_index("year").loc[2020, "value"] == 123.0
    russia = lambda f: f[f.country == "RUS"].sort_values(["indicator", "year"])["value"].tolist()  # noqa: E731
    assert russia(after) == pytest.approx(russia(before), nan_ok=True)
    run = store.last_runs().set_index("source").loc["worldbank"]
    assert run["status"] == "partial" and "RUS" in run["notes"]
