"""The analysis panels as plain components, built from an Analysis of tiny SYNTHETIC frames."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import plotly
import pytest

from config.claims import Claim
from config.events import Event
from dashboard.model import analysis
from dashboard.page import analysis_checks, analysis_panels, analysis_parts
from tests.unit.test_analysis import NO_HISTORY, NO_RUNS, WINDOW, event, frame, obs, trade

PAIR = ("CHN", "RUS")
NAMES = {"CHN": "China", "RUS": "Russia"}
CRIMEA = event(date(2014, 3, 18), "Russia annexes Crimea", "Crimea")
PERIOD = Event(date(2012, 11, 15), date(2017, 10, 24), "A term", "Term", "c", "s", "https://x.org")
OUTSIDE = event(date(1991, 12, 25), "Long before", "USSR ends")


def result(data: pd.DataFrame, **options) -> analysis.Analysis:
    chosen = analysis.Options(
        window_events=("Russia annexes Crimea",),
        window_indicators=("NY.GDP.MKTP.CD",),
        claims=(
            Claim(
                "w",
                "The gap widened.",
                "gap_widened",
                ("NY.GDP.MKTP.CD",),
                2012,
                "widened",
                years=1,
            ),
        ),
        names=NAMES,
        **options,
    )
    events = [OUTSIDE, PERIOD, CRIMEA]
    return analysis.analyse(data, NO_HISTORY, NO_RUNS, events, PAIR, (), chosen)


FULL = frame(
    *WINDOW.to_dict("records"),
    *trade(2014),
    *trade(2015, flag="mirror"),
    obs("MS.MIL.XPND.CD", "RUS", 2014, 101e6),
    obs("SIPRI.MILEX.CURRENT_USD", "RUS", 2014, 100.0),
)


def text_of(component) -> str:
    """Every string in a component tree, joined."""
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def find(component, component_id):
    """The component with this id in the tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_every_panel_has_a_stable_id_and_serialises():
    panels = analysis_panels.panels(result(FULL), [OUTSIDE, PERIOD, CRIMEA], NAMES)
    assert [p.id for p in panels] == [
        "analysis-need",
        "analysis-claims",
        "analysis-windows",
        "analysis-basis",
        "analysis-release-diff",
        "analysis-cross-source",
        "analysis-world",
    ]
    assert "China takes 25% of Russia's goods trade" in text_of(panels)


def test_need_chart_marks_mirror_years_and_draws_only_events_in_range():
    fig = analysis_panels.need_figure(result(FULL), [OUTSIDE, PERIOD, CRIMEA], NAMES)
    plotly.io.from_json(json.dumps(fig))  # a valid plotly figure, sent as a plain dict
    chinas_share = fig["data"][0]
    assert chinas_share["name"] == "China's share of Russia's trade"
    assert chinas_share["marker"]["symbol"] == ["circle", "square-open"]  # 2015 is mirror data
    assert chinas_share["customdata"] == ["", " (mirror data)"]
    assert fig["data"][2]["name"] == "need ratio" and fig["data"][2]["yaxis"] == "y2"
    # The gap charts' event layer (one owner): context events are ticks at the foot with hover
    # text on a hidden axis of their own (y2 is the need ratio's); 1991 is not drawn.
    hover = [t for t in fig["data"] if t.get("name") == "Events"]
    assert hover and all(t["yaxis"] == "y3" for t in hover)
    named = [title for t in hover for title in t["text"]]
    assert sorted(named) == ["A term", "Russia annexes Crimea"]
    assert fig["layout"]["yaxis3"]["visible"] is False


def test_a_line_of_plain_observations_carries_one_marker_and_no_per_point_text():
    fig = analysis_panels.need_figure(result(FULL), [], NAMES)
    russias_share = fig["data"][1]  # China's report: no mirror years
    assert russias_share["marker"] == {"symbol": "circle", "size": 7}
    assert "customdata" not in russias_share
    assert "%{customdata}" not in russias_share["hovertemplate"]
    assert len(json.dumps(fig["layout"]["template"])) < 1000  # the site's template, not plotly's


def test_claims_panel_shows_verdict_rule_numbers_and_says_it_is_not_causal():
    panel = analysis_panels.claims_panel(result(FULL))
    text = text_of(panel)
    assert analysis.NOT_CAUSAL.replace('"', '\\"') in text
    claim = text_of(find(panel, "claim-w"))
    assert "holds" in claim
    assert "Rule: for each of GDP (current US$), the mean China ÷ Russia ratio" in claim
    # 2011: 100 ÷ 100 = 1.00; 2017: 146.41 ÷ 121 = 1.21 (an estimate): +21%.
    assert "GDP (current US$): ratio 1.00× (2011–2011 mean) → 1.21× (2017–2017 mean), +21%" in claim
    assert "(estimate)" in claim
    assert "Years compared: 2011–2017. Verdict unchanged over the stored releases." in claim


def test_claims_panel_names_what_is_missing():
    short = Claim("s", "Short.", "gap_widened", ("NY.GDP.MKTP.CD", "NY.GDP.MKTP.PP.CD"), 2012,
                  "widened", years=1)  # fmt: skip
    data = dataclasses.replace(result(FULL), claims=pd.DataFrame(), evidence=pd.DataFrame())
    claims, evidence = analysis.claim_table(
        FULL, NO_HISTORY, NO_RUNS,
        [short], PAIR, NAMES, analysis.indicator_titles(),
    )  # fmt: skip
    panel = analysis_panels.claims_panel(
        dataclasses.replace(data, claims=claims, evidence=evidence)
    )
    text = text_of(panel)
    assert "insufficient data" in text
    assert "Missing: GDP, PPP (current international $)." in text


def test_windows_panel_table_and_shaded_chart():
    data = result(FULL)
    panel = analysis_panels.windows_panel(data, [CRIMEA], NAMES)
    grid = find(panel, "windows-table")
    (row,) = grid.rowData
    assert row["a_before_pct"] == pytest.approx(10.0)
    assert row["gap_change_pp"] == pytest.approx(data.windows["gap_change_pp"][0])
    headers = [c["headerName"] for c in grid.columnDefs]
    assert headers[:3] == ["Event", "Indicator", "Change in the growth gap (China − Russia), pp"]
    assert grid.columnDefs[0]["pinned"] == "left"
    assert row["indicator_name"] == "GDP (current US$)"
    fig = analysis_panels.window_figure(data, CRIMEA, NAMES)
    rects = [(s["x0"], s["x1"]) for s in fig["layout"]["shapes"] if s["type"] == "rect"]
    assert rects == [(2011, 2014), (2014, 2017)]
    (gdp,) = fig["data"]  # the only window indicator with a ratio in 2014
    # China ÷ Russia: 1.0 (2011), 1.331 (2014), 1.21 (2017), indexed to 2014 = 100, drawn to six
    # significant digits.
    assert gdp["x"] == [2011, 2014, 2017]
    assert gdp["y"] == [75.1315, 100.0, 90.9091]


def test_cross_source_panel_lists_only_differences_over_the_tolerance():
    panel = analysis_checks.cross_source_panel(result(FULL))
    assert "1 of 1 country-years differ by more than 0.5%" in text_of(panel)
    assert find(panel, "cross-source-table").rowData[0]["relative_difference_pct"] == pytest.approx(
        1
    )
    wide = analysis_checks.cross_source_panel(result(FULL, tolerance=0.02))
    assert "0 of 1 country-years differ by more than 2%" in text_of(wide)
    assert find(wide, "cross-source-table") is None


def test_panels_say_why_they_are_empty():
    empty = result(frame(obs("SP.POP.TOTL", "CHN", 2020, 1.0)))
    text = text_of(analysis_panels.panels(empty, [], NAMES))
    for message in (
        "No bilateral and world trade rows",
        "No event window has data.",
        "No year has both bases.",
        "No release changed a stored value.",
        "No world aggregate stored.",
        "do not say which run added them",
        "Nothing to compare: no country-year has both",
        "The World Bank republishes SIPRI",
    ):
        assert message in text


def test_grids_send_the_largest_changes_first_and_say_how_many_more_the_export_has():
    rows = [
        {"source": "worldbank", "indicator": "NY.GDP.MKTP.CD", "country": "CHN", "partner": "",
         "year": 1980 + n, "change": "revised", "old_value": 100.0, "new_value": 100.0 + n,
         "difference_pct": float(n if n % 2 else -n), "old_flag": "", "new_flag": "",
         "release": "2099-09-09", "previous_release": "2098-08-08"}
        for n in range(40)
    ]  # fmt: skip
    rows.append({**rows[0], "year": 2030, "change": "new", "old_value": None,
                 "difference_pct": None})  # fmt: skip
    data = dataclasses.replace(result(FULL), release_diff=pd.DataFrame(rows))
    panel = analysis_checks.release_panel(data)
    grid = find(panel, "release-diff-table")
    assert len(grid.rowData) == analysis_parts.ROWS == 30
    sizes = [abs(r["difference_pct"]) for r in grid.rowData]
    assert sizes == list(range(39, 9, -1))  # largest revisions first, whatever their sign
    first = grid.rowData[0]
    assert (first["source_name"], first["country_name"]) == ("World Bank WDI", "China")  # names
    assert "11 more rows in the XLSX export" in text_of(panel)
    assert "worldbank: release 2099-09-09 against 2098-08-08: 40 revised, 1 new" in text_of(panel)
    small = analysis_checks.cross_source_panel(result(FULL))
    assert "more rows in the XLSX export" not in text_of(small)
