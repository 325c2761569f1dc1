"""Derived series on tiny SYNTHETIC frames: GDP at PPP computed from per capita × population."""

from __future__ import annotations

import pandas as pd
import pytest

from config.catalogue import load_catalogue
from dashboard.model.analysis.ratios import stand_ins
from dashboard.model.derived import gdp_ppp, with_derived

GDP_PPP = "GDP.PPP.COMPUTED"
ITEM = load_catalogue().indicator(GDP_PPP)


def row(indicator, country, year, value, flag=""):
    return {"source": "worldbank", "indicator": indicator, "country": country, "partner": "",
            "year": year, "value": value, "unit": "u", "flag": flag}  # fmt: skip


def test_gdp_at_ppp_is_per_capita_times_population_where_both_exist():
    data = pd.DataFrame(
        [
            row("NY.GDP.PCAP.PP.CD", "CHN", 2020, 20.0),
            row("SP.POP.TOTL", "CHN", 2020, 1000.0),
            row("NY.GDP.PCAP.PP.CD", "WLD", 2020, 10.0, flag="estimate"),
            row("SP.POP.TOTL", "WLD", 2020, 8000.0),
            row("NY.GDP.PCAP.PP.CD", "RUS", 2020, 30.0),  # no population: no value
            row("SP.POP.TOTL", "CHN", 2021, 1000.0),  # no per-capita value
        ]
    )
    out = gdp_ppp(data, (), ITEM).set_index("country")
    assert out["value"].to_dict() == {
        "CHN": pytest.approx(20_000.0),
        "WLD": pytest.approx(80_000.0),
    }
    assert out.loc["WLD", "flag"] == "estimate"
    assert set(out["indicator"]) == {GDP_PPP}
    assert set(out["unit"]) == {"current international $"}
    assert "computed" in ITEM.title
    assert stand_ins() == {"NY.GDP.MKTP.PP.CD": GDP_PPP}  # the catalogue's stands_in_for


def test_with_derived_appends_only_what_is_asked_for():
    data = pd.DataFrame(
        [row("NY.GDP.PCAP.PP.CD", "CHN", 2020, 2.0), row("SP.POP.TOTL", "CHN", 2020, 3.0)]
    )
    assert with_derived(data, [], ("CHN", "RUS")) is data
    both = with_derived(data, [ITEM], ("CHN", "RUS"))
    assert len(both) == 3 and both.iloc[-1]["value"] == pytest.approx(6.0)
    assert gdp_ppp(data.iloc[:0], (), ITEM).empty


def test_every_arithmetic_the_catalogue_may_name_is_here():
    from config.catalogue_needs import ARITHMETIC
    from dashboard.model.derived import COMPUTE

    assert set(COMPUTE) == set(ARITHMETIC)
    assert {d.arithmetic for d in load_catalogue().derived} <= set(COMPUTE)
