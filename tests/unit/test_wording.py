"""KPI wording on tiny SYNTHETIC frames: ratios, their change, shares in pp, negatives, gaps."""

from __future__ import annotations

import pandas as pd

from config.catalogue import load_catalogue
from dashboard.model import metrics, wording
from dashboard.model.numbers import MINUS, unit_for

PAIR = ("CHN", "RUS")
NAMES = {"CHN": "China", "RUS": "Russia"}
CATALOGUE = load_catalogue()


def unit(indicator, stored=""):
    return unit_for(CATALOGUE.indicator(indicator), stored)


def headline(indicator, k, ppp=None, stored=""):
    """The sentence for a catalogued indicator, its unit from the catalogue."""
    item = CATALOGUE.indicator(indicator)
    return wording.headline(item, unit(indicator, stored), k, NAMES, PAIR, ppp)


def kpi(rows, unit="current US$", base=2014, years=None):
    frame = pd.DataFrame(
        [{"source": "s", "indicator": "I", "country": c, "partner": "", "year": y, "value": v,
          "unit": unit, "flag": ""} for c, y, v in rows]
    )  # fmt: skip
    return metrics.kpi(frame, "I", PAIR, base, years)


GDP = [("CHN", 2014, 10.4e12), ("RUS", 2014, 2.0e12), ("CHN", 2025, 19.0e12), ("RUS", 2025, 2.5e12)]


def test_ratio_sentence_with_its_change_and_basis():
    text = headline("NY.GDP.MKTP.CD", kpi(GDP))
    assert text.startswith(
        "China's GDP is 7.6× Russia's at market exchange rates (2025), up from 5.2× in 2014"
    )
    assert "— in current US$ at market exchange rates, China's grew faster" in text


def test_the_gdp_sentence_gives_both_bases():
    ppp = kpi([("CHN", 2014, 18.0e12), ("RUS", 2014, 3.9e12), ("CHN", 2024, 37.0e12),
               ("RUS", 2024, 6.9e12)], unit="current international $")  # fmt: skip
    text = headline("NY.GDP.MKTP.CD", kpi(GDP), ppp)
    assert text == (
        "China's GDP is 7.6× Russia's at market exchange rates (2025), up from 5.2× in 2014; "
        "at purchasing power parity 5.4× (2024), up from 4.6× in 2014 — in current US$ at "
        "market exchange rates, China's grew faster (+5.6%/yr against +2.0%/yr)."
    )
    # Not a market-rate series: no PPP clause.
    other = headline("SP.POP.TOTL", kpi(GDP))
    assert "purchasing power" not in other


def test_ratio_change_is_from_to_with_percent_not_a_difference_of_ratios():
    assert wording.ratio_line(kpi(GDP)) == "from 5.2× in 2014 to 7.6× (+46%)"


def test_a_narrowing_gap_at_constant_prices_says_who_grew_faster():
    rows = [("CHN", 2014, 2.6e5), ("RUS", 2014, 1.0e5), ("CHN", 2024, 3.15e5), ("RUS", 2024, 1.5e5)]
    text = headline("SIPRI.MILEX.CONSTANT_USD", kpi(rows), stored="US$ m, constant 2023 prices")
    assert "is 2.1× Russia's at constant prices (2024), down from 2.6× in 2014" in text
    assert "in constant 2023 US$, Russia's grew faster" in text
    assert "Russia's grew faster" in text


def test_negative_value_gives_no_ratio_and_says_why():
    rows = [("CHN", 2014, 2.6e11), ("RUS", 2014, 2.2e10), ("CHN", 2024, 1.8e10),
            ("RUS", 2024, -4.56e9)]  # fmt: skip
    k = kpi(rows)
    text = headline("BX.KLT.DINV.CD.WD", k)
    assert "No ratio" in text and "Russia's value is negative" in text
    assert f"{MINUS}US$ 4.56 bn" in text
    assert "×" not in text
    assert wording.ratio_line(k) == "no ratio: a value is zero or negative"
    assert "Russia: no rate, a value is not positive" in wording.growth_line(
        unit("BX.KLT.DINV.CD.WD"), k, "China", "Russia"
    )
    assert "n/a" not in wording.growth_line(unit("NY.GDP.MKTP.CD"), k, "China", "Russia")


def test_shares_change_in_percentage_points():
    rows = [("CHN", 2014, 0.019), ("RUS", 2014, 0.035), ("CHN", 2024, 0.017), ("RUS", 2024, 0.071)]
    k = kpi(rows, "fraction of GDP")
    text = headline("SIPRI.MILEX.SHARE_GDP", k)
    assert text == (
        f"Military spending is 1.7% of GDP in China and 7.1% in Russia (2024); "
        f"since 2014: China {MINUS}0.2 pp, Russia +3.6 pp."
    )
    growth = wording.growth_line(unit("SIPRI.MILEX.SHARE_GDP"), k, "China", "Russia")
    assert "pp" in growth and "/yr" not in growth


def test_missing_base_year_and_year_range():
    rows = [("CHN", 2010, 6.0e12), ("RUS", 2010, 1.5e12), ("CHN", 2020, 14.7e12),
            ("RUS", 2020, 1.5e12), ("CHN", 2014, 10.0e12)]  # fmt: skip
    k = kpi(rows)
    assert wording.ratio_line(k).startswith("no ratio for 2014")
    assert wording.growth_line(unit("NY.GDP.MKTP.CD"), k, "China", "Russia") == (
        "growth since 2014: China +6.6%/yr (Russia: no 2014 value)"
    )
    text = headline("NY.GDP.MKTP.CD", k)
    assert text == (
        "China's GDP is 9.8× Russia's at market exchange rates (2020); no comparison at "
        "purchasing power parity is available in this view."
    )
    # A 2000–2010 view reads 2010's figures; the base year after it gives no change to report.
    early = kpi(rows, years=(2000, 2010))
    assert early.year == 2010
    assert (
        wording.ratio_line(early) == ""
        and wording.growth_line(unit("NY.GDP.MKTP.CD"), early, "a", "b") == ""
    )


def test_every_series_is_named_in_a_sentence_by_the_catalogue():
    items = (*CATALOGUE.indicators, *CATALOGUE.derived)
    assert all(i.subject for i in items)
    assert CATALOGUE.indicator("MS.MIL.XPND.GD.ZS").subject == "military spending"
    share = [("CHN", 2014, 3.0), ("RUS", 2014, 30.0), ("CHN", 2024, 4.0), ("RUS", 2024, 34.0)]
    assert headline("CMT.PARTNER_SHARE", kpi(share)).startswith(
        "The other's share of its goods trade is 4% in China and 34% in Russia (2024)"
    )


def test_key_figures_are_precise_and_sentences_round():
    assert wording.ratio_line(kpi(GDP), precise=True) == "from 5.20× in 2014 to 7.60× (+46%)"


def test_an_empty_chart_says_whether_the_mode_or_the_years_hid_the_data():
    assert wording.no_chart("absolute", (1990, 2000), 2014, []) == (
        "No observation stored for this indicator."
    )
    assert "so no ratio" in wording.no_chart("ratio", (1990, 2000), 2014, [2010])
    assert "base year 2014" in wording.no_chart("indexed", (1990, 2000), 2014, [2010])
    assert wording.no_chart("absolute", (1990, 2000), 2014, [2005, 2010]).endswith(
        "the data cover 2005–2010."
    )
