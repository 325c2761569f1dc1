"""KPI wording on tiny SYNTHETIC frames: ratios, their change, shares in pp, negatives, gaps."""

from __future__ import annotations

import pandas as pd

from dashboard.model import metrics, wording
from dashboard.model.numbers import MINUS

PAIR = ("CHN", "RUS")
NAMES = {"CHN": "China", "RUS": "Russia"}


def kpi(rows, unit="current US$", base=2014, years=None):
    frame = pd.DataFrame(
        [{"source": "s", "indicator": "I", "country": c, "partner": "", "year": y, "value": v,
          "unit": unit, "flag": ""} for c, y, v in rows]
    )  # fmt: skip
    return metrics.kpi(frame, "I", PAIR, base, years)


GDP = [("CHN", 2014, 10.4e12), ("RUS", 2014, 2.0e12), ("CHN", 2025, 19.0e12), ("RUS", 2025, 2.5e12)]


def test_ratio_sentence_with_its_change_and_basis():
    text = wording.headline("NY.GDP.MKTP.CD", "GDP", "current US$", kpi(GDP), NAMES, PAIR)
    assert text.startswith(
        "China's GDP is 7.6× Russia's at market exchange rates (2025), up from 5.2× in 2014"
    )
    assert "— in current US$ at market exchange rates, China's grew faster" in text


def test_the_gdp_sentence_gives_both_bases():
    ppp = kpi([("CHN", 2014, 18.0e12), ("RUS", 2014, 3.9e12), ("CHN", 2024, 37.0e12),
               ("RUS", 2024, 6.9e12)], unit="current international $")  # fmt: skip
    text = wording.headline("NY.GDP.MKTP.CD", "GDP", "current US$", kpi(GDP), NAMES, PAIR, ppp)
    assert text == (
        "China's GDP is 7.6× Russia's at market exchange rates (2025), up from 5.2× in 2014; "
        "at purchasing power parity 5.4× (2024), up from 4.6× in 2014 — in current US$ at "
        "market exchange rates, China's grew faster (+5.6%/yr against +2.0%/yr)."
    )
    # Not a market-rate series: no PPP clause.
    other = wording.headline("SP.POP.TOTL", "People", "people", kpi(GDP), NAMES, PAIR)
    assert "purchasing power" not in other


def test_ratio_change_is_from_to_with_percent_not_a_difference_of_ratios():
    assert wording.ratio_line(kpi(GDP)) == "from 5.2× in 2014 to 7.6× (+46%)"


def test_a_narrowing_gap_at_constant_prices_says_who_grew_faster():
    rows = [("CHN", 2014, 2.6e5), ("RUS", 2014, 1.0e5), ("CHN", 2024, 3.15e5), ("RUS", 2024, 1.5e5)]
    text = wording.headline(
        "SIPRI.MILEX.CONSTANT_USD", "Milex", "US$ m, constant 2023 prices", kpi(rows), NAMES, PAIR
    )
    assert "is 2.1× Russia's at constant prices (2024), down from 2.6× in 2014" in text
    assert "in constant 2023 US$, Russia's grew faster" in text
    assert "Russia's grew faster" in text


def test_negative_value_gives_no_ratio_and_says_why():
    rows = [("CHN", 2014, 2.6e11), ("RUS", 2014, 2.2e10), ("CHN", 2024, 1.8e10),
            ("RUS", 2024, -4.56e9)]  # fmt: skip
    k = kpi(rows)
    text = wording.headline("BX.KLT.DINV.CD.WD", "FDI", "current US$", k, NAMES, PAIR)
    assert "No ratio" in text and "Russia's value is negative" in text
    assert f"{MINUS}US$ 4.56 bn" in text
    assert "×" not in text
    assert wording.ratio_line(k) == "no ratio: a value is zero or negative"
    assert "Russia: no rate, a value is not positive" in wording.growth_line(
        "current US$", k, "China", "Russia"
    )
    assert "n/a" not in wording.growth_line("current US$", k, "China", "Russia")


def test_shares_change_in_percentage_points():
    rows = [("CHN", 2014, 0.019), ("RUS", 2014, 0.035), ("CHN", 2024, 0.017), ("RUS", 2024, 0.071)]
    k = kpi(rows, "fraction of GDP")
    text = wording.headline("SIPRI.MILEX.SHARE_GDP", "Share", "fraction of GDP", k, NAMES, PAIR)
    assert text == (
        f"Military spending is 1.7% of GDP in China and 7.1% in Russia (2024); "
        f"since 2014: China {MINUS}0.2 pp, Russia +3.6 pp."
    )
    growth = wording.growth_line("fraction of GDP", k, "China", "Russia")
    assert "pp" in growth and "/yr" not in growth


def test_missing_base_year_and_year_range():
    rows = [("CHN", 2010, 6.0e12), ("RUS", 2010, 1.5e12), ("CHN", 2020, 14.7e12),
            ("RUS", 2020, 1.5e12), ("CHN", 2014, 10.0e12)]  # fmt: skip
    k = kpi(rows)
    assert wording.ratio_line(k).startswith("no ratio for 2014")
    assert wording.growth_line("current US$", k, "China", "Russia") == (
        "growth since 2014: China +6.6%/yr (Russia: no 2014 value)"
    )
    text = wording.headline("NY.GDP.MKTP.CD", "GDP", "current US$", k, NAMES, PAIR)
    assert text == (
        "China's GDP is 9.8× Russia's at market exchange rates (2020); no comparison at "
        "purchasing power parity is available in this view."
    )
    # A 2000–2010 view reads 2010's figures; the base year after it gives no change to report.
    early = kpi(rows, years=(2000, 2010))
    assert early.year == 2010
    assert (
        wording.ratio_line(early) == ""
        and wording.growth_line("current US$", early, "a", "b") == ""
    )


def test_unknown_indicator_is_named_by_its_title():
    assert wording.subject("X", "Military expenditure") == "military expenditure"
    assert wording.subject("X", "GDP") == "GDP"


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
