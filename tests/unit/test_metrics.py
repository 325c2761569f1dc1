"""Pure metrics on tiny SYNTHETIC frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.model import metrics


def frame(rows):
    """Tiny tidy frame from (indicator, country, partner, year, value, flag) tuples."""
    return pd.DataFrame(
        [
            {
                "source": "s",
                "indicator": i,
                "country": c,
                "partner": p,
                "year": y,
                "value": v,
                "unit": "u",
                "flag": f,
            }
            for i, c, p, y, v, f in rows
        ]
    )


GDP = frame(
    [
        ("G", "CHN", "", 2014, 10.0, ""),
        ("G", "CHN", "", 2015, 11.0, ""),
        ("G", "CHN", "", 2016, 12.1, "estimate"),
        ("G", "RUS", "", 2014, 2.0, ""),
        ("G", "RUS", "", 2015, 2.0, ""),
        ("G", "RUS", "", 2016, 1.1, ""),
        ("G", "USA", "", 2016, 20.0, ""),
    ]
)


def test_ratio_and_kpi():
    assert metrics.ratio(GDP, "CHN", "RUS").to_dict() == pytest.approx(
        {2014: 5.0, 2015: 5.5, 2016: 11.0}
    )
    kpi = metrics.kpi(GDP, "G", ("CHN", "RUS"), 2014)
    assert (kpi.year, kpi.a_value, kpi.b_value) == (2016, 12.1, 1.1)
    assert kpi.ratio == pytest.approx(11.0)
    assert kpi.base_ratio == 5.0
    assert kpi.ratio_change == pytest.approx(6.0)
    assert kpi.ratio_change_pct == pytest.approx(120.0)
    assert kpi.a_growth == pytest.approx(10.0)  # 10 → 12.1 in two years is 10 %/yr
    assert kpi.a_flag == "estimate"


def test_kpi_without_both_countries_is_none():
    assert metrics.kpi(GDP[GDP.country == "CHN"], "G", ("CHN", "RUS"), 2014) is None


def test_transform_modes():
    pair = ("CHN", "RUS")
    ratio = metrics.transform(GDP, "ratio", pair, 2014)
    assert list(ratio["value"]) == pytest.approx([5.0, 5.5, 11.0])
    indexed = metrics.transform(GDP, "indexed", pair, 2014)
    chn = indexed[indexed.country == "CHN"]
    assert list(chn["value"].round(6)) == [100.0, 110.0, 121.0]
    assert "USA" not in set(indexed["country"])  # no 2014 value to index on
    share = metrics.transform(GDP, "share", pair, 2014)
    assert share[(share.country == "CHN") & (share.year == 2014)]["value"].item() == pytest.approx(
        100 * 10 / 12
    )
    assert set(share["country"]) == {"CHN", "RUS"}


def test_cagr_edges():
    assert metrics.cagr(100, 121, 2) == pytest.approx(10.0)
    assert math.isnan(metrics.cagr(0, 5, 2))
    assert math.isnan(metrics.cagr(5, 5, 0))


def test_table_rows_changes():
    table = metrics.table_rows(GDP, 2014)
    chn = table[table.country == "CHN"].set_index("year")
    assert math.isnan(chn.loc[2014, "yoy_pct"])
    assert chn.loc[2015, "yoy_pct"] == pytest.approx(10.0)
    assert chn.loc[2016, "since_base_pct"] == pytest.approx(21.0)
    assert math.isnan(table[table.country == "USA"]["since_base_pct"].item())


def test_trade_share_uses_both_flows_and_keeps_the_mirror_flag():
    rows = frame(
        [
            ("CMT.TOTAL.X", "RUS", "CHN", 2022, 30.0, "mirror"),
            ("CMT.TOTAL.M", "RUS", "CHN", 2022, 20.0, "mirror"),
            ("CMT.TOTAL.X", "RUS", "WLD", 2022, 150.0, ""),
            ("CMT.TOTAL.M", "RUS", "WLD", 2022, 100.0, ""),
            ("CMT.TOTAL.X", "CHN", "RUS", 2022, 20.0, ""),
            ("CMT.TOTAL.M", "CHN", "RUS", 2022, 30.0, ""),
            ("CMT.TOTAL.X", "CHN", "WLD", 2022, 1000.0, ""),
        ]
    )
    flows = ("CMT.TOTAL.X", "CMT.TOTAL.M")
    share = metrics.trade_share(rows, ("CHN", "RUS"), flows, "SHARE", "% of trade")
    assert list(share["country"]) == ["RUS"]  # China's world imports are missing: no share
    assert share["value"].item() == pytest.approx(20.0)
    assert share["flag"].item() == "mirror"
    assert (share["indicator"].item(), share["unit"].item()) == ("SHARE", "% of trade")


def test_no_ratio_when_a_value_is_not_positive():
    fdi = frame([("F", "CHN", "", 2024, 18.0, ""), ("F", "RUS", "", 2024, -4.5, ""),
                 ("F", "CHN", "", 2023, 30.0, ""), ("F", "RUS", "", 2023, 10.0, "")])  # fmt: skip
    assert metrics.ratio(fdi, "CHN", "RUS").to_dict() == {2023: 3.0}
    kpi = metrics.kpi(fdi, "F", ("CHN", "RUS"), 2023)
    assert kpi.year == 2024 and math.isnan(kpi.ratio) and kpi.base_ratio == 3.0
    assert math.isnan(kpi.b_growth)
    assert set(metrics.transform(fdi, "share", ("CHN", "RUS"), 2023)["year"]) == {2023}


def test_kpi_follows_the_year_range_and_keeps_base_values():
    kpi = metrics.kpi(GDP, "G", ("CHN", "RUS"), 2014, (2000, 2015))
    assert (kpi.year, kpi.a_value, kpi.a_base, kpi.b_base) == (2015, 11.0, 10.0, 2.0)
    assert metrics.kpi(GDP, "G", ("CHN", "RUS"), 2014, (1990, 2000)) is None


def test_common_years_need_both_of_the_pair():
    assert metrics.common_years(GDP, ("CHN", "RUS")) == [2014, 2015, 2016]
    assert metrics.common_years(GDP[GDP.year != 2015].drop(index=0), ("CHN", "RUS")) == [2016]
