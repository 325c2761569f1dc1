"""World Bank client over real HTTP against the local emulator."""

from __future__ import annotations

import math

import pytest

from fetchers import worldbank
from fetchers.errors import BadResponse
from fetchers.http import Http
from tests.support.wbfake import LASTUPDATED


def test_fetches_every_indicator_and_country_across_pages(settings, catalogue, wb):
    settings = settings.__class__(**{**settings.__dict__, "worldbank_per_page": 500})
    result = worldbank.fetch(settings, catalogue, Http(settings))
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
    frame = worldbank.fetch(settings, catalogue, Http(settings)).frame
    early = frame[(frame.country == "RUS") & (frame.year == 1970)]
    assert not early.empty
    assert early["value"].map(math.isnan).all()
    assert set(early["flag"]) == {"missing"}


def test_request_count_is_at_most_one_per_indicator_plus_metadata(settings, catalogue, wb):
    worldbank.fetch(settings, catalogue, Http(settings))
    n = len(catalogue.for_source("worldbank"))
    data_calls = [r for r in wb.requests if "/country/" in r]
    assert len(data_calls) <= n
    assert len(wb.requests) <= 2 * n + 1


def test_metadata_is_read(settings, catalogue, wb):
    result = worldbank.fetch(settings, catalogue, Http(settings))
    meta = {m.indicator: m for m in result.meta}
    assert meta["SP.POP.TOTL"].source_note == "Synthetic note for SP.POP.TOTL."
    assert meta["SP.POP.TOTL"].source_organization == "Synthetic organisation"


def test_unknown_indicator_is_named(settings, catalogue, wb):
    wb.unknown.add("MS.MIL.XPND.CD")
    with pytest.raises(BadResponse, match=r"refused indicator\(s\): MS.MIL.XPND.CD"):
        worldbank.fetch(settings, catalogue, Http(settings))


def test_a_mirror_refusing_batches_is_read_one_indicator_at_a_time(settings, catalogue, wb):
    real = wb._data

    def no_batches(countries, indicators, args):
        if len(indicators) > 1:
            return [{"message": [{"id": "120", "key": "Invalid value", "value": "batch"}]}]
        return real(countries, indicators, args)

    wb._data = no_batches
    result = worldbank.fetch(settings, catalogue, Http(settings))
    n = len(catalogue.for_source("worldbank"))
    assert set(result.frame["indicator"]) == {i.id for i in catalogue.for_source("worldbank")}
    data_calls = [r for r in wb.requests if "/country/" in r]
    assert len(data_calls) == n + 1  # the refused batch, then one call per indicator
