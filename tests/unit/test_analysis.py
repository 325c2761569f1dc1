"""The analysis panels' numbers on tiny SYNTHETIC frames, checked against hand-computed values."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from config.claims import Claim
from config.events import Event
from dashboard.model import analysis
from dashboard.model.analysis import Options

PAIR = ("CHN", "RUS")
GDP, PPP = "NY.GDP.MKTP.CD", "NY.GDP.MKTP.PP.CD"
FDI = "BX.KLT.DINV.CD.WD"


def obs(indicator, country, year, value, flag="", partner="", source="s", **extra):
    return {
        "source": source,
        "indicator": indicator,
        "country": country,
        "partner": partner,
        "year": year,
        "value": value,
        "unit": "u",
        "flag": flag,
        **extra,
    }


def frame(*rows):
    return pd.DataFrame(list(rows))


def trade(year, rus=(30.0, 20.0, 100.0, 100.0), chn=(20.0, 30.0, 1000.0, 250.0), flag=""):
    """Comtrade rows: each reporter's X and M with the other and with the world."""
    rows = []
    for country, other, (x, m, wx, wm) in (("RUS", "CHN", rus), ("CHN", "RUS", chn)):
        rows += [
            obs("CMT.TOTAL.X", country, year, x, partner=other),
            obs(
                "CMT.TOTAL.M",
                country,
                year,
                m,
                partner=other,
                flag=flag if country == "RUS" else "",
            ),
            obs("CMT.TOTAL.X", country, year, wx, partner="WLD"),
            obs("CMT.TOTAL.M", country, year, wm, partner="WLD"),
        ]
    return rows


def event(day, title="E", label="E"):
    return Event(day, day, title, label, "c", "summary", "https://example.org/doc")


def runs(*rows):
    return pd.DataFrame(
        [
            dict(zip(("id", "source", "status", "release", "finished_at"), r, strict=True))
            for r in rows
        ]
    )


def hist(*rows):
    keys = ("run_id", "source", "indicator", "country", "partner", "year")
    return pd.DataFrame(
        [
            {
                **dict(zip(keys, r[:6], strict=True)),
                "old_value": r[6],
                "new_value": r[7],
                "old_flag": r[8] if len(r) > 8 else "",
                "new_flag": r[9] if len(r) > 9 else "",
            }
            for r in rows
        ],
        columns=[*keys, "old_value", "new_value", "old_flag", "new_flag"],
    )


NO_HISTORY = hist()
NO_RUNS = runs()


# --- flags, growth --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flags", "worst"),
    [
        (("", ""), ""),
        (("", "mirror"), "mirror"),
        (("mirror", "estimate"), "estimate"),
        (("uncertain", "estimate", "mirror"), "uncertain"),
        (("missing", "not_existing"), ""),
        ((), ""),
    ],
)
def test_worst_flag(flags, worst):
    assert analysis.worst_flag(*flags) == worst


def test_growth_is_cagr_in_percent_or_nan_with_the_reason():
    assert analysis.growth({2011: 100.0, 2014: 133.1}, 2011, 2014) == (pytest.approx(10.0), "")
    value, why = analysis.growth({2011: 100.0}, 2011, 2014)
    assert math.isnan(value) and why == "2014 missing"
    value, why = analysis.growth({2011: -5.0, 2014: 10.0}, 2011, 2014)
    assert math.isnan(value) and why == "2011 value ≤ 0"


# --- 1. need --------------------------------------------------------------------------------
def test_need_shares_ratio_and_mirror_flag():
    data = frame(*trade(2020), *trade(2021, flag="mirror"))
    need = analysis.need_table(data, PAIR)
    # RUS: (30 + 20) / (100 + 100) = 25 %; CHN: (20 + 30) / (1000 + 250) = 4 %; 25 / 4 = 6.25
    assert need["year"].tolist() == [2020, 2021]
    assert need["a_share_of_b"].tolist() == pytest.approx([25.0, 25.0])
    assert need["b_share_of_a"].tolist() == pytest.approx([4.0, 4.0])
    assert need["need_ratio"].tolist() == pytest.approx([6.25, 6.25])
    assert need["flag"].tolist() == ["", "mirror"]
    assert need["flag_b"].tolist() == ["", "mirror"] and need["flag_a"].tolist() == ["", ""]
    names = {"CHN": "China", "RUS": "Russia"}
    assert analysis.need_sentence(need, PAIR, names) == (
        "China takes 25% of Russia's goods trade; Russia 4.0% of China's (2021) "
        "(partner-reported data)."
    )


def test_need_year_with_one_side_missing_has_no_ratio():
    rows = [
        r for r in trade(2021) if not (r["country"] == "CHN" and r["indicator"] == "CMT.TOTAL.M")
    ]
    need = analysis.need_table(frame(*trade(2020), *rows), PAIR)
    last = need.set_index("year").loc[2021]
    assert last["a_share_of_b"] == pytest.approx(25.0)
    assert math.isnan(last["b_share_of_a"]) and math.isnan(last["need_ratio"])
    assert analysis.need_sentence(need, PAIR, {}).endswith("(2020).")


def test_need_without_trade_rows_is_empty():
    need = analysis.need_table(frame(obs(GDP, "CHN", 2020, 1.0)), PAIR)
    assert need.empty and analysis.need_sentence(need, PAIR, {}) == ""


# --- 3. event windows -----------------------------------------------------------------------
WINDOW = frame(
    obs(GDP, "CHN", 2011, 100.0),
    obs(GDP, "CHN", 2014, 133.1),
    obs(GDP, "CHN", 2017, 146.41, flag="estimate"),
    obs(GDP, "RUS", 2011, 100.0),
    obs(GDP, "RUS", 2014, 100.0),
    obs(GDP, "RUS", 2017, 121.0),
    obs(GDP, "IND", 2011, 50.0),
    obs(GDP, "IND", 2014, 50.0),
    obs(GDP, "IND", 2017, 50.0),
    obs(FDI, "CHN", 2011, 10.0),
    obs(FDI, "CHN", 2014, 12.0),
    obs(FDI, "CHN", 2017, 14.0),
    obs(FDI, "RUS", 2011, 5.0),
    obs(FDI, "RUS", 2014, -2.0),
    obs(FDI, "RUS", 2017, 3.0),
)


def test_event_window_growth_change_and_the_change_in_the_growth_gap():
    crimea = event(date(2014, 3, 18), "Crimea")
    table = analysis.event_windows(WINDOW, [crimea], [GDP], ("CHN", "RUS", "IND"), PAIR, 3)
    rows = table.set_index("country")
    chn_after = (1.1 ** (1 / 3) - 1) * 100  # 133.1 → 146.41 is ×1.1 over three years
    rus_after = (1.21 ** (1 / 3) - 1) * 100
    assert rows.loc["CHN", "before_pct"] == pytest.approx(10.0)
    assert rows.loc["CHN", "after_pct"] == pytest.approx(chn_after)
    assert rows.loc["CHN", "change_pp"] == pytest.approx(chn_after - 10.0)
    assert rows.loc["RUS", "before_pct"] == pytest.approx(0.0)
    assert rows.loc["RUS", "change_pp"] == pytest.approx(rus_after)
    assert rows.loc["IND", "change_pp"] == pytest.approx(0.0)
    assert table["gap_change_pp"].tolist() == pytest.approx([chn_after - 10.0 - rus_after] * 3)
    assert rows.loc["CHN", "before_years"] == "2011–2014"
    assert rows.loc["CHN", "after_years"] == "2014–2017"
    assert rows.loc["CHN", "flag"] == "estimate" and rows.loc["RUS", "flag"] == ""


def test_event_window_with_a_negative_value_is_undefined_with_the_reason():
    crimea = event(date(2014, 3, 18))
    table = analysis.event_windows(WINDOW, [crimea], [FDI], PAIR, PAIR, 3).set_index("country")
    assert math.isnan(table.loc["RUS", "before_pct"]) and math.isnan(
        table.loc["RUS", "gap_change_pp"]
    )
    assert table.loc["RUS", "note"] == "2014 value ≤ 0; 2014 value ≤ 0"
    assert table.loc["CHN", "before_pct"] == pytest.approx(((12 / 10) ** (1 / 3) - 1) * 100)


def test_event_late_in_the_year_uses_its_calendar_year_and_says_so():
    nss = event(date(2014, 12, 18))
    table = analysis.event_windows(WINDOW, [nss], [GDP], PAIR, PAIR, 3)
    assert table["event_year"].tolist() == [2014, 2014]
    assert "event in December 2014: its calendar year 2014 is the event year" in table["note"][0]


def test_event_window_summary_puts_the_pair_side_by_side():
    crimea = event(date(2014, 3, 18))
    windows = analysis.event_windows(WINDOW, [crimea], [GDP], ("CHN", "RUS", "IND"), PAIR, 3)
    summary = analysis.window_summary(windows, PAIR)
    assert len(summary) == 1
    row = summary.iloc[0]
    assert row["a_before_pct"] == pytest.approx(10.0) and row["b_before_pct"] == pytest.approx(0)
    assert row["gap_change_pp"] == pytest.approx(windows["gap_change_pp"][0])
    assert row["flag"] == "estimate"


def test_gap_ratios_drop_non_positive_years():
    gaps = analysis.gap_ratios(WINDOW, [GDP, FDI], PAIR)
    fdi = gaps[gaps["indicator"] == FDI]
    assert fdi["year"].tolist() == [2011, 2017]
    assert fdi["ratio"].tolist() == pytest.approx([2.0, 14 / 3])


# --- 4. basis -------------------------------------------------------------------------------
def test_basis_ratios_side_by_side_with_the_price_levels_between_them():
    data = frame(
        obs(GDP, "CHN", 2020, 10.0),
        obs(GDP, "RUS", 2020, 2.0),
        obs(PPP, "CHN", 2020, 20.0),
        obs(PPP, "RUS", 2020, 5.0, flag="estimate"),
        obs("PA.NUS.PPP", "CHN", 2020, 4.0),
        obs("PA.NUS.FCRF", "CHN", 2020, 8.0),
        obs("PA.NUS.PPP", "RUS", 2020, 30.0),
        obs("PA.NUS.FCRF", "RUS", 2020, 75.0),
        obs("SIPRI.MILEX.CURRENT_USD", "CHN", 2020, 300.0),
        obs("SIPRI.MILEX.CURRENT_USD", "RUS", 2020, 60.0),
        obs("SIPRI.MILEX.CONSTANT_USD", "CHN", 2020, 240.0, flag="uncertain"),
        obs("SIPRI.MILEX.CONSTANT_USD", "RUS", 2020, 80.0),
    )
    table = analysis.basis_table(data, PAIR).set_index("comparison")
    gdp = table.loc["GDP"]
    assert (gdp["first_ratio"], gdp["second_ratio"]) == (pytest.approx(5.0), pytest.approx(4.0))
    # market-rate ratio = PPP ratio × price factor: 5 = 4 × 1.25, bounded and positive
    assert gdp["price_factor"] == pytest.approx(1.25)
    # price level ratio = PPP factor ÷ exchange rate: China 4/8 = 0.5, Russia 30/75 = 0.4
    assert gdp["price_level_a"] == pytest.approx(0.5) and gdp["price_level_b"] == pytest.approx(0.4)
    assert gdp["relative_price_level"] == pytest.approx(1.25)
    assert gdp["flag"] == "estimate"
    mil = table.loc["Military spending (SIPRI)"]
    assert (mil["first_ratio"], mil["second_ratio"]) == (pytest.approx(5.0), pytest.approx(3.0))
    assert mil["price_factor"] == pytest.approx(5 / 3)
    assert math.isnan(mil["relative_price_level"])
    assert mil["flag"] == "uncertain"


def test_basis_uses_the_computed_gdp_at_ppp_when_the_wdi_series_is_absent():
    data = frame(
        obs(GDP, "CHN", 2020, 10.0),
        obs(GDP, "RUS", 2020, 2.0),
        obs("NY.GDP.PCAP.PP.CD", "CHN", 2020, 2.0),
        obs("SP.POP.TOTL", "CHN", 2020, 10.0),
        obs("NY.GDP.PCAP.PP.CD", "RUS", 2020, 5.0),
        obs("SP.POP.TOTL", "RUS", 2020, 1.0),
    )
    with_ppp = analysis.analyse(data, NO_HISTORY, NO_RUNS, [], PAIR).basis.iloc[0]
    assert with_ppp["second_indicator"] == "GDP.PPP.COMPUTED"
    assert with_ppp["second_ratio"] == pytest.approx(20 / 5)  # 2 × 10 against 5 × 1


def test_sipri_constant_and_current_meet_in_the_stated_base_year():
    rows = [
        {**obs("SIPRI.MILEX.CONSTANT_USD", c, 2023, v), "unit": "US$ m, constant 2023 prices"}
        for c, v in (("CHN", 100.0), ("RUS", 50.0))
    ] + [obs("SIPRI.MILEX.CURRENT_USD", "CHN", 2023, 100.0),
         obs("SIPRI.MILEX.CURRENT_USD", "RUS", 2023, 40.0)]  # fmt: skip
    note = analysis.basis.base_year_check(frame(*rows), PAIR, {"CHN": "China", "RUS": "Russia"})
    assert "constant prices of 2023" in note
    assert "China: constant ÷ current 1.000 (meet)" in note
    assert "Russia: constant ÷ current 1.250 (do not meet)" in note


# --- 5. release diff ------------------------------------------------------------------------
DIFF_RUNS = runs(
    (1, "worldbank", "ok", "2026-03-01", "t1"),
    (2, "worldbank", "ok", "2026-07-01", "t2"),
    (3, "worldbank", "unchanged", "2026-07-01", "t3"),
    (4, "worldbank", "failed", "", "t4"),
    (5, "sipri", "ok", "2025", "t5"),
)
DIFF_HISTORY = hist(
    (1, "worldbank", GDP, "CHN", "", 2019, 1.0, 2.0),
    (2, "worldbank", GDP, "CHN", "", 2020, 10.0, 12.0),
    (2, "worldbank", GDP, "RUS", "", 2020, 5.0, None),
    (2, "worldbank", GDP, "RUS", "", 2021, None, 6.0),
    (2, "worldbank", PPP, "RUS", "", 2021, 7.0, 7.0, "", "estimate"),
)


def test_release_diff_lists_the_latest_release_against_the_one_before():
    data = frame(obs(GDP, "CHN", 2020, 12.0, source="worldbank"))
    diff = analysis.release_diff(data, DIFF_HISTORY, DIFF_RUNS)
    assert set(diff["source"]) == {"worldbank"}
    assert set(diff["release"]) == {"2026-07-01"} and set(diff["previous_release"]) == {
        "2026-03-01"
    }
    rows = diff.set_index(["indicator", "country", "year"])
    revised = rows.loc[(GDP, "CHN", 2020)]
    assert revised["change"] == "revised"
    assert (revised["old_value"], revised["new_value"]) == (10.0, 12.0)
    assert revised["difference"] == pytest.approx(2.0)
    assert revised["difference_pct"] == pytest.approx(20.0)
    assert rows.loc[(GDP, "RUS", 2020), "change"] == "removed"
    assert rows.loc[(GDP, "RUS", 2021), "change"] == "new value"
    assert rows.loc[(PPP, "RUS", 2021), "change"] == "flag changed"
    assert (GDP, "CHN", 2019) not in rows.index  # an older release's revision


def test_release_diff_lists_added_values_when_the_frame_says_which_run_wrote_them():
    data = frame(
        obs(GDP, "CHN", 2020, 12.0, source="worldbank", run_id=2),
        obs(GDP, "CHN", 2022, 15.0, source="worldbank", run_id=2, flag="estimate"),
        obs(GDP, "CHN", 2018, 9.0, source="worldbank", run_id=1),
    )
    diff = analysis.release_diff(data, DIFF_HISTORY, DIFF_RUNS)
    added = diff[diff["change"] == "added"]
    assert added[["year", "new_value", "new_flag"]].values.tolist() == [[2022, 15.0, "estimate"]]
    chn_2020 = diff[(diff["year"] == 2020) & (diff["country"] == "CHN")]
    assert chn_2020["change"].tolist() == ["revised"]  # not also "added"


def test_release_diff_is_empty_without_runs_or_changes():
    assert analysis.release_diff(frame(obs(GDP, "CHN", 2020, 1.0)), NO_HISTORY, NO_RUNS).empty
    only_sipri = analysis.release_diff(frame(obs(GDP, "CHN", 2020, 1.0)), NO_HISTORY, DIFF_RUNS)
    assert only_sipri.empty


# --- 6. cross-source ------------------------------------------------------------------------
def test_cross_source_difference_and_tolerance():
    data = frame(
        obs("MS.MIL.XPND.CD", "CHN", 2020, 100e6),
        obs("SIPRI.MILEX.CURRENT_USD", "CHN", 2020, 100.2, flag="estimate"),
        obs("MS.MIL.XPND.CD", "RUS", 2020, 101e6),
        obs("SIPRI.MILEX.CURRENT_USD", "RUS", 2020, 100.0),
        obs("MS.MIL.XPND.CD", "RUS", 2021, 50e6),  # SIPRI has no 2021: not compared
    )
    table = analysis.cross_source(data, DIFF_RUNS, PAIR, 0.005).set_index("country")
    assert len(table) == 2
    chn, rus = table.loc["CHN"], table.loc["RUS"]
    assert chn["sipri_usd"] == pytest.approx(100.2e6)
    assert chn["difference_usd"] == pytest.approx(-0.2e6)
    assert chn["relative_difference_pct"] == pytest.approx(0.2 / 100.2 * 100)
    assert not chn["over_tolerance"] and chn["flag"] == "estimate"
    assert rus["relative_difference_pct"] == pytest.approx(1.0) and rus["over_tolerance"]
    # Releases of the latest good runs: worldbank's unchanged run 3, sipri's run 5.
    assert (rus["worldbank_release"], rus["sipri_release"]) == ("2026-07-01", "2025")


# --- 8. world share -------------------------------------------------------------------------
def test_world_share_where_the_aggregate_exists():
    data = frame(
        obs(GDP, "CHN", 2020, 10.0, flag="estimate"),
        obs(GDP, "RUS", 2020, 2.0),
        obs(GDP, "WLD", 2020, 100.0),
        obs(GDP, "RUS", 2021, 2.0),  # no world value for 2021
    )
    table = analysis.world_share(data, [GDP], PAIR, "WLD").set_index("country")
    assert table["share_pct"].to_dict() == {"CHN": pytest.approx(10.0), "RUS": pytest.approx(2.0)}
    assert table.loc["CHN", "flag"] == "estimate"


# --- 2. claims ------------------------------------------------------------------------------
def series(indicator, values):
    """Rows of one indicator: {year: (China, Russia)}."""
    return [
        obs(indicator, country, year, pair[n])
        for year, pair in values.items()
        for n, country in enumerate(PAIR)
    ]


# GDP runs to 2016 and PPP to 2015: the common end year is 2015, so 2016 (a strong-rouble year
# with the ratio at 1.0) is left out of both.
RULED = frame(
    *series(GDP, {2012: (2, 1), 2013: (2, 1), 2014: (3, 1), 2015: (3, 1), 2016: (1, 1)}),
    *series(PPP, {2012: (4, 2), 2013: (4, 2), 2014: (4.1, 2), 2015: (4.1, 2)}),
)
TITLES = {GDP: "GDP (current US$)", PPP: "GDP, PPP", FDI: "FDI"}


def test_gap_widened_compares_window_means_over_a_common_end_year():
    claim = Claim("w", "widened", "gap_widened", (GDP, PPP), 2014, "widened", years=2)
    verdict = analysis.evaluate(RULED, claim, PAIR, TITLES)
    gdp, ppp = verdict.items
    # GDP: mean ratio 2012–13 = 2.0 → 2014–15 = 3.0, +50%: widened; China − Russia 1 → 2.
    assert (gdp["reference_years"], gdp["latest_years"]) == ("2012–2013", "2014–2015")
    assert (gdp["reference_ratio"], gdp["latest_ratio"]) == (2.0, 3.0)
    assert gdp["ratio_change_pct"] == pytest.approx(50.0) and gdp["movement"] == "widened"
    assert (gdp["reference_difference"], gdp["latest_difference"]) == (1.0, 2.0)
    assert gdp["last_year"] == 2016
    # PPP: 2.0 → 2.05, +2.5%: within the 5% band, steady, so not "widened".
    assert ppp["ratio_change_pct"] == pytest.approx(2.5) and ppp["movement"] == "steady"
    assert verdict.status == "mixed" and verdict.end_year == 2015
    assert "common end year 2015 (later years left out: GDP (current US$) to 2016)" in (
        verdict.summary
    )
    assert "ratio 2.00× (2012–2013 mean) → 3.00× (2014–2015 mean), +50%: widened" in verdict.summary


def test_one_odd_year_cannot_flip_a_verdict():
    data = frame(*series(GDP, {2011: (2, 1), 2012: (2, 1), 2013: (2, 1), 2014: (3, 1),
                               2015: (3, 1), 2016: (1.8, 1)}))  # fmt: skip
    claim = Claim("w", "w", "gap_widened", (GDP,), 2014, "widened")
    # The ratio dips below its reference in 2016, but the 2014–16 mean (2.6) is 30% above 2.0.
    verdict = analysis.evaluate(data, claim, PAIR)
    assert verdict.status == "holds"
    assert verdict.items[0]["latest_ratio"] == pytest.approx(2.6)


def test_fewer_series_than_the_rule_needs_is_insufficient_data_naming_what_is_missing():
    claim = Claim("w", "w", "gap_widened", (GDP, PPP, FDI), 2014, "widened", years=2)
    verdict = analysis.evaluate(RULED, claim, PAIR, TITLES)
    assert verdict.status == "insufficient data"
    assert verdict.missing == ("FDI",)
    assert "2 of 3 series with data; the rule needs 3" in verdict.summary
    assert "FDI: missing (no year with both countries)" in verdict.summary
    lenient = Claim("w", "w", "gap_widened", (GDP, PPP, FDI), 2014, "widened", years=2,
                    min_series=2)  # fmt: skip
    assert analysis.evaluate(RULED, lenient, PAIR, TITLES).status == "mixed"
    gaps = frame(*series(GDP, {2012: (2, 1), 2014: (3, 1), 2015: (3, 1)}))
    one = Claim("w", "w", "gap_widened", (GDP,), 2014, "widened", years=2)
    verdict = analysis.evaluate(gaps, one, PAIR, TITLES)
    assert verdict.status == "insufficient data"
    assert verdict.items[0]["result"] == "missing (no ratio in 2013)"


def test_gap_not_closed_holds_unless_a_series_narrowed_beyond_the_band():
    data = frame(
        *series(GDP, {2015: (4, 1), 2016: (4, 1), 2017: (3, 1), 2019: (3.9, 1), 2020: (3.9, 1)}),
        *series(PPP, {2015: (4, 1), 2016: (4, 1), 2019: (3, 1), 2020: (3, 1)}),
    )
    claim = Claim("t", "t", "gap_not_closed", (GDP,), period=(2017, 2018), years=2)
    verdict = analysis.evaluate(data, claim, PAIR)
    # 2015–16 mean 4.0 → 2019–20 mean 3.9: −2.5%, steady: the gap did not close.
    assert verdict.status == "holds" and verdict.items[0]["movement"] == "steady"
    both = Claim("t", "t", "gap_not_closed", (GDP, PPP), period=(2017, 2018), years=2)
    assert analysis.evaluate(data, both, PAIR).status == "mixed"  # PPP: 4 → 3, −25%
    # A latest window reaching back into the period is not a window "after" it.
    early = frame(*series(GDP, {2015: (4, 1), 2016: (4, 1), 2018: (5, 1), 2019: (5, 1)}))
    assert analysis.evaluate(early, claim, PAIR).status == "insufficient data"


def test_needs_more_compares_mean_shares_over_the_latest_years():
    data = frame(
        *trade(2013, rus=(1.0, 1.0, 100.0, 100.0)), *trade(2014), *trade(2015, flag="mirror")
    )
    claim = Claim("n", "n", "needs_more", country="RUS", start=2014, years=2)
    verdict = analysis.evaluate(data, claim, PAIR)
    (item,) = verdict.items
    # 2014–15: China takes 25% of Russia's trade, Russia 4% of China's: 6.25×.
    assert verdict.status == "holds" and item["latest_ratio"] == pytest.approx(6.25)
    assert item["flag"] == "mirror" and item["latest_years"] == "2014–2015"
    reverse = Claim("r", "r", "needs_more", country="CHN", start=2014, years=2)
    assert analysis.evaluate(data, reverse, PAIR).status == "does not hold"
    too_few = Claim("n", "n", "needs_more", country="RUS", start=2015, years=2)
    assert analysis.evaluate(data, too_few, PAIR).status == "insufficient data"


def test_need_after_2021_from_partner_data_and_wto_totals():
    china_only = [r for r in trade(2022) if r["country"] == "CHN"]
    wto = [
        obs("TX.VAL.MRCH.CD.WT", "RUS", 2022, 150.0),
        obs("TM.VAL.MRCH.CD.WT", "RUS", 2022, 50.0),
    ]
    need = analysis.need_table(frame(*trade(2021), *china_only, *wto), PAIR).set_index("year")
    # 2022: Russia's flows with China are China's reports (X 30 = China's M, M 20 = China's X);
    # Russia's world totals the WDI's WTO-based 150 + 50: (30 + 20) ÷ 200 = 25%.
    assert need.loc[2022, "a_share_of_b"] == pytest.approx(25.0)
    assert need.loc[2022, "flag_b"] == "mirror"
    assert need.loc[2022, "source_note"] == "from partner data and WTO totals"
    assert need.loc[2021, "source_note"] == ""
    text = analysis.need_sentence(need.reset_index(), PAIR, {})
    assert text.endswith("(2022) (from partner data and WTO totals).")


def test_claim_table_states_the_rule_and_the_release_at_which_a_verdict_last_changed():
    data = frame(
        obs(GDP, "CHN", 2013, 4.0, source="worldbank"),
        obs(GDP, "RUS", 2013, 2.0, source="worldbank"),
        obs(GDP, "CHN", 2020, 9.0, source="worldbank"),
        obs(GDP, "RUS", 2020, 3.0, source="worldbank"),
    )
    history = hist(
        # Run 1: China 2020 3 → 9: the ratio 2013 → 2020 goes from 2 → 1 (narrowed) to 2 → 3.
        (1, "worldbank", GDP, "CHN", "", 2020, 3.0, 9.0),
        # Run 2: Russia 2013 2.5 → 2.0: 1.6 → 3.0 becomes 2.0 → 3.0, widened either way.
        (2, "worldbank", GDP, "RUS", "", 2013, 2.5, 2.0),
    )
    the_runs = runs(
        (1, "worldbank", "ok", "2026-03-01", "t1"), (2, "worldbank", "ok", "2026-07-01", "t2")
    )
    widened = Claim("w", "w", "gap_widened", (GDP,), 2014, "widened", years=1)
    narrowed = Claim("n", "n", "gap_widened", (GDP,), 2014, "narrowed", years=1)
    names = {"CHN": "China", "RUS": "Russia"}
    claims, evidence = analysis.claim_table(
        data, history, the_runs, [widened, narrowed], PAIR, names, TITLES
    )
    table = claims.set_index("id")
    assert table.loc["w", "status"] == "holds"
    assert table.loc["w", "last_changed_run"] == 1
    assert table.loc["w", "last_changed_release"] == "worldbank 2026-03-01"
    assert table.loc["n", "status"] == "does not hold" and table.loc["n", "last_changed_run"] == 1
    assert table.loc["w", "years"] == "2013–2020"
    assert table.loc["w", "rule"].startswith(
        "Rule: for each of GDP (current US$), the mean China ÷ Russia ratio over the 1 years "
        "before 2014 (2013–2013)"
    )
    assert evidence["claim"].tolist() == ["w", "n"]
    unchanged, _ = analysis.claim_table(data, NO_HISTORY, the_runs, [widened], PAIR)
    assert unchanged.loc[0, "last_changed_release"] == ""


def test_revert_undoes_revisions_and_drops_additions():
    data = frame(
        obs(GDP, "CHN", 2020, 9.0, flag="estimate", run_id=2),
        obs(GDP, "CHN", 2021, 10.0, run_id=2),
        obs(GDP, "CHN", 2019, 8.0, run_id=1),
    )
    history = hist((2, "s", GDP, "CHN", "", 2020, 5.0, 9.0, "", "estimate"))
    before = analysis.revert(data, history, 2).set_index("year")
    assert before["value"].to_dict() == {2020: 5.0, 2019: 8.0}
    assert before.loc[2020, "flag"] == ""


# --- one entry point and its tables ---------------------------------------------------------
def test_analyse_and_tables_carry_every_panel():
    crimea = event(date(2014, 3, 18), "Russia annexes Crimea", "Crimea")
    claims = (Claim("w", "widened", "gap_widened", (GDP,), 2014, "widened", years=3),)
    options = Options(
        window_events=("Russia annexes Crimea", "Not in the register"),
        window_indicators=(GDP,),
        claims=claims,
        names={"CHN": "China", "RUS": "Russia"},
        titles=TITLES,
    )
    data = frame(*WINDOW.to_dict("records"), *trade(2017))
    result = analysis.analyse(data, NO_HISTORY, NO_RUNS, [crimea], PAIR, ("IND",), options)
    assert result.kpi == "China takes 25% of Russia's goods trade; Russia 4.0% of China's (2017)."
    assert set(result.windows["country"]) == {"CHN", "RUS", "IND"}
    assert any("Not in the register" in n for n in result.notes)
    assert any("added by the latest release" in n for n in result.notes)
    tables = analysis.analysis_tables(result)
    assert list(tables) == [
        "Need",
        "Claims",
        "Event windows",
        "Basis",
        "Release diff",
        "Cross-source",
        "World share",
    ]
    assert "China's share of Russia's goods trade (%)" in tables["Need"].columns
    claims_sheet = tables["Claims"]
    assert claims_sheet["indicator_id"].tolist() == [GDP]
    assert claims_sheet["Indicator"].tolist() == ["GDP (current US$)"]
    windows = tables["Event windows"]
    assert "Change in the growth gap (China − Russia), pp" in windows.columns
    assert windows["Indicator"].iloc[0] == "GDP (current US$)"
    assert set(windows["Country"]) == {"China", "Russia", "IND"}
    assert not [c for c in (h for t in tables.values() for h in t.columns) if "_pp" in c or
                c.startswith(("first_", "did"))]  # fmt: skip


def test_windows_use_real_growth_by_default_and_flag_overlapping_windows():
    rates = [obs("NY.GDP.MKTP.KD.ZG", c, y, g) for c, g in (("CHN", 10.0), ("RUS", 0.0))
             for y in range(2012, 2019)]  # fmt: skip
    crimea = event(date(2014, 3, 18), "Russia annexes Crimea", "Crimea")
    nss = event(date(2017, 12, 18), "US NSS", "NSS")
    options = Options(window_events=("Russia annexes Crimea", "US NSS"), window_years=1)
    result = analysis.analyse(frame(*rates), NO_HISTORY, NO_RUNS, [crimea, nss], PAIR, (), options)
    table = result.windows.set_index(["event_label", "country"])
    # Annual rates compound: 10% a year before and after; Russia flat.
    assert table.loc[("Crimea", "CHN"), "before_pct"] == pytest.approx(10.0)
    assert table.loc[("Crimea", "RUS"), "after_pct"] == pytest.approx(0.0)
    assert result.window_basis == "real (constant prices)"
    # N = 1: 2013–2015 and 2016–2018 share no year; with N = 2 they do (2014–18, 2015–19).
    assert table.loc[("Crimea", "CHN"), "overlaps"] == ""
    wider = Options(window_events=("Russia annexes Crimea", "US NSS"), window_years=2)
    wide = analysis.analyse(frame(*rates), NO_HISTORY, NO_RUNS, [crimea, nss], PAIR, (), wider)
    assert (
        wide.windows.set_index(["event_label", "country"]).loc[("Crimea", "CHN"), "overlaps"]
        == "NSS (2017)"
    )


def test_compounded_growth_from_annual_rates():
    assert analysis.windows.compounded({2012: 10.0, 2013: 21.0}, 2011, 2013) == (
        pytest.approx((1.1 * 1.21) ** 0.5 * 100 - 100),
        "",
    )
    value, why = analysis.windows.compounded({2012: 10.0}, 2011, 2013)
    assert math.isnan(value) and why == "growth missing in 2013"
